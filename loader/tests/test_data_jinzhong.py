"""Jinzhong's records, asked as a foreign-affairs officer would ask them, with the answers
the office's report of 30 October 2019 (report 2, fixtures/jinzhong.yaml) gives. The
registry is loaded once per session by the root conftest."""

from pathlib import Path

import pytest
import yaml
from django.conf import settings

from awards.models import Award
from cities.choices import FigureMetric, HoldingLevel, PlaceLevel, RelationshipKind, Stage
from cities.models import Place, Relationship, RelationshipStage, ReportedFigure
from exchanges.models import Exchange
from loader.keys import fixture_ids, fixture_object
from sources.models import Citation
from utilities.quantities import Qualifier

pytestmark = pytest.mark.django_db

REPORT = "jinzhong-2019-10-30"
FIXTURE = Path(settings.REGISTRY_FIXTURES_DIR) / "jinzhong.yaml"
PK_RANGE = range(2000, 3000)


@pytest.fixture
def jinzhong():
    return Place.objects.get(slug="jinzhong")


def partners(jinzhong):
    """Relationships of Jinzhong and of the places inside it (平遥县)."""
    return Relationship.objects.filter(
        chinese_place__in=Place.objects.within(jinzhong)
    ).select_related("chinese_place", "foreign_place")


def comparison(place):
    return {
        row.figure.metric: row
        for row in place.reported_vs_recorded()
        if row.figure.metric != FigureMetric.OTHER
    }


class TestHowManySisterCities:
    def test_six_reported_six_recorded(self, jinzhong):
        rows = comparison(jinzhong)
        sister = rows[FigureMetric.SISTER_CITIES]
        assert (sister.figure.value, sister.recorded, sister.missing) == (6, 6, 0)
        assert sister.complete
        assert sister.figure.as_of.format("zh-hans") == "2019年10月30日"

    def test_five_municipal_one_county(self, jinzhong):
        rows = comparison(jinzhong)
        municipal = rows[FigureMetric.MUNICIPAL_SISTER_CITIES]
        county = rows[FigureMetric.COUNTY_SISTER_CITIES]
        assert (municipal.figure.value, municipal.recorded) == (5, 5)
        assert (county.figure.value, county.recorded) == (1, 1)

    def test_the_six_partners_and_who_holds_them(self, jinzhong):
        established = partners(jinzhong).filter(stage=Stage.ACTIVE)
        held = {
            (r.chinese_place.name_zh, r.foreign_place.name_zh, r.foreign_place.country.code)
            for r in established
        }
        assert held == {
            ("晋中市", "会安市", "VN"),
            ("晋中市", "琅勃拉邦市", "LA"),
            ("晋中市", "索尔诺克市", "HU"),
            ("晋中市", "瓦尔斯·西岑海姆市", "AT"),
            ("晋中市", "科莫省", "IT"),
            ("平遥县", "普罗万市", "FR"),
        }
        assert all(r.kind == RelationshipKind.SISTER for r in established)
        provins = established.get(foreign_place__slug="provins")
        assert provins.level == HoldingLevel.COUNTY

    def test_pingyao_county_is_inside_jinzhong(self, jinzhong):
        pingyao = Place.objects.get(name_zh="平遥县")
        assert pingyao.parent == jinzhong
        assert pingyao.level == PlaceLevel.COUNTY
        assert Place.objects.within(jinzhong).filter(pk=pingyao.pk).exists()
        assert set(pingyao.chinese_relationships.values_list("foreign_place__slug", flat=True)) == {
            "provins",
            "kyakhta",
        }


class TestStillAtIntentStage:
    def test_six_intents_reported_two_named(self, jinzhong):
        intents = comparison(jinzhong)[FigureMetric.INTENTS]
        assert intents.figure.value == 6
        assert "意向书或备忘录" in intents.figure.wording
        assert (intents.recorded, intents.missing) == (2, 4)

    def test_kyakhta_and_the_german_town(self, jinzhong):
        at_intent = {r.foreign_place.slug: r for r in partners(jinzhong).filter(stage=Stage.INTENT)}
        assert set(at_intent) == {"kyakhta", "bikenfeierde"}

        kyakhta = at_intent["kyakhta"]
        assert kyakhta.chinese_place.name_zh == "平遥县"
        assert kyakhta.kind == RelationshipKind.SISTER
        assert kyakhta.intent_date.format("zh-hans") == "2019年2月"
        assert kyakhta.intent_date.format("en") == "February 2019"
        assert kyakhta.stages.get().document == "《缔结友好城市意向书》"

        german = at_intent["bikenfeierde"]
        assert german.foreign_place.name_zh == "比肯菲尔德市"
        assert german.foreign_place.country.code == "DE"
        assert german.chinese_place == jinzhong
        assert german.kind == RelationshipKind.FRIENDLY  # 《友好交流意向书》
        assert german.intent_date.format("zh-hans") == "2019年8月"
        assert german.stages.get().document == "《友好交流意向书》"


