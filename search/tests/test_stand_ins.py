"""A query of one word that is its own key but for its case (武汉, wuhan, Wuhan) has its
groups' reads built once for its shape, in a stand-in's words and places (``StandIn``),
and gets its own words and places' ids in their parameters. Its reads must be exactly
those built for the query itself: the same statements, the same rows."""

import re

import pytest
from django.core.cache import cache
from django.db import connection

from cities.choices import PlaceLevel
from cities.models import Place
from search import selectors
from search.selectors import KEPT_READS, PlaceMatches, StandIn, query_shape, search
from tests.builders import add_rows
from utilities.search import search_keys

pytestmark = pytest.mark.django_db

# An array of ids as the database is sent it: ``{3,1,2}`` (PostgreSQL), ``[3, 1, 2]``
# (SQLite); a set's order is its own, so the arrays are compared as sets.
ID_ARRAY = re.compile(r"[{\[]([-0-9, ]*)[}\]]")


def as_set(param):
    if isinstance(param, str) and ID_ARRAY.fullmatch(param):
        return frozenset(filter(None, re.split("[, ]+", param[1:-1])))
    return param


def shown(results):
    return [([row.pk for row in group.rows], group.total) for group in results.groups]


def searched(query):
    """What a search shows, and the reads it ran with their parameters (its counts
    included; not its transaction's statements, nor the generation, read as the counts
    kept per generation need it)."""
    ran = []

    def noted(execute, sql, params, many, context):
        if sql.lstrip("(").startswith("SELECT") and "operations_registrygeneration" not in sql:
            ran.append((sql, [as_set(param) for param in params or ()]))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(noted):
        results = search(query)
    return shown(results), ran


@pytest.fixture
def without_stand_ins(monkeypatch):
    def built_for_itself():
        monkeypatch.setattr(StandIn, "of", classmethod(lambda cls, *args: None))
        KEPT_READS.clear()
        cache.clear()  # the counts kept per generation are counted again

    return built_for_itself


def registry_queries():
    """Queries a person types: the registry's place names and their first characters,
    the English names as written and in lower case."""
    queries = set()
    for name_zh, name_en in Place.objects.values_list("name_zh", "name_en"):
        queries.update({name_zh, name_zh[:1], name_zh[:2], name_en, name_en.lower()})
    return sorted(query for query in queries if query_shape(query))


def test_a_search_through_stand_ins_reads_what_one_built_for_itself_reads(
    without_stand_ins, monkeypatch
):
    queries = registry_queries()
    assert len(queries) > 300
    made = []
    of = StandIn.of.__func__
    monkeypatch.setattr(
        StandIn, "of", classmethod(lambda cls, *args: made.append(1) or of(cls, *args))
    )
    through_stand_ins = {query: searched(query) for query in queries}
    # Every group of every query had a stand-in, and each shape's reads were built once.
    assert len(made) == 4 * len(queries)
    assert len(KEPT_READS._reads) < len(made) / 8
    without_stand_ins()
    for query in queries:
        assert searched(query) == through_stand_ins[query], query


def test_places_too_many_to_list_named_twice_or_none_read_the_same(without_stand_ins, monkeypatch):
    """The other shapes a group's places take: a key held by more places than are listed
    (``PlaceMatches.many``), one that names two places (each read in a part of its own,
    ``exact_parts``), one that finds no place."""
    add_rows(12)
    for name, level in (("双名市", PlaceLevel.CITY), ("双名县", PlaceLevel.COUNTY)):
        Place.objects.create(
            slug=f"test-stand-in-{level}",
            name_zh=name,
            name_en=f"Shuangming {level}",
            level=level,
            country="CN",
            search_text=search_keys(name, f"Shuangming {level}"),
        )
    monkeypatch.setattr(selectors, "PLACES_BY_ID", 5)
    queries = ["zyxtest", "Zyxtest", "测试伙伴", "测试", "测", "双名", "quokkafest", "wuhan"]
    shapes = set()
    of = StandIn.of.__func__

    def noted(cls, query, places, connection):
        shapes.add(selectors.places_shape(places))
        return of(cls, query, places, connection)

    monkeypatch.setattr(StandIn, "of", classmethod(noted))
    through_stand_ins = {query: searched(query) for query in queries}
    # Too many to list (ids None), two named the query, none found.
    assert {(None, 0, None), (True, 2, True), (False, 0, True)} <= shapes
    without_stand_ins()
    for query in queries:
        assert searched(query) == through_stand_ins[query], query


@pytest.mark.parametrize(
    "query",
    ["濟南", "ji nan", "Jinan2", "济南!", "Ｗuhan", "Borlänge", "武汉 大分", ""],
)
def test_a_query_that_is_not_its_own_key_is_built_for_itself(query):
    assert query_shape(query) is None
    assert StandIn.of(query, None, connection) is None


