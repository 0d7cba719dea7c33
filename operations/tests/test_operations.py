"""/healthz, request ids in the logs, 500s that leave a log line, and API errors that stay
JSON even when the database cannot be reached."""

import logging

import pytest
from django.db import connections


@pytest.fixture
def database_down(django_db_blocker):
    """The primary database unreachable: its connection points at nothing."""
    connection = connections["default"]
    original = connection.settings_dict
    broken = dict(original)
    if connection.vendor == "sqlite":
        broken["NAME"] = "/nonexistent/directory/registry.sqlite3"
    else:
        broken.update(HOST="127.0.0.1", PORT="1")
    with django_db_blocker.unblock():
        # Set aside rather than closed: closing SQLite's in-memory test database ends it.
        saved = connection.connection
        connection.connection = None
        connection.settings_dict = broken
        try:
            yield
        finally:
            connection.settings_dict = original
            connection.connection = saved


@pytest.mark.django_db
def test_health_is_ok_with_the_database_and_the_cache(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["cache"] == {"ok": True, "backend": "LocMemCache"}
    assert body["replicas"] == {}


def test_health_is_503_when_the_database_is_down(client, database_down):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["database"]["ok"] is False


@pytest.mark.parametrize("path", ["/api/relationships/", "/api/exchanges/", "/api/"])
def test_api_errors_are_json_when_the_database_is_down(client, database_down, path):
    client.raise_request_exception = False
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    if path == "/api/":  # the root needs no database
        assert response.status_code == 200
        return
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["detail"] == "The database cannot be reached right now. Please try again later."
    assert body["request_id"] == response["X-Request-ID"]


def test_a_page_is_the_plain_error_page_when_the_database_is_down(client, database_down):
    client.raise_request_exception = False
    response = client.get("/relationships/")
    assert response.status_code == 503
    assert "服务器出错了" in response.content.decode()


@pytest.mark.django_db
def test_every_response_has_a_request_id_and_keeps_a_sane_incoming_one(client):
    first, second = client.get("/healthz"), client.get("/healthz")
    assert len(first["X-Request-ID"]) == 32 and first["X-Request-ID"] != second["X-Request-ID"]
    assert client.get("/healthz", HTTP_X_REQUEST_ID="lb-1234")["X-Request-ID"] == "lb-1234"
    forged = client.get("/healthz", HTTP_X_REQUEST_ID="bad id\nINFO forged line")
    assert len(forged["X-Request-ID"]) == 32


@pytest.mark.django_db
@pytest.mark.urls("operations.tests.urls")
@pytest.mark.parametrize("path", ["/broken/", "/api/broken/"])
def test_a_500_leaves_a_log_line_with_its_request_id_and_traceback(client, caplog, path):
    client.raise_request_exception = False
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get(path, HTTP_X_REQUEST_ID="req-500-test")
    assert response.status_code == 500
    assert response["X-Request-ID"] == "req-500-test"
    records = [r for r in caplog.records if r.name == "django.request"]
    assert records, "the 500 was logged"
    assert records[0].request_id == "req-500-test"
    assert "a bug in a view" in caplog.text
    if path.startswith("/api/"):
        assert response.json()["request_id"] == "req-500-test"
    else:
        assert "req-500-test" in response.content.decode()
