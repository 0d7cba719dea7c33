"""A generic API test mixin, driven by attributes (after NetBox's ``utilities/testing/api.py``).

A test class for one endpoint sets ``model``, ``list_url``, ``brief_fields`` (and where the
brief form is embedded), how to make a record and the bodies to create and update one; the
mixin then checks, through the real stack (URL routing, token authentication, DRF, the
database):

- list and detail for anonymous clients, every record starting with ``id``, ``url``,
  ``display``, and the brief form where the record is embedded in another;
- create, update and delete for anonymous clients (401), staff of another office (403),
  staff of the record's own office (allowed, or 403 for reference data that only
  superusers change) and superusers; every write recorded in the history with its user;
- the same number of queries for a list of 1 row as for 100, in every format and in brief
  mode (``?brief=true``, where ``brief_mode``).

Test data is built afresh in each test by the ``world`` fixture (``tests/builders.py``),
with ``test-`` slugs so it never clashes with the loaded registry.
"""

import datetime
import json

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from .queries import content, count_queries


def rows_in(response):
    """The records of a list response in any format (JSON page, GeoJSON, CSV, iCalendar)."""
    kind = response["Content-Type"].split(";")[0]
    if kind == "application/json":
        return response.json()["results"]
    if kind == "application/geo+json":
        return json.loads(content(response))["features"]
    text = content(response).decode("utf-8-sig")
    if kind == "text/csv":
        return text.splitlines()[1:]
    if kind == "text/calendar":
        return [line for line in text.splitlines() if line == "BEGIN:VEVENT"]
    raise AssertionError(f"unexpected content type {kind}")


def history_rows(model, pk, after):
    return list(model.history.filter(id=pk, history_id__gt=after).order_by("history_id"))


def last_history_id(model):
    latest = model.history.order_by("-history_id").first()
    return latest.history_id if latest else 0


