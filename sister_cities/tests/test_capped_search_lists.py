"""A directory searched for a common key (合成 names every synthetic exchange at national
scale): its matches are counted up to ``COUNT_CAP`` and the list says so ("1,000+"), its
pages are reached by "next", its last page counts exactly; and a key that many places hold
is matched row by row in the page's order, finding the same rows as the ids of its places."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cities.filtersets import RelationshipFilterSet
from exchanges.filtersets import ExchangeFilterSet
from exchanges.models import Exchange
from exchanges.views import ExchangeListView
from tests.builders import MARKER, add_rows
from utilities.testing.filtersets import run

pytestmark = pytest.mark.django_db

CAP = 3


@pytest.fixture
def capped(monkeypatch):
    """Ten matching exchanges, two a page, counted up to ``CAP``."""
    monkeypatch.setattr("utilities.pagination.COUNT_CAP", CAP)
    monkeypatch.setattr(ExchangeListView, "paginate_by", 2)
    add_rows(10)


def summary(body):
    return re.search(r'<p class="count" role="status">(.*?)</p>', body).group(1)


def pager(body):
    return re.search(r'<nav class="pagination".*?</nav>', body, re.S).group(0)


@pytest.mark.parametrize(
    ("prefix", "first", "page"),
    [
        ("", f"共 {CAP} 多条，第 1 页", "第 1 页"),
        ("/en", f"More than {CAP} results, page 1", "Page 1"),
    ],
)
def test_a_search_past_the_cap_says_more_than_the_cap(client, capped, prefix, first, page):
    body = client.get(f"{prefix}/exchanges/", {"q": MARKER}).content.decode()
    assert summary(body) == first
    assert f"<span>{page}</span>" in pager(body)
    assert 'rel="next"' in pager(body)


def test_the_last_page_is_reached_by_next_and_counts_exactly(client, capped):
    body = client.get("/exchanges/", {"q": MARKER, "page": 5}).content.decode()
    assert summary(body) == "共 10 条，第 5/5 页"
    assert 'rel="next"' not in pager(body)


def test_the_count_stops_at_the_cap(client, capped):
    with CaptureQueriesContext(connection) as queries:
        client.get("/exchanges/", {"q": MARKER})
    counts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT COUNT(*)")]
    exchange_counts = [sql for sql in counts if "exchanges_exchange" in sql]
    assert exchange_counts and all(f"LIMIT {CAP + 1}" in sql for sql in exchange_counts)


def test_an_unsearched_list_counts_exactly(client, capped):
    body = client.get("/exchanges/").content.decode()
    total = Exchange.objects.count()
    assert summary(body).startswith(f"共 {total} 条")


# (FilterSet, its table, how a list of ids the row-by-row reading must not use reads)
ROW_BY_ROW = {
    "exchanges": (ExchangeFilterSet, "exchanges_exchange", r'"exchanges_exchange"\."id"'),
    "relationships": (RelationshipFilterSet, "cities_relationship", r'"chinese_place_id"'),
}


@pytest.mark.parametrize(
    ("records", "query"),
    [
        *[("exchanges", q) for q in (MARKER, "测试伙伴", "测试", "Partner 1", "大分", "武汉")],
        *[
            ("relationships", q)
            for q in (MARKER, "测试伙伴", "Partner 1", "大分", "武汉 大分", "jinan")
        ],
    ],
)
def test_a_common_key_finds_the_same_rows_row_by_row(monkeypatch, records, query):
    filterset, table, ids_column = ROW_BY_ROW[records]
    add_rows(5)
    by_ids = list(run(filterset, q=query).order_by("pk").values_list("pk", flat=True))
    # Every key counts as common, even one no place holds.
    monkeypatch.setattr("utilities.filtersets.MANY_PLACES", -1)
    with CaptureQueriesContext(connection) as queries:
        row_by_row = list(run(filterset, q=query).order_by("pk").values_list("pk", flat=True))
    assert row_by_row == by_ids
    # Each row answers for itself: no list of matching exchanges' ids (``AmongIds``) or of
    # places' ids is read first.
    listed = [q["sql"] for q in queries.captured_queries if table in q["sql"]]
    assert not any(re.search(ids_column + r" (= ANY\(ARRAY|IN) \(", s) for s in listed)


@pytest.mark.parametrize("page", ["9", "99999999999999999999999"])
def test_a_page_past_the_end_shows_a_page_that_exists(client, capped, page):
    response = client.get("/exchanges/", {"q": MARKER, "page": page})
    assert response.status_code == 200
    assert "页" in summary(response.content.decode())


def test_a_page_past_the_end_of_a_list_over_the_cap_shows_its_real_last_page(client, capped):
    body = client.get("/exchanges/", {"q": MARKER, "page": 9}).content.decode()
    assert summary(body) == "共 10 条，第 5/5 页"
    assert 'rel="next"' not in pager(body)
