"""Zhenjiang's records, asked as a foreign-affairs officer would ask them, with the answers
the 2018 interview with 王晓明 (report 1, fixtures/zhenjiang.yaml) gives. The registry is
loaded once per session by the root conftest."""

from pathlib import Path

import pytest
import yaml
from django.conf import settings

from awards.choices import AwardLevel, RecipientKind
from awards.models import Award, AwardType
from cities.choices import FigureMetric, HoldingLevel, RelationshipKind, Stage
from cities.models import Place, Relationship, RelationshipStage, ReportedFigure
from exchanges.models import Exchange
from loader.keys import fixture_ids, fixture_object
from sources.models import Citation
from utilities.partial_dates import Precision
from utilities.quantities import Qualifier

pytestmark = pytest.mark.django_db

REPORT = "zhenjiang-2018-interview"
FIXTURE = Path(settings.REGISTRY_FIXTURES_DIR) / "zhenjiang.yaml"
PK_RANGE = range(1000, 2000)


@pytest.fixture
def zhenjiang():
    return Place.objects.get(slug="zhenjiang")


def partners(zhenjiang):
    return Relationship.objects.filter(chinese_place__in=Place.objects.within(zhenjiang))


def comparison(place):
    return {
        row.figure.metric: row
        for row in place.reported_vs_recorded()
        if row.figure.metric != FigureMetric.OTHER
    }


class TestHowManySisterCities:
    def test_sixteen_reported_five_named(self, zhenjiang):
        rows = comparison(zhenjiang)
        sister = rows[FigureMetric.SISTER_CITIES]
        assert (sister.figure.value, sister.figure.qualifier) == (16, Qualifier.EXACT)
        assert sister.figure.as_of.format("zh-hans") == "2018年"
        # The interview names only Tsu, Kurashiki, Tempe, Mannheim and Rockhampton.
        assert sister.recorded == 5
        assert sister.missing == 11

    def test_twelve_countries_reported_four_recorded(self, zhenjiang):
        countries = comparison(zhenjiang)[FigureMetric.COUNTRIES]
        assert countries.figure.value == 12
        assert countries.figure.wording.endswith("12国的16个城市缔结了友好城市关系")
        assert countries.recorded == 4  # Japan, the US, Germany, Australia
        assert countries.missing == 8

    def test_the_named_partners(self, zhenjiang):
        names = {
            r.foreign_place.name_zh: (r.foreign_place.country.code, r.wording)
            for r in partners(zhenjiang).select_related("foreign_place")
        }
        assert names == {
            "津市": ("JP", "国际友好城市"),
            "仓敷市": ("JP", "国际友好城市"),
            "坦佩市": ("US", "友城"),
            "曼海姆市": ("DE", "友城"),
            "洛克汉普顿市": ("AU", "友好城市"),
        }
        relationships = partners(zhenjiang)
        assert all(r.kind == RelationshipKind.SISTER for r in relationships)
        assert all(r.stage == Stage.ACTIVE for r in relationships)
        assert all(r.level == HoldingLevel.MUNICIPAL for r in relationships)

    def test_places_named_in_passing_are_not_partners(self):
        # 富川 (a symposium) and 美作 (a friendship library) have no stated relationship.
        for slug in ("bucheon", "mimasaka"):
            place = Place.objects.get(slug=slug)
            assert not place.foreign_relationships.exists()
            assert place.partner_exchanges.exists()


class TestWhichIsTheOldest:
    def test_tsu_1984_is_the_first(self, zhenjiang):
        stages = RelationshipStage.objects.filter(
            relationship__in=partners(zhenjiang), stage=Stage.AGREEMENT
        ).select_related("relationship__foreign_place")
        oldest = min(stages, key=lambda stage: stage.date)
        assert oldest.relationship.foreign_place.slug == "tsu"
        assert oldest.date.precision == Precision.YEAR
        assert oldest.date.format("zh-hans") == "1984年"
        assert oldest.date.format("en") == "1984"

    def test_agreements_in_order_at_source_precision(self, zhenjiang):
        stages = RelationshipStage.objects.filter(
            relationship__in=partners(zhenjiang), stage=Stage.AGREEMENT
        ).select_related("relationship__foreign_place")
        dated = sorted((s.date, s.relationship.foreign_place.slug) for s in stages)
        assert [(d.format("zh-hans"), slug) for d, slug in dated] == [
            ("1984年", "tsu"),
            ("1997年10月", "kurashiki"),
            ("2018年", "rockhampton"),  # "今年" in a 2018 report
        ]
        kurashiki = next(d for d, slug in dated if slug == "kurashiki")
        assert kurashiki.format("en") == "October 1997"

    def test_rockhampton_agreement_document(self):
        stage = RelationshipStage.objects.get(
            relationship__foreign_place__slug="rockhampton", stage=Stage.AGREEMENT
        )
        assert stage.document == "正式缔结友好城市关系协议书"
        assert "今年我市又与澳大利亚洛克汉普顿市" in stage.citations.get().quote


