"""The Wuhan report (wuhan-2017-09-15) as a foreign-affairs officer would question it, asked
of the loaded registry: how many partners are recorded against the reported 99 / 23 / 76,
which partner is the oldest, which won national awards, what is still at intent stage, and
the exact dates, counts and spellings the report gives. Every record of fixtures/wuhan.yaml
must cite that report."""

from pathlib import Path

import pytest
import yaml
from django.apps import apps
from django.conf import settings
from django.utils import translation

from awards.choices import AwardLevel, RecipientKind
from awards.models import Award, AwardType
from cities.choices import FigureMetric, RelationshipKind, Stage
from cities.models import Place, Relationship, ReportedFigure
from exchanges.choices import ExchangeKind
from exchanges.models import Exchange
from loader.keys import fixture_id
from sources.models import Citation, SourceReport

pytestmark = pytest.mark.django_db

WUHAN_FILE = Path(settings.REGISTRY_FIXTURES_DIR) / "wuhan.yaml"
REPORT_SLUG = "wuhan-2017-09-15"
# Records whose facts come from the report, and the m2m or fk that holds their citations.
CITING = {
    "cities.relationship": "citations",
    "cities.relationshipstage": "citations",
    "exchanges.exchange": "citations",
    "awards.award": "citations",
    "cities.reportedfigure": "citations",
}


@pytest.fixture
def wuhan():
    return Place.objects.get(slug="wuhan")


@pytest.fixture
def partners(wuhan):
    """Wuhan's relationships keyed by the partner's Chinese name."""
    relationships = Relationship.objects.filter(chinese_place=wuhan).select_related("foreign_place")
    return {r.foreign_place.name_zh: r for r in relationships}


def wuhan_records():
    with open(WUHAN_FILE, encoding="utf-8") as stream:
        return yaml.safe_load(stream)


class TestEveryRecordCitesTheWuhanReport:
    def test_every_record_is_in_the_wuhan_pk_range(self):
        records = wuhan_records()
        assert records, "fixtures/wuhan.yaml is empty"
        outside = [(r["model"], r["pk"]) for r in records if not 3000 <= r["pk"] <= 3999]
        assert outside == []

    def test_every_fact_cites_a_quote_from_the_wuhan_report(self):
        report = SourceReport.objects.get(slug=REPORT_SLUG)
        uncited = []
        for record in wuhan_records():
            model = apps.get_model(record["model"])
            instance = model.objects.get(pk=fixture_id(f"{record['model']}:{record['pk']}"))
            if record["model"] == "sources.citation":
                assert instance.report == report
                assert instance.quote in report.text
            elif record["model"] in CITING:
                reports = {c.report_id for c in getattr(instance, CITING[record["model"]]).all()}
                if reports != {report.pk}:
                    uncited.append((record["model"], record["pk"], reports))
            elif record["model"] == "cities.placealias":
                assert instance.citation.report == report
                assert instance.name in instance.citation.quote
        assert uncited == []

    def test_the_report_is_kept_whole(self):
        report = SourceReport.objects.get(slug=REPORT_SLUG)
        assert report.published.format("zh-hans") == "2017年9月15日"
        assert report.citations.count() == Citation.objects.filter(report=report).count() > 80


