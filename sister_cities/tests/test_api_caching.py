"""HTTP caching of API reads as a client or a proxy sees it: ``ETag`` and ``Last-Modified``
on lists and details, ``304`` when nothing changed (and a fresh answer after a create, an
update or a delete), ``Cache-Control`` by who is asking, ``Vary``, and gzip."""

import gzip
import json

import pytest
from django.core.cache import cache
from django.test import override_settings
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _unthrottled():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def anonymous():
    return APIClient()


def test_a_detail_is_not_modified_while_its_version_holds(anonymous, superuser, world):
    url = f"/api/places/{world.county.pk}/"
    first = anonymous.get(url)
    assert first["ETag"] == f'"{world.county.version}"'
    assert first["Last-Modified"]
    again = anonymous.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    assert anonymous.get(url, HTTP_IF_NONE_MATCH=f"W/{first['ETag']}").status_code == 304
    assert anonymous.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    # Changed: a full answer with the new tag, which If-Match takes for the next write.
    changed = superuser.patch(url, {"name_en": "Cached"}, format="json")
    assert changed.status_code == 200
    fresh = anonymous.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert fresh.status_code == 200
    assert fresh.json()["name_en"] == "Cached"
    assert fresh["ETag"] != first["ETag"]
    write = superuser.patch(url, {"name_en": "Again"}, format="json", HTTP_IF_MATCH=fresh["ETag"])
    assert write.status_code == 200


@pytest.mark.parametrize(
    "change",
    ["create", "update", "delete"],
)
def test_a_list_is_not_modified_until_something_changes(anonymous, superuser, world, change):
    url = "/api/places/"
    query = {"parent": "test-home"}
    first = anonymous.get(url, query)
    etag, modified = first["ETag"], first["Last-Modified"]
    assert etag.startswith('W/"') and modified
    assert anonymous.get(url, query, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert anonymous.get(url, query, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    # Another query, another language or another format is another answer.
    assert anonymous.get(url, {"parent": "test-away"}, HTTP_IF_NONE_MATCH=etag).status_code == 200
    assert (
        anonymous.get(url, query, HTTP_IF_NONE_MATCH=etag, HTTP_ACCEPT_LANGUAGE="en").status_code
        == 200
    )
    assert (
        anonymous.get(url, {**query, "format": "csv"}, HTTP_IF_NONE_MATCH=etag).status_code == 200
    )
    if change == "create":
        body = {"slug": "test-cache-new", "name_zh": "测试缓存区", "level": "district",
                "country": "CN", "parent": world.home.pk}  # fmt: skip
        assert superuser.post(url, body, format="json").status_code == 201
    elif change == "update":
        response = superuser.patch(
            f"/api/places/{world.county.pk}/", {"name_en": "X"}, format="json"
        )
        assert response.status_code == 200
    else:
        stage = f"/api/relationship-stages/{world.agreement.pk}/"
        assert superuser.delete(stage).status_code == 204
    after = anonymous.get(url, query, HTTP_IF_NONE_MATCH=etag)
    assert after.status_code == 200
    assert after["ETag"] != etag


def test_computed_views_and_the_feed_answer_304_too(anonymous, world):
    for url in (
        "/api/comparisons/",
        "/api/anniversaries/",
        f"/api/places/{world.home.pk}/history/",
    ):
        first = anonymous.get(url)
        assert first.status_code == 200, url
        assert anonymous.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304, url


@override_settings(API_CACHE_MAX_AGE=45)
def test_cache_control_depends_on_who_reads(anonymous, superuser, world):
    url = f"/api/places/{world.home.pk}/"
    public = anonymous.get(url)
    assert public["Cache-Control"] == "public, max-age=45"
    vary = {name.strip().lower() for name in public["Vary"].split(",")}
    assert {"accept", "accept-language", "authorization", "cookie"} <= vary
    assert superuser.get(url)["Cache-Control"] == "private, no-store"
    assert anonymous.get(url, HTTP_ACCEPT="text/html")["Cache-Control"] == "private, no-store"
    assert anonymous.get("/api/places/")["Cache-Control"] == "public, max-age=45"
    assert "Cache-Control" not in anonymous.get("/api/places/999999999/")
    written = superuser.patch(url, {"name_en": "Written"}, format="json")
    assert "public" not in written.get("Cache-Control", "")


def test_api_reads_are_gzipped_pages_are_not(anonymous, world):
    response = anonymous.get("/api/places/", {"limit": 100}, HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(response.content))["results"]
    page = anonymous.get("/", HTTP_ACCEPT_ENCODING="gzip")
    assert "Content-Encoding" not in page
