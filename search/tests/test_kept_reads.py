"""A search asked again runs the reads it was compiled to the first time (``KeptReads``):
building and compiling a group's queries cost more than running them. What the reads find
is never kept: they run each time, on the rows there are then."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cities.models import Place
from exchanges.models import Exchange
from search import selectors
from search.selectors import KeptReads, search
from tests.builders import add_rows, search_keys
from utilities.filtersets import QUERY_MAX_LENGTH

pytestmark = pytest.mark.django_db

QUERY = "Zyxtest"


@pytest.fixture
def builds(monkeypatch):
    """The models whose group's reads were built (``first_ranked``), in order."""
    built = []
    first_ranked = selectors.first_ranked

    def recording(ranked, *args, **kwargs):
        built.append(ranked.model.__name__)
        return first_ranked(ranked, *args, **kwargs)

    monkeypatch.setattr(selectors, "first_ranked", recording)
    return built


def shown(results):
    return [([row.pk for row in group.rows], group.total) for group in results.groups]


def reads(queries):
    """The SQL of a search's reads: its counts (kept per generation) and its transaction's
    statements left out."""
    return [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].lstrip("(").startswith("SELECT") and "COUNT(*)" not in query["sql"]
    ]


def test_a_search_asked_again_runs_its_kept_reads_without_building_them(builds):
    add_rows(5)
    with CaptureQueriesContext(connection) as first_queries:
        first = search(QUERY)
    assert builds == ["Place", "Relationship", "Exchange", "Award"]
    assert all(group.total == 5 for group in first.groups[1:])

    builds.clear()
    with CaptureQueriesContext(connection) as again_queries:
        again = search(QUERY)
    assert builds == []
    assert shown(again) == shown(first)
    # The same statements, run again.
    assert reads(again_queries) == reads(first_queries)


def test_kept_reads_find_the_rows_there_are_now(builds):
    """A row written after the first search is found by the kept reads, and counted."""
    add_rows(5)
    first = search(QUERY)
    exchange = first.exchanges.rows[0]
    added = Exchange.objects.create(
        title_zh="又一次交流",
        kind=exchange.kind,
        chinese_place=exchange.chinese_place,
        relationship=exchange.relationship,
        start_year=2100,  # the newest: first in the group's order
    )
    builds.clear()
    again = search(QUERY)
    assert builds == []
    assert again.exchanges.rows[0] == added
    assert again.exchanges.total == 6
    added.delete()
    assert added.pk not in [row.pk for row in search(QUERY).exchanges.rows]


@pytest.mark.parametrize(
    ("query", "built_again"),
    [
        # Not its own key ("!" is not): the groups' reads are built for the places found.
        (f"{QUERY}!", ["Relationship", "Exchange", "Award"]),
        # Its own key but for its case: the reads are kept for the places' shape
        # (``StandIn``), which is the same, and given the places found.
        (QUERY, []),
    ],
)
def test_a_place_that_comes_to_match_is_found_with_its_rows(builds, query, built_again):
    """The places a query finds are written into its groups' reads: a place renamed to
    match is found, and so are its relationships."""
    add_rows(3)
    first = search(query)
    partner = Place.objects.create(
        slug="test-kept-reads-partner",
        name_zh="后来的伙伴",
        name_en="Later Partner",
        level=first.places.rows[0].level,
        country="FR",
        search_text=search_keys("后来的伙伴", "Later Partner"),
    )
    # With a Chinese place the query does not name.
    relationship = first.relationships.rows[0]
    relationship.pk = None
    relationship.chinese_place = Place.objects.chinese().exclude(search_text__contains="zyx")[0]
    relationship.foreign_place = partner
    relationship.save()
    assert search(query).relationships.total == 3

    partner.name_en = f"{QUERY} Later Partner"
    partner.search_text = search_keys("后来的伙伴", partner.name_en)
    partner.save()
    builds.clear()
    again = search(query)
    # The places' read is the query's alone: kept, it finds the renamed place; the other
    # groups' are built for the places it found, or given them.
    assert builds == built_again
    assert partner in again.places.rows
    assert relationship in again.relationships.rows
    assert again.relationships.total == 4


def test_reads_built_from_the_database_are_not_kept(builds):
    """The words of a query of several are checked for how common they are, a question
    for the data: the relationships' reads, which ask it, are built on every search."""
    add_rows(3)
    two_words = f"{QUERY} Partner"
    first = search(two_words)
    assert builds == ["Place", "Relationship", "Exchange", "Award"]
    builds.clear()
    again = search(two_words)
    assert builds == ["Relationship"]
    assert shown(again) == shown(first)


def test_queries_that_find_the_same_places_have_reads_of_their_own(builds):
    """Two queries that name no place find the same places (none): each still reads its
    own rows, by its own words."""
    add_rows(1)
    shown_exchange = search(QUERY).exchanges.rows[0]
    titled = {}
    for title in ("Quokkafest", "Wombatfair"):
        titled[title] = Exchange.objects.create(
            title_zh=title,
            title_en=title,
            kind=shown_exchange.kind,
            chinese_place=shown_exchange.chinese_place,
            start_year=2000,
        )
    for title, exchange in titled.items():
        results = search(title)
        assert results.places.total == 0
        assert results.exchanges.rows == [exchange]


def test_a_query_longer_than_the_box_takes_is_not_kept(builds):
    long_query = QUERY + "x" * QUERY_MAX_LENGTH
    for _asked in range(2):
        search(long_query)
    assert builds.count("Exchange") == 2


def test_a_smaller_cap_has_reads_of_its_own(builds, monkeypatch):
    add_rows(5)
    assert search(QUERY).exchanges.total == 5
    monkeypatch.setattr("utilities.pagination.COUNT_CAP", 3)
    capped = search(QUERY)
    assert capped.exchanges.total == 4 and capped.exchanges.capped


def test_the_least_recently_used_reads_are_let_go_first():
    kept = KeptReads(size=2)
    built = []

    def build(name):
        def building():
            built.append(name)
            return name

        return building

    for name in ["a", "b", "a", "c", "a", "b"]:
        assert kept.get(name, build(name)) == name
    # "b" went when "c" came (the "a" asked just before stayed), and is built again.
    assert built == ["a", "b", "c", "b"]


def test_kept_first_rows_keep_a_ranks_parts_in_the_order_they_were_read():
    """A rank's rows may come from parts read one after another (a named place's part of
    rank 0, then the rest of rank 0): sorted by rank alone, they stay in that order."""
    reads = selectors.GroupReads(
        using=connection.alias,
        first=("SELECT * FROM (VALUES (7, 1), (3, 0), (9, 1), (5, 1), (4, 0)) AS t", []),
    )

    assert reads.first_rows() == [(3, 0), (4, 0), (7, 1), (9, 1), (5, 1)]
