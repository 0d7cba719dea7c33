"""Strict inputs and one error shape: what an integrator sends wrong is refused with a JSON
400 (or 405, 413) that says what is wrong and what is valid, never silently ignored and
never a 500 or an HTML page, in Chinese by default and in English on request."""

import json

import pytest
from django.core.cache import cache
from django.db import DatabaseError
from rest_framework.test import APIClient

from cities.models import Relationship
from sister_cities.api import router
from tests.builders import build_world, staff_user, token_client
from utilities.api.views import COMMON_QUERY_PARAMETERS

SHAPE = {"detail", "code", "request_id"}


@pytest.fixture(autouse=True)
def unthrottled():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def client():
    return APIClient(raise_request_exception=False)


@pytest.fixture
def world(db):
    return build_world()


def error(response, status, code=None):
    """The one error shape: JSON with detail, code and request id (the response's)."""
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert SHAPE <= set(body), body
    assert isinstance(body["detail"], str) and body["detail"]
    assert body["request_id"] == response["X-Request-ID"]
    if code:
        assert body["code"] == code, body
    return body


@pytest.mark.django_db
def test_an_unknown_filter_is_refused_naming_the_valid_ones(client):
    """``?city=wuhan`` used to return all 38 relationships."""
    body = error(client.get("/api/relationships/", {"city": "wuhan"}), 400, "unknown_parameter")
    message = body["errors"]["city"][0]
    for valid in ("chinese_place", "kind", "limit", "ordering", "q"):
        assert valid in message
    english = client.get("/api/relationships/", {"city": "wuhan"}, HTTP_ACCEPT_LANGUAGE="en")
    assert error(english, 400)["errors"]["city"][0].startswith("Unknown query parameter.")
    # A real filter still works, and a record takes no filters.
    assert client.get("/api/relationships/", {"chinese_place": "wuhan"}).status_code == 200
    first = Relationship.objects.order_by("pk").first()
    detail = client.get(f"/api/relationships/{first.pk}/", {"kind": "sister"})
    assert "kind" in error(detail, 400, "unknown_parameter")["errors"]


@pytest.mark.django_db
def test_the_common_parameters_are_never_refused_as_unknown(client):
    """``format``, ``brief``, ``fields``, ``since`` and the time filters are the API's own
    parameters (kept in one list); they are never "unknown"."""
    for name in COMMON_QUERY_PARAMETERS - {"format"}:
        response = client.get("/api/cooperation-fields/", {name: "x"})
        assert "unknown_parameter" not in response.content.decode(), name


@pytest.mark.django_db
def test_an_unknown_ordering_field_is_refused(client):
    body = error(client.get("/api/relationships/", {"ordering": "-nonsense,kind"}), 400)
    assert "-nonsense" in body["errors"]["ordering"][0]
    assert "chinese_place" in body["errors"]["ordering"][0]
    response = client.get("/api/relationships/", {"ordering": "-kind,chinese_place"})
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "value"), [("limit", "abc"), ("limit", "0"), ("limit", "501"), ("offset", "-1")]
)
def test_paging_values_out_of_range_are_refused(client, name, value):
    body = error(client.get("/api/places/", {name: value}), 400)
    assert name in body["errors"]


@pytest.mark.django_db
@pytest.mark.parametrize("digits", [20, 4301, 10000])
def test_an_id_filter_of_thousands_of_digits_is_400_not_500(client, digits):
    """Python refuses to turn more than 4,300 digits into an int; the range is checked on
    the text first."""
    for path, name in (
        ("/api/relationships/", "chinese_place_id"),
        ("/api/exchanges/", "chinese_place_id"),
    ):
        body = error(client.get(path, {name: "9" * digits}), 400, "invalid")
        assert name in body["errors"]
    # The same number as a record's address is simply not found.
    error(client.get(f"/api/places/{'9' * digits}/"), 404, "not_found")


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["😀", "😀😀", "!!!", "？。、"])
def test_a_query_of_only_emoji_or_punctuation_finds_nothing(client, query):
    """Nothing is named "😀": the answer is an empty list, not the whole registry."""
    for path in ("/api/relationships/", "/api/places/", "/api/exchanges/", "/api/reports/"):
        response = client.get(path, {"q": query})
        assert response.status_code == 200
        assert response.json()["count"] == 0, (path, query)
    assert client.get("/api/relationships/", {"q": "大分"}).json()["count"] >= 1