class ReadTests:
    """Reading, the brief form and query counts; set the attributes below."""

    model = None
    list_url = None
    # The keys of the brief form, and where to find one: (list URL, key in a record).
    brief_fields = None
    brief_embedding = None
    # Query parameters that select only the records ``make_record`` makes (None: compare
    # ``limit=1`` with ``limit=100`` over the whole list instead).
    isolate = None
    formats = ("json", "csv")
    has_detail = True
    # The endpoint answers ``?brief=true`` and ``?fields=``.
    brief_mode = True

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # Checks that do not apply to an endpoint are not collected at all, rather than
        # collected and skipped.
        if not cls.has_detail:
            cls.test_detail = cls.test_detail_unknown = None
        if cls.brief_embedding is None:
            cls.test_brief_form = None
        if not cls.brief_mode:
            cls.test_brief_mode = cls.test_fields = None

    def make_record(self, world, index):
        raise NotImplementedError

    def record_id(self, record):
        return record.pk

    def detail_url(self, record):
        return f"{self.list_url}{record.pk}/"

    # Fixtures ----------------------------------------------------------------------

    @pytest.fixture(autouse=True)
    def _unthrottled(self):
        """Each test starts with an empty throttle (the cache would carry counts over)."""
        cache.clear()
        yield
        cache.clear()

    # ``world`` (a small registry with a home office and another), and the clients
    # ``insider``, ``outsider``, ``superuser`` and ``member`` are fixtures of the project's
    # one test-data builder (``tests/builders.py``); this mixin knows no app.

    @pytest.fixture
    def record(self, world):
        return self.make_record(world, 0)

    @pytest.fixture
    def anonymous(self):
        return APIClient()

    # Reading -----------------------------------------------------------------------

    def test_list(self, anonymous, record):
        response = anonymous.get(self.list_url, {**(self.isolate or {}), "limit": 500})
        assert response.status_code == 200
        results = response.json()["results"]
        assert results, "the list is empty"
        for row in results:
            assert list(row)[:3] == ["id", "url", "display"]
        assert str(self.record_id(record)) in {str(row["id"]) for row in results}

    def test_detail(self, anonymous, record):
        response = anonymous.get(self.detail_url(record))
        assert response.status_code == 200
        data = response.json()
        assert list(data)[:3] == ["id", "url", "display"]
        assert data["id"] == record.pk
        assert data["url"] == f"http://testserver{self.detail_url(record)}"
        assert data["display"] == str(record)

    def test_detail_unknown(self, anonymous, world):
        assert anonymous.get(f"{self.list_url}999999999/").status_code == 404

    def test_brief_form(self, anonymous, record):
        """Where another record embeds this one, it is the brief form: exactly
        ``brief_fields``, and its ``url`` leads to the full record."""
        url, key = self.brief_embedding
        response = anonymous.get(url, {"limit": 100})
        assert response.status_code == 200
        embedded = []
        for row in response.json()["results"]:
            value = row[key]
            embedded += value if isinstance(value, list) else [value] if value else []
        assert embedded, f"no {key} in {url}"
        brief = embedded[0]
        assert sorted(brief) == sorted(self.brief_fields)
        assert list(brief)[:3] == ["id", "url", "display"]
        full = anonymous.get(brief["url"])
        assert full.status_code == 200
        assert full.json()["id"] == brief["id"]
        assert full.json()["display"] == brief["display"]

    def test_brief_mode(self, anonymous, record):
        """``?brief=true``: the same rows, each in its brief form (``brief_fields``)."""
        query = {**(self.isolate or {}), "limit": 500}
        full = anonymous.get(self.list_url, query).json()["results"]
        response = anonymous.get(self.list_url, {**query, "brief": "true"})
        assert response.status_code == 200
        brief = response.json()["results"]
        assert [row["id"] for row in brief] == [row["id"] for row in full]
        for row in brief:
            assert list(row)[:3] == ["id", "url", "display"]
            if self.brief_fields:
                assert sorted(row) == sorted(self.brief_fields)
        assert set(brief[0]) != set(full[0])
        if self.has_detail:
            detail = anonymous.get(self.detail_url(record), {"brief": "1"}).json()
            assert detail == next(row for row in brief if row["id"] == detail["id"])
        assert anonymous.get(self.list_url, {"brief": "maybe"}).status_code == 400

    def test_fields(self, anonymous, record):
        """``?fields=id,display``: only those; an unknown name is a 400 naming the valid."""
        query = {**(self.isolate or {}), "limit": 500}
        response = anonymous.get(self.list_url, {**query, "fields": "display,id"})
        assert response.status_code == 200
        assert all(sorted(row) == ["display", "id"] for row in response.json()["results"])
        if self.has_detail:
            detail = anonymous.get(self.detail_url(record), {"fields": "url"}).json()
            assert detail == {"url": f"http://testserver{self.detail_url(record)}"}
        refused = anonymous.get(self.list_url, {"fields": "id,nonsense"})
        assert refused.status_code == 400
        message = refused.json()["fields"][0]
        assert "nonsense" in message and "display" in message

    def test_list_queries_do_not_grow_with_rows(self, anonymous, world):
        """1 row and 100 rows cost the same number of queries, in every format."""
        if self.isolate is None:
            # No filter isolates the test records: compare pages of 1 and 100 rows.
            for index in range(100):
                self.make_record(world, index)
            counts = {}
            for size in (1, 100):
                cache.clear()  # both sizes read as the first request of a generation
                counts[size], response = count_queries(anonymous, self.list_url, {"limit": size})
                assert len(rows_in(response)) == size
                if self.brief_mode:
                    cache.clear()
                    query = {"limit": size, "brief": "true"}
                    counts[size, "brief"], response = count_queries(anonymous, self.list_url, query)
                    assert len(rows_in(response)) == size
            assert counts[1] == counts[100], counts
            if self.brief_mode:
                assert counts[1, "brief"] == counts[100, "brief"], counts
            return
        self.make_record(world, 0)
        one = self._count_formats(anonymous, rows=1)
        for index in range(1, 100):
            self.make_record(world, index)
        assert self._count_formats(anonymous, rows=100) == one

    def _count_formats(self, client, rows):
        counts = {}
        for format in self.formats:
            cache.clear()
            query = {**self.isolate, "format": format, "limit": 500}
            counts[format], response = count_queries(client, self.list_url, query)
            assert len(rows_in(response)) == rows, (format, rows)
        if self.brief_mode:
            cache.clear()
            query = {**self.isolate, "brief": "true", "limit": 500}
            counts["brief"], response = count_queries(client, self.list_url, query)
            assert len(rows_in(response)) == rows, ("brief", rows)
        return counts


class ReadOnlyAPITests(ReadTests):
    """A computed, read-only endpoint: readable by anyone, written by no one."""

    def test_writes_refused(self, anonymous, superuser, record):
        # A method the endpoint does not have: 405 for anyone (not 401 first).
        assert anonymous.post(self.list_url, {}, format="json").status_code == 405
        assert superuser.post(self.list_url, {}, format="json").status_code == 405
        if self.has_detail:
            assert superuser.put(self.detail_url(record), {}, format="json").status_code == 405
            assert superuser.delete(self.detail_url(record)).status_code == 405


