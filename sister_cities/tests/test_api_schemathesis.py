"""Schemathesis against the API's live schema, with every check it has (``--checks all``):
every operation the schema describes is called with generated data (a bounded number of
examples), valid and invalid; every response must be documented, of a documented content
type, conform to its schema and never be a 500; invalid data must be refused and valid data
accepted; an unsupported method must be 405 with ``Allow``; an operation that needs
credentials must refuse a request without them or with wrong ones.

It runs twice: anonymously (reads succeed, writes are 401) and with an office's token (the
Wuhan foreign-affairs office: writes reach validation, the office rule and the database).

The schema is fetched from the running application (``/api/schema/``, in-process through
WSGI) and the requests go through the whole Django stack on the test database, which holds
the loaded registry.

"Valid data accepted" allows 400 besides the default statuses: a value can be what the
schema says (a slug, an id) and still name no record, or break a rule of the registry the
schema cannot state (a relationship's Chinese side must be Chinese); the API answers such a
request with 400 and field-level messages.
"""

import itertools

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.urls import resolve
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.config import SchemathesisConfig

from tests.builders import office_user

load_all_checks()
ALL_CHECKS = list(CHECKS.get_all())
# Generated examples per operation, valid and invalid ("all": NUL bytes, huge numbers,
# wrong types, unknown choices in query strings and bodies), the same on every run:
# enough to reach every filter and body field, few enough that the run stays well under
# two minutes. The coverage phase (exhaustive boundary values, thousands of requests) is
# left off; test_api_errors walks every query parameter with the classic bad values.
CONFIG = SchemathesisConfig.from_str(
    """
[generation]
mode = "all"
max-examples = 8
allow-x00 = true
deterministic = true

[checks.positive_data_acceptance]
expected-statuses = ["2xx", "400", "401", "403", "404", "409"]

[phases.coverage]
enabled = false

[phases.stateful]
enabled = false
"""
)


# Loaded when the module is collected (fetching the schema needs no database); one test
# per operation follows. (schemathesis.pytest.from_fixture would defer the loading, but it
# relies on a pytest internal that pytest 9 removed.)
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application(), config=CONFIG)


@pytest.fixture(autouse=True)
def unthrottled(settings):
    """The run is far faster than any anonymous client: lift the throttle for it (the 429
    itself is tested in test_api_errors)."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "1000000/minute"},
    }
    cache.clear()


@pytest.fixture(autouse=True)
def connection_kept_open():
    """Requests go straight to the WSGI application, whose end-of-request signal would close
    the database connection (and with it the test's transaction, on PostgreSQL): keep it
    open, as Django's own test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(params=["anonymous", "office"])
def headers(request, db):
    if request.param == "anonymous":
        return {}
    token = Token.objects.create(user=office_user("test-fuzzer", "wuhan")).key
    return {"Authorization": f"Token {token}"}


@schema.parametrize()
@settings(
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case, headers):
    # The in-process WSGI transport does not undo gzip as an HTTP client does (reads are
    # gzipped: sister_cities/tests/test_api_caching.py).
    headers = {**headers, "Accept-Encoding": "identity"}
    if "id" in (case.path_parameters or {}):
        aim_at_a_record(case)
    case.call_and_validate(headers=headers, checks=ALL_CHECKS)


TURNS = itertools.count()


def aim_at_a_record(case):
    """Three cases in four address a record that exists (a random id is almost always a
    404, and reads, updates and deletes of real records are what can go wrong)."""
    turn = next(TURNS)
    if turn % 4 == 0:
        return
    view = resolve(case.path.replace("{id}", "1")).func.cls
    ids = list(view.queryset.order_by("pk").values_list("pk", flat=True)[:50])
    if ids:
        case.path_parameters["id"] = ids[turn % len(ids)]
