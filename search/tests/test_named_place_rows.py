"""The rows of a place named the query (rank 0) in their order, read one path and one place
at a time on PostgreSQL (``exact_parts``): a hub's newest exchanges come from an index in
its order, where an OR of the paths had every exchange of the hub read and sorted. The
rows and their order are those of the whole group sorted at once."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cities.choices import PlaceLevel, RelationshipKind
from cities.models import Place, Relationship
from exchanges.choices import ExchangeKind
from exchanges.models import Exchange
from search.selectors import search

pytestmark = pytest.mark.django_db


def new_place(slug, name_zh, country):
    level = PlaceLevel.PREFECTURE_CITY if country == "CN" else PlaceLevel.CITY
    return Place.objects.create(
        slug=slug, name_zh=name_zh, name_en=slug, level=level, country=country
    )


def exchange(year, chinese_place, relationship=None):
    return Exchange.objects.create(
        title_zh=f"交流{year}",
        kind=ExchangeKind.EVENT,
        chinese_place=chinese_place,
        relationship=relationship,
        start_year=year,
    )


@pytest.fixture
def two_named_places():
    """甲乙 names two places: 甲乙市 in China (the Chinese side of exchanges) and 甲乙 in
    Japan (the foreign side of a relationship of 丙丁市, with exchanges of its own), their
    years interleaved, some equal (the id decides); 甲乙丙市 only starts with the query."""
    named_cn = new_place("test-jiayi-cn", "甲乙市", "CN")
    named_jp = new_place("test-jiayi-jp", "甲乙", "JP")
    other_cn = new_place("test-bingding", "丙丁市", "CN")
    longer = new_place("test-jiayibing", "甲乙丙市", "CN")
    relationship = Relationship.objects.create(
        chinese_place=other_cn, foreign_place=named_jp, kind=RelationshipKind.SISTER
    )
    rows = [exchange(year, named_cn) for year in (2001, 2005, 2003, 2010, 2007)]
    rows += [exchange(year, other_cn, relationship) for year in (2004, 2005, 2010, 2002, 2008)]
    rows += [exchange(year, longer) for year in (2020, 2009)]
    rows.append(exchange(2015, other_cn))  # no place named the query: not found
    return named_cn, rows


@pytest.mark.parametrize("places_by_id", [200, 0])
def test_the_exchanges_of_places_named_the_query_come_first_newest_first(
    two_named_places, monkeypatch, places_by_id
):
    # The matching places listed by id, or too many to list (each row's places read).
    monkeypatch.setattr("search.selectors.PLACES_BY_ID", places_by_id)
    named_cn, rows = two_named_places
    named, starts = rows[:10], rows[10:12]

    def order(found):
        return sorted(found, key=lambda row: (-row.start_year, row.pk))

    expected = [row.pk for row in order(named) + order(starts)]
    for size in (1, 2, 3, 7, 11, 1000):
        results = search("甲乙", limit=size)
        assert [row.pk for row in results.exchanges.rows] == expected[:size]
        assert results.exchanges.total == len(expected)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a UNION of limited parts")
def test_a_named_places_exchanges_are_read_by_its_id_in_the_pages_order(two_named_places):
    named_cn, _rows = two_named_places
    with CaptureQueriesContext(connection) as queries:
        search("甲乙")
    # The column compared with one id and ordered as the page is: an index answers it
    # (``exchanges_place_start``) and stops after the page's rows.
    one_place = rf'"chinese_place_id" = {named_cn.pk} ORDER BY \S+"start_year" DESC'
    assert any(re.search(one_place, query["sql"]) for query in queries.captured_queries)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a UNION of limited parts")
def test_no_rank_is_read_that_no_place_can_give(two_named_places):
    # 丙丁 names 丙丁市 and no place's name starts with it otherwise: no exchange can be
    # of rank 1, and the exchanges' UNION has no part for it.
    with CaptureQueriesContext(connection) as queries:
        results = search("丙丁")
    assert len(results.exchanges.rows) == 6
    (union,) = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].startswith('(SELECT "exchanges_exchange"."id" AS "pk", 0 AS')
    ]
    assert '1 AS "value1"' not in union and '2 AS "value1"' in union


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a UNION of limited parts")
def test_a_named_places_rows_are_read_without_the_matches_condition(two_named_places):
    # Every row of a place named the query is a match: rank 0 is its parts' first rows
    # alone, without the titles' LIKEs and the places' subqueries written beside them.
    with CaptureQueriesContext(connection) as queries:
        results = search("甲乙")
    assert len(results.exchanges.rows) == 12
    (union,) = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].startswith('(SELECT "exchanges_exchange"."id" AS "pk", 0 AS')
    ]
    named, *others = union.split(') UNION ALL (SELECT "exchanges_exchange"."id" AS "pk", ')
    assert "LIKE" not in named and others and all("LIKE" in other for other in others)


def test_the_shown_rows_are_read_by_id_alone(two_named_places):
    # The page shows each group's rows in the order of their ids, read already: the rows
    # are read without an order of their own, and with nothing the page does not show
    # (a relationship's stages).
    with CaptureQueriesContext(connection) as queries:
        search("甲乙")
    shown = [
        query["sql"]
        for query in queries.captured_queries
        if re.search(r'WHERE "\w+"\."id" IN \(\d', query["sql"])
    ]
    assert shown and not any("ORDER BY" in statement for statement in shown)
    assert not any("relationshipstage" in query["sql"] for query in queries.captured_queries)


@pytest.fixture
def hub_with_partners():
    """甲乙市 and its partners, named out of order; two relationships of one partner (the
    id decides between them), and one of another Chinese city with 甲乙 in Japan."""
    hub = new_place("test-jiayi-cn", "甲乙市", "CN")
    partners = [new_place(f"test-{name}", f"伙伴{name}", "FR") for name in ("zeta", "alpha", "mu")]
    relationships = [
        Relationship.objects.create(chinese_place=hub, foreign_place=partner, kind=kind)
        for partner, kind in [
            (partners[0], RelationshipKind.SISTER),
            (partners[1], RelationshipKind.FRIENDLY),
            (partners[2], RelationshipKind.SISTER),
            (partners[1], RelationshipKind.SISTER),
        ]
    ]
    other = new_place("test-bingding", "丙丁市", "CN")
    named_jp = new_place("test-jiayi-jp", "甲乙", "JP")
    relationships.append(
        Relationship.objects.create(
            chinese_place=other, foreign_place=named_jp, kind=RelationshipKind.SISTER
        )
    )
    return hub, relationships


def test_the_relationships_of_places_named_the_query_come_in_their_places_order(
    hub_with_partners,
):
    hub, relationships = hub_with_partners
    expected = sorted(
        relationships,
        key=lambda row: (row.chinese_place.name_en, row.foreign_place.name_en, row.pk),
    )
    for size in (1, 2, 3, 5, 1000):
        results = search("甲乙", limit=size)
        assert results.relationships.rows == expected[:size]
        assert results.relationships.total == len(expected)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a UNION of limited parts")
def test_a_named_places_relationships_are_read_in_their_partners_names_order(
    hub_with_partners,
):
    # The Chinese place's name is the same in every row of its part: the part is ordered
    # by the partner's name and the id alone, which the names' index gives in order (the
    # hub's relationships are not all joined and sorted first).
    hub, _relationships = hub_with_partners
    with CaptureQueriesContext(connection) as queries:
        search("甲乙")
    own_part = rf'"chinese_place_id" = {hub.pk} ORDER BY U\d+\."name_en" ASC, 1 ASC LIMIT'
    assert any(re.search(own_part, query["sql"]) for query in queries.captured_queries)