class APITests(ReadTests):
    """A registry endpoint: read by anyone, written by staff within their office."""

    # False for reference data without a Chinese side: only superusers change it.
    office_scoped = True

    def create_data(self, world):
        raise NotImplementedError

    def update_data(self, world):
        raise NotImplementedError

    # Writing -----------------------------------------------------------------------

    def test_writes_need_authentication(self, anonymous, world, record):
        assert anonymous.post(self.list_url, {}, format="json").status_code == 401
        url = self.detail_url(record)
        assert anonymous.patch(url, {}, format="json").status_code == 401
        assert anonymous.delete(url).status_code == 401
        assert self.model.objects.filter(pk=record.pk).exists()

    def test_writes_need_staff(self, member, world, record):
        response = member.post(self.list_url, self.create_data(world), format="json")
        assert response.status_code == 403
        assert member.delete(self.detail_url(record)).status_code == 403

    def test_create_outside_office(self, outsider, world):
        before = self.model.objects.count()
        response = outsider.post(self.list_url, self.create_data(world), format="json")
        assert response.status_code == 403, response.content
        assert "detail" in response.json()
        assert self.model.objects.count() == before

    def test_create_inside_office(self, insider, world):
        self._create(insider, world, allowed=self.office_scoped)

    def test_create_superuser(self, superuser, world):
        self._create(superuser, world, allowed=True)

    def _create(self, client, world, allowed):
        before = self.model.objects.count()
        after = last_history_id(self.model) if hasattr(self.model, "history") else 0
        response = client.post(self.list_url, self.create_data(world), format="json")
        if not allowed:
            assert response.status_code == 403, response.content
            assert self.model.objects.count() == before
            return
        assert response.status_code == 201, response.content
        data = response.json()
        assert list(data)[:3] == ["id", "url", "display"]
        assert self.model.objects.count() == before + 1
        assert client.get(data["url"]).json() == data
        if hasattr(self.model, "history"):
            rows = history_rows(self.model, data["id"], after)
            assert rows and rows[0].history_type == "+"
            assert {row.history_user for row in rows} == {client.user}
            assert all(row.history_change_reason.startswith("REST API POST") for row in rows)

    def test_create_bad_body(self, insider, world):
        response = insider.post(self.list_url, {"id": "x"}, format="json")
        assert response.status_code == 400
        errors = response.json()["errors"]
        assert errors and all(isinstance(messages, list) for messages in errors.values())

    def test_update_outside_office(self, outsider, world, record):
        response = outsider.patch(self.detail_url(record), self.update_data(world), format="json")
        assert response.status_code == 403

    def test_update_inside_office(self, insider, world, record):
        self._update(insider, world, record, allowed=self.office_scoped)

    def test_update_superuser(self, superuser, world, record):
        self._update(superuser, world, record, allowed=True)

    def _update(self, client, world, record, allowed):
        after = last_history_id(self.model) if hasattr(self.model, "history") else 0
        changes = self.update_data(world)
        response = client.patch(self.detail_url(record), changes, format="json")
        if not allowed:
            assert response.status_code == 403, response.content
            return
        assert response.status_code == 200, response.content
        data = response.json()
        for key, value in changes.items():
            assert data[key] == value or (isinstance(data[key], dict) and data[key]["id"] == value)
        # A full PUT of what was read back changes nothing and is accepted.
        readback = client.get(self.detail_url(record)).json()
        assert (
            client.put(
                self.detail_url(record), self.writable_part(readback), format="json"
            ).status_code
            == 200
        )
        if hasattr(self.model, "history"):
            rows = history_rows(self.model, record.pk, after)
            assert rows and all(row.history_type == "~" for row in rows)
            assert {row.history_user for row in rows} == {client.user}

    def writable_part(self, data):
        """A record as read, made into a request body (brief forms become ids)."""
        body = {}
        for key, value in data.items():
            if isinstance(value, dict) and "id" in value:
                body[key] = value["id"]
            elif isinstance(value, dict) and "code" in value:
                body[key] = value["code"]
            elif isinstance(value, list):
                body[key] = [
                    item["id"] if isinstance(item, dict) and "id" in item
                    else item["code"] if isinstance(item, dict) and "code" in item
                    else item
                    for item in value
                ]  # fmt: skip
            else:
                body[key] = value
        return body

    def test_delete_outside_office(self, outsider, world, record):
        assert outsider.delete(self.detail_url(record)).status_code == 403
        assert self.model.objects.filter(pk=record.pk).exists()

    def test_delete_inside_office(self, insider, world, record):
        self._delete(insider, record, allowed=self.office_scoped)

    def test_delete_superuser(self, superuser, world, record):
        self._delete(superuser, record, allowed=True)

    def _delete(self, client, record, allowed):
        after = last_history_id(self.model) if hasattr(self.model, "history") else 0
        response = client.delete(self.detail_url(record))
        if not allowed:
            assert response.status_code == 403
            assert self.model.objects.filter(pk=record.pk).exists()
            return
        assert response.status_code == 204
        assert not self.model.objects.filter(pk=record.pk).exists()
        assert client.get(self.detail_url(record)).status_code == 404
        if hasattr(self.model, "history"):
            rows = history_rows(self.model, record.pk, after)
            assert [row.history_type for row in rows] == ["-"]
            assert rows[0].history_user == client.user
            assert rows[0].history_change_reason.startswith("REST API DELETE")


def days_from_today(days):
    """A date relative to today in the registry's time zone (anniversaries use it)."""
    return timezone.localdate() + datetime.timedelta(days=days)
