"""Exports read back with real parsers: CSV with the csv module, GeoJSON with json,
iCalendar with the icalendar library; each says the same as the JSON it comes from."""

import csv
import datetime
import io
import json

import pytest
from django.core.cache import cache
from icalendar import Calendar
from rest_framework.test import APIClient

from cities.models import Place, Relationship, RelationshipStage
from tests.builders import build_world
from utilities.testing.api import days_from_today
from utilities.testing.queries import content

LISTS = [
    "/api/places/", "/api/relationships/", "/api/relationship-stages/",
    "/api/reported-figures/", "/api/comparisons/", "/api/anniversaries/",
    "/api/cooperation-fields/", "/api/exchanges/", "/api/regions/", "/api/awards/",
    "/api/award-types/", "/api/reports/", "/api/citations/",
]  # fmt: skip


@pytest.fixture(autouse=True)
def unthrottled():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def client():
    return APIClient()


@pytest.fixture
def world(db):
    return build_world()


def read_csv(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert content(response).startswith("\ufeff".encode())  # Excel reads Chinese text right
    return list(csv.DictReader(io.StringIO(content(response).decode("utf-8-sig"), newline="")))


def json_rows(client, path, params=None):
    """Every row of a JSON list, following the pages."""
    rows, url, query = [], path, {**(params or {}), "limit": 500}
    while url:
        page = client.get(url, query).json()
        rows += page["results"]
        url, query = page["next"], None
    return rows


@pytest.mark.django_db
@pytest.mark.parametrize("path", LISTS)
def test_every_list_exports_csv_with_every_row(client, path):
    """The CSV of a list holds every row of the JSON list (exports are not paginated), in
    the same order, with ``id``, ``url``, ``display`` first."""
    rows = read_csv(client.get(path, {"format": "csv"}))
    expected = json_rows(client, path)
    assert [row["id"] for row in rows] == [str(row["id"]) for row in expected]
    assert [row["display"] for row in rows] == [row["display"] for row in expected]
    header = list(
        csv.reader(io.StringIO(content(client.get(path, {"format": "csv"})).decode("utf-8-sig")))
    )[0]
    assert header[:3] == ["id", "url", "display"]


def test_csv_flattens_nested_records(client, world):
    """Brief forms become ``parent.child`` columns, lists one cell, Chinese text intact."""
    rows = read_csv(
        client.get("/api/relationships/", {"format": "csv", "chinese_place": "test-home"})
    )
    assert len(rows) == 1
    row = rows[0]
    assert row["display"] == "测试市 – 测试甲市"
    assert row["chinese_place.slug"] == "test-home"
    assert row["chinese_place.country.code"] == "CN"
    assert row["foreign_place.country.name"] == "日本"
    assert row["agreement_date"] == "2016-10-28"
    assert row["agreement_date_precision"] == "day"
    assert (
        row["citations"] == world.citation.quote[:40] + "…"
        if len(world.citation.quote) > 40
        else world.citation.quote
    )
    assert row["url"] == f"http://testserver/api/relationships/{world.relationship.pk}/"


def test_csv_of_an_empty_list_has_a_header(client, world):
    response = client.get("/api/places/", {"format": "csv", "parent": "test-partner-a"})
    text = content(response).decode("utf-8-sig")
    # The declared columns, embedded records (the country, the parent) as their own.
    assert list(csv.reader(io.StringIO(text))) == [
        ["id", "url", "display", "slug", "name_zh", "name_en", "name_local", "level",
         "level_display", "country.code", "country.name", "parent.id", "parent.url",
         "parent.display", "parent.slug", "parent.name_zh", "parent.name_en",
         "parent.country.code", "parent.country.name", "latitude", "longitude",
         "wikidata_id", "aliases", "editor_added_fields", "notes", "created", "last_updated"]
    ]  # fmt: skip


def test_places_geojson(client, world):
    response = client.get("/api/places/", {"format": "geojson", "q": "测试"})
    assert response["Content-Type"] == "application/geo+json"
    document = json.loads(content(response))
    assert document["type"] == "FeatureCollection"
    features = {feature["properties"]["slug"]: feature for feature in document["features"]}
    home = features["test-home"]
    assert home["type"] == "Feature"
    assert home["id"] == world.home.pk
    assert home["geometry"] == {"type": "Point", "coordinates": [114.30525, 30.59276]}
    assert home["properties"]["display"] == "测试市"
    assert "geometry" not in home["properties"]
    assert features["test-partner-c"]["geometry"] is None  # no coordinates: no invented point


def test_relationships_geojson_lines_cross_the_pacific_the_short_way(client, world):
    """Testville–Testa is a line; Testville–Testb (San Francisco's longitude) crosses the
    antimeridian, so it is cut in two there (RFC 7946), meeting at the same latitude; a
    partner without coordinates has no geometry."""
    Relationship.objects.create(
        chinese_place=world.home, foreign_place=world.partner_b, kind="friendly"
    )
    Relationship.objects.create(
        chinese_place=world.county, foreign_place=world.partner_c, kind="sister"
    )
    document = json.loads(
        content(
            client.get("/api/relationships/", {"format": "geojson", "chinese_place": "test-home"})
        )
    )
    features = {
        feature["properties"]["foreign_place"]["slug"]: feature for feature in document["features"]
    }
    assert features["test-partner-a"]["geometry"] == {
        "type": "LineString",
        "coordinates": [[114.30525, 30.59276], [131.6, 33.2]],
    }
    pacific = features["test-partner-b"]["geometry"]
    assert pacific["type"] == "MultiLineString"
    (start, east_edge), (west_edge, end) = pacific["coordinates"]
    assert start == [114.30525, 30.59276] and end == [-122.41942, 37.77493]
    assert east_edge[0] == 180.0 and west_edge[0] == -180.0
    assert east_edge[1] == pytest.approx(west_edge[1])
    assert 30.59276 < east_edge[1] < 37.77493
    assert features["test-partner-c"]["geometry"] is None


def test_one_record_as_geojson_is_a_feature(client, world):
    document = json.loads(
        client.get(f"/api/places/{world.home.pk}/", {"format": "geojson"}).content
    )
    assert document["type"] == "Feature"
    assert document["geometry"]["coordinates"] == [114.30525, 30.59276]


def agreement(world, foreign, date_parts, kind="sister", stage="active", chinese=None):
    relationship = Relationship.objects.create(
        chinese_place=chinese or world.home, foreign_place=foreign, kind=kind, stage=stage
    )
    year, month, day = (list(date_parts) + [None, None])[:3]
    RelationshipStage.objects.create(
        relationship=relationship, stage="agreement", date_year=year, date_month=month, date_day=day
    )
    return relationship


def foreign(slug, country="DE"):
    return Place.objects.create(slug=slug, name_zh=slug, level="city", country=country)


def read_calendar(response):
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(content(response))


def test_anniversaries_calendar(client, world):
    """A day-precise agreement 20 years ago next week is an exact all-day event on its
    anniversary; a month-precise one is an event on the first of the month that says the
    day is not known; a year-precise one likewise on 1 January. Ended relationships,
    non-round years and dates outside the next twelve months are left out."""
    soon = days_from_today(7)
    exact = agreement(world, foreign("test-exact"), (soon.year - 20, soon.month, min(soon.day, 28)))
    later = days_from_today(200)
    month = agreement(world, foreign("test-month"), (later.year - 5, later.month))
    year = agreement(world, foreign("test-year"), (days_from_today(0).year + 1 - 30,))
    agreement(
        world, foreign("test-ended"), (soon.year - 10, soon.month, min(soon.day, 28)), stage="ended"
    )
    agreement(world, foreign("test-odd-years"), (soon.year - 7, soon.month, min(soon.day, 28)))
    agreement(
        world,
        foreign("test-too-late"),
        (days_from_today(400).year - 10, *days_from_today(400).timetuple()[1:2], 1),
    )

    calendar = read_calendar(
        client.get("/api/anniversaries/", {"format": "ics", "chinese_place": "test-home"})
    )
    assert calendar["VERSION"] == "2.0"
    assert str(calendar["X-WR-CALNAME"]) == "测试市 · 友好城市结好周年"
    events = {str(event["UID"]): event for event in calendar.walk("VEVENT")}
    assert set(events) == {
        f"{exact.pk}-20@sister-cities-registry",
        f"{month.pk}-5@sister-cities-registry",
        f"{year.pk}-30@sister-cities-registry",
    }
    event = events[f"{exact.pk}-20@sister-cities-registry"]
    assert event.decoded("DTSTART") == datetime.date(soon.year, soon.month, min(soon.day, 28))
    assert event.decoded("DTEND") - event.decoded("DTSTART") == datetime.timedelta(days=1)
    assert str(event["SUMMARY"]) == "测试市 – test-exact 结好20周年"
    assert str(event["URL"]) == f"http://testserver/api/relationships/{exact.pk}/"
    event = events[f"{month.pk}-5@sister-cities-registry"]
    assert event.decoded("DTSTART") == datetime.date(later.year, later.month, 1)
    # One day, not the whole month: the calendar is not filled with month-long bars.
    assert event.decoded("DTEND") == datetime.date(later.year, later.month, 2)
    assert "具体日期不详" in str(event["SUMMARY"])
    assert "只给出月份" in str(event["DESCRIPTION"])
    event = events[f"{year.pk}-30@sister-cities-registry"]
    assert event.decoded("DTSTART") == datetime.date(days_from_today(0).year + 1, 1, 1)
    assert event.decoded("DTEND") == datetime.date(days_from_today(0).year + 1, 1, 2)
    assert "只给出年份" in str(event["DESCRIPTION"])


def test_anniversaries_per_city_include_its_counties(client, world):
    soon = days_from_today(3)
    county = agreement(
        world,
        foreign("test-county-partner"),
        (soon.year - 15, soon.month, min(soon.day, 28)),
        chinese=world.county,
    )
    agreement(
        world,
        foreign("test-away-partner"),
        (soon.year - 15, soon.month, min(soon.day, 28)),
        chinese=world.away,
    )
    home = client.get("/api/anniversaries/", {"chinese_place": "test-home"}).json()["results"]
    assert [row["id"] for row in home] == [f"{county.pk}-15"]
    row = home[0]
    assert list(row)[:3] == ["id", "url", "display"]
    assert row["years"] == 15 and row["exact"] is True
    assert row["date_precision"] == "day" and row["agreement_date_precision"] == "day"
    everything = client.get("/api/anniversaries/", {"format": "ics"})
    uids = {str(event["UID"]) for event in read_calendar(everything).walk("VEVENT")}
    assert f"{county.pk}-15@sister-cities-registry" in uids
    assert len(uids) >= 2
