"""The benchmark's instruments: a gunicorn server on a free loopback port, the wrk load
generator driven by a Lua script that prints its figures as one JSON line, serial timings,
in-process query counts, subprocess probes, and the table printer.

Why wrk (Debian's package) and not locust: on this two-core machine the load generator
shares the CPUs with gunicorn. wrk is one C event loop that spends microseconds per request,
so even the trivial view's thousands of requests a second are the server's figure; locust's
Python users would cost about as much CPU per request as the trivial view itself and cap
the ceiling every page is compared with. wrk also gives exact latency percentiles, a hard
time bound (``-d``) and, through its Lua hooks, a count of 5xx answers.
"""

import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from cities.models import Place
from exchanges.models import Exchange
from offices.models import Office
from utilities import generation

from .seeding import MARKER
from .views import TRIVIAL_PATH

LOOPBACK = "127.0.0.1"
SETTINGS_MODULE = "benchmarks.settings"
RESULT_PREFIX = "BENCH "

WRK_SCRIPT = """
-- Written by benchmarks.measure: per-thread status counts, figures as one JSON line.
local threads = {}
local paths = {%(paths)s}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  s5xx = 0
  s4xx = 0
  turn = 0
end

if #paths > 0 then
  request = function()
    turn = turn + 1
    return wrk.format("GET", paths[(turn %% #paths) + 1])
  end
end

response = function(status, headers, body)
  if status >= 500 then
    s5xx = s5xx + 1
  elseif status >= 400 then
    s4xx = s4xx + 1
  end
end

done = function(summary, latency, requests)
  local s5, s4 = 0, 0
  for _, thread in ipairs(threads) do
    s5 = s5 + thread:get("s5xx")
    s4 = s4 + thread:get("s4xx")
  end
  io.write(string.format(
    '%(prefix)s{"requests": %%d, "duration_us": %%d, "bytes": %%d, "connect": %%d, ' ..
    '"read": %%d, "write": %%d, "status": %%d, "timeout": %%d, "p50_us": %%d, ' ..
    '"p90_us": %%d, "p99_us": %%d, "max_us": %%d, "s5xx": %%d, "s4xx": %%d}\\n',
    summary.requests, summary.duration, summary.bytes, summary.errors.connect,
    summary.errors.read, summary.errors.write, summary.errors.status,
    summary.errors.timeout, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, s5, s4))
end
"""


@dataclass
class LoadResult:
    """One wrk run: throughput, latency percentiles and what went wrong."""

    requests: int
    seconds: float
    bytes: int
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    server_errors: int  # 5xx answers
    client_errors: int  # 4xx answers
    connection_errors: int  # refused, reset or cut connections
    timeouts: int

    @property
    def rate(self):
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_script(paths=()):
    quoted = ", ".join(json.dumps(path) for path in paths)
    return WRK_SCRIPT % {"paths": quoted, "prefix": RESULT_PREFIX}


def parse_wrk(output):
    """The figures of the JSON line the script prints at the end of wrk's output."""
    for line in reversed(output.splitlines()):
        if line.startswith(RESULT_PREFIX):
            data = json.loads(line[len(RESULT_PREFIX) :])
            break
    else:
        raise ValueError("wrk printed no result line:\n" + output[-2000:])
    return LoadResult(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        bytes=data["bytes"],
        p50_ms=data["p50_us"] / 1000,
        p90_ms=data["p90_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        max_ms=data["max_us"] / 1000,
        server_errors=data["s5xx"],
        client_errors=data["s4xx"],
        connection_errors=data["connect"] + data["read"] + data["write"],
        timeouts=data["timeout"],
    )


def wrk_path():
    path = shutil.which("wrk")
    if not path:
        raise RuntimeError("wrk is not installed: `make wrk` installs Debian's package.")
    return path


def run_wrk(base_url, path="/", duration=5.0, connections=4, paths=(), timeout=60):
    """Load ``path`` (or the ``paths`` in turn) for ``duration`` seconds from one thread."""
    if not base_url.startswith(f"http://{LOOPBACK}:"):
        raise ValueError("the benchmark only loads the loopback interface")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(wrk_script(paths))
    try:
        completed = subprocess.run(
            [
                wrk_path(),
                "-t1",
                f"-c{connections}",
                f"-d{max(1, round(duration))}s",
                f"--timeout={timeout}s",
                "-s",
                script.name,
                base_url + path,
            ],
            capture_output=True,
            text=True,
            timeout=duration + timeout + 30,
            check=False,
        )
    finally:
        os.unlink(script.name)
    return parse_wrk(completed.stdout + completed.stderr)


def free_port():
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


def server_environment(read_cache=None):
    """The gunicorn (and probe) environment: benchmark settings, DEBUG off, the configured
    database (``DATABASE_URL`` as given), and the read-cache switch."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE=SETTINGS_MODULE,
        DEBUG="false",
        SECRET_KEY=env.get("SECRET_KEY") or secrets.token_urlsafe(40),
        PYTHONUNBUFFERED="1",
    )
    if read_cache is not None:
        env["READ_CACHE"] = "on" if read_cache else "off"
    return env


def collect_static():
    """The static files as the server (DEBUG off) names them: without the collected,
    hashed files every page that links a stylesheet answers 500."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        env=server_environment(),
        check=True,
    )


