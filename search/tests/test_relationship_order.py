"""The relationships group's order: a place named the query first, then a name that starts
with it, then the rest (its last rank read as ``rank >= 2`` on PostgreSQL, which the
planner expects to hold many rows), each rank by the Chinese then the foreign place's
English name."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cities.choices import PlaceLevel, RelationshipKind
from cities.models import Place, Relationship
from search.selectors import search

pytestmark = pytest.mark.django_db


def new_place(slug, name_zh, name_en, country):
    level = PlaceLevel.PREFECTURE_CITY if country == "CN" else PlaceLevel.CITY
    return Place.objects.create(
        slug=slug, name_zh=name_zh, name_en=name_en, level=level, country=country
    )


def pair(chinese_place, foreign_place):
    return Relationship.objects.create(
        chinese_place=chinese_place, foreign_place=foreign_place, kind=RelationshipKind.SISTER
    )


@pytest.fixture
def relationships():
    """Relationships of places holding 甲, in the expected order: of 甲市 (exact), of 甲乙
    (starts with 甲), then of 乙甲市 or 丙甲 (甲 further in), each rank by the Chinese then
    the foreign place's English name; one of 丁市 and 戊 holds no 甲 (not found)."""
    exact = new_place("t-exact", "甲市", "Mmm", "CN")
    starts = new_place("t-starts", "甲乙", "Aaa", "JP")
    inside_cn = new_place("t-inside-cn", "乙甲市", "Bbb", "CN")
    inside_de = new_place("t-inside-de", "丙甲", "Ccc", "DE")
    other_cn = new_place("t-other-cn", "丁市", "Aab", "CN")
    other_fr = new_place("t-other-fr", "戊", "Zzz", "FR")
    pair(other_cn, other_fr)
    return [
        pair(exact, other_fr),
        pair(other_cn, starts),
        pair(inside_cn, starts),
        pair(other_cn, inside_de),
        pair(inside_cn, inside_de),
        pair(inside_cn, other_fr),
    ]


def test_relationships_are_ranked_then_ordered_by_their_places_names(relationships):
    expected = [relationship.pk for relationship in relationships]
    for size in (1, 2, 3, 4, 5, 1000):
        results = search("甲", limit=size)
        assert [row.pk for row in results.relationships.rows] == expected[:size]
        assert results.relationships.total == len(expected)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a UNION of limited parts")
@pytest.mark.parametrize("query", ["甲", "乙甲"])
def test_the_last_rank_of_relationships_is_read_as_at_least_two(relationships, query):
    # 乙甲: no name starts with it but 乙甲市's own, so every match is of rank 0 or 2.
    with CaptureQueriesContext(connection) as queries:
        search(query)
    (union,) = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].startswith('(SELECT "cities_relationship"."id" AS "pk", 0 AS')
    ]
    last = union[union.index('2 AS "value1"') :]
    assert ">= 2)" in last and "END = 2)" not in last