class TestHowManyPartners:
    def test_sister_cities_recorded_against_reported(self, wuhan):
        rows = {
            row.figure.metric: row
            for row in wuhan.reported_vs_recorded()
            if row.figure.metric != FigureMetric.OTHER
        }
        sister = rows[FigureMetric.SISTER_CITIES]
        assert (sister.figure.value, sister.figure.qualifier) == (23, "exact")
        assert sister.recorded == 16
        assert sister.missing == 7  # the report names only 16 of its 23 sister cities
        friendly = rows[FigureMetric.FRIENDLY_CITIES]
        assert (friendly.figure.value, friendly.recorded, friendly.missing) == (76, 4, 72)
        total = rows[FigureMetric.PARTNERS]
        assert (total.figure.value, total.recorded, total.missing) == (99, 20, 79)
        assert total.figure.as_of.format("zh-hans") == "2017年9月15日"

    def test_the_total_is_stated_twice_and_cited_twice(self, wuhan):
        figure = wuhan.reported_figures.get(metric=FigureMetric.PARTNERS)
        quotes = [c.quote for c in figure.citations.all()]
        assert len(quotes) == 2
        assert any("关系总数达99个" in q for q in quotes)
        assert any("我市除现有99个友好城市和友好交流城市外" in q for q in quotes)

    def test_the_sixteen_named_sister_cities(self, partners):
        sisters = {name for name, r in partners.items() if r.kind == RelationshipKind.SISTER}
        assert sisters == {
            "大分市", "基辅", "加拉茨", "喀土穆", "波尔多市", "萨拉托夫市", "阿纳姆市",
            "博朗厄市", "清州市", "埃松省", "基督城", "康塞普西翁市", "曼彻斯特", "匹兹堡",
            "杜伊斯堡", "阿什杜德",
        }  # fmt: skip

    def test_friendly_cooperation_cities_around_cheongju(self, partners):
        friendly = {
            r.foreign_place.slug: r
            for r in partners.values()
            if r.kind == RelationshipKind.FRIENDLY
        }
        assert set(friendly) == {"kr-gwangju", "daejeon", "suwon", "taebaek"}
        assert {r.wording for r in friendly.values()} == {"友好合作关系"}
        assert all("依托韩国清州市" in r.citations.get().quote for r in friendly.values())

    def test_daejeon_is_one_place_shared_with_shenyang(self):
        """Shenyang's report writes 大田市, Wuhan's 大田广域市: one place, both spellings."""
        daejeon = Place.objects.get(slug="daejeon")
        assert list(Place.objects.search("大田广域市")) == [daejeon]
        alias = daejeon.aliases.get(name="大田广域市")
        assert alias.citation.report.slug == REPORT_SLUG

    def test_cities_named_in_passing_are_not_partners(self, wuhan):
        for slug in ("incheon", "gimhae", "fukuoka", "kobe", "aomori", "gyor", "lille", "paris"):
            place = Place.objects.get(slug=slug)
            assert not place.foreign_relationships.exists(), slug
            assert place.partner_exchanges.filter(chinese_place=wuhan).exists(), slug
            assert "不是" in place.notes, slug  # the note says why it is recorded at all

    def test_gyor_is_a_festival_not_a_pursued_partner(self, wuhan):
        """The passage names the Győr summer arts festival beside events in partner cities,
        but says nothing of a relationship or of pursuing one: an exchange only."""
        gyor = Place.objects.get(slug="gyor")
        assert not gyor.foreign_relationships.exists()
        assert "推动/洽谈中" in gyor.notes
        festival = gyor.partner_exchanges.get(chinese_place=wuhan)
        assert festival.relationship is None
        assert "杰尔之夏艺术节" in festival.citations.get().quote

    def test_thirty_seven_years_of_partner_work(self, wuhan):
        years = ReportedFigure.objects.get(chinese_place=wuhan, metric=FigureMetric.YEARS)
        assert (years.value, years.citations.get().quote) == (37, "37年来的友城工作")


class TestOldestPartner:
    def test_oita_is_the_first_sister_city_1979_at_year_precision(self, wuhan):
        dated = [
            r
            for r in Relationship.objects.filter(chinese_place=wuhan).prefetch_related("stages")
            if r.agreement_date
        ]
        oldest = min(dated, key=lambda r: r.agreement_date)
        assert oldest.foreign_place.name_zh == "大分市"
        assert oldest.wording == "国际友好城市"
        assert oldest.agreement_date.format("zh-hans") == "1979年"
        assert oldest.agreement_date.format("en") == "1979"
        stage = oldest.stages.get(stage=Stage.AGREEMENT)
        assert "两市缔结正式友城关系" in stage.citations.get().quote


