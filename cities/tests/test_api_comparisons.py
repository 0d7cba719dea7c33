"""Reported vs recorded in the API says what the site's comparison (cities.comparison)
says, for every city in the loaded registry, and counts a city's counties and districts."""

import pytest
from rest_framework.test import APIClient

from cities.models import Place, Relationship, ReportedFigure


@pytest.fixture
def client():
    return APIClient()


def all_rows(client, url):
    rows = []
    while url:
        page = client.get(url).json()
        rows += page["results"]
        url = page["next"]
    return rows


@pytest.mark.django_db
def test_api_agrees_with_the_site_for_every_city(client):
    rows = all_rows(client, "/api/comparisons/?limit=500")
    assert rows, "the registry states no totals"
    for row in rows:
        place = Place.objects.get(pk=row["id"])
        expected = {
            item.figure.pk: (item.recorded, item.missing) for item in place.reported_vs_recorded()
        }
        got = {figure["id"]: (figure["recorded"], figure["missing"]) for figure in row["figures"]}
        assert got == expected, place
        assert row["chinese_place"]["id"] == place.pk
        assert row["url"] == f"http://testserver/api/comparisons/{place.pk}/"


def test_recorded_counts_include_counties_and_only_current_relationships(client, db):
    city = Place.objects.create(
        slug="test-city", name_zh="测试市", level="prefecture_city", country="CN"
    )
    county = Place.objects.create(
        slug="test-county", name_zh="测试县", level="county", country="CN", parent=city
    )
    for index, (chinese, country, kind, stage, level) in enumerate(
        [
            (city, "JP", "sister", "active", "municipal"),
            (county, "JP", "sister", "agreement", "county"),
            (city, "FR", "friendly", "active", "municipal"),
            (city, "DE", "sister", "intent", "municipal"),
            (city, "RU", "sister", "ended", "municipal"),
            (city, "IT", "sister", "pursuing", "municipal"),
        ]
    ):
        partner = Place.objects.create(
            slug=f"test-partner-{index}", name_zh=f"伙伴{index}", level="city", country=country
        )
        Relationship.objects.create(
            chinese_place=chinese, foreign_place=partner, kind=kind, stage=stage, level=level
        )
    ReportedFigure.objects.create(
        chinese_place=city, metric="sister_cities", value=20, qualifier="odd", as_of_year=2019
    )
    ReportedFigure.objects.create(
        chinese_place=city, metric="countries", value=5, qualifier="about", as_of_year=2019
    )

    row = client.get(f"/api/comparisons/{city.pk}/").json()
    assert row["recorded"] == {
        "partners": 3,
        "sister_cities": 2,
        "friendly_cities": 1,
        "countries": 2,
        "intents": 1,
        "pursuing": 1,
        "municipal_sister_cities": 1,
        "county_sister_cities": 1,
    }
    figures = {figure["metric"]: figure for figure in row["figures"]}
    sister = figures["sister_cities"]
    assert (sister["value"], sister["qualifier"], sister["display_value"]) == (20, "odd", "20多")
    assert (sister["recorded"], sister["difference"], sister["missing"]) == (2, -18, 18)
    # "约5个国家": the gap cannot be stated.
    assert figures["countries"]["missing"] is None
    assert figures["countries"]["difference"] == -3
