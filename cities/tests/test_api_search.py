"""``q`` in the API is the directory's normalised search: simplified or traditional
characters, pinyin with or without tones and spaces, English, and aliases all find the
same place, on the loaded registry."""

import pytest
from rest_framework.test import APIClient


@pytest.fixture
def client():
    return APIClient()


def slugs(client, path, query, key="slug"):
    response = client.get(path, {"q": query, "limit": 500})
    assert response.status_code == 200
    return {row[key] for row in response.json()["results"]}


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["济南", "濟南", "jinan", "Ji Nan", "jǐnán", "JINAN"])
def test_places_by_any_spelling(client, query):
    assert "jinan" in slugs(client, "/api/places/", query)


@pytest.mark.django_db
def test_two_character_name(client):
    assert "oita" in slugs(client, "/api/places/", "大分")


@pytest.mark.django_db
def test_relationships_by_either_side(client):
    response = client.get("/api/relationships/", {"q": "大分", "limit": 500})
    displays = {row["display"] for row in response.json()["results"]}
    assert "武汉市 – 大分市" in displays
    response = client.get("/api/relationships/", {"q": "wuhan oita"})
    assert [row["display"] for row in response.json()["results"]] == ["武汉市 – 大分市"]
