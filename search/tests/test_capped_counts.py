"""A query that matches very many records (合 is in every synthetic name at national scale):
each group's first rows are read rank by rank, each read limited to the page, and its
matches counted no further than ``COUNT_CAP`` ("1,000+"), so the page costs about the same
however many rows match; below the cap the numbers and the order are as before."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from awards.filtersets import AwardFilterSet
from awards.models import Award
from cities.choices import PlaceLevel, RelationshipKind
from cities.filtersets import RelationshipFilterSet
from cities.models import Place, Relationship
from exchanges.filtersets import ExchangeFilterSet
from exchanges.models import Exchange
from search.selectors import GroupReads, search
from tests.builders import add_rows
from utilities.filtersets import PLACES_BY_JOIN, PLACES_BY_ROW
from utilities.pagination import CappedCount

pytestmark = pytest.mark.django_db

CAP = 10


@pytest.fixture(params=["places by id", "places by join"])
def small_cap(request, monkeypatch):
    """A cap of ``CAP``; the matching places listed by id, or too many to list."""
    monkeypatch.setattr("utilities.pagination.COUNT_CAP", CAP)
    if request.param == "places by join":
        monkeypatch.setattr("search.selectors.PLACES_BY_ID", 0)


def groups(results):
    return (results.places, results.relationships, results.exchanges, results.awards)


def test_a_common_query_counts_its_matches_up_to_the_cap(small_cap):
    add_rows(30)
    with CaptureQueriesContext(connection) as queries:
        results = search("Zyxtest")
    assert results.places.total == CAP + 1 and results.places.capped
    assert results.places.shown_total == f"{CAP}+"
    assert results.capped
    sql = [query["sql"] for query in queries.captured_queries]
    # No window over every match, and every count stops at the cap.
    assert not any("OVER" in statement for statement in sql)
    counts = [statement for statement in sql if statement.startswith("SELECT COUNT(*)")]
    assert counts and all(re.search(rf"LIMIT {CAP + 1}\b", count) for count in counts)


def test_every_read_of_a_common_querys_matches_is_limited(small_cap):
    """Every query that looks for matches is limited, but the one that lists the places
    named the query itself (``|zyxtest|``: a handful, whatever the registry's size)."""
    add_rows(30)
    with CaptureQueriesContext(connection) as queries:
        search("Zyxtest")
    for query in queries.captured_queries:
        statement = query["sql"]
        looks_for_matches = "LIKE '%zyxtest%'" in statement or "LIKE '%|zyxtest%'" in statement
        assert not looks_for_matches or "LIMIT" in statement, statement


def test_below_the_cap_the_counts_are_exact():
    add_rows(5)
    results = search("Zyxtest")
    assert not results.capped
    assert results.places.shown_total == str(results.places.total)
    assert results.places.total >= 5


@pytest.mark.parametrize("query", ["Zyxtest", "测试市", "oita", "jin", "大分", "武汉 大分"])
def test_the_first_rows_are_the_head_of_the_whole_ranked_list(query):
    """Read rank by rank and stopped when the page is full, a group's first rows are the
    head of the same group read in full, in the same order."""
    add_rows(5)
    whole = search(query, limit=1000)
    for size in (1, 2, 3, 7):
        head = search(query, limit=size)
        for short, full in zip(groups(head), groups(whole), strict=True):
            assert [row.pk for row in short.rows] == [row.pk for row in full.rows][:size]
            assert short.total == full.total


@pytest.mark.parametrize("query", ["Zyxtest", "测试市", "oita", "jin", "大分", "武汉 大分"])
def test_the_ranks_read_in_parts_match_the_ranks_sorted_in_one_query(monkeypatch, query):
    """On PostgreSQL the ranks are read as a UNION of limited parts; with that off (as
    on SQLite) the matches are sorted in one query: both give the same rows, in order."""
    add_rows(5)
    features = connection.features
    for size in (1, 2, 3, 7, 1000):
        in_parts = search(query, limit=size)
        with monkeypatch.context() as patch:
            patch.setattr(features, "supports_slicing_ordering_in_compound", False)
            in_one = search(query, limit=size)
        for parts, one in zip(groups(in_parts), groups(in_one), strict=True):
            assert [row.pk for row in parts.rows] == [row.pk for row in one.rows]
            assert parts.total == one.total


@pytest.mark.parametrize(
    ("language", "wording"),
    [("zh-hans", f"找到 {CAP} 多条结果。"), ("en", f"More than {CAP} results found.")],
)
def test_the_page_says_more_than_the_cap(client, small_cap, language, wording):
    add_rows(30)
    prefix = "" if language == "zh-hans" else "/en"
    body = client.get(f"{prefix}/search/", {"q": "Zyxtest"}).content.decode()
    assert wording in body
    assert f'<span class="count">{CAP}+</span>' in body


@pytest.mark.parametrize("query", ["Zyxtest", "测试伙伴1", "Partner 3", "测试市", "测试"])
@pytest.mark.parametrize(
    ("filterset", "model"),
    [
        (RelationshipFilterSet, Relationship),
        (ExchangeFilterSet, Exchange),
        (AwardFilterSet, Award),
    ],
)
def test_each_rows_places_asked_by_row_are_those_a_join_or_their_ids_find(filterset, model, query):
    """A row's places asked one by one (``PLACES_BY_ROW``: a foreign key, one through the
    relationship, the exchange's partner places) find the rows the join finds, and those
    the places' ids find."""
    add_rows(5)
    exchange = Exchange.objects.order_by("pk").first()
    exchange.places.add(Place.objects.get(slug="test-site-partner-3"))
    found = {}
    for way in (PLACES_BY_ROW, PLACES_BY_JOIN, None):
        rows = model.objects.filter(filterset.search_q(query, place_ids=way))
        found[way] = sorted(rows.values_list("pk", flat=True))
    assert found[PLACES_BY_ROW] == found[PLACES_BY_JOIN] == found[None]
    assert found[None]


def test_the_page_counts_exchanges_and_awards_without_joining_their_places(monkeypatch):
    """Too many places to list: each exchange's and award's places are asked by primary
    key in the count, not joined (a join read every place and relationship first)."""
    monkeypatch.setattr("utilities.pagination.COUNT_CAP", CAP)
    monkeypatch.setattr("search.selectors.PLACES_BY_ID", 0)
    add_rows(30)
    with CaptureQueriesContext(connection) as queries:
        results = search("Zyxtest")
    assert results.exchanges.total == results.awards.total == CAP + 1
    counts = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].startswith('SELECT COUNT(*) FROM (SELECT "exchanges_exchange"')
        or query["sql"].startswith('SELECT COUNT(*) FROM (SELECT "awards_award"')
    ]
    assert len(counts) == 2
    for count in counts:
        # Before the first subquery: the counted table, and the award's type (its name).
        outer = count.split("EXISTS")[0]
        assert 'JOIN "cities_place"' not in outer, count
        assert 'JOIN "cities_relationship"' not in outer, count


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's settings")
def test_a_search_inside_a_transaction_gives_the_callers_settings_back():
    """A search reads with JIT, Parallel Append and parallel workers off; called inside a
    caller's transaction (where its own is a savepoint, whose release would keep them) it
    puts the caller's values back."""
    add_rows(5)
    names = ("jit", "enable_parallel_append", "max_parallel_workers_per_gather")
    settings = ", ".join(f"current_setting('{name}')" for name in names)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = on")
        cursor.execute("SET LOCAL enable_parallel_append = on")
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 3")
        search("测试市")
        cursor.execute(f"SELECT {settings}")
        assert cursor.fetchone() == ("on", "on", "3")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's settings")
