"""The stage before the intent: a city pursuing a partner (推动建立友城关系, 积极推进, 洽谈).
Jinan pursues Sønderborg and Leiden, Shenyang's 和平区 pursues Seoul's 龙山区: the place
pages and the API show them at the new stage, with its own label and colour, and no count
of partners, comparison or anniversary takes them for established ties."""

import pytest
from django.core.exceptions import ValidationError

from cities.choices import STAGE_ORDER, Stage
from cities.models import Relationship, RelationshipStage
from cities.views import PlaceListView
from tests.builders import cited, new_relationship, place

pytestmark = pytest.mark.django_db


def test_pursuing_comes_before_intent():
    assert min(STAGE_ORDER, key=STAGE_ORDER.get) == Stage.PURSUING
    assert STAGE_ORDER[Stage.PURSUING] < STAGE_ORDER[Stage.INTENT]


class TestPlacePages:
    def test_jinan_shows_its_pursued_partners_at_the_new_stage(self, client):
        page = client.get("/places/jinan/").content.decode()
        section = page[page.index('id="partners"') : page.index('id="timeline"')]
        assert (
            '<span class="stage stage-pursuing">推动/洽谈中</span> <span class="count">2</span>'
            in (section)
        )
        assert "森讷堡市" in section and "莱顿" in section
        # No established tie: the partner count is 0, the two are counted apart.
        assert '<span class="count" title="已建立的友好关系">0</span>' in section
        assert "另有 2 对处于意向或推动/洽谈阶段，不计入友好伙伴数。" in section

    def test_in_english(self, client):
        page = client.get("/en/places/jinan/").content.decode()
        assert '<span class="stage stage-pursuing">Pursuing</span>' in page
        assert "2 relationships at the intent or pursuing stage, not counted as partners." in page

    def test_heping_shows_yongsan_at_the_new_stage(self, client):
        page = client.get("/places/shenyang-heping/").content.decode()
        section = page[page.index('id="partners"') : page.index('id="timeline"')]
        assert '<span class="stage stage-pursuing">推动/洽谈中</span>' in section
        assert "龙山区" in section
        # The dated step (2022) is on the timeline with the stage's label.
        timeline = page[page.index('id="timeline"') :]
        assert '<span class="stage stage-pursuing">推动/洽谈中</span> <a' in timeline

    def test_shenyang_counts_the_district_pursuit_apart(self, client):
        page = client.get("/places/shenyang/").content.decode()
        holders = page[page.index('id="holders"') :]
        row = holders[holders.index("和平区") : holders.index("</tr>", holders.index("和平区"))]
        # 友好城市 0, 友好交流城市 0, 意向及推动中 1, 合计 1
        assert [cell.split("<")[0] for cell in row.split("<td>")[1:]] == ["0", "0", "1", "1"]

    def test_the_relationship_page_shows_the_stage(self, client):
        yongsan = Relationship.objects.get(foreign_place__slug="seoul-yongsan")
        page = client.get(yongsan.get_absolute_url()).content.decode()
        assert '<dd><span class="stage stage-pursuing">推动/洽谈中</span></dd>' in page
        assert "2022年" in page


class TestAPI:
    def test_jinan_has_two_pursued_relationships(self, client):
        rows = client.get("/api/relationships/?chinese_place=jinan").json()["results"]
        assert sorted((r["foreign_place"]["slug"], r["stage"]) for r in rows) == [
            ("leiden", "pursuing"),
            ("sonderborg", "pursuing"),
        ]
        assert {r["stage_display"] for r in rows} == {"推动/洽谈中"}
        assert {r["began"] for r in rows} == {None}

    def test_heping_pursues_yongsan(self, client):
        [row] = client.get("/api/relationships/?chinese_place=shenyang-heping").json()["results"]
        assert (row["foreign_place"]["slug"], row["kind"], row["stage"], row["level"]) == (
            "seoul-yongsan",
            "friendly",
            "pursuing",
            "district",
        )
        assert [(s["stage"], s["date"]) for s in row["stages"]] == [("pursuing", "2022")]

    def test_the_stage_filter_and_schema_know_pursuing(self, client):
        rows = client.get("/api/relationships/?stage=pursuing").json()["results"]
        assert {r["foreign_place"]["slug"] for r in rows} == {
            "sonderborg",
            "leiden",
            "seoul-yongsan",
        }
        schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
        assert "pursuing" in schema

    def test_comparison_keeps_pursuing_apart(self, client):
        recorded = client.get(f"/api/comparisons/{place('shenyang').pk}/").json()["recorded"]
        # 4 sister cities and the development zone's partner; the district's pursuit apart.
        assert (recorded["sister_cities"], recorded["friendly_cities"]) == (4, 1)
        assert (recorded["partners"], recorded["pursuing"], recorded["intents"]) == (5, 1, 0)


class TestCounts:
    def test_reported_vs_recorded_counts_no_pursued_partner(self):
        rows = {row.figure.metric: row for row in place("jinan").reported_vs_recorded()}
        assert rows["partners"].recorded == 0
        assert rows["sister_cities"].recorded == 0

    def test_the_home_table_has_a_pursuing_column(self, client):
        page = client.get("/").content.decode()
        table = page[page.index('id="kind-stage-heading"') :]
        assert '<th scope="col">推动/洽谈中</th>' in table[: table.index("</thead>")]

    def test_the_place_directory_counts_established_partners_only(self):
        sonderborg = Relationship.objects.get(foreign_place__slug="sonderborg")
        sonderborg.stage = Stage.ACTIVE
        sonderborg.save()
        counts = {
            p.slug: p.partner_count
            for p in PlaceListView().get_base_queryset().filter(slug__in=["sonderborg", "leiden"])
        }
        assert counts == {"sonderborg": 1, "leiden": 0}

    def test_no_anniversary_for_a_pursued_partner(self, client):
        response = client.get("/api/anniversaries/?chinese_place=shenyang-heping&format=json")
        assert response.status_code == 200
        assert "seoul-yongsan" not in response.content.decode()


class TestStageRules:
    def test_a_pursued_relationship_cannot_have_a_signing(self):
        yongsan = Relationship.objects.get(foreign_place__slug="seoul-yongsan")
        step = RelationshipStage(relationship=yongsan, stage=Stage.AGREEMENT, date_year=2022)
        with pytest.raises(ValidationError) as error:
            step.full_clean()
        assert "stage" in error.value.message_dict

    def test_an_intent_keeps_its_pursuit_before_it(self):
        city = place("jinzhong")
        relationship = new_relationship(city)
        relationship.stage = Stage.INTENT
        relationship.save()
        intent = RelationshipStage.objects.create(
            relationship=relationship, stage=Stage.INTENT, date_year=2018
        )
        cited(intent, city)
        later = RelationshipStage(relationship=relationship, stage=Stage.PURSUING, date_year=2019)
        with pytest.raises(ValidationError) as error:
            later.full_clean()
        assert "date_year" in error.value.message_dict
        earlier = RelationshipStage(relationship=relationship, stage=Stage.PURSUING, date_year=2017)
        earlier.full_clean()
        # The pursuit does not date the beginning: the intent does.
        earlier.save()
        assert Relationship.objects.get(pk=relationship.pk).began.year == 2018

    def test_the_current_stage_cannot_fall_back_to_pursuing_behind_an_intent(self):
        relationship = Relationship.objects.filter(stages__stage=Stage.INTENT).first()
        relationship.stage = Stage.PURSUING
        with pytest.raises(ValidationError) as error:
            relationship.full_clean()
        assert "stage" in error.value.message_dict