class TestWhichIsTheOldest:
    def test_only_como_has_a_dated_agreement(self, jinzhong):
        # The report dates none of the older sister cities: the only agreement it dates is
        # Como's, signed on 28 October 2019; the earliest dated step is Kyakhta's intent.
        agreements = RelationshipStage.objects.filter(
            relationship__in=partners(jinzhong), stage=Stage.AGREEMENT
        )
        assert [s.relationship.foreign_place.slug for s in agreements] == ["como-province"]
        steps = RelationshipStage.objects.filter(relationship__in=partners(jinzhong))
        earliest = min(steps, key=lambda stage: stage.date)
        assert earliest.relationship.foreign_place.slug == "kyakhta"
        assert earliest.date.format("zh-hans") == "2019年2月"


class TestComo:
    def test_agreement_signed_28_october_2019(self):
        como = Relationship.objects.get(foreign_place__slug="como-province")
        assert como.stage == Stage.ACTIVE
        assert como.agreement_date.format("zh-hans") == "2019年10月28日"
        assert como.agreement_date.format("en") == "28 October 2019"
        assert como.stages.get().document == "《建立国际友好城市协议书》"
        assert "常书铭" in como.signatories
        assert "邦奇卡斯卡" in como.signatories
        assert set(como.fields.values_list("slug", flat=True)) == {
            "culture",
            "tourism",
            "education",
            "trade",
        }

    def test_como_is_a_province_in_lombardy(self):
        como = Place.objects.get(slug="como-province")
        assert como.name_zh == "科莫省"
        assert como.level == PlaceLevel.DEPARTMENT
        assert como.parent.name_zh == "伦巴第大区"
        assert como.parent.country.code == "IT"

    def test_delegation_visit_and_school_exchange(self):
        como = Relationship.objects.get(foreign_place__slug="como-province")
        titles = {e.title_zh: e for e in como.exchanges.all()}
        visit = titles["意大利伦巴第大区科莫省政府代表团访问晋中市"]
        assert visit.start.format("zh-hans") == "2019年10月28日"
        assert visit.end.format("zh-hans") == "2019年10月29日"
        assert "晋中市职业技术学院与科莫省旅游院校校际交流" in titles


def test_no_national_award_is_reported(jinzhong):
    assert not Award.objects.filter(chinese_place__in=Place.objects.within(jinzhong)).exists()


class TestExactChecks:
    @pytest.mark.parametrize("query", ["Hoi An", "Hội An", "会安", "huian"])
    def test_hoi_an_found_in_any_spelling(self, query):
        assert Place.objects.get(slug="hoi-an") in Place.objects.search(query)

    def test_pingyao_found_by_pinyin(self):
        assert Place.objects.get(name_zh="平遥县") in Place.objects.search("Pingyao")

    def test_reception_totals_keep_their_qualifiers(self, jinzhong):
        figures = {
            f.wording: f
            for f in ReportedFigure.objects.filter(
                chinese_place=jinzhong, metric=FigureMetric.OTHER
            )
        }
        batches = figures["每年接待党宾国宾（批）"]
        assert (batches.value, batches.qualifier) == (20, Qualifier.AT_LEAST)
        assert batches.display_value == "20以上"
        assert figures["每年接待党宾国宾（人次）"].display_value == "500多"
        assert (
            figures["为外向型企业负责人和业务人员申办APEC商务旅行卡（张）"].display_value == "30多"
        )

    def test_tea_road_summit_counts(self):
        summit = Exchange.objects.get(title_zh="第五届中蒙俄万里茶道市长峰会")
        assert [c.display("zh-hans") for c in summit.counts.all()] == [
            "3个国家（中蒙俄）",
            "80个省市",
            "400多人参加",
        ]
        assert {c.code for c in summit.countries} == {"MN", "RU"}

    def test_delegations_abroad_in_2019(self):
        trips = fixture_object("exchanges.exchange:2018")
        assert {c.code for c in trips.countries} == {"FR", "RU", "DE", "JP", "CZ", "QA", "BR", "PE"}
        assert [c.display("zh-hans") for c in trips.counts.all()] == ["7批出访团组", "17人次"]

    def test_quote_of_the_como_signing_is_in_the_report(self):
        citation = fixture_object("sources.citation:2006")
        assert citation.report.slug == REPORT
        assert "正式签署了《建立国际友好城市协议书》" in citation.quote
        assert citation.offset > 0


class TestEveryRecordCitesTheReport:
    def test_cited_records_cite_report_2(self):
        cited = [
            *Relationship.objects.filter(pk__in=fixture_ids(Relationship, PK_RANGE)),
            *RelationshipStage.objects.filter(pk__in=fixture_ids(RelationshipStage, PK_RANGE)),
            *Exchange.objects.filter(pk__in=fixture_ids(Exchange, PK_RANGE)),
            *Award.objects.filter(pk__in=fixture_ids(Award, PK_RANGE)),
            *ReportedFigure.objects.filter(pk__in=fixture_ids(ReportedFigure, PK_RANGE)),
        ]
        assert len(cited) == 8 + 3 + 20 + 0 + 7
        for record in cited:
            slugs = {c.report.slug for c in record.citations.all()}
            assert slugs == {REPORT}, record

    def test_citations_belong_to_report_2(self):
        citations = Citation.objects.filter(pk__in=fixture_ids(Citation, PK_RANGE))
        assert citations.exists()
        assert set(citations.values_list("report__slug", flat=True)) == {REPORT}
        for citation in citations:
            assert citation.offset >= 0, citation.quote

    def test_fixture_file_keeps_its_primary_key_range(self):
        records = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
        assert records
        assert all(record["pk"] in PK_RANGE for record in records)
