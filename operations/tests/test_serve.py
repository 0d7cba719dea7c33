"""The production server as `make serve` runs it: gunicorn with three workers, DEBUG off,
static files collected by whitenoise, the cache in Redis.

The anonymous API throttle is counted in Redis, so three workers together allow exactly
the limit (with each worker's own memory, the same burst gets more through: the control).
These tests need the Redis at ``REDIS_TEST_URL`` (default ``redis://127.0.0.1:6379/13``);
without it they skip, except under CI (``CI=true``), where they fail.
"""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.redis

BASE_DIR = Path(settings.BASE_DIR)
PYTHON = sys.executable
REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/13")
LIMIT = 20


def redis_or_skip():
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI must run the Redis tests, but {REDIS_URL} does not answer: {error}")
        pytest.skip(f"no Redis at {REDIS_URL}")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(tmp, **extra):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "SECURE_", "API_"))
    }
    env.update(
        DEBUG="false",
        SECRET_KEY="test-" + uuid.uuid4().hex * 2,
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}",
        STATIC_ROOT=str(tmp / "static"),
        API_ANON_RATE=f"{LIMIT}/minute",
        **extra,
    )
    return env


class Server:
    def __init__(self, env, workers=3):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**env, "HOST": f"127.0.0.1:{self.port}", "GUNICORN_WORKERS": str(workers)}
        self.log = open(Path(env["STATIC_ROOT"]).parent / f"gunicorn-{self.port}.log", "w+b")
        self.process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "--config", "gunicorn.conf.py", "sister_cities.wsgi"],
            cwd=BASE_DIR,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(self.url + "/healthz", timeout=2)
                break
            # A worker still starting may accept and answer late (a read time-out): ask again.
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    self.log.seek(0)
                    raise RuntimeError(
                        "gunicorn did not start:\n" + self.log.read().decode()
                    ) from None
                time.sleep(0.3)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
        self.log.close()


def get(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    """A migrated SQLite database and the collected static files, as `make serve` makes."""
    redis_or_skip()
    tmp = tmp_path_factory.mktemp("serve")
    env = production_env(tmp)
    for command in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([PYTHON, "manage.py", *command], cwd=BASE_DIR, env=env, check=True)
    return tmp


def redis_env(prepared):
    # A fresh key prefix: counts start from zero and other users of this Redis are untouched.
    return production_env(
        prepared,
        REDIS_URL=REDIS_URL,
        CACHE_KEY_PREFIX=f"test-{uuid.uuid4().hex}",
        SECURE_HSTS_SECONDS="31536000",
        SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https",
    )


@pytest.fixture(scope="module")
def server(prepared):
    server = Server(redis_env(prepared))
    yield server
    server.stop()


def burst(url, count=3 * LIMIT):
    # Concurrent requests, so that all three workers take some.
    with ThreadPoolExecutor(max_workers=9) as pool:
        return [status for status, _h, _b in pool.map(lambda _: get(url), range(count))]


def test_without_a_shared_cache_each_worker_counts_alone(prepared):
    """The control: the same burst against three workers that each count in their own
    memory gets more than the limit through, which the shared cache prevents."""
    server = Server(production_env(prepared))
    try:
        statuses = burst(server.url + "/api/")
    finally:
        server.stop()
    assert statuses.count(200) > LIMIT, statuses


def test_health_reports_the_database_and_the_shared_cache(server):
    status, headers, body = get(server.url + "/healthz")
    assert status == 200
    assert b'"status": "ok"' in body
    assert b'"backend": "RedisCache"' in body


def test_pages_come_styled_with_hashed_static_files_and_security_headers(server):
    status, headers, body = get(server.url + "/", {"X-Forwarded-Proto": "https"})
    assert status == 200
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Strict-Transport-Security"] == "max-age=31536000"
    assert re.fullmatch(r"[0-9a-f]{32}", headers["X-Request-ID"])
    stylesheet = re.search(rb'href="(/static/site/site\.[0-9a-f]{12}\.css)"', body).group(1)
    status, headers, css = get(server.url + stylesheet.decode(), {"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert "immutable" in headers["Cache-Control"]
    # Plain HTTP (no proxy header): no HSTS.
    assert "Strict-Transport-Security" not in get(server.url + "/")[1]


@pytest.mark.parametrize("path", ["/map/", "/admin/login/", "/api/docs/", "/api/redoc/"])
def test_every_asset_of_the_map_the_admin_and_the_api_docs_is_served(server, path):
    status, headers, body = get(server.url + path)
    assert status == 200
    assets = set(re.findall(rb'(?:src|href|data-outline)="(/static/[^"]+)"', body))
    assert assets
    for asset in assets:
        assert get(server.url + asset.decode())[0] == 200, asset


def test_the_anonymous_api_throttle_is_global_across_workers(prepared):
    server = Server(redis_env(prepared))
    try:
        statuses = burst(server.url + "/api/")
    finally:
        server.stop()
    assert statuses.count(200) == LIMIT, statuses
    assert statuses.count(429) == 2 * LIMIT, statuses
