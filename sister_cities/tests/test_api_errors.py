"""Errors are JSON and say what is wrong: 400 with field-level messages for bad bodies and
bad filter values, 401 / 403 / 404 as DRF gives them, 409 when other records still refer to
one being deleted, 429 for anonymous clients that go too fast; never a 500, whatever the
query string holds (NUL bytes, huge numbers, impossible dates, unknown choices)."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from cities.models import Place, Relationship
from tests.builders import build_world, staff_user, token_client

NUL = "abc\x00def"
HUGE = "9" * 40
BAD_DATE = "2019-02-30"
UNKNOWN = "no-such-choice"
# Parameters that never refuse a value: none (limit, offset and ordering are checked too).
LENIENT = set()


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


def list_parameters():
    """Every (list URL, query parameter, schema) the OpenAPI schema documents."""
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    for path, operations in sorted(schema["paths"].items()):
        if "{" in path or "get" not in operations:
            continue
        for parameter in operations["get"].get("parameters", []):
            yield path, parameter["name"], parameter["schema"]


def kind_of(schema):
    item = schema.get("items", schema)
    if "enum" in item:
        return "choice"
    return item.get("type", "string")


PARAMETERS = [
    pytest.param(path, name, schema, id=f"{path}?{name}")
    for path, name, schema in list_parameters()
    if name != "format"
]


def assert_json_error(response, status, field=None):
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    if field:
        assert field in body, body
        assert all(isinstance(message, str) and message for message in body[field]), body


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "name", "schema"), PARAMETERS)
def test_bad_query_values_are_400_never_500(client, path, name, schema):
    """NUL bytes, a 40-digit number, an impossible date and an unknown choice in any
    documented query parameter: a 400 naming the parameter when the value cannot be
    right for it, never a 500 (and on PostgreSQL the NUL never reaches the database)."""
    for value in (NUL, HUGE, BAD_DATE, UNKNOWN):
        response = client.get(path, {name: value})
        assert response.status_code < 500, (value, response.content[:300])
        if name in LENIENT:
            assert response.status_code == 200
            continue
        kind = kind_of(schema)
        refused = value == NUL or (kind in ("integer", "choice") or (name != "q" and value != HUGE))
        if refused:
            assert_json_error(response, 400, field=name)


@pytest.mark.django_db
def test_unknown_format_is_a_json_404(client):
    response = client.get("/api/places/", {"format": "xlsx"})
    assert_json_error(response, 404)


@pytest.mark.django_db
def test_export_errors_are_json_too(client):
    """A bad filter on a CSV, GeoJSON or iCalendar export answers in JSON, not in the
    export format."""
    for path, format in (
        ("/api/places/", "csv"),
        ("/api/places/", "geojson"),
        ("/api/anniversaries/", "ics"),
    ):
        response = client.get(path, {"format": format, "country": "not-a-country"})
        assert_json_error(response, 400, field="country")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path, format",
    [
        ("/api/places/", "csv"),
        ("/api/relationships/", "csv"),
        ("/api/places/", "geojson"),
        ("/api/anniversaries/", "ics"),
        ("/api/activity/", "csv"),
    ],
)
@pytest.mark.parametrize("param, value", [("limit", "true"), ("limit", "0"), ("offset", "-1")])
def test_a_whole_export_refuses_malformed_paging_as_the_pages_do(
    client, path, format, param, value
):
    """An export is the whole list (``limit`` and ``offset`` do not cut it) but a malformed
    value is still the JSON 400 the paged list gives."""
    response = client.get(path, {"format": format, param: value})
    assert_json_error(response, 400, field=param)
    assert client.get(path, {"format": format, "limit": "5"}).status_code == 200


def test_bad_bodies_get_field_level_messages(world):
    insider = token_client(staff_user("test-insider", world.home))
    cases = [
        # wrong types and unknown choices
        ("/api/relationships/", {"chinese_place": "abc", "foreign_place": None, "kind": "twin"},
         {"chinese_place", "foreign_place", "kind"}),
        # an impossible partial date, and one in the wrong format
        ("/api/relationship-stages/", {"relationship": world.relationship.pk, "stage": "intent",
                                        "date": BAD_DATE}, {"date"}),
        ("/api/exchanges/", {"title_zh": "测试", "kind": "event", "chinese_place": world.home.pk,
                             "start": "Oct 1997"}, {"start"}),
        # a number too large for the column, and a NUL byte in text
        ("/api/reported-figures/", {"chinese_place": world.home.pk, "metric": "partners",
                                    "value": 10**30}, {"value"}),
        ("/api/places/", {"slug": "test-nul", "name_zh": NUL, "level": "district",
                          "country": "CN", "parent": world.home.pk}, {"name_zh"}),
        # the model's own rules, keyed by the API's field names
        ("/api/relationships/", {"chinese_place": world.partner_b.pk,
                                 "foreign_place": world.partner_c.pk, "kind": "sister"},
         {"chinese_place"}),
        ("/api/citations/", {"report": world.report.pk, "quote": "报告里没有这句话"}, {"quote"}),
        ("/api/places/", {"slug": "test-bad-coords", "name_zh": "测试", "level": "district",
                          "country": "CN", "parent": world.home.pk, "latitude": 30.1},
         {"longitude"}),
    ]  # fmt: skip
    for url, body, fields in cases:
        response = insider.post(url, body, format="json")
        assert response.status_code == 400, (url, response.content)
        errors = response.json()
        assert fields <= set(errors), (url, errors)


def test_stage_dates_out_of_order_are_refused_on_the_date(world):
    """An intent dated after the agreement (2016-10-28) breaks the model's rule; the
    message is keyed ``date``, the API's name for the three date columns."""
    insider = token_client(staff_user("test-insider", world.home))
    body = {"relationship": world.relationship.pk, "stage": "intent", "date": "2018"}
    response = insider.post("/api/relationship-stages/", body, format="json")
    assert_json_error(response, 400, field="date")


