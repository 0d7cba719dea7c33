"""What a foreign-affairs officer asks of Jinan's records, answered from the loaded registry
with the answers the Jinan report (jinan-2019-10-18, machine-converted to traditional
characters with pinyin glosses inline) gives."""

import pytest
from django.utils import translation

from awards.models import Award
from cities.choices import FigureMetric, Stage
from cities.models import Place, PlaceAlias, Relationship, RelationshipStage, ReportedFigure
from exchanges.choices import ExchangeKind
from exchanges.models import Exchange, ExchangeCount
from loader.keys import fixture_id, fixture_ids
from sources.models import Citation
from utilities.quantities import Qualifier

pytestmark = pytest.mark.django_db


def report_id():
    """The Jinan report's database id (its fixture key is sources.sourcereport:4)."""
    return fixture_id("sources.sourcereport:4")


def own(model):
    """The rows of fixtures/jinan.yaml: fixture keys 4000–4999 (not database ids)."""
    return {"pk__in": fixture_ids(model, range(4000, 4999 + 1))}


@pytest.fixture
def jinan():
    return Place.objects.get(slug="jinan")


def relationships_of(place):
    return Relationship.objects.filter(chinese_place__in=Place.objects.within(place))


def test_reported_totals_beside_what_the_registry_records(jinan):
    rows = {row.figure.metric: row for row in jinan.reported_vs_recorded()}
    # "國際友城關係27對, 國際友好合作城市關係51對 … 78對": the report names none of them
    # as a partner, so nothing is recorded and every one is missing.
    assert rows[FigureMetric.SISTER_CITIES].figure.value == 27
    assert rows[FigureMetric.SISTER_CITIES].recorded == 0
    assert rows[FigureMetric.SISTER_CITIES].missing == 27
    assert rows[FigureMetric.FRIENDLY_CITIES].display_reported("zh-hans") == "51"
    assert rows[FigureMetric.FRIENDLY_CITIES].missing == 51
    partners = rows[FigureMetric.PARTNERS]
    assert (partners.figure.value, partners.figure.qualifier) == (78, Qualifier.EXACT)
    assert partners.figure.as_of.format("zh-hans") == "2019年10月18日"
    assert "78對(duì)國際友城和國際友好合作城市" in partners.figure.citations.get().quote


def test_no_partner_is_dated_so_the_oldest_cannot_be_named(jinan):
    # The report gives no partner's date; its only clue is "36年友城發展歷程".
    assert not RelationshipStage.objects.filter(
        relationship__chinese_place__in=Place.objects.within(jinan)
    ).exists()
    years = ReportedFigure.objects.get(chinese_place=jinan, metric=FigureMetric.YEARS, value=36)
    assert "36年友城发展历程" in years.wording
    assert years.citations.get().quote == "經(jīng)過36年友城發(fā)展歷程"


def test_the_national_ranking_no_number_holds_is_a_statement(jinan, client):
    """ "總量位居全國前列": among the first in China, no rank given."""
    statement = jinan.reported_statements.get()
    assert (statement.kind, statement.statement_zh) == (
        "ranking",
        "国际友城和国际友好合作城市总量位居全国前列",
    )
    assert "總量位居全國前列" in statement.citations.get().quote
    page = client.get("/places/jinan/").content.decode()
    assert "报告中的其他说法" in page and statement.statement_zh in page
    rows = client.get("/api/reported-statements/?chinese_place=jinan").json()["results"]
    assert [(r["kind"], r["as_of"]) for r in rows] == [("ranking", "2019-10-18")]


def test_no_national_award_is_reported(jinan):
    assert not Award.objects.filter(chinese_place__in=Place.objects.within(jinan)).exists()


