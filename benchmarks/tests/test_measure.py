"""Smoke tests of the benchmark's instruments: they produce and parse figures. Nothing here
asserts a speed: targets are read from the benchmark's output."""

import os
import shutil
import subprocess
import sys
import time

import pytest
from django.contrib.auth import get_user_model

from benchmarks import measure
from benchmarks.probe import export
from benchmarks.seeding import MARKER
from benchmarks.views import TRIVIAL_PATH
from cities.models import Place, Relationship
from exchanges.models import Exchange
from offices.models import Office
from tests.builders import new_exchange, new_place
from utilities import generation

needs_wrk = pytest.mark.skipif(
    shutil.which("wrk") is None, reason="wrk is not installed (make wrk)"
)


def loopback(live_server):
    """The live server's address by IP (it listens on localhost, that is 127.0.0.1)."""
    return live_server.url.replace("//localhost:", "//127.0.0.1:")


WRK_OUTPUT = """Running 2s test @ http://127.0.0.1:8000/
  1 threads and 4 connections
  2 requests in 2.00s, 1.00KB read
BENCH {"requests": 120, "duration_us": 2000000, "bytes": 9000, "connect": 1, "read": 2, \
"write": 0, "status": 3, "timeout": 4, "p50_us": 12500, "p90_us": 20000, "p99_us": 31000, \
"max_us": 40000, "s5xx": 2, "s4xx": 1}
"""


def test_parse_wrk_reads_the_scripts_result_line():
    result = measure.parse_wrk(WRK_OUTPUT)
    assert result.requests == 120
    assert result.rate == 60
    assert (result.p50_ms, result.p99_ms, result.max_ms) == (12.5, 31, 40)
    assert (result.server_errors, result.client_errors) == (2, 1)
    assert (result.connection_errors, result.timeouts) == (3, 4)


def test_parse_wrk_says_when_there_is_no_result():
    with pytest.raises(ValueError, match="no result line"):
        measure.parse_wrk("unable to connect to 127.0.0.1:1 Connection refused")


def test_the_wrk_script_rotates_the_given_paths():
    script = measure.wrk_script(["/", "/map/"])
    assert 'local paths = {"/", "/map/"}' in script
    assert measure.RESULT_PREFIX in script


@pytest.mark.urls("benchmarks.urls")
def test_the_trivial_view_answers_through_the_whole_stack(client):
    response = client.get(TRIVIAL_PATH)
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "Content-Language" in response.headers  # the locale middleware ran


@needs_wrk
@pytest.mark.urls("benchmarks.urls")
def test_wrk_against_a_live_server_counts_answers_by_class(live_server):
    result = measure.run_wrk(
        loopback(live_server), duration=1, connections=2, paths=[TRIVIAL_PATH, "/no-such-page/"]
    )
    assert result.requests > 0
    assert result.client_errors > 0  # the 404s
    assert result.server_errors == 0
    assert 0 < result.p50_ms <= result.p99_ms <= result.max_ms


def test_wrk_refuses_anything_but_loopback():
    with pytest.raises(ValueError, match="loopback"):
        measure.run_wrk("http://example.org:80", duration=1)


@pytest.mark.urls("benchmarks.urls")
def test_serial_timings_fetch_the_page(live_server):
    status, size, timings = measure.serial_timings(loopback(live_server) + TRIVIAL_PATH, budget=0.2)
    assert (status, size) == (200, 2)
    assert timings and all(ms > 0 for ms in timings)


@pytest.mark.django_db
def test_page_figures_count_queries_and_bytes():
    figures = measure.page_figures("/relationships/")
    assert figures.status == 200
    assert figures.queries > 0
    assert figures.size > 1000


@pytest.mark.django_db
def test_the_export_probe_counts_every_relationship():
    data = export("/api/relationships/?format=csv")
    assert data["status"] == 200
    assert data["rows"] == Relationship.objects.count()
    assert data["lines"] >= data["rows"] + 1  # the header, and every row ends a line
    assert data["peak_rss_mb"] >= data["rss_before_mb"] > 0
    assert data["cpu_seconds"] > 0
    assert data["bytes"] > data["rows"] * 100


