"""A query of several words ("武汉 大分", "Synthetic City 0001") finds the relationships
whose two sides hold every word between them. A common word (held by thousands of places,
``common_key``) beside a rarer one is checked row by row on the rows the rarer word's
places find, not listed as thousands of ids: the same rows, found without looking up every
relationship of every place named "Synthetic"."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cities.filtersets import RelationshipFilterSet
from cities.models import Relationship
from search.selectors import search
from tests.builders import add_rows

pytestmark = pytest.mark.django_db

QUERIES = ["测试市 Partner", "测试伙伴2 Zyxtest", "Zyxtest Partner", "武汉 大分", "测试市 nowhere"]


def found(query):
    condition = RelationshipFilterSet.search_q(query)
    return set(Relationship.objects.filter(condition).values_list("pk", flat=True))


@pytest.fixture
def few_are_common(monkeypatch):
    """Four places holding a word make it common: "partner" and "zyxtest" are (five
    partners, and the Chinese city's English name), 测试市 and 测试伙伴2 are not."""
    monkeypatch.setattr("utilities.filtersets.MANY_PLACES", 3)


@pytest.mark.parametrize("query", QUERIES)
def test_a_common_word_checked_row_by_row_finds_the_same_rows(monkeypatch, query):
    add_rows(5)
    by_ids = found(query)
    page = search(query).relationships
    with monkeypatch.context() as patch:
        patch.setattr("utilities.filtersets.MANY_PLACES", 3)
        assert found(query) == by_ids
        common = search(query).relationships
    assert [row.pk for row in common.rows] == [row.pk for row in page.rows]
    assert common.total == page.total


def test_the_words_find_the_pairs_they_name(few_are_common):
    add_rows(5)
    assert len(found("测试市 Partner")) == 5
    assert len(found("测试伙伴2 Zyxtest")) == 1
    assert not found("测试市 nowhere")


def test_a_common_word_beside_a_rare_one_is_checked_row_by_row(few_are_common):
    add_rows(5)
    sql = str(Relationship.objects.filter(RelationshipFilterSet.search_q("测试市 Partner")).query)
    # "partner" on each side, asked of the row's own place; 测试市 by its places' ids.
    assert sql.count("EXISTS") == 2


def test_when_every_word_is_common_each_is_found_by_its_places_ids(few_are_common):
    # Row by row, every relationship would be checked: the words stay ids.
    add_rows(5)
    sql = str(Relationship.objects.filter(RelationshipFilterSet.search_q("Zyxtest Partner")).query)
    assert "EXISTS" not in sql


def test_each_word_is_asked_whether_it_is_common_once():
    add_rows(5)
    with CaptureQueriesContext(connection) as queries:
        RelationshipFilterSet.search_q("测试市 Partner Zyxtest")
    assert len(queries.captured_queries) == 3


def test_a_word_given_twice_is_asked_once():
    add_rows(5)
    with CaptureQueriesContext(connection) as queries:
        RelationshipFilterSet.search_q("测试市 Partner 测试市 Partner")
    assert len(queries.captured_queries) == 2


def test_a_long_query_asks_about_no_more_than_a_few_words():
    # Each word asked is a query: a query of many words keeps them all as ids instead.
    add_rows(5)
    words = " ".join(f"word{number}" for number in range(10))
    with CaptureQueriesContext(connection) as queries:
        RelationshipFilterSet.search_q(words)
    assert len(queries.captured_queries) == 0
