"""What a foreign-affairs officer asks of Shenyang's records, answered from the loaded
registry with the answers the Shenyang report (shenyang-2022-10-19) gives."""

import pytest
from django.utils import translation

from awards.choices import AwardLevel, RecipientKind
from awards.models import Award
from cities.choices import FigureMetric, HoldingLevel, RelationshipKind, Stage
from cities.models import Place, PlaceAlias, Relationship, RelationshipStage, ReportedFigure
from exchanges.choices import ExchangeKind
from exchanges.models import Exchange, ExchangeCount
from loader.keys import fixture_id, fixture_ids
from sources.models import Citation
from utilities.quantities import Qualifier

pytestmark = pytest.mark.django_db


def report_id():
    """The Shenyang report's database id (its fixture key is sources.sourcereport:5)."""
    return fixture_id("sources.sourcereport:5")


def own(model):
    """The rows of fixtures/shenyang.yaml: fixture keys 5000–5999 (not database ids)."""
    return {"pk__in": fixture_ids(model, range(5000, 5999 + 1))}


AWARD_WINNING_PARTNERS = {"札幌市", "芝加哥市", "大田市", "贝尔法斯特市"}


@pytest.fixture
def shenyang():
    return Place.objects.get(slug="shenyang")


def relationships_of(place):
    return Relationship.objects.filter(chinese_place__in=Place.objects.within(place))


def test_reported_totals_beside_what_the_registry_records(shenyang):
    rows = {row.figure.metric: row for row in shenyang.reported_vs_recorded()}
    # "43国100城,其中友好城市23个,友好合作关系城市77个": the report names four sister cities
    # and one development-zone partner.
    assert (
        rows[FigureMetric.SISTER_CITIES].figure.value,
        rows[FigureMetric.SISTER_CITIES].recorded,
    ) == (23, 4)
    assert rows[FigureMetric.SISTER_CITIES].missing == 19
    assert (
        rows[FigureMetric.FRIENDLY_CITIES].figure.value,
        rows[FigureMetric.FRIENDLY_CITIES].recorded,
    ) == (77, 1)
    assert (rows[FigureMetric.PARTNERS].figure.value, rows[FigureMetric.PARTNERS].missing) == (
        100,
        95,
    )
    countries = rows[FigureMetric.COUNTRIES]
    assert (countries.figure.value, countries.recorded) == (43, 5)  # JP, US, KR, GB, PK
    assert countries.figure.as_of.format("zh-hans") == "2022年10月19日"
    assert "43国100城" in countries.figure.citations.get().quote


def test_the_four_sister_cities_are_undated_and_the_only_dated_tie_is_from_2022(shenyang):
    sisters = relationships_of(shenyang).filter(kind=RelationshipKind.SISTER)
    assert {r.foreign_place.name_zh for r in sisters} == AWARD_WINNING_PARTNERS
    assert not RelationshipStage.objects.filter(relationship__in=sisters).exists()
    dated = RelationshipStage.objects.filter(
        relationship__chinese_place__in=Place.objects.within(shenyang)
    ).exclude(date_year=None)
    # Beside it, only the pursuit of 龙山区 is dated (also 2022): not an established tie.
    assert set(dated.values_list("stage", flat=True)) == {Stage.AGREEMENT, Stage.PURSUING}
    stage = dated.get(stage=Stage.AGREEMENT)
    assert stage.relationship.foreign_place.slug == "pk-special-technology-zones-authority"
    assert stage.date.format("zh-hans") == "2022年"  # year only: "今年以来"
    with translation.override("en"):
        assert stage.date.format() == "2022"


def test_partners_and_the_city_that_won_national_awards(shenyang):
    partner_awards = Award.objects.filter(
        chinese_place=shenyang, award_type__name_zh="对华友好城市交流合作奖"
    )
    assert {a.place.name_zh for a in partner_awards} == AWARD_WINNING_PARTNERS
    assert all(a.recipient_kind == RecipientKind.PLACE for a in partner_awards)
    assert all(a.conferred is None for a in partner_awards)  # "先后获得": no years given
    own = Award.objects.filter(place=shenyang)
    assert set(own.values_list("award_type__name_zh", flat=True)) == {
        "国际友好城市工作贡献奖",
        "国际友城发展战略奖",
    }
    strategy = own.get(award_type__name_zh="国际友城发展战略奖").award_type
    assert strategy.conferred_by_zh.startswith("中国人民对外友好协会")
    levels = set(
        Award.objects.filter(chinese_place=shenyang).values_list("award_type__level", flat=True)
    )
    assert levels == {AwardLevel.NATIONAL}