def test_the_query_s_words_and_places_ids_take_the_stand_in_s_places():
    places = PlaceMatches(
        ids=frozenset({7, 8, 9}), exact=frozenset({9, 7}), starts=frozenset({7, 9, 8})
    )
    stand_in = StandIn.of("Wuhan", places, connection)
    assert stand_in.query != "Wuhan" and stand_in.query.lower() != "wuhan"
    assert stand_in.places.exact < stand_in.places.starts
    first, second = sorted(stand_in.places.exact)
    params = [
        f"%{stand_in.query}%",
        f"%|{stand_in.query.lower()}shi|%",
        stand_in.query,  # were it a constant of the SQL: not a place given words
        first,
        second,
        0,
        20,
        True,
    ]
    put = ["%Wuhan%", "%|wuhanshi|%", stand_in.query, 7, 9, 0, 20, True]
    assert stand_in.put(params, worded={0, 1}) == put
    assert selectors.worded_params(("SELECT …", params), stand_in) == {0, 1, 2}
    literal = selectors.literal
    for stand_in_ids, ids in (
        (stand_in.places.ids, places.ids),
        (stand_in.places.starts, places.starts),
    ):
        assert stand_in.put([literal(stand_in_ids, connection)], worded=set()) == [
            literal(ids, connection)
        ]


def test_a_second_stand_in_differs_at_every_place():
    for shape in ((True, True), (True, False), (False, True), (False, False)):
        one, other = selectors.stand_in_query(*shape), selectors.stand_in_query(*shape, turn=1)
        assert query_shape(one) == query_shape(other) == shape
        assert one != one.lower()  # the query as typed and its key differ
        assert all(a != b for a, b in zip(one, other, strict=True))


# The places' shapes a group's reads take: listed or too many to list (ids None), how many
# are named the query (``exact_parts`` reads up to two in parts), whether any name only
# starts with it, none found.
PLACE_SHAPES = [
    None,
    PlaceMatches(ids=None, exact=frozenset(), starts=None),
    PlaceMatches(ids=None, exact=frozenset({5}), starts=None),
    PlaceMatches(ids=None, exact=frozenset({5, 6}), starts=frozenset({5, 6, 7})),
    PlaceMatches(ids=None, exact=frozenset({5}), starts=frozenset({5})),
    PlaceMatches(ids=frozenset(), exact=frozenset(), starts=frozenset()),
    PlaceMatches(ids=frozenset({3, 4}), exact=frozenset(), starts=frozenset({4})),
    PlaceMatches(ids=frozenset({3, 4}), exact=frozenset({4}), starts=frozenset({4})),
    PlaceMatches(ids=frozenset({3, 4}), exact=frozenset({4}), starts=frozenset({3, 4})),
    PlaceMatches(ids=frozenset({3, 4, 9}), exact=frozenset({9, 4}), starts=frozenset({3, 4, 9})),
    PlaceMatches(
        ids=frozenset({3, 4, 9, 10}), exact=frozenset({9, 4, 3}), starts=frozenset({3, 4, 9})
    ),
]
SHAPE_QUERIES = [
    "b",
    "B",
    "武",
    "武汉",
    "武汉市",
    "wuhan",
    "Wuhan",
    "WUHAN",
    "shi",
    "武汉abc",
    "z" * 16,
]


def counted(reads):
    """``(sql, params)`` of a group's count, if it has one."""
    return reads.count and (reads.count.sql, reads.count.params)


def differing(one, two):
    """The places of the parameters that differ between two reads of the same SQL."""
    if one is None:
        return set()
    return {at for at, (a, b) in enumerate(zip(one[1], two[1], strict=True)) if a != b}


def built_reads(reads):
    """``(sql, params)`` of a group's reads, its ids' arrays as sets."""
    return [
        read and (read[0], [as_set(param) for param in read[1]])
        for read in (reads.first, counted(reads))
    ]


@pytest.mark.parametrize("query", SHAPE_QUERIES)
def test_every_shape_s_reads_put_for_a_query_are_those_built_for_it(query):
    """Compiled only, for every group and every shape of places (``PLACE_SHAPES``): the
    reads built for the stand-ins, with the query's words and places' ids put in, are the
    reads built for the query and places themselves; and the parameters given words are
    exactly those that differ in reads built for a second stand-in (no constant of the
    SQL is ever rewritten, whatever letters it holds)."""
    limit = selectors.RESULTS_PER_GROUP
    for places in PLACE_SHAPES:
        stand_in = StandIn.of(query, places, connection)
        other = selectors.stand_in_query(*query_shape(query), turn=1)
        if places is None:
            builds = [
                lambda query, _places: selectors.found_places_reads(query, 201),
                lambda query, _places: selectors.every_place_reads(query, limit),
            ]
        else:
            builds = [
                lambda query, places, group=group: group.reads(query, True, places, limit)
                for group in selectors.RECORD_GROUPS
            ]
        for build in builds:
            shaped = selectors.ShapedReads.of(build, stand_in)
            assert built_reads(shaped.put(stand_in)) == built_reads(build(query, places)), (
                query,
                places,
            )
            again = build(other, stand_in.places)
            for worded, one, two in (
                (shaped.first_worded, shaped.reads.first, again.first),
                (shaped.count_worded, counted(shaped.reads), counted(again)),
            ):
                assert (one and one[0]) == (two and two[0]), (query, places)  # the same SQL
                assert worded == differing(one, two), (query, places)
