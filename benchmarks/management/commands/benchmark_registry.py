"""``manage.py benchmark_registry`` (``make benchmark``): speed, query-count and memory figures
of the registry as it is served, on the configured database (PostgreSQL when
``DATABASE_URL`` is set, SQLite otherwise) with whatever data it holds (load the registry,
and ``seed_scale`` for national scale, first).

1. **Pages in process** (Django's test client): status, queries (which must not grow with
   the rows) and response size of each page.
2. **Load, cold**: gunicorn (2 sync workers, DEBUG off, ``benchmarks.settings``: the real
   settings plus a trivial view and no API throttle) on a free 127.0.0.1 port; for each
   page, the server time of one request at a time, then wrk at 4 connections for a few
   seconds (longer for pages slower than a second, within a cap): req/s, p50/p99 and the
   ratio to the trivial view measured in the same run (before and after the pages); and
   the first request after a write (the generation raised), which makes again what is
   kept per generation: the figures over the whole registry, the read cache's answers; and
   searches each asked for the first time (other cities' names), before anything made for
   a search is kept.
3. **Load, warm**: the same with ``READ_CACHE=on`` in the server's environment, when the
   settings know a ``READ_CACHE`` switch (the cold phase runs with ``READ_CACHE=off``);
   otherwise it says the read cache is absent. Each page is read once before it is timed,
   so that the serial timings and the load measure answers from the read cache (with
   two workers, each worker's memory cache fills at its first request of the page).
4. **After a staff edit**: one worker, read cache on; the first request of each page
   after a ``PATCH`` through the API, once the server is idle again, with the pages of
   ``WARM_AFTER_WRITE`` made again after the edit's answer (``operations.warming``) and
   with that off.
5. **Resilience**: the public pages in turn at 8 connections for 30 s, one gunicorn worker
   killed (SIGKILL) midway: 5xx answers and connection errors.
6. **Export**: a full CSV export of the relationships in a subprocess, read as it streams
   (``benchmarks.probe``): rows/s, per second of the process's CPU time, and peak memory. **load_registry**: into a fresh throwaway database of the same engine, and
   re-run on this database (rolled back).

Only the loopback interface is loaded; every phase is bounded in time. ``--quick`` shortens
each phase for a small run. Targets are read from these figures, never asserted by tests.
"""

import math
import os
import signal
import threading
import time
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Count

from benchmarks import measure
from benchmarks.seeding import MARKER
from benchmarks.views import TRIVIAL_PATH
from cities.models import Place, Relationship
from exchanges.models import Exchange
from search.selectors import query_shape
from utilities.views import FilteredListView

PAGE_SIZE = FilteredListView.paginate_by
# How many searches ``first_asks`` times: other cities' names (of one shape), and names each
# of a shape of its own (``search.selectors.StandIn``: reads are kept per shape), at most.
FIRST_ASKS = 20
NEW_SHAPES = 10
# Seconds between the staff edits of ``after_staff_edit``.
EDITS_APART = 2.0


@dataclass
class Page:
    label: str
    path: str
    public: bool = True  # in the resilience phase's rotation


