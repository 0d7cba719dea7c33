"""Measurements that need a process of their own, run by ``benchmark_registry`` as
``python -m benchmarks.probe ...`` with the benchmark's settings (DEBUG off):

- ``export URL``: one full export through the test client: rows, bytes, seconds and the
  process's peak resident memory (/proc's VmHWM), before and after;
- ``load-registry``: ``load_registry`` into a fresh throwaway database on the same engine
  (created, migrated and destroyed here), first load and idempotent second run.

Each prints one ``BENCH {json}`` line.
"""

import json
import resource
import sys
import time

import django
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import setup_test_environment

RESULT_PREFIX = "BENCH "


def peak_rss_mb():
    """This process's peak resident memory. Read from /proc (VmHWM): ``getrusage``'s
    ru_maxrss would report the parent's peak when that was higher (Linux carries it over
    fork and exec)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def exported_rows(url):
    """How many rows the export at this URL holds: the ``count`` of the same list, with
    the same filters, as JSON."""
    path, _, query = url.partition("?")
    params = [part for part in query.split("&") if part and not part.startswith("format=")]
    response = Client().get(path + "?" + "&".join([*params, "format=json", "limit=1"]))
    return response.json()["count"]


def export(url):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.get("/api/relationships/?limit=1")  # imports and connections, not the export
    before = peak_rss_mb()
    started, cpu = time.perf_counter(), time.process_time()
    response = client.get(url)
    chunks = response.streaming_content if response.streaming else [response.content]
    sizes = []
    # Rows are counted as the pieces arrive, never holding the whole file: the probe's
    # own copy would otherwise be most of the peak it measures.
    # The pieces are only counted here (their lengths and line ends, in C): parsing the
    # CSV is the client's work, which a real client does in its own process, and in this
    # one it would cost about as much CPU as writing the rows.
    line_ends = 0
    for chunk in chunks:
        sizes.append(len(chunk))
        line_ends += chunk.count(b"\n")
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    # The rows the export should hold, for the rate; a row whose text holds a line break
    # makes the line count larger, never the rate.
    # (A GeoJSON export holds a feature per record too, rated by the same count; a
    # calendar's events are not the list's records.)
    kind = response.get("Content-Type", "")
    rows = exported_rows(url) if kind.startswith(("text/csv", "application/geo+json")) else 0
    size = sum(sizes)
    return {
        "status": response.status_code,
        "rows": rows,
        "lines": line_ends,
        "bytes": size,
        "seconds": elapsed,
        # This process's own CPU time (the database server's is not in it): on a busy
        # machine the wall-clock rate says more about the neighbours than the export.
        "cpu_seconds": cpu,
        "rss_before_mb": before,
        "peak_rss_mb": peak_rss_mb(),
    }


def load_registry():
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    started = time.perf_counter()
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    created = time.perf_counter() - started
    try:
        timings = []
        for _ in range(2):
            started = time.perf_counter()
            call_command("load_registry", verbosity=0)
            timings.append(time.perf_counter() - started)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return {"first": timings[0], "second": timings[1], "database_setup": created}


def main(argv):
    django.setup()
    if argv[:1] == ["export"] and len(argv) == 2:
        result = export(argv[1])
    elif argv == ["load-registry"]:
        result = load_registry()
    else:
        sys.exit("usage: python -m benchmarks.probe export URL | load-registry")
    sys.stdout.write(RESULT_PREFIX + json.dumps(result) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
