"""Incremental sync as a mirror does it: the ``created``/``last_updated`` filters on every
list, the changes feed ``/api/changes/`` after a create, an update and a delete made
through the API, paging it by cursor, and the history of one record (who changed it shown
to staff only)."""

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from utilities.testing.queries import count_queries

pytestmark = pytest.mark.django_db

NEW_PLACE = {
    "slug": "test-sync-district",
    "name_zh": "测试同步区",
    "level": "district",
    "country": "CN",
}


@pytest.fixture(autouse=True)
def _unthrottled():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def anonymous():
    return APIClient()


def changes_since(client, since, **params):
    response = client.get("/api/changes/", {"since": since.isoformat(), **params})
    assert response.status_code == 200, response.content
    return response.json()


def create_update_delete(client, world):
    """A place created, renamed and deleted through the API; returns its id."""
    created = client.post("/api/places/", {**NEW_PLACE, "parent": world.home.pk}, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    url = f"/api/places/{pk}/"
    assert client.patch(url, {"name_en": "Sync District"}, format="json").status_code == 200
    assert client.delete(url).status_code == 204
    return pk


def test_the_feed_lists_a_create_an_update_and_a_delete_in_order(superuser, anonymous, world):
    start = timezone.now()
    pk = create_update_delete(superuser, world)
    page = changes_since(anonymous, start)
    rows = [row for row in page["results"] if row["type"] == "places" and row["id"] == pk]
    assert [row["action"] for row in rows] == ["created", "updated", "deleted"]
    assert rows[0]["url"] == f"http://testserver/api/places/{pk}/"
    assert rows[2]["url"] is None
    times = [row["time"] for row in page["results"]]
    assert times == sorted(times)
    assert page["next"] is None and page["cursor"]


def test_the_feed_names_every_kind_of_record(superuser, anonymous, world):
    start = timezone.now()
    assert (
        superuser.patch(
            f"/api/relationships/{world.relationship.pk}/", {"notes": "同步"}, format="json"
        ).status_code
        == 200
    )
    assert (
        superuser.patch(
            f"/api/award-types/{world.award_type.pk}/", {"name_en": "Synced"}, format="json"
        ).status_code
        == 200
    )
    rows = changes_since(anonymous, start)["results"]
    assert {(row["type"], row["id"], row["action"]) for row in rows} >= {
        ("relationships", world.relationship.pk, "updated"),
        ("award-types", world.award_type.pk, "updated"),
    }
    for row in rows:
        assert anonymous.get(row["url"]).json()["id"] == row["id"]


def test_a_mirror_pages_by_cursor_and_resumes_from_it(superuser, anonymous, world):
    start = timezone.now()
    pk = create_update_delete(superuser, world)
    everything = changes_since(anonymous, start)["results"]
    seen, page = [], changes_since(anonymous, start, limit=1)
    while True:
        assert len(page["results"]) <= 1
        seen += page["results"]
        if page["next"] is None:
            break
        page = anonymous.get(page["next"]).json()
    assert seen == everything
    # Nothing new since the last cursor; then one more change, and only it.
    cursor = page["cursor"]
    assert anonymous.get("/api/changes/", {"cursor": cursor}).json()["results"] == []
    response = superuser.patch(
        f"/api/places/{world.county.pk}/", {"name_en": "Resumed"}, format="json"
    )
    assert response.status_code == 200
    rows = anonymous.get("/api/changes/", {"cursor": cursor}).json()["results"]
    assert [(row["type"], row["id"], row["action"]) for row in rows] == [
        ("places", world.county.pk, "updated")
    ]
    assert pk not in {row["id"] for row in rows}


def test_the_feed_is_read_only(anonymous, superuser):
    assert anonymous.post("/api/changes/", {}, format="json").status_code == 405
    assert superuser.delete("/api/changes/").status_code == 405


def test_the_feed_reads_limit_as_lists_do(anonymous, world):
    """A limit that is not a whole number from 1 to 500 is a 400 naming it, as on every
    list; a good one is the page size."""
    for limit in ("0", "x" * 5000, "501", "-3"):
        response = anonymous.get("/api/changes/", {"since": "2000-01-01", "limit": limit})
        assert response.status_code == 400, limit
        assert list(response.json()["errors"]) == ["limit"]
    for limit, rows in (("7", 7), ("500", 500)):
        response = anonymous.get("/api/changes/", {"since": "2000-01-01", "limit": limit})
        assert response.status_code == 200
        assert len(response.json()["results"]) == rows, limit


def test_a_page_of_the_feed_costs_the_same_queries_for_1_row_or_100(anonymous, world):
    since = "2000-01-01"
    one, response = count_queries(anonymous, "/api/changes/", {"since": since, "limit": 1})
    assert len(response.json()["results"]) == 1
    hundred, response = count_queries(anonymous, "/api/changes/", {"since": since, "limit": 100})
    assert len(response.json()["results"]) == 100
    assert one == hundred


@pytest.mark.parametrize(
    ("params", "key"),
    [
        ({"since": "yesterday"}, "since"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"since": "9" * 5000}, "since"),
        ({"cursor": "eyJ9"}, "cursor"),
    ],
)
def test_the_feed_refuses_bad_parameters_with_json(anonymous, params, key):
    response = anonymous.get("/api/changes/", params)
    assert response.status_code == 400
    assert key in response.json()


