"""Reads from a real PostgreSQL streaming replica, read-your-writes on the primary.

Runs where ``DATABASE_URL`` is the primary and ``DATABASE_REPLICA_URLS`` its standby, as
``.ci/run`` starts them (``REQUIRE_REPLICA=1`` there, so that these tests fail instead of
skipping). The test database is created on the primary only; the standby follows it.
"""

import os
import time

import dj_database_url
import pytest
from django.conf import settings
from django.db import OperationalError, connections
from django.test.utils import CaptureQueriesContext

from cities.models import CooperationField

pytestmark = [pytest.mark.replica, pytest.mark.django_db(transaction=True, databases="__all__")]

if not settings.DATABASE_REPLICAS:
    if os.environ.get("REQUIRE_REPLICA"):
        raise RuntimeError("REQUIRE_REPLICA is set but DATABASE_REPLICA_URLS is not")
    pytest.skip("no replica configured (DATABASE_REPLICA_URLS)", allow_module_level=True)

REPLICA = settings.DATABASE_REPLICAS[0]


def replica_sql(sql):
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0] if cursor.description else None


def wait_for_replay():
    """Until the standby has replayed everything the primary has written."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        target = cursor.fetchone()[0]
    deadline = time.monotonic() + 30
    while not replica_sql(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"):
        assert time.monotonic() < deadline, "the replica did not catch up"
        time.sleep(0.05)


@pytest.fixture
def real_replica():
    """The replica alias pointed at the real standby (under tests it mirrors the primary),
    with the test database that the standby received from the primary."""
    connection = connections[REPLICA]
    mirrored = connection.settings_dict
    real = dj_database_url.parse(os.environ["DATABASE_REPLICA_URLS"].split(",")[0])
    connection.close()
    connection.settings_dict = {
        **mirrored,
        "HOST": real["HOST"],
        "PORT": real["PORT"],
        "NAME": connections["default"].settings_dict["NAME"],
    }
    deadline = time.monotonic() + 30
    while True:
        try:
            connection.ensure_connection()
            break
        except OperationalError:
            assert time.monotonic() < deadline, "the test database never reached the replica"
            time.sleep(0.2)
    assert replica_sql("SELECT pg_is_in_recovery()") is True
    yield
    if replica_sql("SELECT pg_is_wal_replay_paused()"):
        replica_sql("SELECT pg_wal_replay_resume()")
    connection.close()
    connection.settings_dict = mirrored


def queries_on(alias):
    return CaptureQueriesContext(connections[alias])


def test_anonymous_reads_are_served_by_the_streaming_replica(client, real_replica):
    CooperationField.objects.create(slug="ops-port", name_zh="港口", name_en="Ports")
    wait_for_replay()
    with queries_on("default") as primary, queries_on(REPLICA) as replica:
        response = client.get("/api/cooperation-fields/")
    assert response.status_code == 200
    assert "ops-port" in response.content.decode()
    assert len(replica) > 0 and len(primary) == 0
    assert replica_sql("SELECT pg_is_in_recovery()") is True
    assert "read_primary_until" not in response.cookies


def test_a_write_is_read_back_from_the_primary_by_its_writer(
    client, real_replica, django_user_model
):
    admin = django_user_model.objects.create_superuser(
        "replica-admin", "r@example.org", "Pw-replica-1"
    )
    client.force_login(admin)
    wait_for_replay()  # the session is on the standby too
    # The standby stops replaying: from now on it misses every write.
    replica_sql("SELECT pg_wal_replay_pause()")

    with queries_on("default") as primary:
        response = client.post(
            "/api/cooperation-fields/",
            {"slug": "ops-health", "name_zh": "卫生", "name_en": "Health"},
            content_type="application/json",
        )
    assert response.status_code == 201, response.content
    assert len(primary) > 0
    assert response.cookies["read_primary_until"]["max-age"] == settings.READ_YOUR_WRITES_SECONDS

    # The writer's next request reads the primary and sees its write...
    with queries_on("default") as primary, queries_on(REPLICA) as replica:
        mine = client.get("/api/cooperation-fields/?limit=500")
    assert "ops-health" in mine.content.decode()
    assert len(primary) > 0 and len(replica) == 0

    # ...while another client still reads the paused standby, which has not got it yet.
    other = client_class()
    with queries_on(REPLICA) as replica:
        theirs = other.get("/api/cooperation-fields/?limit=500")
    assert theirs.status_code == 200 and len(replica) > 0
    assert "ops-health" not in theirs.content.decode()

    replica_sql("SELECT pg_wal_replay_resume()")
    wait_for_replay()
    assert "ops-health" in other.get("/api/cooperation-fields/?limit=500").content.decode()


def client_class():
    from django.test import Client

    return Client()


def test_migrations_run_on_the_primary_only():
    from operations.routers import PrimaryReplicaRouter

    router = PrimaryReplicaRouter()
    assert router.allow_migrate("default", "cities") is True
    assert router.allow_migrate(REPLICA, "cities") is False


def test_the_pages_made_after_a_write_read_it_from_the_primary(
    client, real_replica, django_user_model, settings
):
    """The pages a write leaves to be made (``operations.warming``) are read from the
    primary, not from a standby that has not replayed the write yet: once the standby has,
    a visitor is answered with them from the read cache."""
    from operations.readcache import HEADER

    url = "/api/cooperation-fields/?limit=500"
    settings.WARM_AFTER_WRITE = [url]
    admin = django_user_model.objects.create_superuser(
        "replica-warm", "w@example.org", "Pw-replica-2"
    )
    client.force_login(admin)
    wait_for_replay()
    replica_sql("SELECT pg_wal_replay_pause()")

    response = client.post(
        "/api/cooperation-fields/",
        {"slug": "ops-warm", "name_zh": "预热", "name_en": "Warmth"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content

    replica_sql("SELECT pg_wal_replay_resume()")
    wait_for_replay()
    visitor = client_class()
    with queries_on("default") as primary, queries_on(REPLICA) as replica:
        answer = visitor.get(url)
    assert answer[HEADER] == "hit"
    assert "ops-warm" in answer.content.decode()
    assert len(primary) == 0 and len(replica) == 1  # the generation, from the standby