def test_duplicate_relationship_is_refused(world):
    insider = token_client(staff_user("test-insider", world.home))
    body = {"chinese_place": world.home.pk, "foreign_place": world.partner_a.pk, "kind": "sister"}
    response = insider.post("/api/relationships/", body, format="json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    assert Relationship.objects.filter(chinese_place=world.home).count() == 1


def test_malformed_json_is_400(world):
    insider = token_client(staff_user("test-insider", world.home))
    response = insider.post("/api/places/", '{"slug": "test-', content_type="application/json")
    assert_json_error(
        response,
        400,
    )
    assert "detail" in response.json()


def test_authentication_and_permission_statuses(world, client):
    """401 with a WWW-Authenticate challenge without credentials; 401 for a wrong token;
    403 for a signed-in user who is not staff; 404 for an unknown record or address."""
    response = client.post("/api/places/", {}, format="json")
    assert_json_error(response, 401)
    assert response["WWW-Authenticate"] == "Token"
    wrong = APIClient()
    wrong.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert_json_error(wrong.get("/api/places/"), 401)
    member = token_client(staff_user("test-member", world.home, staff=False))
    assert_json_error(member.post("/api/places/", {}, format="json"), 403)
    assert_json_error(client.get("/api/places/999999999/"), 404)
    assert_json_error(client.get("/api/no-such-endpoint/"), 404)
    assert_json_error(client.delete("/api/no-such-endpoint/"), 404)


def test_deleting_a_referenced_record_is_409(world):
    """A place that relationships still name cannot go: 409 says which records refer to
    it, and nothing is deleted."""
    superuser = token_client(staff_user("test-superuser", superuser=True))
    response = superuser.delete(f"/api/places/{world.home.pk}/")
    assert_json_error(response, 409)
    assert "友好关系" in response.json()["detail"]
    assert Place.objects.filter(pk=world.home.pk).exists()


def test_anonymous_clients_are_throttled_with_a_clear_429(db, settings, client):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/minute"},
    }
    for _ in range(3):
        assert client.get("/api/cooperation-fields/").status_code == 200
    response = client.get("/api/cooperation-fields/")
    assert_json_error(response, 429)
    assert int(response["Retry-After"]) > 0
    assert "令牌" in response.json()["detail"]
    # The schema and the root are throttled too; a token client is not.
    assert client.get("/api/").status_code == 429
    staff = token_client(staff_user("test-reader", superuser=True))
    assert staff.get("/api/cooperation-fields/").status_code == 200
