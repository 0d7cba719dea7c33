"""The OpenAPI schema is a contract a generated client can trust: one document whatever
the language, reads marked open to anonymous clients, one request body type, the real
media types of exports, read-only fields marked, ``null`` for an unknown level, and every
error in one documented shape."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from sister_cities.api import router


@pytest.fixture(autouse=True)
def unthrottled():
    cache.clear()
    yield
    cache.clear()


def fetch(language, format="json"):
    response = APIClient().get("/api/schema/", {"format": format}, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response


@pytest.fixture(scope="module")
def schema():
    cache.clear()
    return fetch("zh-hans").json()


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete", "head", "options"):
                yield path, method, operation


def strings_outside_descriptions(node, path=""):
    """Every key and every string value of the document, except the free text of
    ``description`` (where translated text may go)."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield f"{path}/{key}", key
            if key != "description":
                yield from strings_outside_descriptions(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from strings_outside_descriptions(value, f"{path}[{index}]")
    elif isinstance(node, str):
        yield path, node


def test_the_document_is_the_same_in_every_language():
    chinese, english = fetch("zh-hans"), fetch("en")
    assert chinese.content == english.content
    assert fetch("zh-hans", "yaml").content == fetch("en", "yaml").content
    other = APIClient().get("/api/schema/", {"format": "json", "lang": "zh-hans"})
    assert other.content == english.content


def test_names_and_titles_are_ascii(schema):
    """Component, enum and operation names and titles are what a generator turns into
    class and function names: never Chinese (``RelationshipsList类别``)."""
    found = [
        (where, text)
        for where, text in strings_outside_descriptions(schema)
        if not text.isascii() and "/example" not in where
    ]
    assert not found, found[:10]
    assert all(name.isascii() for name in schema["components"]["schemas"])


def test_reads_are_open_to_anonymous_clients_and_writes_are_not(schema):
    """Reads and the token endpoint need no credentials (``{}`` first); writes do."""
    for path, method, operation in operations(schema):
        security = operation.get("security", [])
        if method == "get" or path == "/api/auth/token/":
            assert security[0] == {}, (path, security)
            assert {"tokenAuth": []} in security, path
        else:
            assert {} not in security, (path, method, security)
            assert {"tokenAuth": []} in security, (path, method)


def test_writes_take_one_body_type_json(schema):
    bodies = 0
    for path, method, operation in operations(schema):
        if "requestBody" in operation:
            bodies += 1
            assert list(operation["requestBody"]["content"]) == ["application/json"], (
                path,
                method,
            )
    assert bodies > 20
    token = schema["paths"]["/api/auth/token/"]["post"]["requestBody"]["content"]
    assert list(token) == ["application/json"]
    # Described for a client, not by the view's notes on its lockout library.
    description = schema["paths"]["/api/auth/token/"]["post"]["description"]
    assert "Authorization: Token" in description and "axes" not in description


def test_exports_have_their_own_media_types(schema):
    """A list's 200 lists JSON, CSV and (where there is one) GeoJSON or iCalendar, each
    with its own schema: text for CSV and iCalendar, a FeatureCollection for GeoJSON."""
    for prefix, viewset, _basename in router.registry:
        if not hasattr(viewset, "list"):
            continue
        content = schema["paths"][f"/api/{prefix}/"]["get"]["responses"]["200"]["content"]
        assert content["text/csv"]["schema"]["type"] == "string", prefix
        formats = {renderer.format for renderer in viewset.renderer_classes}
        if "geojson" in formats:
            geojson = content["application/geo+json"]["schema"]
            assert geojson["properties"]["type"]["enum"] == ["FeatureCollection"], prefix
        if "ics" in formats:
            assert content["text/calendar"]["schema"]["type"] == "string", prefix


def test_read_only_fields_are_marked_and_say_where_they_are_written(schema):
    components = schema["components"]["schemas"]
    relationship = components["Relationship"]["properties"]
    for name in ("id", "url", "display", "agreement_date", "began", "stages", "created"):
        assert relationship[name].get("readOnly") is True, name
    assert "/api/relationship-stages/" in relationship["agreement_date"]["description"]
    writable = set(components["RelationshipRequest"]["properties"])
    assert not writable & {"id", "url", "display", "agreement_date", "began", "created"}
    assert not set(components["PatchedRelationshipRequest"]["properties"]) - writable


def test_an_unknown_level_is_null_not_blank(schema):
    components = schema["components"]["schemas"]
    level = components["Relationship"]["properties"]["level"]
    assert level["nullable"] is True
    assert "" not in components["HoldingLevelEnum"]["enum"]
    assert "BlankEnum" not in components


def test_every_error_has_the_one_documented_shape(schema):
    error = schema["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"detail", "code", "request_id"}
    assert error["properties"]["errors"]["additionalProperties"]["items"]["type"] == "string"
    for path, method, operation in operations(schema):
        for status, response in operation["responses"].items():
            if status.startswith(("4", "5")):
                assert response["content"] == {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                }, (path, method, status)
        if method in ("post", "put", "patch"):
            assert {"400", "401", "403", "413", "415"} <= set(operation["responses"]), path


def test_paging_parameters_state_their_range(schema):
    parameters = {
        parameter["name"]: parameter["schema"]
        for parameter in schema["paths"]["/api/places/"]["get"]["parameters"]
    }
    assert parameters["limit"] == {"type": "integer", "minimum": 1, "maximum": 500}
    assert parameters["offset"]["minimum"] == 0