def test_a_body_nested_a_thousand_levels_is_a_json_400(world, client):
    deep = "[" * 1000 + "]" * 1000
    body = error(client.post("/api/auth/token/", deep, content_type="application/json"), 400)
    assert body["code"] == "parse_error"
    insider = token_client(staff_user("test-insider", world.home))
    nested = '{"notes": ' + "[" * 100 + "]" * 100 + "}"
    url = f"/api/relationships/{world.relationship.pk}/"
    for response in (
        insider.post("/api/places/", deep, content_type="application/json"),
        insider.patch(url, nested, content_type="application/json"),
    ):
        error(response, 400, "parse_error")
    # 32 levels is still JSON the parser reads (and the serializer judges).
    shallow = '{"notes": ' + "[" * 31 + "]" * 31 + "}"
    response = insider.patch(url, shallow, content_type="application/json")
    assert error(response, 400, "invalid")["errors"]["notes"]


def test_a_body_over_the_size_limit_is_a_json_413(world, client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    insider = token_client(staff_user("test-insider", world.home))
    big = json.dumps({"notes": "长" * 2000})
    url = f"/api/relationships/{world.relationship.pk}/"
    error(insider.patch(url, big, content_type="application/json"), 413, "request_too_large")
    error(client.post("/api/auth/token/", big, content_type="application/json"), 413)
    form = "&".join(f"f{i}=" + "x" * 50 for i in range(40))
    response = client.post(
        "/api/auth/token/", form, content_type="application/x-www-form-urlencoded"
    )
    error(response, 413)
    world.relationship.refresh_from_db()
    assert world.relationship.notes == ""


@pytest.mark.django_db
def test_too_many_parameters_is_a_json_400(client, settings):
    many = "&".join(f"q{i}=1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    for path in ("/api/relationships/", "/api/", "/api/schema/", "/api/no-such-thing/"):
        error(client.get(f"{path}?{many}"), 400, "too_many_parameters")
    form = "&".join(f"f{i}=1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    response = client.post(
        "/api/auth/token/", form, content_type="application/x-www-form-urlencoded"
    )
    error(response, 400, "too_many_parameters")


@pytest.mark.django_db
def test_too_many_parameters_is_json_with_debug_on_too(client, settings):
    """With DEBUG on Django answers such requests itself, in plain text or HTML."""
    settings.DEBUG = True
    many = "&".join(f"q{i}=1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    error(client.get(f"/api/relationships/?{many}"), 400, "too_many_parameters")


@pytest.mark.django_db
def test_a_bad_host_under_the_api_is_json(client):
    error(client.get("/api/places/", HTTP_HOST="evil.example"), 400, "bad_request")
    page = client.get("/", HTTP_HOST="evil.example")
    assert page.status_code == 400 and not page["Content-Type"].startswith("application/json")


def test_setting_a_read_only_field_says_where_to_write_it(world):
    """``agreement_date`` is computed from the relationship's stages: a PATCH that sets it
    used to answer 200 and change nothing."""
    insider = token_client(staff_user("test-insider", world.home))
    url = f"/api/relationships/{world.relationship.pk}/"
    response = insider.patch(url, {"agreement_date": "2017-01-01", "notes": "改了"}, format="json")
    body = error(response, 400, "read_only_field")
    assert "/api/relationship-stages/" in body["errors"]["agreement_date"][0]
    world.relationship.refresh_from_db()
    assert world.relationship.notes == ""
    english = insider.patch(
        url, {"display": "x", "created": "2001-01-01T00:00:00Z"}, format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    body = error(english, 400, "read_only_field")
    assert set(body["errors"]) == {"display", "created"}
    assert body["errors"]["created"] == [
        "Read-only field: the registry computes it; it cannot be written."
    ]
    # What was read can be sent back: unchanged read-only values are fine.
    record = insider.get(url).json()
    record["notes"] = "双方隔年互访。"
    response = insider.put(url, record, format="json")
    assert response.status_code == 200, response.content
    world.relationship.refresh_from_db()
    assert world.relationship.notes == "双方隔年互访。"


def test_unknown_level_is_null_both_ways(world):
    insider = token_client(staff_user("test-insider", world.home))
    url = f"/api/relationships/{world.relationship.pk}/"
    assert insider.get(url).json()["level"] == "municipal"
    response = insider.patch(url, {"level": None}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["level"] is None
    world.relationship.refresh_from_db()
    assert world.relationship.level == ""
    error(insider.patch(url, {"level": ""}, format="json"), 400)
    assert (
        insider.patch(url, {"level": "provincial"}, format="json").json()["level"] == "provincial"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["FOO", "TRACE", "PUT"])
def test_a_method_an_endpoint_does_not_have_is_405_even_anonymous(client, method):
    response = client.generic(method, "/api/relationships/")
    body = error(response, 405, "method_not_allowed")
    assert method in body["detail"]
    assert "GET" in response["Allow"]


@pytest.mark.django_db
def test_not_found_is_translated_and_names_no_model(client):
    chinese = error(client.get("/api/relationships/999999999/"), 404, "not_found")
    english = error(
        client.get("/api/relationships/999999999/", HTTP_ACCEPT_LANGUAGE="en"), 404, "not_found"
    )
    assert chinese["detail"] == "未找到该记录或地址。"
    assert english["detail"] == "No such record or address."
    assert "Relationship" not in chinese["detail"] + english["detail"]


def test_validation_errors_keep_their_fields_and_gain_the_shape(world):
    """``errors`` holds each field's messages; the field keys stay at the top level too,
    for clients written against the earlier bodies."""
    insider = token_client(staff_user("test-insider", world.home))
    body = {"chinese_place": "abc", "foreign_place": world.partner_b.pk, "kind": "twin"}
    english = insider.post("/api/relationships/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    result = error(english, 400, "invalid")
    assert result["detail"] == "Invalid request: see the fields listed in errors."
    assert set(result["errors"]) == {"chinese_place", "kind"}
    assert result["kind"] == result["errors"]["kind"]
    chinese = error(insider.post("/api/relationships/", body, format="json"), 400)
    assert chinese["detail"] == "请求有误，请检查下列字段。"


def test_server_errors_are_json_with_debug_on_or_off(world, client, settings, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("cities.api.views.RelationshipViewSet.list", broken)
    for debug in (False, True):
        settings.DEBUG = debug
        body = error(client.get("/api/relationships/"), 500, "server_error")
        assert "boom" not in json.dumps(body)
    monkeypatch.setattr("cities.api.views.RelationshipViewSet.list", _database_down)
    for debug in (False, True):
        settings.DEBUG = debug
        body = error(client.get("/api/relationships/", HTTP_ACCEPT_LANGUAGE="en"), 503)
        assert body["code"] == "database_unavailable"
        assert body["detail"] == "The database cannot be reached right now. Please try again later."


def _database_down(*args, **kwargs):
    raise DatabaseError("could not connect to server")


@pytest.mark.django_db
def test_schema_errors_are_json_not_yaml(client):
    error(client.get("/api/schema/", {"format": "nonsense"}), 404, "not_found")


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["kind", "format", "q", "limit"])
def test_an_empty_parameter_is_refused(client, name):
    """``?kind=`` filters nothing and ``?format=`` picks no format: leave them out."""
    body = error(client.get("/api/relationships/", {name: ""}), 400, "invalid")
    assert name in body["errors"]


@pytest.mark.django_db
def test_every_ordering_field_sorts(client):
    """Each name an endpoint offers for ``ordering`` sorts, both ways (reported figures'
    ``place`` once named a column that does not exist: a 500)."""
    for prefix, viewset, _basename in router.registry:
        for name in getattr(viewset, "ordering_fields", None) or {}:
            for term in (name, f"-{name}"):
                response = client.get(f"/api/{prefix}/", {"ordering": term, "limit": 5})
                assert response.status_code == 200, (prefix, term, response.content[:200])


@pytest.mark.django_db
def test_the_browsable_apis_filter_form_may_send_empty_fields(client):
    """A person using the browsable API's filter form sends its untouched fields empty."""
    response = client.get("/api/relationships/", {"q": "", "year_min": "", "format": "api"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
