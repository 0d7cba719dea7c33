"""The figures over every exchange that the directory and the API keep for a generation of
the registry (``exchanges.selectors``): the number of all exchanges and the countries
they involve. A write changes them at once; a filtered list is counted as it is. The read
cache is off, so that only the kept figures are tried."""

import pytest

from cities.models import Place, Relationship
from exchanges.models import Exchange
from tests.builders import add_rows, new_exchange, staff_user, token_client
from utilities.partial_dates import partial_date_order
from utilities.testing.queries import count_queries

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def read_cache_off(settings):
    settings.READ_CACHE = False


def directory_total(client, query=None):
    return client.get("/exchanges/", query or {}).context["paginator"].count


def api_count(client, query=None):
    return client.get("/api/exchanges/", {"limit": 1, **(query or {})}).json()["count"]


def country_options(client):
    controls = client.get("/exchanges/").context["filter_controls"]
    country = next(control for control in controls if control.name == "country")
    return {value for value, _label, _selected in country.options}


def test_the_number_of_exchanges_follows_every_write(client, world):
    api = token_client(staff_user("test-kept-admin", superuser=True))
    count = Exchange.objects.count()
    assert directory_total(client) == api_count(client) == count
    body = {
        "title_zh": "测试市代表团访问测试甲市",
        "kind": "delegation",
        "chinese_place": world.home.pk,
        "start": "2019-10",
        "citations": [world.citation.pk],
    }
    response = api.post("/api/exchanges/", body, format="json")
    assert response.status_code == 201, response.content
    assert directory_total(client) == api_count(client) == count + 1
    Exchange.objects.filter(pk=response.json()["id"]).get().delete()
    new_exchange(world.away).delete()
    assert directory_total(client) == api_count(client) == count


def test_a_filtered_list_is_counted_as_it_is(client, world):
    new_exchange(world.away)
    away = {"chinese_place": "test-away"}
    assert directory_total(client, away) == api_count(client, away) == 1
    kind = {"kind": "event"}
    expected = Exchange.objects.filter(kind="event").count()
    assert directory_total(client, kind) == api_count(client, kind) == expected


def test_the_country_select_follows_every_write(client, world):
    assert "IS" not in country_options(client)
    exchange = new_exchange(world.away)
    exchange.countries = ["IS"]
    exchange.save()
    assert "IS" in country_options(client)
    exchange.places.add(
        Place.objects.create(
            slug="test-kept-reykjavik", name_zh="测试雷克雅未克", level="city", country="NO"
        )
    )
    exchange.countries = []
    exchange.save()
    options = country_options(client)
    assert "IS" not in options and "NO" in options


def test_the_country_select_lists_a_partner_country_once_it_has_an_exchange(client, world):
    """A relationship's partner counts through the relationship's exchanges, a place
    through the exchanges it takes part in: a place or a relationship without any
    exchange names no country."""
    from_relationship = Place.objects.create(
        slug="test-kept-valletta", name_zh="测试瓦莱塔", level="city", country="MT"
    )
    Place.objects.create(slug="test-kept-vaduz", name_zh="测试瓦杜兹", level="city", country="LI")
    relationship = Relationship.objects.create(
        chinese_place=world.away, foreign_place=from_relationship, kind="friendly"
    )
    options = country_options(client)
    assert "MT" not in options and "LI" not in options
    exchange = new_exchange(world.away)
    exchange.relationship = relationship
    exchange.save()
    options = country_options(client)
    assert "MT" in options and "LI" not in options


def test_the_kept_figures_make_the_same_queries_for_one_exchange_as_for_many(client, world):
    new_exchange(world.away)
    one, _response = count_queries(client, "/exchanges/")
    for _ in range(5):
        new_exchange(world.away)
    many, _response = count_queries(client, "/exchanges/")
    assert one == many


def test_a_deep_page_shows_the_rows_of_the_plain_query(client):
    """A page's ids are read first (``utilities.pagination.page_rows``): the same rows in the same order as
    slicing the list itself, on the directory and in the API, ties on the date included."""
    add_rows(120)  # twenty start years, six exchanges each
    newest = Exchange.objects.order_by(*partial_date_order("start", descending=True), "pk")
    page = client.get("/exchanges/", {"page": 2}).context["object_list"]
    assert [exchange.pk for exchange in page] == list(newest.values_list("pk", flat=True)[50:100])
    oldest = Exchange.objects.order_by("start_year", "start_month", "start_day", "pk")
    rows = client.get("/api/exchanges/", {"offset": 60, "limit": 30}).json()["results"]
    assert [row["id"] for row in rows] == list(oldest.values_list("pk", flat=True)[60:90])
    latest = Exchange.objects.order_by("-start_year", "-start_month", "-start_day", "pk")
    query = {"ordering": "-start", "offset": 7, "limit": 40}
    rows = client.get("/api/exchanges/", query).json()["results"]
    assert [row["id"] for row in rows] == list(latest.values_list("pk", flat=True)[7:47])


def test_a_filtered_api_count_is_kept_and_follows_every_write(client, world):
    """A filtered list's number is kept for the generation (a client paging through it asks
    for it on every page): the second page makes no COUNT, and a write on any path (a
    record saved, a link added or removed) is counted at once."""
    iceland = {"country": "IS"}
    assert api_count(client, iceland) == 0
    queries, _response = count_queries(client, "/api/exchanges/", {"country": "IS", "limit": 1})
    assert not any("COUNT(" in sql for sql in _response.queries)
    exchange = new_exchange(world.away)
    exchange.countries = ["IS"]
    exchange.save()
    assert api_count(client, iceland) == 1
    reykjavik = Place.objects.create(
        slug="test-kept-reykjavik", name_zh="测试雷克雅未克", level="city", country="NO"
    )
    assert api_count(client, {"country": "NO"}) == 0
    exchange.places.add(reykjavik)
    assert api_count(client, {"country": "NO"}) == 1
    exchange.places.remove(reykjavik)
    assert api_count(client, {"country": "NO"}) == 0
    Exchange.objects.filter(pk=exchange.pk).delete()
    assert api_count(client, iceland) == 0
