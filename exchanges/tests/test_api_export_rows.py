"""The exchanges' CSV in flat rows (``exchanges.api.exports``) is the serializer's CSV, byte
for byte: for every exchange of the loaded registry and for exchanges with partial dates
(a year, a month, a day, none, a planned one), without places or with several, with many
countries, regions, fields, counts (ranges and qualifiers, a count without an English
unit) and long quotes, with formula-like text, with and without a relationship; in Chinese
and in English; filtered and ordered; for anonymous readers and for staff."""

import pytest
from rest_framework.test import APIClient

from cities.models import Place
from exchanges.api import exports, readers
from exchanges.api.views import ExchangeViewSet
from exchanges.models import Exchange, Region
from utilities.api import flat_rows, views
from utilities.testing.queries import content, count_queries, flat_and_serialized

pytestmark = pytest.mark.django_db

URL = "/api/exchanges/"


@pytest.fixture
def client():
    return APIClient()


def both(client, monkeypatch, params, language="zh-hans"):
    """``(flat rows' CSV, serializer's CSV)`` of the same request."""
    return flat_and_serialized(client, monkeypatch, URL, ExchangeViewSet, params, language)


def test_the_loaded_registry_in_both_languages(client, monkeypatch):
    assert Exchange.objects.count() > 0
    for language in ("zh-hans", "en"):
        fast, slow = both(client, monkeypatch, {}, language)
        assert fast == slow
        assert fast.count(b"\r\n") == Exchange.objects.count() + 1


def test_the_loaded_registry_for_staff(insider, monkeypatch):
    for language in ("zh-hans", "en"):
        fast, slow = both(insider, monkeypatch, {}, language)
        assert fast == slow
        assert fast.count(b"\r\n") == Exchange.objects.count() + 1


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(
    "params",
    [
        {"chinese_place": "test-home"},
        {"chinese_place": "test-home", "ordering": "-start,kind"},
        {"q": "测试交流"},
        {"ordering": "-end"},
    ],
)
def test_dates_places_countries_counts_and_formulas(client, monkeypatch, varied, params, language):
    fast, slow = both(client, monkeypatch, params, language)
    assert fast == slow
    assert fast.count(b"\r\n") >= 11
    text = fast.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'-内容" in text
    assert "BR; DE; ES; FR; GB; IT; US; ZA" in text
    assert "1984-03-12,day" in text and "1997-10,month" in text and "2019,year" in text


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_staff_see_the_same_file(insider, monkeypatch, varied, language):
    fast, slow = both(insider, monkeypatch, {"q": "测试交流"}, language)
    assert fast == slow
    assert "'@note" in fast.decode("utf-8-sig")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_cells_made_again_after_their_cache_is_emptied(client, monkeypatch, varied, language):
    """Chunks of two rows and caches emptied past one entry: every place, relationship,
    date and list is made again many times, the same."""
    monkeypatch.setattr(flat_rows, "CACHED_CELLS", 1)
    monkeypatch.setattr(views, "EXPORT_CHUNK_SIZE", 2)
    forgotten = []
    forget_cells = exports.ExchangeRows.forget_cells

    def counted(rows):
        forgotten.append(len(rows.relationships))
        forget_cells(rows)

    monkeypatch.setattr(exports.ExchangeRows, "forget_cells", counted)
    fast, slow = both(client, monkeypatch, {"q": "测试交流"}, language)
    assert fast == slow
    assert len(forgotten) >= 4 and max(forgotten) > 1


def test_a_region_added_during_an_export_is_named(varied):
    """The regions' names are read once and again when a chunk names one read since."""
    rows = exports.ExchangeRows(None, 2)
    assert rows.regions_of({varied[1].pk}) == {varied[1].pk: "测试地区"}
    varied[0].regions.add(Region.objects.create(slug="test-region-3", name_zh="新地区"))
    assert rows.regions_of({varied[0].pk}) == {varied[0].pk: "新地区"}


def test_the_flat_rows_make_as_many_queries_for_one_row_as_for_many(client, varied):
    one, _response = count_queries(client, URL, {"format": "csv", "q": "测试交流13"})
    many, response = count_queries(client, URL, {"format": "csv", "q": "测试交流"})
    assert content(response).count(b"\r\n") >= 17
    assert one == many, response.queries


@pytest.mark.parametrize(
    ("params", "columns"),
    [
        ({"fields": "id,display"}, ["id", "display"]),
        ({"brief": "true"}, ["id", "url", "display"]),
    ],
)
def test_a_selection_goes_through_the_serializer(client, varied, params, columns):
    """``?fields=`` and ``?brief=`` give their own columns: the flat rows are only the
    full record's."""
    response = client.get(URL, {"format": "csv", **params})
    header = content(response).decode("utf-8-sig").splitlines()[0].split(",")
    assert header[: len(columns)] == columns
    assert "counts" not in header


def test_a_partner_place_deleted_between_the_reads_is_left_out(varied, monkeypatch):
    """Without the export's snapshot (SQLite), a place can go between the read of the
    links and that of the places: the exchange is named with the places still there."""
    exchange = varied[0]
    doomed = Place.objects.create(
        slug="test-doomed", name_zh="测试将删市", level="city", country="JP"
    )
    exchange.places.add(doomed)
    expected = exports.ExchangeRows(None, 2).places_of({exchange.pk})[exchange.pk]
    assert "测试将删市" in expected
    links = readers.links_query()

    class DeletingAfterTheLinks:
        def rows(self, ids):
            found = links.rows(ids)
            Place.objects.filter(pk=doomed.pk).delete()
            return found

    monkeypatch.setattr(readers, "links_query", DeletingAfterTheLinks)
    named = exports.ExchangeRows(None, 2).places_of({exchange.pk}).get(exchange.pk, "")
    assert "测试将删市" not in named
    assert named == "; ".join(part for part in expected.split("; ") if part != "测试将删市")