class Command(BaseCommand):
    help = "Print speed, query-count and memory figures of the registry served by gunicorn."

    def add_arguments(self, parser):
        parser.add_argument("--quick", action="store_true", help="short phases for a small run")
        parser.add_argument("--duration", type=float, help="seconds of load per page")
        parser.add_argument("--connections", type=int, default=4)
        parser.add_argument("--skip-resilience", action="store_true", help="no worker-kill phase")

    def handle(self, *args, quick, duration, connections, skip_resilience, **options):
        try:
            measure.wrk_path()
        except RuntimeError as missing:
            raise CommandError(str(missing)) from None
        self.quick = quick
        self.duration = duration or (2.0 if quick else 5.0)
        self.slow_cap = 8.0 if quick else 24.0
        self.serial_budget = 0.5 if quick else 2.0
        self.connections = connections
        started = time.perf_counter()

        measure.collect_static()
        self.describe_data()
        pages = self.pages()
        self.in_process(pages)
        cold = self.load_phase(pages, read_cache=False)
        self.print_load("Load, cold (read cache off)", pages, cold)
        if hasattr(settings, "READ_CACHE"):
            warm = self.load_phase(pages, read_cache=True)
            self.print_load("Load, warm (READ_CACHE=on)", pages, warm)
        else:
            self.say(
                "\nLoad, warm: no read cache in this code (the settings have no READ_CACHE "
                "switch), so there is no warm phase to measure."
            )
        self.after_staff_edit(pages)
        if not skip_resilience:
            self.resilience(pages)
        self.export()
        self.load_registry()
        self.say(f"\nBenchmark finished in {time.perf_counter() - started:.0f} s.")

    def say(self, text=""):
        self.stdout.write(text)
        self.stdout.flush()

    # -- what is measured ------------------------------------------------------------------

    def describe_data(self):
        vendor = connection.vendor
        name = connection.settings_dict["NAME"]
        relationships = Relationship.objects.count()
        synthetic = Relationship.objects.filter(notes=MARKER).count()
        self.say(
            f"Database: {vendor} {name}; {Place.objects.count():,} places, "
            f"{relationships:,} relationships ({synthetic:,} synthetic), "
            f"{Exchange.objects.count():,} exchanges."
        )
        self.say(
            "Server: gunicorn, 2 sync workers, DEBUG off, 127.0.0.1; load: wrk, 1 thread, "
            f"{self.connections} connections, {self.duration:.0f} s a page "
            f"(up to {self.slow_cap:.0f} s for slow pages)."
        )
        if not relationships:
            self.say("Warning: no relationships; run load_registry (and seed_scale) first.")

    def pages(self):
        cities = (
            Place.objects.chinese()
            .annotate(partners=Count("chinese_relationships"))
            .order_by("-partners", "pk")
        )
        hub = cities.first()
        # The next cities' names: searches asked for the first time (``first_asks``).
        self.first_queries = [city.name_zh for city in cities[1 : 1 + FIRST_ASKS]]
        self.new_shape_queries = new_shape_queries(
            [hub.name_zh, *self.first_queries] if hub else [], NEW_SHAPES
        )
        if hub is None:
            raise CommandError("No Chinese place: load the registry first.")
        last_page = max(1, math.ceil(Relationship.objects.count() / PAGE_SIZE))
        deep_page = min(500, last_page)
        self.say(f"City page: {hub.slug} ({hub.partners:,} relationships of its own).")
        return [
            Page("home", "/"),
            Page(f"city ({hub.partners:,} partners)", f"/places/{hub.slug}/"),
            Page("directory", "/relationships/"),
            Page(f"directory p.{deep_page}", f"/relationships/?page={deep_page}"),
            Page("map", "/map/"),
            Page("search", "/search/?q=" + quote(hub.name_zh)),
            Page("API relationships", "/api/relationships/"),
            Page("API exchanges", "/api/exchanges/"),
            Page("API places ?q=", "/api/places/?q=" + quote(hub.name_en or hub.name_zh)),
            Page(
                "CSV (city's relationships)",
                f"/api/relationships/?format=csv&chinese_place={hub.slug}",
                public=False,
            ),
        ]

    def in_process(self, pages):
        self.say("\nPages in process (test client, one request each):")
        rows = []
        for page in pages:
            figures = measure.page_figures(page.path)
            page.figures = figures
            rows.append(
                [
                    page.label,
                    figures.status,
                    figures.queries,
                    kilobytes(figures.size),
                    f"{figures.ms:.0f}",
                ]
            )
        self.say(measure.table(["page", "status", "queries", "size", "ms"], rows))

    def load_phase(self, pages, read_cache):
        results = {}
        with measure.Gunicorn(workers=2, read_cache=read_cache) as server:
            results["trivial"] = self.load(server, TRIVIAL_PATH, 0)
            for page in pages:
                if self.stdout.isatty():
                    self.stdout.write(f"  {page.label} …\x1b[K", ending="\r")
                if read_cache:  # the first read fills the cache; the timings are of hits
                    measure.fetch(server.base_url + page.path)
                serial = measure.serial_timings(server.base_url + page.path, self.serial_budget)
                slow_ms = measure.median(serial[2])
                after_write = measure.after_write(
                    server.base_url + page.path, workers=server.workers
                )
                after_exchange = measure.after_write(
                    server.base_url + page.path, measure.exchange_saved, server.workers
                )
                results[page.path] = self.load(server, page.path, slow_ms, serial)
                results[page.path].after_write_ms = after_write
                results[page.path].after_exchange_ms = after_exchange
            results["trivial after"] = self.load(server, TRIVIAL_PATH, 0)
            results["first asks"] = self.first_asks(server, self.first_queries)
            results["new shapes"] = self.first_asks(server, self.new_shape_queries)
        return results

    def first_asks(self, server, queries):
        """Server time of searches each asked for the first time, one request each: what a
        search costs before anything made for it is kept (its compiled reads, its counts)."""
        return [
            measure.fetch(server.base_url + "/search/?q=" + quote(query))[2] * 1000
            for query in queries
        ]

    def load(self, server, path, single_ms, serial=None):
        # A page slower than a second gets long enough for a few requests per connection.
        duration = max(self.duration, min(self.slow_cap, 4 * single_ms / 1000))
        result = measure.run_wrk(server.base_url, path, duration, self.connections)
        result.serial = serial
        if not server.wait_idle():
            self.say(f"  (the server was still busy with {path} three minutes after its run)")
        return result

    def print_load(self, title, pages, results):
        trivial = (results["trivial"].rate + results["trivial after"].rate) / 2
        self.say(
            f"\n{title}: trivial view {results['trivial'].rate:,.0f} req/s before the pages, "
            f"{results['trivial after'].rate:,.0f} after (ratios use the mean, {trivial:,.0f})."
        )
        rows = []
        for page in pages:
            result = results[page.path]
            status, size, timings = result.serial
            errors = result.server_errors + result.client_errors + result.connection_errors
            if result.requests:
                rate = f"{result.rate:,.1f}"
                latency = [f"{result.p50_ms:.0f}", f"{result.p99_ms:.0f}"]
            else:  # not one answer within the run
                rate, latency = f"< {1 / result.seconds:.2f}", ["-", "-"]
            rows.append(
                [
                    page.label,
                    status,
                    f"{measure.median(timings):.0f}",
                    f"{result.after_write_ms:.0f}",
                    "-" if result.after_exchange_ms is None else f"{result.after_exchange_ms:.0f}",
                    rate,
                    *latency,
                    f"{result.rate / trivial:.3f}" if trivial and result.requests else "-",
                    result.requests,
                    errors + result.timeouts,
                    page.figures.queries,
                    kilobytes(size),
                ]
            )
        headers = [
            "page", "status", "1 conn ms", "after write ms", "after exchange ms", "req/s",
            "p50 ms", "p99 ms", "×trivial",
            "requests", "errors", "queries", "size",
        ]  # fmt: skip
        self.say(measure.table(headers, rows))
        self.say(
            "(1 conn ms: median server time one request at a time; after write ms: the "
            "first request after a write that names no table (every table's generation "
            "raised), when figures kept per generation (and cached answers) are made again; "
            "after exchange ms: the first request after one exchange's save, when only the "
            "figures that read the exchanges' tables are; req/s, p50 and p99 at "
            f"{self.connections} connections; errors: non-2xx answers, broken connections "
            "and time-outs.)"
        )
        first = results["first asks"]
        if first:
            self.say(
                f"A search asked for the first time ({len(first)} other cities' names, one "
                f"request each): median {measure.median(first):.0f} ms, slowest "
                f"{max(first):.0f} ms."
            )
        new_shapes = results["new shapes"]
        if new_shapes:
            self.say(
                "A search of a shape no search had asked before, its reads built when "
                "asked: "
                + ", ".join(
                    f"{query} {ms:.0f} ms"
                    for query, ms in zip(self.new_shape_queries, new_shapes, strict=True)
                )
                + "."
            )

    def after_staff_edit(self, pages):
        """The first request of each page after a staff edit through the API, once the
        server is idle again: with the pages of ``WARM_AFTER_WRITE`` made again by the
        writer's worker once it has answered the edit (``operations.warming``), and with
        that off. One worker, so the page is asked of the worker that served the edit (with
        ``REDIS_URL`` every worker reads what it made)."""
        made = settings.WARM_AFTER_WRITE
        self.say(
            "\nAfter a staff edit through the API (a PATCH of a synthetic city's local name, "
            f"{EDITS_APART:.0f} s after the one before; one worker, read cache on; the page "
            f"asked once the server is idle again); pages made again: {', '.join(made)}:"
        )
        if not made:
            self.say("  (WARM_AFTER_WRITE is off here: nothing to compare)")
            return
        timings = {}
        for label, pages_made in (("made", made), ("off", ["off"])):
            environment = {"WARM_AFTER_WRITE": ",".join(pages_made)}
            with measure.Gunicorn(workers=1, read_cache=True, environment=environment) as server:
                for page in pages:
                    url = server.base_url + page.path
                    measure.fetch(url)
                    # Edits some seconds apart, as a clerk's are: a burst of edits has its
                    # pages made once in a while (``operations.warming.SHARE``).
                    time.sleep(EDITS_APART)
                    with measure.staff_edit(server.base_url) as edited:
                        if not edited:
                            self.say("  (no synthetic city edited: seed_scale first)")
                            return
                        if not server.wait_idle():
                            self.say(f"  (the server was still busy after the edit, {page.path})")
                        timings[label, page.path] = measure.fetch(url)[2] * 1000
        rows = [
            [page.label, f"{timings['made', page.path]:.0f}", f"{timings['off', page.path]:.0f}"]
            for page in pages
        ]
        self.say(measure.table(["page", "pages made ms", "WARM_AFTER_WRITE=off ms"], rows))

    def resilience(self, pages):
        duration = 10 if self.quick else 30
        paths = [page.path for page in pages if page.public]
        self.say(
            f"\nResilience: {len(paths)} public pages in turn, 8 connections, {duration} s, "
            f"one worker killed (SIGKILL) at {duration / 2:.0f} s:"
        )
        with measure.Gunicorn(workers=2, read_cache=False) as server:
            killed = {}

            def kill_one():
                time.sleep(duration / 2)
                pids = server.worker_pids()
                if pids:
                    os.kill(pids[0], signal.SIGKILL)
                    killed["pid"] = pids[0]

            killer = threading.Thread(target=kill_one)
            killer.start()
            result = measure.run_wrk(server.base_url, "/", duration, 8, paths=paths)
            killer.join()
            after = server.worker_pids()
        self.say(
            f"  worker {killed.get('pid', '(none found)')} killed; workers afterwards: "
            f"{len(after)} ({', '.join(map(str, after))})"
        )
        self.say(
            f"  {result.requests:,} responses ({result.rate:,.1f} req/s), "
            f"5xx: {result.server_errors}, 4xx: {result.client_errors}, "
            f"connection errors: {result.connection_errors}, time-outs: {result.timeouts}, "
            f"p50 {result.p50_ms:.0f} ms, p99 {result.p99_ms:.0f} ms"
        )

    def export(self):
        for url, kind in (
            ("/api/relationships/?format=csv", "CSV"),
            ("/api/relationships/?format=geojson", "GeoJSON"),
        ):
            self.export_one(url, kind)

    def export_one(self, url, kind):
        timeout = 60 if self.quick else 240
        self.say(f"\nFull {kind} export ({url}) in a subprocess, at most {timeout} s:")
        probe = measure.run_probe(["export", url], timeout)
        if probe.error:
            peak = probe.data.get("peak_rss_mb")
            self.say(f"  {probe.error}" + (f"; peak memory so far {peak:.0f} MB" if peak else ""))
            return
        data = probe.data
        rate = data["rows"] / data["seconds"] if data["seconds"] else 0
        self.say(
            f"  {data['rows']:,} rows, {data['bytes'] / 1e6:.1f} MB in {data['seconds']:.1f} s: "
            f"{rate:,.0f} rows/s ({data['rows'] / max(data.get('cpu_seconds', 0), 1e-9):,.0f} "
            f"per second of the process's CPU time); peak memory {data['peak_rss_mb']:.0f} MB "
            f"(+{data['peak_rss_mb'] - data['rss_before_mb']:.0f} MB over the process before "
            f"the export; status {data['status']})"
        )

    def load_registry(self):
        self.say("\nload_registry (the five reports):")
        probe = measure.run_probe(["load-registry"], 120 if self.quick else 300)
        if probe.error:
            self.say(f"  into a fresh database: {probe.error}")
        else:
            data = probe.data
            self.say(
                f"  into a fresh {connection.vendor} database: first load {data['first']:.2f} s, "
                f"second (no changes) {data['second']:.2f} s "
                f"(creating and migrating it took {data['database_setup']:.0f} s)"
            )
        started = time.perf_counter()
        with transaction.atomic():
            call_command("load_registry", verbosity=0)
            transaction.set_rollback(True)
        self.say(f"  on this database (rolled back): {time.perf_counter() - started:.2f} s")


def new_shape_queries(asked, count):
    """Up to ``count`` places' names each of a shape (``search.selectors.query_shape``) that
    none of ``asked`` nor of the others has: searches whose reads are built when asked."""
    shapes = {query_shape(query) for query in asked}
    queries = []
    names = Place.objects.order_by("pk").values_list("name_en", flat=True)
    for name in names.iterator(chunk_size=2000):
        shape = query_shape(name or "")
        if shape and shape not in shapes:
            shapes.add(shape)
            queries.append(name)
            if len(queries) == count:
                break
    return queries


def kilobytes(size):
    return f"{size / 1024:,.0f} KB" if size >= 1024 else f"{size} B"