def test_a_search_reads_with_no_parallel_workers(monkeypatch):
    """The groups are read and counted by one process: starting parallel workers for a
    page's few thousand rows cost more than they saved. So they are when the search is
    asked again and its compiled reads are run as they were kept."""
    add_rows(5)
    seen = []

    def settings_seen(read):
        def reading(self, *args, **kwargs):
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT current_setting('max_parallel_workers_per_gather'), "
                    "current_setting('jit'), current_setting('enable_parallel_append')"
                )
                seen.append((read.__qualname__, cursor.fetchone()))
            return read(self, *args, **kwargs)

        return reading

    monkeypatch.setattr(GroupReads, "first_rows", settings_seen(GroupReads.first_rows))
    monkeypatch.setattr(CappedCount, "run", settings_seen(CappedCount.run))
    for _asked in range(2):
        search("Zyxtest")
    assert {read for read, _settings in seen} == {"GroupReads.first_rows", "CappedCount.run"}
    # The places and the three other groups' first rows, each time.
    assert len([read for read, _settings in seen if read == "GroupReads.first_rows"]) == 8
    assert {settings for _read, settings in seen} == {("0", "off", "off")}


@pytest.mark.usefixtures("no_read_cache")
def test_a_search_page_counts_once_until_a_write_to_what_it_counted(client, monkeypatch):
    """The page's counts are kept for the generations of the tables each reads, as the API
    lists' counts are: asked again, the same query is not counted again; after an
    exchange's save the exchanges are counted again, and the new one is in the number."""
    monkeypatch.setattr("utilities.pagination.COUNT_CAP", 50)
    add_rows(5)

    def page():
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/search/", {"q": "Zyxtest"})
        assert response.status_code == 200
        counts = [q["sql"] for q in queries.captured_queries if "COUNT(*)" in q["sql"]]
        return response.context["results"], counts

    first, counted_first = page()
    assert first.exchanges.total == first.awards.total == 5
    assert any('"exchanges_exchange"' in count for count in counted_first)

    again, counted_again = page()
    assert counted_again == []
    assert [g.total for g in again.groups] == [g.total for g in first.groups]

    # Another exchange with a partner the query names (its save raises the exchanges' stamp).
    shown = again.exchanges.rows[0]
    Exchange.objects.create(
        title_zh="又一次交流",
        kind=shown.kind,
        chinese_place=shown.chinese_place,
        relationship=shown.relationship,
        start_year=2001,
    )
    after, counted_after = page()
    assert after.exchanges.total == 6
    # Only the count that reads the exchanges is made again (kept per table, not per
    # write anywhere).
    assert [count for count in counted_after if '"exchanges_exchange"' in count]
    assert not [count for count in counted_after if '"exchanges_exchange"' not in count]
    assert after.awards.total == 5

    # A place renamed so that the query names it: its relationships are counted again.
    partner = Place.objects.create(
        slug="test-renamed", name_zh="改名城", level=PlaceLevel.CITY, country="JP"
    )
    elsewhere = Place.objects.filter(country="CN").exclude(pk=shown.chinese_place_id).first()
    Relationship.objects.create(
        chinese_place=elsewhere, foreign_place=partner, kind=RelationshipKind.SISTER
    )
    before_rename, _counted = page()
    partner.name_en = "Zyxtest Renamed"
    partner.save()
    renamed, counted_renamed = page()
    assert renamed.relationships.total == before_rename.relationships.total + 1
    assert any('"cities_relationship"' in count for count in counted_renamed)