def test_lists_filter_by_last_updated_and_created(superuser, anonymous, world):
    start = timezone.now()
    response = superuser.patch(
        f"/api/places/{world.county.pk}/", {"name_en": "Changed"}, format="json"
    )
    assert response.status_code == 200
    since = {"last_updated__gte": start.isoformat(), "limit": 500}
    assert [row["id"] for row in anonymous.get("/api/places/", since).json()["results"]] == [
        world.county.pk
    ]
    created = {"created__gte": start.isoformat()}
    assert anonymous.get("/api/places/", created).json()["results"] == []
    response = anonymous.get("/api/relationships/", {"last_updated__gte": "last week"})
    assert response.status_code == 400
    assert "last_updated__gte" in response.json()


def test_history_shows_versions_and_changed_fields_to_everyone(superuser, anonymous, world):
    pk = create_update_delete(superuser, world)
    response = anonymous.get(f"/api/places/{pk}/history/")
    assert response.status_code == 200
    versions = response.json()["results"]
    assert [version["action"] for version in versions] == ["deleted", "updated", "created"]
    assert versions[1]["changed_fields"] == ["name_en"]
    assert all("user" not in version and "reason" not in version for version in versions)


def test_history_names_the_user_to_staff_only(superuser, world):
    superuser.user.first_name, superuser.user.email = "", "admin@example.org"
    superuser.user.save()
    url = f"/api/relationships/{world.relationship.pk}/"
    assert superuser.patch(url, {"notes": "有人改了"}, format="json").status_code == 200
    latest = superuser.get(f"{url}history/").json()["results"][0]
    assert latest["user"] == "test-superuser"
    assert latest["reason"].startswith("REST API PATCH")
    assert latest["changed_fields"] == ["notes"]
    assert "@" not in latest["user"]


def test_history_pages_and_unknown_records(anonymous, superuser, world):
    url = f"/api/places/{world.county.pk}/"
    for name in ("One", "Two", "Three"):
        assert superuser.patch(url, {"name_en": name}, format="json").status_code == 200
    first = anonymous.get(f"{url}history/", {"limit": 1}).json()
    second = anonymous.get(first["next"]).json()
    assert first["count"] == 4
    assert first["results"][0]["changed_fields"] == ["name_en"]
    assert second["results"][0]["changed_fields"] == ["name_en"]
    assert first["results"][0]["history_id"] > second["results"][0]["history_id"]
    beyond = anonymous.get(f"{url}history/", {"offset": 10})
    assert beyond.status_code == 200
    assert beyond.json()["results"] == []
    assert anonymous.get(f"{url}history/", {"format": "csv"}).status_code == 404  # JSON only
    assert anonymous.get("/api/places/999999999/history/").status_code == 404
    assert anonymous.get(f"/api/places/{'9' * 5000}/history/").status_code == 404
