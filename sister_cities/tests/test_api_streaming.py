"""Streamed exports (CSV, GeoJSON, iCalendar) of the loaded registry: each is a
``StreamingHttpResponse`` read from the database in chunks, and says what the whole-list
rendering of the same records says; its query count does not grow with its rows; its
language is the request's; its validators are the list's."""

import csv
import io
import json

import pytest
from django.core.cache import cache
from icalendar import Calendar
from rest_framework.test import APIClient

from cities.models import Place, Relationship
from utilities.api import views
from utilities.api.renderers import CSVRenderer, GeoJSONRenderer, ICalendarRenderer
from utilities.testing.queries import content, count_queries

pytestmark = pytest.mark.django_db

CSV_LISTS = [
    "/api/places/", "/api/relationships/", "/api/relationship-stages/",
    "/api/reported-figures/", "/api/comparisons/", "/api/anniversaries/",
    "/api/cooperation-fields/", "/api/exchanges/", "/api/awards/", "/api/award-types/",
    "/api/reports/", "/api/citations/",
]  # fmt: skip
GEOJSON_LISTS = ["/api/places/", "/api/relationships/"]


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def client():
    return APIClient()


def whole(client, monkeypatch, renderer, path, params):
    """The list rendered at once, as before exports streamed: the view's serializer over
    every record, then the renderer's ``render``."""
    with monkeypatch.context() as patch:
        patch.setattr(renderer, "streams", False)
        response = client.get(path, params)
    assert response.status_code == 200 and not response.streaming
    cache.clear()  # the next read of the same list is not a 304 or a cached answer
    return response.content


def json_rows(client, path, params=None):
    """Every record of the JSON list, page after page."""
    rows, url, query = [], path, {**(params or {}), "limit": 500}
    while url:
        page = client.get(url, query).json()
        rows += page["results"]
        url, query = page["next"], None
    return rows


def filled(row):
    """A CSV row without its empty cells (an embedded record that is absent is one empty
    column in a whole-list rendering, its declared columns left empty in a stream)."""
    return {name: value for name, value in row.items() if value != ""}


def csv_dicts(body):
    assert body.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize("path", CSV_LISTS)
def test_csv_streams_what_the_whole_list_rendering_says(client, monkeypatch, path):
    """Every row, in the JSON list's order, cell for cell as the renderer writes the whole
    list at once (nested records flattened, lists joined, formulas escaped)."""
    expected = csv_dicts(whole(client, monkeypatch, CSVRenderer, path, {"format": "csv"}))
    response = client.get(path, {"format": "csv"})
    assert response.status_code == 200
    assert response.streaming is True
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    streamed = csv_dicts(content(response))
    assert [row["id"] for row in streamed] == [str(row["id"]) for row in json_rows(client, path)]
    assert len(streamed) == len(expected) > 0
    assert [filled(row) for row in streamed] == [filled(row) for row in expected]
    header = list(streamed[0])
    assert header[:3] == ["id", "url", "display"]
    assert set(header) >= {name for row in expected for name in filled(row)}


@pytest.mark.parametrize("path", GEOJSON_LISTS)
def test_geojson_streams_every_record(client, monkeypatch, path):
    """The same bytes as the whole list rendered at once: a FeatureCollection whose
    features' properties are the JSON list's records, in order."""
    expected = whole(client, monkeypatch, GeoJSONRenderer, path, {"format": "geojson"})
    response = client.get(path, {"format": "geojson"})
    assert response.status_code == 200
    assert response.streaming is True
    assert response["Content-Type"] == "application/geo+json"
    body = content(response)
    document = json.loads(body)
    assert document["type"] == "FeatureCollection"
    records = json_rows(client, path)
    assert [feature["properties"] for feature in document["features"]] == records
    assert any(feature["geometry"] for feature in document["features"])
    assert body == expected


def without_stamps(calendar):
    return [
        {key: str(value) for key, value in event.items() if key != "DTSTAMP"}
        for event in calendar.walk("VEVENT")
    ]


