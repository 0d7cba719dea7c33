"""Searches whose matches are many: a Chinese place with thousands of exchanges (the hub
city's 19,000 at national scale, ``busy_key``) is matched beside the list's order, so a
page reads the order's index until it is full instead of listing every match's id first;
a key that thousands of places hold (``common_key``) is asked row by row in the directory,
which counts its matches only to the cap. Either way the same rows, in the same order."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exchanges.filtersets import ExchangeFilterSet
from exchanges.views import ExchangeListView
from tests.builders import MARKER, add_rows
from utilities.testing.filtersets import run

pytestmark = pytest.mark.django_db

# The Chinese place of every exchange ``add_rows`` makes.
HUB = "测试市"
# The matching exchanges' ids read from the exchanges before the list (``AmongIds``).
LISTED_IDS = re.compile(
    r'"exchanges_exchange"\."id" (= ANY\(ARRAY|IN) \(SELECT \w+\."id" AS "pk" FROM "exchanges_exchange"'
)
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def busy(monkeypatch):
    """Every place with more than two exchanges counts as busy."""
    monkeypatch.setattr("exchanges.filtersets.BUSY_KEY_EXCHANGES", 2)


def test_a_busy_place_is_matched_beside_the_lists_order(monkeypatch):
    add_rows(6)
    listed_first = list(run(ExchangeFilterSet, q=HUB).order_by("pk").values_list("pk", flat=True))
    busy(monkeypatch)
    with CaptureQueriesContext(connection) as queries:
        matched = list(run(ExchangeFilterSet, q=HUB).order_by("pk").values_list("pk", flat=True))
    assert len(matched) == 6 and matched == listed_first
    read = [q["sql"] for q in queries.captured_queries if "exchanges_exchange" in q["sql"]]
    assert read and not any(LISTED_IDS.search(sql) for sql in read)


def pages(client, prefix=""):
    """The bodies of a search for the hub: the directory's pages in each order, the API's."""
    bodies = []
    for sort in ("", "date", "title", "-chinese"):
        for number in (1, 2, 3):
            params = {"q": HUB, "page": number, **({"sort": sort} if sort else {})}
            body = client.get(f"{prefix}/exchanges/", params).content.decode()
            bodies.append(CSRF.sub("", body))
    for params in ({}, {"offset": 4, "limit": 4}, {"ordering": "-start", "offset": 8}):
        bodies.append(client.get("/api/exchanges/", {"q": HUB, **params}).json())
    return bodies


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_a_busy_places_pages_show_what_its_listed_ids_show(client, monkeypatch, prefix):
    monkeypatch.setattr(ExchangeListView, "paginate_by", 4)
    add_rows(11)
    listed_first = pages(client, prefix)
    busy(monkeypatch)
    assert pages(client, prefix) == listed_first


def test_the_directory_asks_a_common_keys_places_row_by_row(client, monkeypatch):
    add_rows(5)
    # Every key counts as common.
    monkeypatch.setattr("utilities.filtersets.MANY_PLACES", -1)
    with CaptureQueriesContext(connection) as queries:
        body = client.get("/exchanges/", {"q": MARKER}).content.decode()
    assert all(f"{MARKER} exchange {number}" in body for number in range(5))
    [count] = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("SELECT COUNT(*)") and "exchanges_exchange" in q["sql"]
    ]
    # Each exchange's places asked by id, not every exchange joined to its places (which
    # PostgreSQL hashed whole before counting the first 1,000 matches).
    assert not re.search(r'FROM "exchanges_exchange" (INNER|LEFT OUTER) JOIN', count)
    api = client.get("/api/exchanges/", {"q": MARKER}).json()
    assert api["count"] == 5
