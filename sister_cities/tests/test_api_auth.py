"""Authentication and the history of API writes: tokens from /api/auth/token/, sessions
with their CSRF check, and the acting user and a reason on every history row."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from cities.models import Place
from tests.builders import build_world, staff_user


@pytest.fixture(autouse=True)
def unthrottled():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db):
    return build_world()


def new_district(world):
    return {
        "slug": "test-new",
        "name_zh": "测试新区",
        "level": "district",
        "country": "CN",
        "parent": world.home.pk,
    }


def test_token_from_username_and_password(world):
    user = staff_user("test-clerk", world.home)
    user.set_password("a long test password")
    user.save()
    client = APIClient()
    response = client.post(
        "/api/auth/token/", {"username": "test-clerk", "password": "a long test password"}
    )
    assert response.status_code == 200
    token = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    created = client.post("/api/places/", new_district(world), format="json")
    assert created.status_code == 201
    history = Place.history.filter(id=created.json()["id"]).get()
    assert history.history_user == user
    assert history.history_change_reason == "REST API POST /api/places/"
    wrong = APIClient().post("/api/auth/token/", {"username": "test-clerk", "password": "wrong"})
    assert wrong.status_code == 400
    assert "non_field_errors" in wrong.json()


def test_session_writes_need_the_csrf_token(world):
    """A browser session (the browsable API) writes too, but only with its CSRF token."""
    user = staff_user("test-clerk", world.home)
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    refused = client.post("/api/places/", new_district(world), format="json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    # The browsable API's page carries the token (and sets its cookie), as a browser sees.
    page = client.get("/api/places/", HTTP_ACCEPT="text/html")
    assert page.status_code == 200 and b"csrfmiddlewaretoken" in page.content
    token = client.cookies["csrftoken"].value
    created = client.post(
        "/api/places/", new_district(world), format="json", HTTP_X_CSRFTOKEN=token
    )
    assert created.status_code == 201, created.content
    assert Place.history.filter(id=created.json()["id"]).get().history_user == user


def test_changes_and_deletes_are_in_the_history_with_their_user(world):
    user = staff_user("test-clerk", world.home)
    client = APIClient()
    client.force_authenticate(user)
    place = client.post("/api/places/", new_district(world), format="json").json()
    client.patch(place["url"], {"name_en": "New District"}, format="json")
    client.delete(place["url"])
    rows = Place.history.filter(id=place["id"]).order_by("history_id")
    assert [(row.history_type, row.name_en, row.history_user) for row in rows] == [
        ("+", "", user),
        ("~", "New District", user),
        ("-", "New District", user),
    ]
    assert [row.history_change_reason.split()[2] for row in rows] == ["POST", "PATCH", "DELETE"]


def test_english_on_request(world):
    """Chinese by default; ``Accept-Language: en`` gives English names, labels and
    messages."""
    client = APIClient()
    chinese = client.get(f"/api/places/{world.home.pk}/").json()
    assert (chinese["display"], chinese["level_display"], chinese["country"]["name"]) == (
        "测试市",
        "地级市",
        "中国",
    )
    english = client.get(f"/api/places/{world.home.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert (english["display"], english["country"]["name"]) == ("Testville", "China")
    outsider = APIClient()
    outsider.force_authenticate(staff_user("test-outsider", world.away))
    response = outsider.post(
        "/api/places/", new_district(world), format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 403
    assert response.json()["detail"] == (
        "Your office (Elsewhere) may only change the records of its city and the places inside it."
    )


ENDPOINTS = [
    "places", "relationships", "relationship-stages", "reported-figures", "comparisons",
    "anniversaries", "cooperation-fields", "exchanges", "regions", "awards", "award-types",
    "reports", "citations",
]  # fmt: skip


@pytest.mark.parametrize("prefix", ENDPOINTS)
def test_browsable_api_pages_render_with_their_forms(world, prefix):
    """The HTML pages of the browsable API, with the create and edit forms a staff member
    sees, render for every endpoint; form labels are the models' (Chinese by default)."""
    client = APIClient()
    client.force_login(staff_user("test-superuser", superuser=True))
    page = client.get(f"/api/{prefix}/", HTTP_ACCEPT="text/html")
    assert page.status_code == 200
    first = client.get(f"/api/{prefix}/", {"limit": 1}).json()["results"]
    if first and prefix != "anniversaries":
        detail = client.get(f"/api/{prefix}/{first[0]['id']}/", HTTP_ACCEPT="text/html")
        assert detail.status_code == 200
    if prefix == "exchanges":
        assert "开始" in page.content.decode()
