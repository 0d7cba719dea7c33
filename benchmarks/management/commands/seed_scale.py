"""``manage.py seed_scale``: fill a benchmark database with synthetic data at national scale
(50,000 relationships and 500,000 exchanges by default; see ``benchmarks.seeding`` for what
is created and how it is marked), or remove it again with ``--remove``.

Never point it at the live registry: it refuses a database that holds staff accounts unless
``--allow-staff-database`` is given. No history rows are written for synthetic data.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from benchmarks import seeding


class Command(BaseCommand):
    help = "Create (or --remove) synthetic places, relationships and exchanges for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--relationships", type=int, default=50_000)
        parser.add_argument("--exchanges", type=int, default=500_000)
        parser.add_argument("--seed", type=int, default=1, help="random seed (reproducible data)")
        parser.add_argument(
            "--remove", action="store_true", help="delete every synthetic row and nothing else"
        )
        parser.add_argument(
            "--allow-staff-database",
            action="store_true",
            help="seed even though the database holds staff accounts",
        )

    def handle(
        self, *args, relationships, exchanges, seed, remove, allow_staff_database, **options
    ):
        verbose = options["verbosity"] >= 1
        started = time.perf_counter()
        if remove:
            counts = seeding.remove()
            verb = "Removed"
        else:
            if relationships < 1 or exchanges < 0:
                raise CommandError("--relationships must be at least 1, --exchanges at least 0.")
            try:
                seeding.check_database(allow_staff_database)
            except seeding.SeedError as refusal:
                raise CommandError(str(refusal)) from None
            stream = ProgressStream(self.stderr) if verbose else ProgressStream(None)
            counts = seeding.seed(relationships, exchanges, seed=seed, stream=stream)
            verb = "Created"
        if not verbose:
            return
        for label, count in counts.items():
            self.stdout.write(f"  {label}: {count:,}")
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"{verb} synthetic data in {elapsed:.1f} s."))
        if not remove:
            self.stdout.write("No history rows were written: synthetic data is not history.")


class ProgressStream:
    """The command's stderr for the progress line (which must not get a newline added), or
    nowhere at verbosity 0."""

    def __init__(self, wrapper):
        self.wrapper = wrapper

    def write(self, text):
        if self.wrapper is not None:
            self.wrapper.write(text, ending="")

    def flush(self):
        if self.wrapper is not None:
            self.wrapper.flush()

    def isatty(self):
        return self.wrapper is not None and self.wrapper.isatty()
