"""A JSON page of exchanges made from plain values (``exchanges.api.records``) is the
serializer's page, byte for byte: for every page of the loaded registry and for exchanges
of every kind, with and without a relationship, with several partner places, countries
(codes the list of countries does not hold among them), regions, fields, counts and
citations, with partial and planned dates; in Chinese and in English; offset, filtered
and ordered; for anonymous readers and for staff. Its queries do not grow with the page."""

import json

import pytest
from rest_framework.test import APIClient

from cities.models import Place
from exchanges.api import records
from exchanges.api.serializers import ExchangeSerializer
from exchanges.api.views import ExchangeViewSet
from exchanges.choices import ExchangeKind
from exchanges.models import Exchange, ExchangeCount, Region
from utilities.testing.queries import count_queries, records_and_serialized

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_read_cache")]

URL = "/api/exchanges/"
LANGUAGES = ["zh-hans", "en"]


@pytest.fixture
def client():
    return APIClient()


def both(client, monkeypatch, params, language="zh-hans"):
    """``(page records' answer, serializer's answer)`` of the same request."""
    return records_and_serialized(client, monkeypatch, URL, ExchangeViewSet, params, language)


@pytest.fixture
def every_kind(varied, world):
    """Beside ``varied``: an exchange of each kind, the last ones with country codes the
    list of countries does not hold (as stored past validation), a planned one starting
    after its report, counts without an English unit, and a region without English."""
    region = Region.objects.create(slug="test-region-zh", name_zh="测试无英文地区")
    made = []
    for number, kind in enumerate(ExchangeKind.values):
        exchange = Exchange.objects.create(
            title_zh=f"测试各类{number}",
            title_en="" if number % 2 else f"Kind {number}",
            kind=kind,
            chinese_place=world.home,
            relationship=world.relationship if number % 2 else None,
            countries=[["XX", "JP"], ["ZZ"], ["DE", "FR"], []][number % 4],
            start_year=2030 if number == 0 else 2010 + number,
            start_month=None if number % 3 == 0 else 1 + number,
            planned=number == 0,
        )
        exchange.places.set([world.partner_c, world.partner_b, world.partner_a][: number % 4])
        exchange.regions.set([region] if number % 2 else [])
        exchange.citations.set([world.citation])
        ExchangeCount.objects.create(
            exchange=exchange, value=number, qualifier="about", unit_zh="个", unit_en=""
        )
        made.append(exchange)
    return [*varied, *made]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_of_the_loaded_registry(client, monkeypatch, language):
    total = Exchange.objects.count()
    assert total > 0
    for offset in range(0, total, 100):
        fast, slow = both(client, monkeypatch, {"limit": 100, "offset": offset}, language)
        assert fast == slow, offset


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "params",
    [
        {"q": "测试"},
        {"q": "测试", "limit": 7, "offset": 7},
        {"chinese_place": "test-home"},
        {"chinese_place": "test-home", "ordering": "-start,kind"},
        {"ordering": "-end", "limit": 30},
        {"kind": "office"},
    ],
)
def test_constructed_exchanges(client, monkeypatch, every_kind, params, language):
    fast, slow = both(client, monkeypatch, params, language)
    assert fast == slow
    if params.get("q") and "offset" not in params:
        assert fast.count(b'"id":') > len(every_kind)  # embedded records too


@pytest.mark.parametrize("language", LANGUAGES)
def test_staff_read_the_same_page(insider, monkeypatch, every_kind, language):
    fast, slow = both(insider, monkeypatch, {"q": "测试"}, language)
    assert fast == slow


def test_the_unknown_codes_are_read_as_the_field_reads_them(client, every_kind):
    exchange = Exchange.objects.get(title_zh="测试各类0")
    [record] = client.get(URL, {"q": "测试各类0"}).json()["results"]
    assert record["id"] == exchange.pk
    # Stored "JP,XX": a code outside the list is "", as DRF's country field gives it.
    assert record["countries"] == [{"code": "JP", "name": "日本"}, ""]


def test_the_list_is_built_without_the_serializer(client, monkeypatch, every_kind):
    """The page's records are the builder's: the serializer is not asked for one."""

    def refuse(self, instance):
        raise AssertionError("the serializer made a record")

    monkeypatch.setattr(ExchangeSerializer, "to_representation", refuse)
    response = client.get(URL, {"q": "测试"})
    assert response.status_code == 200
    assert len(response.json()["results"]) == len(every_kind)