class Gunicorn:
    """gunicorn serving the registry with ``workers`` sync workers on a free loopback port,
    with production's settings (``gunicorn.conf.py``, which gunicorn reads from its working
    directory anyway: the application loaded once in the master, its objects frozen out of
    the workers' garbage collections, the access log) but for the address, the workers, the
    timeout and ``max_requests``. Production replaces a worker after some 20,000 requests; a
    warm run serves about 30,000 a worker, so each was replaced once, at whichever page was
    being loaded then, and made again there what it keeps (its read cache among them)."""

    def __init__(self, workers=2, read_cache=None, timeout=300, environment=None):
        self.workers = workers
        self.read_cache = read_cache
        self.environment = environment or {}
        self.timeout = timeout
        self.port = free_port()
        self.base_url = f"http://{LOOPBACK}:{self.port}"
        self.process = None
        self.log = tempfile.TemporaryFile("w+")

    def __enter__(self):
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.process = subprocess.Popen(
            [
                str(gunicorn),
                "sister_cities.wsgi:application",
                f"--config={settings.BASE_DIR / 'gunicorn.conf.py'}",
                "--max-requests=0",
                f"--bind={LOOPBACK}:{self.port}",
                f"--workers={self.workers}",
                "--worker-class=sync",
                f"--timeout={self.timeout}",
                "--log-level=warning",
            ],
            cwd=settings.BASE_DIR,
            env={**server_environment(self.read_cache), **self.environment},
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.wait_ready()
        return self

    def wait_ready(self, limit=60):
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn stopped:\n" + self.output())
            try:
                with urllib.request.urlopen(self.base_url + TRIVIAL_PATH, timeout=5) as answer:
                    if answer.status == 200 and len(self.worker_pids()) == self.workers:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer in time:\n" + self.output())

    def worker_pids(self):
        return worker_pids(self.process.pid)

    def output(self):
        self.log.seek(0)
        return self.log.read()[-4000:]

    def wait_idle(self, limit=180):
        """Wait until the workers have finished what a load run left queued (a sync worker
        serves every accepted request, even one whose client has gone): no worker uses the
        CPU and the database runs no query for us. False if still busy after ``limit`` s."""
        deadline = time.monotonic() + limit
        before = cpu_ticks(self.worker_pids())
        while time.monotonic() < deadline:
            time.sleep(0.5)
            now = cpu_ticks(self.worker_pids())
            if now - before <= 2 and not database_busy():
                return True
            before = now
        return False

    def __exit__(self, *exc):
        if self.process.poll() is None:
            # Quick shutdown: a graceful one would wait for the requests left queued.
            self.process.send_signal(signal.SIGQUIT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        # A query of a stopped worker may still run in the database for a while.
        deadline = time.monotonic() + 120
        while database_busy() and time.monotonic() < deadline:
            time.sleep(0.5)


def worker_pids(master_pid):
    """The pids whose parent is ``master_pid`` (gunicorn's workers), read from /proc."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces, so split after its parenthesis.
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) == master_pid:
            pids.append(int(entry.name))
    return sorted(pids)


def cpu_ticks(pids):
    """User and system CPU time of the processes, in clock ticks."""
    total = 0
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total


def database_busy():
    """Whether another session runs a query on this database (PostgreSQL; SQLite runs in
    the workers, whose CPU time shows it)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND state = 'active' AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0] > 0


def serial_timings(url, budget=2.0, at_most=30):
    """Server time of one request at a time: a warm-up, then requests until ``budget``
    seconds have passed (at least one). A page slower than ``budget`` is timed by its
    warm-up alone. Returns (status, size, [ms, ...])."""
    status, size, elapsed = fetch(url)
    if elapsed >= budget:
        return status, size, [elapsed * 1000]
    timings = []
    started = time.perf_counter()
    while not timings or (time.perf_counter() - started < budget and len(timings) < at_most):
        status, size, elapsed = fetch(url)
        timings.append(elapsed * 1000)
    return status, size, timings


def after_write(url, write=None, workers=1):
    """Server time of the first request of a page after a write, committed as a write
    commits. By default a write that names no table (``any_write``: a bulk write, a
    restore), after which whatever the server keeps per generation (figures over the
    whole registry, the read cache's answers) is made again; ``write`` another
    (``exchange_saved``), after which the figures kept for the tables it did not write
    stay. None when there is nothing to write (a registry without exchanges).

    Each of the server's ``workers`` keeps its figures in its own memory (no
    ``REDIS_URL``), so each is first made to answer the page: the request after the write
    then finds what the write left, whichever worker answers it."""
    every_worker_fetched(url, workers)
    with (write or any_write)() as written:
        if not written:
            return None
        _status, _size, elapsed = fetch(url)
    return elapsed * 1000


def every_worker_fetched(url, workers):
    """``url`` answered by each of ``workers`` sync workers: twice, ``2 × workers`` requests
    at once (a sync worker answers one at a time, so the others take the rest)."""
    if workers < 2:
        fetch(url)
        return
    with ThreadPoolExecutor(2 * workers) as pool:
        for _ in range(2):
            list(pool.map(lambda _n: fetch(url), range(2 * workers)))


@contextmanager
def any_write():
    """A write that names no table: every table's generation raised."""
    generation.bump()
    yield True


@contextmanager
def exchange_saved():
    """A staff write of the most common kind: one exchange saved through the ORM (its
    English title changed), and its title saved back afterwards."""
    exchange = Exchange.objects.order_by("pk").first()
    if exchange is None:
        yield False
        return
    title = exchange.title_en
    exchange.title_en = f"{title[:280]} (benchmark write)"
    exchange.save()
    try:
        yield True
    finally:
        exchange.title_en = title
        exchange.save()


@contextmanager
def staff_edit(base_url):
    """A staff edit through the API, as an office's clerk or system makes one: a synthetic
    city's local name (which the synthetic data leaves empty) set by a ``PATCH`` with a
    token, of an account made for it (the city its office, allowed to change places) and
    removed afterwards; the name is emptied again afterwards through the ORM (no request:
    nothing is made again for it). A write to the places, which every figure over the
    relationships reads (their partners' countries, their names' order). False when there
    is no synthetic city (``seed_scale``) or the edit was refused."""
    city = Place.objects.chinese().filter(notes=MARKER).order_by("pk").first()
    if city is None:
        yield False
        return
    local_name = city.name_local
    user = get_user_model().objects.create_user(
        f"benchmark-writer-{secrets.token_hex(4)}", is_staff=True
    )
    try:
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label="cities", codename="change_place")
        )
        Office.objects.create(user=user, place=city)
        token = Token.objects.create(user=user)
        edit = urllib.request.Request(
            f"{base_url}/api/places/{city.pk}/",
            data=json.dumps({"name_local": "benchmark edit"}).encode(),
            method="PATCH",
            headers={"Authorization": f"Token {token.key}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(edit, timeout=300) as answer:
                answer.read()
        except urllib.error.HTTPError:
            yield False
        else:
            yield True
    finally:
        city.refresh_from_db()
        if city.name_local != local_name:
            city.name_local = local_name
            city.save()
        user.delete()


def fetch(url, timeout=300):
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:
            body = answer.read()
            status = answer.status
    except urllib.error.HTTPError as error:
        body, status = error.read(), error.code
    return status, len(body), time.perf_counter() - started


@dataclass
class PageFigures:
    """What one request of a page costs in process: its status, queries and size."""

    status: int
    queries: int
    size: int
    ms: float


def page_figures(path, client=None):
    client = client or Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(path)
        if response.streaming:
            size = sum(len(chunk) for chunk in response.streaming_content)
        else:
            size = len(response.content)
        elapsed = time.perf_counter() - started
    return PageFigures(response.status_code, len(queries), size, elapsed * 1000)


@dataclass
class ProbeResult:
    data: dict = field(default_factory=dict)
    error: str = ""


def run_probe(args, timeout):
    """Run ``python -m benchmarks.probe ARGS`` with the server's environment; its figures are
    the JSON line it prints. On timeout the probe is killed and its peak memory so far read
    from /proc."""
    process = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.probe", *args],
        cwd=settings.BASE_DIR,
        env=server_environment(read_cache=False),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        peak = peak_rss_mb(process.pid)
        process.kill()
        process.communicate()
        return ProbeResult({"peak_rss_mb": peak}, f"did not finish in {timeout:.0f} s")
    for line in reversed(stdout.splitlines()):
        if line.startswith(RESULT_PREFIX):
            return ProbeResult(json.loads(line[len(RESULT_PREFIX) :]))
    return ProbeResult(error=(stderr or stdout)[-2000:] or f"exit status {process.returncode}")


def peak_rss_mb(pid):
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    return int(match.group(1)) / 1024 if match else None


def median(values):
    return statistics.median(values) if values else float("nan")


def table(headers, rows, aligns=None):
    """Rows of cells as a plain-text table (numbers right-aligned, text left)."""
    cells = [[str(cell) for cell in row] for row in rows]
    widths = [
        max(len(str(header)), *(len(row[i]) for row in cells)) for i, header in enumerate(headers)
    ]
    aligns = aligns or ["<"] + [">"] * (len(headers) - 1)
    lines = [
        "  ".join(
            f"{header:{align}{width}}"
            for header, align, width in zip(headers, aligns, widths, strict=True)
        ),
        "  ".join("-" * width for width in widths),
    ]
    for row in cells:
        lines.append(
            "  ".join(
                f"{cell:{align}{width}}"
                for cell, align, width in zip(row, aligns, widths, strict=True)
            )
        )
    return "\n".join(lines)
