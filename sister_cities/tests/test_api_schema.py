"""The OpenAPI 3 schema describes every endpoint, filter and response; Swagger UI and
Redoc are served from local assets (drf-spectacular-sidecar), never a CDN."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.core.cache import cache
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from sister_cities.api import router


@pytest.fixture(autouse=True)
def unthrottled():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="module")
def schema():
    cache.clear()
    return APIClient().get("/api/schema/", {"format": "json"}).json()


def test_schema_is_valid_openapi_3(schema):
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)


def test_schema_is_served_as_yaml_by_default():
    response = APIClient().get("/api/schema/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi")
    assert response.content.startswith(b"openapi: 3")


def test_every_endpoint_is_described(schema):
    for prefix, viewset, _basename in router.registry:
        assert f"/api/{prefix}/" in schema["paths"], prefix
        if hasattr(viewset, "retrieve"):
            assert f"/api/{prefix}/{{id}}/" in schema["paths"], prefix
    assert "/api/auth/token/" in schema["paths"]


def test_every_filter_is_described(schema):
    """Each FilterSet filter, ordering, pagination and the export format are parameters of
    their list operation, typed (ids are integers, choices enumerated)."""
    for prefix, viewset, _basename in router.registry:
        operation = schema["paths"][f"/api/{prefix}/"]["get"]
        parameters = {parameter["name"]: parameter for parameter in operation["parameters"]}
        filterset = getattr(viewset, "filterset_class", None)
        expected = set(filterset.base_filters) if filterset else set()
        expected |= {"limit", "offset", "format"}
        if viewset.ordering_fields if hasattr(viewset, "ordering_fields") else False:
            expected.add("ordering")
        assert expected <= set(parameters), (prefix, expected - set(parameters))
        for name, parameter in parameters.items():
            if name.endswith("_id"):
                assert parameter["schema"]["items"]["type"] == "integer", (prefix, name)
    relationships = {
        parameter["name"]: parameter
        for parameter in schema["paths"]["/api/relationships/"]["get"]["parameters"]
    }
    assert relationships["kind"]["schema"]["items"]["enum"] == ["friendly", "sister"]
    assert relationships["format"]["schema"]["enum"] == ["csv", "geojson", "json"]
    assert relationships["year_min"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 9999}


def test_responses_are_described(schema):
    places = schema["paths"]["/api/places/"]
    listing = places["get"]["responses"]
    assert set(listing) == {"200", "400", "401", "404", "429"}  # 401: a wrong token
    assert set(listing["200"]["content"]) == {
        "application/json",
        "text/csv",
        "application/geo+json",
    }
    geojson = listing["200"]["content"]["application/geo+json"]["schema"]
    assert geojson["properties"]["type"]["enum"] == ["FeatureCollection"]
    feature = geojson["properties"]["features"]["items"]
    assert feature["properties"]["properties"] == {"$ref": "#/components/schemas/Place"}
    assert set(places["post"]["responses"]) >= {"201", "400", "401", "403"}
    assert set(schema["paths"]["/api/places/{id}/"]["delete"]["responses"]) >= {
        "204",
        "401",
        "403",
        "404",
        "409",
    }
    calendar = schema["paths"]["/api/anniversaries/"]["get"]["responses"]["200"]["content"]
    assert calendar["text/calendar"]["schema"]["type"] == "string"


def test_requests_take_ids_and_responses_give_brief_forms(schema):
    components = schema["components"]["schemas"]
    request = components["RelationshipRequest"]["properties"]
    response = components["Relationship"]["properties"]
    assert request["chinese_place"]["type"] == "integer"
    assert response["chinese_place"] == {"$ref": "#/components/schemas/PlaceBrief"}
    assert request["fields"] == {
        "type": "array",
        "items": {"type": "integer", "description": "The related record's id."},
    }
    assert set(components["PlaceBrief"]["properties"]) == {
        "id", "url", "display", "slug", "name_zh", "name_en", "country",
    }  # fmt: skip
    assert components["PlaceRequest"]["properties"]["country"]["type"] == "string"
    assert set(components["Place"]["properties"]["country"]["properties"]) == {"code", "name"}
    stage = components["RelationshipStage"]["properties"]
    assert stage["date"]["pattern"].startswith("^[0-9]{4}")
    assert stage["date_precision"]["allOf"] == [{"$ref": "#/components/schemas/DatePrecision"}]
    assert stage["date_precision"]["readOnly"] is True
    assert components["DatePrecision"]["enum"] == ["year", "month", "day", None]


def test_the_root_lists_every_endpoint_and_the_documentation():
    root = APIClient().get("/api/").json()
    for prefix, _viewset, _basename in router.registry:
        assert root[prefix] == f"http://testserver/api/{prefix}/"
    assert root["schema"] == "http://testserver/api/schema/"
    assert root["docs"] == "http://testserver/api/docs/"
    assert root["redoc"] == "http://testserver/api/redoc/"


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_documentation_pages_use_local_assets(path):
    """Every script, stylesheet and icon of Swagger UI and Redoc is a local static file
    that exists (Swagger UI's start-up script is the page's own ``?script``); nothing comes
    from a CDN."""
    html = APIClient().get(path).content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets
    for asset in assets:
        if asset == f"{path}?script=":
            html += APIClient().get(asset).content.decode()
            continue
        assert asset.startswith("/static/"), asset
        assert finders.find(asset.removeprefix("/static/")), asset
    # The CSRF token and the script nonce are random: "cdn" turned up in one by chance.
    fixed_text = re.sub(r'(?:X-CSRFTOKEN"\] = |nonce=)"[^"]*"', "", html)
    assert "cdn" not in fixed_text.lower()
    assert not re.search(r"https?://", fixed_text)
    assert "/api/schema/" in html
