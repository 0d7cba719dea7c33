"""National-rule warnings (cities.national_rules): each rule warns after a save in the
admin (form and import) and in the API's write answer, never refuses, and once
acknowledged with a reason (admin or API) no longer shows, there or on the dashboard."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cities.models import Place, Relationship, RelationshipStage, RuleAcknowledgement
from cities.national_rules import relationship_warnings, warnings_of
from sources.models import Citation, SourceReport
from tests.builders import staff_user, token_client
from utilities.testing.admin import CSV_FORMAT, admin_url, as_csv, change_url, form_data
from utilities.testing.queries import count_queries

pytestmark = pytest.mark.django_db


def place(slug):
    return Place.objects.get(slug=slug)


def later_citation():
    """A passage of a report published after the dates these tests enter."""
    return Citation.objects.filter(report__slug="shenyang-2022-10-19").order_by("pk").first()


def foreign(slug, level="city", country="JP"):
    return Place.objects.create(
        slug=slug, name_zh=f"测试{slug[-4:]}", name_en=slug, level=level, country=country
    )


def rules_of(relationship):
    return [warning.rule for warning in warnings_of(relationship)]


def admin_add(client, chinese, partner, kind="sister", stage="active", agreement=2019):
    """Add a relationship in the admin (with an agreement step unless ``agreement`` is
    None), following the redirect so the messages of the next page are read."""
    citation = later_citation().pk
    data = {
        "chinese_place": chinese.pk,
        "foreign_place": partner.pk,
        "kind": kind,
        "stage": stage,
        "citations": [citation],
        "stages-TOTAL_FORMS": "1" if agreement else "0",
        "stages-INITIAL_FORMS": "0",
    }
    if agreement:
        data.update(
            {
                "stages-0-stage": "agreement",
                "stages-0-date_year": str(agreement),
                "stages-0-citations": [citation],
            }
        )
    return client.post(admin_url(Relationship, "add"), data, follow=True)


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def jinzhong_api(db):
    return token_client(staff_user("test-rules-clerk", place("jinzhong")))


class TestRules:
    def test_a_county_with_a_foreign_province_is_a_level_mismatch(self, client, staff):
        partner = foreign("test-rules-province", level="province")
        response = admin_add(client, place("pingyao"), partner)
        relationship = Relationship.objects.get(foreign_place=partner)  # saved: never refused
        assert rules_of(relationship) == ["level_mismatch"]
        text = " ".join(messages_of(response))
        assert "双方层级不对等" in text and "县" in text and "省/州/大区" in text
        # The message links to the acknowledgement page, filled in for this warning.
        assert (
            f"relationship={relationship.pk}&amp;rule=level_mismatch" in response.content.decode()
        )

    def test_a_city_with_an_italian_province_matches(self, staff):
        # Jinzhong–Como (an Italian province, a city-level partner) warns of nothing.
        como = Relationship.objects.get(foreign_place__slug="como-province")
        assert rules_of(como) == []

    def test_a_second_partner_of_the_same_kind_in_the_province(self, client, staff):
        como = Relationship.objects.get(foreign_place__slug="como-province")
        response = admin_add(client, place("pingyao"), como.foreign_place, kind=como.kind)
        relationship = Relationship.objects.get(
            chinese_place__slug="pingyao", foreign_place=como.foreign_place
        )
        assert rules_of(relationship) == ["same_province"]
        assert "晋中市" in " ".join(messages_of(response))
        # The other kind in the same province is no duplicate.
        other = admin_add(client, place("pingyao"), foreign("test-rules-other"), kind="friendly")
        assert "外方在同省已有同类伙伴" not in " ".join(messages_of(other))

    def test_a_country_without_diplomatic_relations(self, client, staff):
        partner = foreign("test-rules-asuncion", country="PY")
        response = admin_add(client, place("jinzhong"), partner)
        assert "未与中国建交" in " ".join(messages_of(response))
        assert rules_of(Relationship.objects.get(foreign_place=partner)) == [
            "no_diplomatic_relations"
        ]

    def test_active_without_an_agreement_step(self, client, staff):
        partner = foreign("test-rules-unsigned")
        response = admin_add(client, place("jinzhong"), partner, agreement=None)
        relationship = Relationship.objects.get(foreign_place=partner)
        assert rules_of(relationship) == ["active_without_agreement"]
        assert "没有“签署协议”这一步" in " ".join(messages_of(response))
        # Adding the agreement step (the stage admin) clears it.
        RelationshipStage.objects.create(
            relationship=relationship, stage="agreement", date_year=2020
        )
        assert rules_of(relationship) == []

    def test_warnings_of_many_relationships_take_a_fixed_number_of_queries(
        self, django_assert_max_num_queries
    ):
        with django_assert_max_num_queries(6):
            found = relationship_warnings(Relationship.objects.all())
        assert len(found) == Relationship.objects.count()


class TestAcknowledgeInAdmin:
    def test_acknowledged_with_a_reason_it_no_longer_shows(self, client, staff):
        partner = foreign("test-rules-ack", country="PY")
        admin_add(client, place("jinzhong"), partner)
        relationship = Relationship.objects.get(foreign_place=partner)
        add = admin_url(RuleAcknowledgement, "add")
        page = client.get(add, {"relationship": relationship.pk, "rule": "no_diplomatic_relations"})
        data = form_data(page)
        assert data["relationship"] == str(relationship.pk)
        assert data["rule"] == "no_diplomatic_relations"
        refused = client.post(add, {**data, "reason": ""})
        assert refused.status_code == 200 and not RuleAcknowledgement.objects.exists()
        client.post(add, {**data, "reason": "测试：经全国友协特批"})
        acknowledgement = RuleAcknowledgement.objects.get(relationship=relationship)
        assert acknowledgement.user == staff
        assert acknowledgement.history.first().history_user == staff
        assert rules_of(relationship) == []
        # Saving the relationship again shows no warning; the dashboard lists none for it.
        form = form_data(client.get(change_url(relationship)))
        response = client.post(change_url(relationship), form, follow=True)
        assert not any("未与中国建交" in message for message in messages_of(response))
        dashboard = client.get(reverse("office-dashboard")).content.decode()
        assert "测试ncion" not in dashboard

    def test_the_dashboard_lists_unacknowledged_warnings(self, client, staff):
        partner = foreign("test-rules-dash", level="province")
        admin_add(client, place("pingyao"), partner)
        html = client.get(reverse("office-dashboard")).content.decode()
        assert 'id="rule-warnings"' in html
        assert "平遥县 – 测试dash" in html and "双方层级不对等" in html
        # Loaded Jinzhong records active with no agreement step are listed too (Hoi An).
        assert "晋中市 – 会安市" in html

    def test_another_office_cannot_acknowledge(self, client, staff):
        wuhan_oita = Relationship.objects.get(
            chinese_place__slug="wuhan", foreign_place__slug="oita"
        )
        response = client.post(
            admin_url(RuleAcknowledgement, "add"),
            {"relationship": wuhan_oita.pk, "rule": "level_mismatch", "reason": "测试"},
        )
        assert response.status_code in (200, 403)
        assert not RuleAcknowledgement.objects.filter(relationship=wuhan_oita).exists()


class TestImport:
    def test_a_confirmed_import_shows_the_warnings(self, client, staff):
        text = "2026年5月18日，晋中市与测试亚松森签署建立国际友好城市协议书。"
        SourceReport.objects.create(
            slug="test-rules-news", title="测试消息", chinese_place=place("jinzhong"), text=text
        )
        Place.objects.create(
            slug="test-rules-import", name_zh="测试亚松森", name_en="x", level="city", country="PY"
        )
        table = [
            ["中方地方", "外方地方", "类别", "阶段", "中方层级", "签约日期", "合作领域", "引文报告", "引文"],
            ["晋中市", "测试亚松森", "友好城市", "存续", "市级", "2026-05-18", "", "test-rules-news",
             "晋中市与测试亚松森签署建立国际友好城市协议书"],
        ]  # fmt: skip
        preview = client.post(
            reverse("admin:cities_relationship_import"),
            {
                "format": CSV_FORMAT,
                "resource": "0",
                "import_file": SimpleUploadedFile("rules.csv", as_csv(table)),
            },
        )
        form = preview.context["confirm_form"]
        data = {name: form.initial.get(name, "") for name in form.fields}
        response = client.post(
            reverse("admin:cities_relationship_process_import"), data, follow=True
        )
        assert Relationship.objects.filter(foreign_place__slug="test-rules-import").exists()
        assert any("未与中国建交" in message for message in messages_of(response))


class TestApi:
    def create(self, api, chinese, partner, **extra):
        body = {
            "chinese_place": chinese.pk,
            "foreign_place": partner.pk,
            "kind": "sister",
            "stage": "active",
            "citations": [later_citation().pk],
            **extra,
        }
        return api.post("/api/relationships/", body, format="json")

    def test_a_write_answers_with_its_warnings_and_an_acknowledgement_clears_them(
        self, jinzhong_api
    ):
        partner = foreign("test-rules-api", level="province", country="PY")
        response = self.create(jinzhong_api, place("pingyao"), partner)
        assert response.status_code == 201, response.content
        rules = {warning["rule"] for warning in response.json()["warnings"]}
        assert rules == {"level_mismatch", "no_diplomatic_relations", "active_without_agreement"}
        pk = response.json()["id"]
        acknowledged = jinzhong_api.post(
            "/api/rule-acknowledgements/",
            {"relationship": pk, "rule": "no_diplomatic_relations", "reason": "测试：历史特例"},
            format="json",
        )
        assert acknowledged.status_code == 201, acknowledged.content
        assert acknowledged.json()["user"] == "test-rules-clerk"
        patched = jinzhong_api.patch(f"/api/relationships/{pk}/", {"notes": "测试"}, format="json")
        assert patched.status_code == 200
        assert {w["rule"] for w in patched.json()["warnings"]} == {
            "level_mismatch",
            "active_without_agreement",
        }
        # A second acknowledgement of the same rule is refused; a reason is required.
        again = jinzhong_api.post(
            "/api/rule-acknowledgements/",
            {"relationship": pk, "rule": "no_diplomatic_relations", "reason": "再次"},
            format="json",
        )
        assert again.status_code == 400
        blank = jinzhong_api.post(
            "/api/rule-acknowledgements/",
            {"relationship": pk, "rule": "level_mismatch", "reason": ""},
            format="json",
        )
        assert blank.status_code == 400

    def test_same_province_through_the_api(self, jinzhong_api):
        como = Relationship.objects.get(foreign_place__slug="como-province")
        response = self.create(jinzhong_api, place("pingyao"), como.foreign_place)
        assert [w["rule"] for w in response.json()["warnings"]] == [
            "same_province",
            "active_without_agreement",
        ]

    def test_acknowledgements_are_for_staff_and_their_office(self, client, jinzhong_api):
        wuhan_oita = Relationship.objects.get(
            chinese_place__slug="wuhan", foreign_place__slug="oita"
        )
        refused = jinzhong_api.post(
            "/api/rule-acknowledgements/",
            {"relationship": wuhan_oita.pk, "rule": "level_mismatch", "reason": "测试"},
            format="json",
        )
        assert refused.status_code == 403
        pk = self.create(jinzhong_api, place("jinzhong"), foreign("test-rules-read")).json()["id"]
        jinzhong_api.post(
            "/api/rule-acknowledgements/",
            {"relationship": pk, "rule": "active_without_agreement", "reason": "测试"},
            format="json",
        )
        # Anyone reads the reasons; only staff see who gave them.
        public = client.get("/api/rule-acknowledgements/", {"relationship_id": pk}).json()
        assert public["results"][0]["reason"] == "测试" and public["results"][0]["user"] is None
        staff = jinzhong_api.get("/api/rule-acknowledgements/", {"relationship_id": pk}).json()
        assert staff["results"][0]["user"] == "test-rules-clerk"

    def test_staff_read_the_warnings_the_public_does_not(self, client, jinzhong_api):
        hoi_an = Relationship.objects.get(foreign_place__slug="hoi-an")  # active, unsigned
        url = f"/api/relationships/{hoi_an.pk}/"
        assert client.get(url).json()["warnings"] == []
        staff = jinzhong_api.get(url).json()["warnings"]
        assert [w["rule"] for w in staff] == ["active_without_agreement"]
        listed = jinzhong_api.get("/api/relationships/", {"chinese_place": "jinzhong"}).json()
        row = next(r for r in listed["results"] if r["id"] == hoi_an.pk)
        assert row["warnings"] == staff
        # A staff list judges its rows at once: one row costs the queries of fifty. (The
        # first read after a write also makes the list's order kept for the generation.)
        jinzhong_api.get("/api/relationships/", {"limit": 1})
        one = count_queries(jinzhong_api, "/api/relationships/", {"limit": 1})[0]
        many = count_queries(jinzhong_api, "/api/relationships/", {"limit": 50})[0]
        assert one == many