def test_icalendar_streams_the_calendar_the_whole_list_makes(client, monkeypatch):
    expected = whole(client, monkeypatch, ICalendarRenderer, "/api/anniversaries/", {"format": "ics"})  # fmt: skip
    response = client.get("/api/anniversaries/", {"format": "ics"})
    assert response.status_code == 200
    assert response.streaming is True
    streamed = Calendar.from_ical(content(response))
    records = json_rows(client, "/api/anniversaries/")
    assert records, "the loaded registry has anniversaries in the next twelve months"
    assert without_stamps(streamed) == without_stamps(Calendar.from_ical(expected))
    assert [str(event["UID"]) for event in streamed.walk("VEVENT")] == [
        f"{record['id']}@sister-cities-registry" for record in records
    ]
    assert str(streamed["VERSION"]) == "2.0"


def test_an_empty_calendar_says_so(client):
    response = client.get("/api/anniversaries/", {"format": "ics", "kind": "sister", "q": "没有这个地方"})  # fmt: skip
    assert response.streaming is True
    calendar = Calendar.from_ical(content(response))
    assert calendar.walk("VEVENT") == []
    assert str(calendar["X-WR-CALDESC"]) == "没有即将到来的周年纪念。"


def test_chunks_give_the_same_export(client, monkeypatch):
    """Read five rows at a time (each chunk prefetching its own fields, stages and
    citations), the export is the same as in one chunk."""
    whole = content(client.get("/api/relationships/", {"format": "csv"}))
    monkeypatch.setattr(views, "EXPORT_CHUNK_SIZE", 5)
    assert content(client.get("/api/relationships/", {"format": "csv"})) == whole
    assert Relationship.objects.count() > 10


def fewest_and_most(client, path):
    """The Chinese places whose rows in the list are fewest (at least one) and most."""
    counts = []
    for slug in Place.objects.chinese().values_list("slug", flat=True):
        count = client.get(path, {"chinese_place": slug, "limit": 1}).json()["count"]
        if count:
            counts.append((count, slug))
    counts.sort()
    assert counts[0][0] < counts[-1][0]
    return counts[0][1], counts[-1][1]


@pytest.mark.parametrize(
    ("path", "fmt"),
    [
        ("/api/relationships/", "csv"),
        ("/api/relationships/", "geojson"),
        ("/api/exchanges/", "csv"),
        ("/api/awards/", "csv"),
    ],
)
def test_an_export_makes_as_many_queries_for_one_row_as_for_many(client, path, fmt):
    few, many = fewest_and_most(client, path)
    one, one_response = count_queries(client, path, {"format": fmt, "chinese_place": few})
    cache.clear()
    all_, all_response = count_queries(client, path, {"format": fmt, "chinese_place": many})
    assert one_response.streaming and all_response.streaming
    assert len(content(all_response)) > len(content(one_response))
    assert one == all_, (one_response.queries, all_response.queries)


def test_an_export_is_in_the_language_asked_for(client):
    """The rows are made while the response is sent, after the view returned: still in
    the request's language."""
    english = csv_dicts(
        content(client.get("/api/relationships/", {"format": "csv"}, HTTP_ACCEPT_LANGUAGE="en"))
    )
    chinese = csv_dicts(content(client.get("/api/relationships/", {"format": "csv"})))
    oita = next(row for row in english if row["foreign_place.slug"] == "oita")
    assert oita["foreign_place.display"] == Place.objects.get(slug="oita").name_en != "大分市"
    assert oita["foreign_place.country.name"] == "Japan"
    assert oita["kind_display"] == "Sister city"
    same = next(row for row in chinese if row["id"] == oita["id"])
    assert same["foreign_place.display"] == "大分市"
    assert same["foreign_place.country.name"] == "日本"


def test_an_export_keeps_the_lists_validators(client):
    """``ETag``, ``Last-Modified`` and ``Cache-Control`` as on any list read, and a 304 for
    a client that has it."""
    response = client.get("/api/relationships/", {"format": "csv"})
    assert response.streaming
    etag = response["ETag"]
    assert etag.startswith('W/"') and response["Last-Modified"]
    assert response["Cache-Control"].startswith("public")
    again = client.get("/api/relationships/", {"format": "csv"}, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    json_tag = client.get("/api/relationships/")["ETag"]
    assert json_tag != etag  # the format is part of the tag


def test_an_export_error_is_json_and_not_streamed(client):
    response = client.get("/api/relationships/", {"format": "csv", "kind": "nonsense"})
    assert response.status_code == 400
    assert response.streaming is False
    assert response["Content-Type"].startswith("application/json")