class TestNationalAwards:
    def test_partners_that_won_national_awards(self, wuhan):
        awards = Award.objects.filter(
            chinese_place=wuhan, award_type__level=AwardLevel.NATIONAL
        ).select_related("award_type", "place", "relationship__foreign_place")
        places = {
            (a.place.name_zh, a.award_type.name_zh)
            for a in awards
            if a.recipient_kind == RecipientKind.PLACE and a.place != wuhan
        }
        assert places == {
            ("阿纳姆市", "对华友好城市交流合作奖"),
            ("博朗厄市", "对华友好城市交流合作奖"),
            ("大分市", "对华友好城市交流合作奖"),
        }
        pairs = {
            (a.relationship.foreign_place.name_zh, a.award_type.name_zh)
            for a in awards
            if a.recipient_kind == RecipientKind.PAIR
        }
        assert pairs == {("波尔多市", "中法地方政府合作奖")}

    def test_wuhan_itself_was_honoured_by_cpaffc(self, wuhan):
        names = set(Award.objects.filter(place=wuhan).values_list("award_type__name_zh", flat=True))
        # Wuhan's report writes 国际友城战略发展奖: CPAFFC's 国际友城发展战略奖 (as Shenyang
        # writes it), one type with Wuhan's spelling as an alias; the quote keeps Wuhan's.
        assert names == {"国际友城发展战略奖", "国际友好城市交流合作奖"}
        strategy = Award.objects.get(place=wuhan, award_type__name_zh="国际友城发展战略奖")
        assert strategy.award_type.alias_names == ["国际友城战略发展奖"]
        assert any("国际友城战略发展奖" in c.quote for c in strategy.citations.all())
        assert all(
            a.conferred is None and "多次" in a.notes for a in Award.objects.filter(place=wuhan)
        )

    def test_expert_awards_are_counts_not_names(self, wuhan):
        groups = {
            a.award_type.name_zh: a
            for a in Award.objects.filter(chinese_place=wuhan, recipient_kind=RecipientKind.GROUP)
        }
        huanghe = groups["黄鹤友谊奖"]
        assert huanghe.recipient_display("zh-hans") == "19个国家的154人"
        assert huanghe.recipient_display("en") == "154 people from 19 countries"
        assert huanghe.award_type.level == AwardLevel.MUNICIPAL
        assert huanghe.person_name == ""
        assert groups["友谊奖"].person_count == 17
        assert groups["友谊奖"].award_type.level == AwardLevel.NATIONAL
        assert groups["武汉市荣誉市民"].person_count == 15


class TestIntentStage:
    def test_no_wuhan_relationship_is_only_at_intent_stage(self, wuhan):
        scope = Place.objects.within(wuhan)
        assert not Relationship.objects.filter(chinese_place__in=scope, stage=Stage.INTENT).exists()
        assert set(
            Relationship.objects.filter(chinese_place__in=scope).values_list("stage", flat=True)
        ) == {Stage.ACTIVE}


