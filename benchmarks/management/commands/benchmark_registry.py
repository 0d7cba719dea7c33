"""``manage.py benchmark_registry``: print speed, query and memory figures for the registry.

It works on a throwaway test database (never the live one): loads the registry, then
times the public directory, the API list and the CSV export with the registry as loaded
and again with ``--rows`` synthetic relationships added, and reports each response's
query count (which must not grow with the rows) and the peak memory of a full export.
Targets are read from these figures, not asserted by timed tests.
"""

import statistics
import time
import tracemalloc

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment

from cities.choices import HoldingLevel, PlaceLevel, RelationshipKind, Stage
from cities.models import Place, Relationship, RelationshipStage

PAGES = [
    ("directory", "/relationships/"),
    ("directory p.2", "/relationships/?page=2"),
    ("API list", "/api/relationships/?limit=100"),
    ("API places", "/api/places/?limit=100"),
    ("home", "/"),
    ("city page", "/places/wuhan/"),
]


class Command(BaseCommand):
    help = "Print speed, query-count and memory figures on a throwaway database."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=1000, help="synthetic relationships")
        parser.add_argument("--repeat", type=int, default=5, help="requests per measurement")

    def handle(self, *args, rows, repeat, **options):
        setup_test_environment()
        old_name = connection.settings_dict["NAME"]
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        try:
            self.run(rows, repeat)
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)

    def run(self, rows, repeat):
        started = time.perf_counter()
        call_command("load_registry", verbosity=0)
        first = time.perf_counter() - started
        started = time.perf_counter()
        call_command("load_registry", verbosity=0)
        second = time.perf_counter() - started
        self.stdout.write(f"load_registry: first run {first:.2f} s, second run {second:.2f} s")

        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        before = self.measure(client, repeat)
        self.stdout.write(f"adding {rows} synthetic relationships …")
        self.add_rows(rows)
        after = self.measure(client, repeat)

        self.stdout.write(
            f"\n{'page':<16}{'ms (as loaded)':>16}{'ms (+rows)':>12}"
            f"{'queries':>10}{'queries (+rows)':>17}"
        )
        for name, _ in PAGES:
            (t1, q1), (t2, q2) = before[name], after[name]
            flag = "" if q1 == q2 else "  <- grows with rows"
            self.stdout.write(f"{name:<16}{t1:>16.1f}{t2:>12.1f}{q1:>10}{q2:>17}{flag}")

        tracemalloc.start()
        connection.queries_log.clear()
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/api/relationships/?format=csv&limit=500")
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        lines = response.content.count(b"\n")
        self.stdout.write(
            f"\nCSV export of 500 relationships: {elapsed * 1000:.0f} ms, "
            f"{lines} lines, {len(queries)} queries, peak memory {peak / 1e6:.1f} MB"
        )

    def measure(self, client, repeat):
        figures = {}
        for name, url in PAGES:
            timings = []
            for _ in range(repeat):
                connection.queries_log.clear()
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    response = client.get(url)
                    timings.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    raise RuntimeError(f"{url} answered {response.status_code}")
            figures[name] = (statistics.median(timings), len(queries))
        return figures

    def add_rows(self, rows):
        wuhan = Place.objects.get(slug="wuhan")
        countries = ["JP", "KR", "FR", "DE", "US", "GB", "IT", "RU", "BR", "ZA"]
        partners = Place.objects.bulk_create(
            Place(
                slug=f"bench-{n}",
                name_zh=f"基准城市{n}",
                name_en=f"Bench City {n}",
                level=PlaceLevel.CITY,
                country=countries[n % len(countries)],
                latitude=(n % 170) - 85,
                longitude=(n % 350) - 175,
                search_text=f"|基准城市{n}|benchcity{n}|",
            )
            for n in range(rows)
        )
        relationships = Relationship.objects.bulk_create(
            Relationship(
                chinese_place=wuhan,
                foreign_place=partner,
                kind=RelationshipKind.SISTER if n % 3 else RelationshipKind.FRIENDLY,
                stage=Stage.ACTIVE,
                level=HoldingLevel.MUNICIPAL,
            )
            for n, partner in enumerate(partners)
        )
        RelationshipStage.objects.bulk_create(
            RelationshipStage(
                relationship=relationship,
                stage=Stage.AGREEMENT,
                date_year=1980 + n % 45,
                date_month=1 + n % 12,
            )
            for n, relationship in enumerate(relationships)
        )