@pytest.mark.parametrize(
    ("params", "keys"),
    [({"fields": "id,display"}, ["id", "display"]), ({"brief": "true"}, ["id", "url", "display"])],
)
def test_a_selection_goes_through_the_serializer(client, monkeypatch, every_kind, params, keys):
    monkeypatch.setattr(records.ExchangeRecords, "records", None)  # never called
    response = client.get(URL, {"q": "测试", **params})
    assert response.status_code == 200
    assert list(response.json()["results"][0]) == keys


def test_as_many_queries_for_one_record_as_for_many(client, every_kind):
    one, _response = count_queries(client, URL, {"q": "测试交流13"})
    many, response = count_queries(client, URL, {"q": "测试"})
    assert len(response.json()["results"]) == len(every_kind)
    assert one == many, response.queries


def test_a_page_reads_only_the_lists_its_exchanges_have(client, varied):
    """Most exchanges have no region, count or citation: a page's records read a list
    (partner places, regions, fields, counts, citations) only when one of its exchanges
    has one (``records.HAS_RELATED``)."""
    bare, _response = count_queries(client, URL, {"q": "测试交流0"})  # none of the five
    full, response = count_queries(client, URL, {"q": "测试交流13"})  # each of the five
    [record] = response.json()["results"]
    assert all(record[name] for name in ("places", "regions", "fields", "counts", "citations"))
    # The partner places' two queries (links, places), the regions', fields', counts' and
    # citations' one each.
    assert full - bare == 6, response.queries


def test_a_page_reads_the_registry_as_it_is_now(client, varied):
    """The page's rows come from a queryset made once (``ExchangeRecords.rows``): each
    request reads the database again, never a previous request's rows."""
    exchange = varied[13]
    before = client.get(URL, {"q": "测试交流13"}).json()["results"]
    Exchange.objects.filter(pk=exchange.pk).update(title_en="Renamed")
    exchange.counts.all().delete()
    after = client.get(URL, {"q": "测试交流13"}).json()["results"]
    assert [before[0]["title_en"], after[0]["title_en"]] == ["Exchange 13", "Renamed"]
    assert before[0]["counts"] and after[0]["counts"] == []


def test_each_host_reads_its_own_addresses(client, varied):
    """Address patterns are kept between requests (``utilities.api.briefs.URL_PATTERNS``)
    per scheme, host and script prefix: a page asked of another host names that host."""
    for host in ["localhost", "127.0.0.1", "localhost:8080"]:
        [record] = client.get(URL, {"q": "测试交流13"}, HTTP_HOST=host).json()["results"]
        start = f"http://{host}/api/"
        assert record["url"] == f"{start}exchanges/{record['id']}/"
        assert record["chinese_place"]["url"].startswith(f"{start}places/")
        assert record["citations"][0]["report"]["url"].startswith(f"{start}reports/")


@pytest.fixture
def namesakes(world):
    """Exchanges whose partner places share a country and a Chinese name (Springfield,
    Illinois and Missouri; 朝阳区 in Beijing and in Changchun), each linked in another
    order: ``Place.Meta.ordering`` alone does not say which comes first."""
    made = []
    for number in range(6):
        places = [
            Place.objects.create(
                slug=f"test-namesake-{number}-{index}",
                name_zh="斯普林菲尔德",
                name_en=f"Springfield {number}-{index}",
                level="city",
                country="US",
            )
            for index in range(3)
        ]
        exchange = Exchange.objects.create(
            title_zh=f"测试同名{number}",
            kind=ExchangeKind.EVENT,
            chinese_place=world.home,
            countries=["US"],
            start_year=2001,
        )
        exchange.places.set([places[(index + number) % 3] for index in range(3)])
        made.append(exchange)
    return made


@pytest.mark.parametrize("language", LANGUAGES)
def test_partner_places_of_one_name_in_the_same_order(client, monkeypatch, namesakes, language):
    fast, slow = both(client, monkeypatch, {"q": "测试同名"}, language)
    assert fast == slow
    for record in json.loads(fast)["results"]:
        ids = [place["id"] for place in record["places"]]
        assert ids == sorted(ids)  # ties in country and Chinese name: by id