class TestExactFacts:
    def test_2013_summit_22_countries_30_cities(self, wuhan):
        summit = Exchange.objects.get(chinese_place=wuhan, title_zh="2013年武汉国际友城高峰论坛")
        assert summit.kind == ExchangeKind.CONFERENCE
        assert summit.start.format("zh-hans") == "2013年"
        assert [c.display("zh-hans") for c in summit.counts.all()] == [
            "22个国家",
            "30个友城及友好交流城市",
        ]
        assert "《武汉共识》" in summit.citations.get().quote

    def test_gerich_from_duisburg_1984_and_nearly_30_retired_experts(self, wuhan):
        gerich = Exchange.objects.get(chinese_place=wuhan, title_zh__contains="格里希")
        assert gerich.relationship.foreign_place.name_zh == "杜伊斯堡"
        assert gerich.start.format("en") == "1984"
        experts = Exchange.objects.get(title_zh="杜伊斯堡选派退休专家来汉工作")
        assert experts.start is None  # "此后": no year given
        assert experts.counts.get().display("zh-hans") == "近30名退休专家"
        with translation.override("en"):
            assert experts.counts.get().display() == "nearly 30 retired experts"

    def test_erfeishan_landfill_built_through_arnhem_with_a_dutch_grant(self):
        landfill = Exchange.objects.get(title_zh="二妃山垃圾填埋场")
        assert landfill.relationship.foreign_place.slug == "arnhem"
        assert [str(code) for code in landfill.countries] == ["NL"]
        quotes = " ".join(c.quote for c in landfill.citations.all())
        assert "利用荷兰政府赠款" in quotes and "中荷双方友好合作的典范" in quotes

    def test_partner_students_came_in_september_2015(self):
        stay = Exchange.objects.get(title_zh="友城中学生来汉学习体验活动")
        assert stay.start.format("zh-hans") == "2015年9月"
        assert stay.start.format("en") == "September 2015"
        assert stay.end is None
        assert [c.display("zh-hans") for c in stay.counts.all()] == [
            "30多名中学生",
            "3个月（为期）",
        ]

    def test_four_partner_offices_in_wuhan(self, wuhan):
        offices = Exchange.objects.filter(
            chinese_place=wuhan, kind=ExchangeKind.OFFICE, relationship__isnull=False
        )
        assert {o.relationship.foreign_place.name_zh for o in offices} == {
            "大分市",
            "埃松省",
            "博朗厄市",
            "清州市",
        }
        figure = ReportedFigure.objects.get(
            chinese_place=wuhan, wording__contains="经济联络部或办事处"
        )
        assert figure.value == offices.count() == 4

    def test_approximate_totals_keep_their_qualifier(self, wuhan):
        others = {
            f.wording: f.display_value
            for f in ReportedFigure.objects.filter(chinese_place=wuhan, metric=FigureMetric.OTHER)
        }
        assert others["与国外20多个民间组织建立了友好关系"] == "20多"
        assert others["韩国在汉投资企业达150多家"] == "150多"
        experts = Exchange.objects.get(title_zh="每年引进外国经济专家")
        assert [c.display("zh-hans") for c in experts.counts.all()] == [
            "约200人次外国经济专家（每年）",
            "200多万元国家外国专家局经费支持",
        ]

    def test_borlange_found_by_either_transliteration(self):
        borlange = Place.objects.get(slug="borlange")
        assert borlange.name_zh == "博朗厄市"
        for query in ("博伦厄", "博朗厄", "Borlänge", "borlange"):
            assert borlange in Place.objects.search(query), query
        alias = borlange.aliases.get(name="博伦厄市")
        assert "瑞典博伦厄市自2008年至今" in alias.citation.quote

    def test_christchurch_found_by_its_city_form(self):
        christchurch = Place.objects.get(slug="christchurch")
        assert christchurch in Place.objects.search("基督城市")
        assert christchurch.parent.name_zh == "坎特伯雷地区"
        assert "parent" in christchurch.editor_added_fields

    def test_borlange_sida_exchanges_since_2008(self):
        sida = Exchange.objects.get(relationship__foreign_place__slug="borlange", start_year=2008)
        assert sida.start.format("zh-hans") == "2008年"
        assert sida.end is None
        assert {f.slug for f in sida.fields.all()} == {
            "education",
            "environment",
            "civil-affairs",
            "culture",
        }


def test_award_levels_no_report_states_are_marked_as_the_editors_addition():
    """中法地方政府合作奖 (Wuhan) and 国际友好城市工作贡献奖 (Shenyang): the reports name
    neither the conferring body nor the level; "national" is the editors' addition, and
    the award type says so, as 中美友好城市文化交流奖 (Zhenjiang) already did."""
    for name in ("中法地方政府合作奖", "国际友好城市工作贡献奖", "中美友好城市文化交流奖"):
        award_type = AwardType.objects.get(name_zh=name)
        assert award_type.level == "national"
        assert "级别“国家级”" in award_type.notes and "编者补充" in award_type.notes, name