@pytest.mark.django_db
def test_the_export_probe_rates_a_geojson_export_by_its_lists_count():
    """A GeoJSON export's rows are its list's records (the JSON list's count), as a CSV's."""
    data = export("/api/relationships/?format=geojson")
    assert data["status"] == 200
    assert data["rows"] == Relationship.objects.count() > 0
    assert data["bytes"] > data["rows"] * 100


def test_worker_pids_finds_the_children_of_a_process():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert child.pid in measure.worker_pids(os.getpid())
        assert measure.peak_rss_mb(child.pid) > 0
    finally:
        child.kill()
        child.wait()


# On leaving, the server waits until the database is idle (PostgreSQL: pg_stat_activity).
@pytest.mark.django_db
def test_gunicorn_serves_the_trivial_view_and_replaces_a_killed_worker():
    with measure.Gunicorn(workers=2, read_cache=False) as server:
        status, size, _ = measure.fetch(server.base_url + TRIVIAL_PATH)
        assert (status, size) == (200, 2)
        # Served with production's settings (gunicorn.conf.py): its access log's line.
        logged = f'"GET {TRIVIAL_PATH} HTTP/1.1" 200 2'
        deadline = time.monotonic() + 10
        while logged not in server.output() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert logged in server.output()
        first = server.worker_pids()
        assert len(first) == 2
        os.kill(first[0], 9)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            now = server.worker_pids()
            if len(now) == 2 and first[0] not in now:
                break
            time.sleep(0.2)
        assert len(now) == 2 and first[0] not in now


def test_table_aligns_text_left_and_numbers_right():
    text = measure.table(["page", "req/s"], [["home", "12.5"], ["map", "3"]])
    assert text.splitlines() == ["page  req/s", "----  -----", "home   12.5", "map       3"]


@pytest.mark.django_db
@pytest.mark.urls("benchmarks.urls")
def test_after_write_times_a_request_after_any_write_or_an_exchanges_save(live_server, world):
    """``any_write`` raises every table's generation; ``exchange_saved`` saves one exchange
    (its table's generation rises) and puts its title back afterwards."""
    url = loopback(live_server) + TRIVIAL_PATH
    before = generation.current()
    assert measure.after_write(url) > 0
    assert generation.current().tables[generation.EVERY_TABLE] != before.tables.get("*")
    new_exchange(world.home)
    exchange = Exchange.objects.order_by("pk").first()
    before = generation.current().tables.get("exchanges_exchange", (0, None))
    # Each of two workers made to answer first (here a threaded live server answers all).
    assert measure.after_write(url, measure.exchange_saved, workers=2) > 0
    assert generation.current().tables["exchanges_exchange"][0] == before[0] + 2
    assert Exchange.objects.get(pk=exchange.pk).title_en == exchange.title_en


@pytest.mark.django_db
def test_a_staff_edit_goes_through_the_api_and_leaves_nothing_behind(live_server, world):
    """``staff_edit`` sets a synthetic city's local name by a PATCH of an office account made
    for it, then empties it again and removes the account; without synthetic data it edits
    nothing."""
    base_url = loopback(live_server)
    with measure.staff_edit(base_url) as edited:
        assert edited is False  # no synthetic city
    city = new_place("test-synthetic-city", "合成测试市", "prefecture_city", "CN", notes=MARKER)
    users = get_user_model().objects.count()
    before = generation.current().tables["cities_place"][0]
    with measure.staff_edit(base_url) as edited:
        assert edited is True
        assert Place.objects.get(pk=city.pk).name_local == "benchmark edit"
        writer = get_user_model().objects.get(username__startswith="benchmark-writer-")
        assert not writer.is_superuser and writer.office.place == city
    assert generation.current().tables["cities_place"][0] > before
    assert Place.objects.get(pk=city.pk).name_local == ""
    assert get_user_model().objects.count() == users
    assert not Office.objects.filter(place=city).exists()