def test_leiden_and_sonderborg_are_pursued_partners_not_intents(jinan):
    """ "Pushing to establish" (Sønderborg) and contacts "laying the ground" for a sister-city
    relationship (Leiden) come before any letter of intent: relationships at the pursuing
    stage, undated ("近年来"), each with its exchange filed under it."""
    assert not relationships_of(jinan).filter(stage=Stage.INTENT).exists()
    pursued = {}
    for slug, words in [("leiden", "打好基础"), ("sonderborg", "推动建立友城关系")]:
        relationship = Relationship.objects.get(chinese_place=jinan, foreign_place__slug=slug)
        assert relationship.stage == Stage.PURSUING
        assert relationship.began is None
        exchange = Exchange.objects.get(chinese_place=jinan, places__slug=slug)
        assert exchange.relationship == relationship
        assert words in exchange.description
        pursued[slug] = relationship
    assert "推動(dòng)建立友城關(guān)系" in pursued["sonderborg"].citations.get().quote
    assert "打好基礎(chǔ)" in pursued["leiden"].citations.get().quote
    assert set(relationships_of(jinan).values_list("stage", flat=True)) == {Stage.PURSUING}


def test_the_named_cities_have_their_projects(jinan):
    sacramento = Exchange.objects.get(places__slug="sacramento")
    assert "加州大学戴维斯医学院" in sacramento.description
    assert set(sacramento.fields.values_list("slug", flat=True)) == {"health", "science"}
    robots = Exchange.objects.get(places__slug="vasteras")
    assert robots.title_zh == "东方机器人谷项目"
    # The garbled characters stay in the quote; the editors say how they restored the name.
    assert any("?xùn)|方" in c.quote for c in robots.citations.all())
    assert "乱码" in robots.editors_note


def test_the_shandong_conference_ended_in_jinan_on_17_october_2019(jinan):
    conference = Exchange.objects.get(title_zh="山东国际友城合作发展大会（济南活动）")
    assert conference.kind == ExchangeKind.CONFERENCE
    assert conference.start is None  # the opening date is not given
    assert conference.end.format("zh-hans") == "2019年10月17日"
    with translation.override("en"):
        assert conference.end.format() == "17 October 2019"
    fair = Exchange.objects.get(title_zh="济南国际友城商品展")
    assert fair.end == conference.end
    assert not ExchangeCount.objects.filter(exchange__chinese_place=jinan).exists()


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("濟南", "jinan"),
        ("韋斯特拉", "vasteras"),
        ("Västerås", "vasteras"),
        ("薩克拉門托", "sacramento"),
        ("Sonderborg", "sonderborg"),
        ("森訥堡", "sonderborg"),
        ("萊頓", "leiden"),
    ],
)
def test_traditional_spellings_find_the_place(query, slug):
    assert slug in Place.objects.search(query).values_list("slug", flat=True)


def test_traditional_spellings_are_aliases_citing_where_they_appear():
    alias = PlaceAlias.objects.get(place__slug="jinan", name="濟南")
    assert "濟(jì)南" in alias.citation.quote
    assert PlaceAlias.objects.get(name="韋斯特拉市").place.name_zh == "韦斯特拉市"


def test_every_quote_is_in_the_report_as_it_stands():
    quotes = Citation.objects.filter(report_id=report_id(), **own(Citation)).select_related(
        "report"
    )
    assert quotes.count() == 15
    for citation in quotes:
        assert citation.offset >= 0, citation.quote
    assert quotes.filter(quote__contains="濟(jì)南").exists()


def test_every_record_of_the_jinan_file_cites_the_jinan_report():
    assert set(Citation.objects.filter(**own(Citation)).values_list("report_id", flat=True)) == {
        report_id()
    }
    counts = {}
    for model in (Relationship, Exchange, Award, ReportedFigure):
        records = model.objects.filter(**own(model)).prefetch_related("citations")
        counts[model.__name__] = len(records)
        for record in records:
            assert {c.report_id for c in record.citations.all()} == {report_id()}, record
    assert counts == {"Relationship": 2, "Exchange": 12, "Award": 0, "ReportedFigure": 5}
    for alias in PlaceAlias.objects.filter(**own(PlaceAlias)).select_related("citation"):
        assert alias.citation.report_id == report_id(), alias