class TestNationalAwards:
    def test_tempe_pair_2013_and_mannheim_2016(self, zhenjiang):
        awards = Award.objects.filter(
            chinese_place=zhenjiang, award_type__level=AwardLevel.NATIONAL
        ).select_related("award_type", "place", "relationship__foreign_place")
        found = {
            (a.award_type.name_zh, a.recipient_kind, a.conferred.format("zh-hans")): a
            for a in awards
        }
        assert set(found) == {
            ("中美友好城市文化交流奖", RecipientKind.PAIR, "2013年"),
            ("对华友好城市交流合作奖", RecipientKind.PLACE, "2016年"),
        }
        pair = found[("中美友好城市文化交流奖", RecipientKind.PAIR, "2013年")]
        assert pair.relationship.foreign_place.slug == "tempe"
        assert pair.relationship.chinese_place == zhenjiang
        place = found[("对华友好城市交流合作奖", RecipientKind.PLACE, "2016年")]
        assert place.place.slug == "mannheim"

    def test_jinshan_friendship_award_has_no_recorded_winner(self):
        jinshan = AwardType.objects.get(name_zh="金山友谊奖")
        assert jinshan.level == AwardLevel.MUNICIPAL
        # The report says the award exists but names no recipient and gives no count.
        assert not jinshan.awards.exists()


def test_no_relationship_is_still_at_intent_stage(zhenjiang):
    assert not partners(zhenjiang).filter(stage=Stage.INTENT).exists()


class TestExactChecks:
    def test_mannheim_found_by_the_reports_typo(self):
        assert list(Place.objects.search("曼姆")) == [Place.objects.get(slug="mannheim")]
        alias = Place.objects.get(slug="mannheim").aliases.get(name="曼姆市")
        assert "城德国曼姆市" in alias.citation.quote

    def test_mannheim_chinese_garden_2001(self):
        garden = Exchange.objects.get(title_zh="德国曼海姆市“中国园”")
        assert garden.relationship.foreign_place.slug == "mannheim"
        assert garden.start.format("zh-hans") == "2001年"
        assert garden.citations.count() == 2  # stated twice: one record, two citations

    def test_contracts_over_a_hundred_million_euros(self):
        contracts = fixture_object("exchanges.exchange:1006")
        count = contracts.counts.get()
        assert (count.value, count.qualifier) == (100_000_000, Qualifier.OVER)
        assert count.display("zh-hans") == "逾1亿欧元的工程项目"

    def test_2012_citizens_visit_to_tsu_and_kurashiki(self):
        visit = Exchange.objects.get(start_year=2012, chinese_place__slug="zhenjiang")
        assert {p.slug for p in visit.places.all()} == {"tsu", "kurashiki"}
        assert visit.counts.get().display("zh-hans") == "150人"

    def test_low_carbon_conference_2018_day(self):
        conference = fixture_object("exchanges.exchange:1040")
        assert conference.start.format("zh-hans") == "2018年10月23日"
        assert conference.start.format("en") == "23 October 2018"

    def test_2008_conference_guests_keep_their_qualifier(self):
        conference = fixture_object("exchanges.exchange:1033")
        assert conference.start.format("zh-hans") == "2008年"
        assert conference.counts.get().display("zh-hans") == "300多名国内外嘉宾"
        assert conference.counts.get().display("en") == "300-odd guests from China and abroad"

    def test_2017_totals_keep_their_qualifiers(self, zhenjiang):
        figures = {
            f.wording: f
            for f in ReportedFigure.objects.filter(
                chinese_place=zhenjiang, metric=FigureMetric.OTHER
            )
        }
        travellers = figures["年出入国(境)人数（人次）"]
        assert travellers.display_value == "逾17万"
        assert travellers.as_of.format("zh-hans") == "2017年"
        assert figures["外资企业（家）"].display_value == "1350多"
        assert figures["常住外国人（人）"].display_value == "逾3000"
        assert figures["全市APEC商务旅行卡获批总量（张）"].as_of.format("zh-hans") == "2018年"

    def test_quote_of_the_first_pair_is_in_the_report(self):
        citation = Citation.objects.get(quote="自1984年我市与日本津市缔结第一对国际友好城市")
        assert citation.report.slug == REPORT
        assert citation.offset > 0


class TestEveryRecordCitesTheReport:
    def test_cited_records_cite_report_1(self):
        cited = [
            *Relationship.objects.filter(pk__in=fixture_ids(Relationship, PK_RANGE)),
            *RelationshipStage.objects.filter(pk__in=fixture_ids(RelationshipStage, PK_RANGE)),
            *Exchange.objects.filter(pk__in=fixture_ids(Exchange, PK_RANGE)),
            *Award.objects.filter(pk__in=fixture_ids(Award, PK_RANGE)),
            *ReportedFigure.objects.filter(pk__in=fixture_ids(ReportedFigure, PK_RANGE)),
        ]
        assert len(cited) == 5 + 3 + 42 + 2 + 10
        for record in cited:
            slugs = {c.report.slug for c in record.citations.all()}
            assert slugs == {REPORT}, record

    def test_citations_and_aliases_belong_to_report_1(self):
        citations = Citation.objects.filter(pk__in=fixture_ids(Citation, PK_RANGE))
        assert citations.exists()
        assert set(citations.values_list("report__slug", flat=True)) == {REPORT}
        for citation in citations:
            assert citation.offset >= 0, citation.quote
        for place in Place.objects.filter(pk__in=fixture_ids(Place, PK_RANGE)):
            for alias in place.aliases.all():
                assert alias.citation.report.slug == REPORT

    def test_fixture_file_keeps_its_primary_key_range(self):
        records = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
        assert records
        assert all(record["pk"] in PK_RANGE for record in records)