def test_heping_is_pursuing_a_district_partnership_with_yongsan(shenyang):
    """ "推进和平区与韩国首尔市龙山区等建立友好合作城区关系" (2022, "今年以来"): a
    friendly-exchange relationship at the pursuing stage, before any letter of intent, held
    by the district; the project is filed under it."""
    assert not relationships_of(shenyang).filter(stage=Stage.INTENT).exists()
    yongsan = Place.objects.get(slug="seoul-yongsan")
    assert yongsan.parent.name_zh == "首尔市"
    relationship = Relationship.objects.get(foreign_place=yongsan)
    assert (relationship.chinese_place.slug, relationship.kind, relationship.stage) == (
        "shenyang-heping",
        RelationshipKind.FRIENDLY,
        Stage.PURSUING,
    )
    assert (relationship.level, relationship.wording) == ("district", "友好合作城区关系")
    step = relationship.stages.get()
    assert (step.stage, step.date.format("zh-hans")) == (Stage.PURSUING, "2022年")
    # Pursuing is not a beginning: no date of "began", no anniversary.
    assert relationship.began is None
    project = Exchange.objects.get(places=yongsan)
    assert project.relationship == relationship
    assert set(project.places.values_list("name_zh", flat=True)) == {"和平区", "龙山区"}
    assert "推进和平区与韩国首尔市龙山区等建立友好合作城区关系" in project.citations.values_list(
        "quote", flat=True
    )


def test_the_provincial_rank_is_recorded(shenyang):
    rank = ReportedFigure.objects.get(chinese_place=shenyang, metric=FigureMetric.RANK)
    assert (rank.value, rank.wording) == (1, "结好数量居全省第一位")
    assert "结好数量居全省第一位" in rank.citations.values_list("quote", flat=True)


def test_the_development_zone_partnership_is_established_at_zone_level(shenyang):
    relationship = Relationship.objects.get(
        foreign_place__slug="pk-special-technology-zones-authority"
    )
    assert relationship.chinese_place.name_zh == "沈阳经济技术开发区"
    assert relationship.chinese_place.parent == shenyang
    assert (relationship.kind, relationship.wording) == (RelationshipKind.FRIENDLY, "友好合作关系")
    assert (relationship.stage, relationship.level) == (Stage.ACTIVE, HoldingLevel.ZONE)
    # "今年以来 … 成功促成 … 结为友好合作关系": concluded in 2022, known to the year only.
    assert relationship.agreement_date.format("zh-hans") == "2022年"


def test_exchanges_with_their_dates_and_counts(shenyang):
    consulate = Exchange.objects.get(title_zh="澳大利亚驻沈阳总领事馆设立")
    assert consulate.kind == ExchangeKind.OFFICE
    assert consulate.start.format("zh-hans") == "2019年"
    assert list(consulate.countries) == ["AU"]
    photos = Exchange.objects.get(title_zh__contains="光影传谊")
    assert [c.display("zh-hans") for c in photos.counts.all()] == ["12个国际友城"]
    visits = ExchangeCount.objects.filter(exchange__chinese_place=shenyang)
    assert visits.get(unit_zh="名外事干部").display("zh-hans") == "近100名外事干部"  # "近百名"
    firms = visits.get(unit_zh="家企业")
    assert (firms.value, firms.qualifier) == (70, Qualifier.ODD)  # "70余家"
    assert firms.display("en") == "70-odd firms"
    dignitaries = Exchange.objects.get(title_zh="邀请接待外国政要及外国省部级以上团组访沈")
    assert dignitaries.start.format("zh-hans") == "2012年"
    assert sorted(c.value for c in dignitaries.counts.all()) == [10, 37]


def test_conferences_the_city_hosted(shenyang):
    conferences = set(
        Exchange.objects.filter(chinese_place=shenyang, kind=ExchangeKind.CONFERENCE).values_list(
            "title_zh", flat=True
        )
    )
    assert conferences == {
        "第十六届中日地方交流促进研讨会",
        "第十八届世界冬季城市市长会议",
        "第五次中国—中东欧国家地方领导人会议全体会议",
    }


def test_plans_are_marked_as_plans(shenyang):
    plans = Exchange.objects.filter(chinese_place=shenyang, title_zh__startswith="（计划）")
    assert plans.count() == 7
    for plan in plans:
        assert any(c.quote.startswith("未来") for c in plan.citations.all()), plan
    three_year = plans.get(title_zh__contains="三年行动计划")
    assert (three_year.start.format("zh-hans"), three_year.end.format("zh-hans")) == (
        "2023年",
        "2025年",
    )


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("Yongsan", "seoul-yongsan"),
        ("龙山区", "seoul-yongsan"),
        ("大田", "daejeon"),
        ("Belfast", "belfast"),
        ("zhahuang", "sapporo"),
        ("巴基斯坦科技特区", "pk-special-technology-zones-authority"),
    ],
)
def test_search_finds_the_partners(query, slug):
    assert slug in Place.objects.search(query).values_list("slug", flat=True)


def test_every_record_of_the_shenyang_file_cites_the_shenyang_report():
    citations = Citation.objects.filter(**own(Citation)).select_related("report")
    assert set(citations.values_list("report_id", flat=True)) == {report_id()}
    assert all(citation.offset >= 0 for citation in citations)
    counts = {}
    for model in (Relationship, RelationshipStage, Exchange, Award, ReportedFigure):
        records = model.objects.filter(**own(model)).prefetch_related("citations")
        counts[model.__name__] = len(records)
        for record in records:
            assert {c.report_id for c in record.citations.all()} == {report_id()}, record
    assert counts == {
        "Relationship": 6,
        "RelationshipStage": 2,
        "Exchange": 36,
        "Award": 6,
        "ReportedFigure": 11,
    }
    assert (
        not PlaceAlias.objects.filter(**own(PlaceAlias))
        .exclude(citation__report_id=report_id())
        .exists()
    )
