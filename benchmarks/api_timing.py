"""Server time of single API list requests through the Django test client (the settings
of the environment; run with DEBUG off): the median of ``--repeat`` requests after a
warm-up, split into the time in the database, in serialisation (DRF's list serializer)
and the rest, with the query count and size. It compares serialisation changes without
gunicorn or wrk, and the split shows what a change can gain on a busy machine.

    DEBUG=0 SECRET_KEY=x DJANGO_SETTINGS_MODULE=benchmarks.settings \\
        python -m benchmarks.api_timing /api/relationships/ /api/exchanges/
"""

import argparse
import statistics
import sys
import time

import django
from django.db import connection
from django.test import Client
from rest_framework import serializers


class Timer:
    """Seconds spent in the database and in the outermost list serialisation."""

    def __init__(self):
        self.database = self.serialising = 0.0
        self.queries = 0
        self._depth = 0

    def execute(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.database += time.perf_counter() - started
            self.queries += 1

    def wrap(self, to_representation):
        timer = self

        def timed(serializer, data):
            timer._depth += 1
            started = time.perf_counter()
            try:
                return to_representation(serializer, data)
            finally:
                timer._depth -= 1
                if timer._depth == 0:
                    timer.serialising += time.perf_counter() - started

        return timed


def measure(client, path, repeat):
    client.get(path)  # warm-up: imports, connections, caches of the code (not of answers)
    totals, databases, serialisations = [], [], []
    original = serializers.ListSerializer.to_representation
    try:
        for _ in range(repeat):
            timer = Timer()
            serializers.ListSerializer.to_representation = timer.wrap(original)
            with connection.execute_wrapper(timer.execute):
                started = time.perf_counter()
                response = client.get(path)
                if response.streaming:
                    body = b"".join(response.streaming_content)
                else:
                    body = response.content
                totals.append(time.perf_counter() - started)
            databases.append(timer.database)
            serialisations.append(timer.serialising)
    finally:
        serializers.ListSerializer.to_representation = original
    return {
        "status": response.status_code,
        "queries": timer.queries,
        "size": len(body),
        "total": statistics.median(totals),
        "database": statistics.median(databases),
        "serialising": statistics.median(serialisations),
    }


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args(argv)
    django.setup()
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    for path in args.paths:
        result = measure(client, path, args.repeat)
        sys.stdout.write(
            f"{path}: status {result['status']}, {result['queries']} queries, "
            f"{result['size'] / 1024:.0f} KB; median of {args.repeat}: "
            f"{result['total'] * 1000:.1f} ms, of which database "
            f"{result['database'] * 1000:.1f} ms, serialising "
            f"{result['serialising'] * 1000:.1f} ms\n"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
