"""``manage.py restore FILE``: replaces the whole database with a ``backup`` file.

PostgreSQL: ``pg_restore --clean --if-exists --single-transaction`` (all or nothing);
SQLite: the file is copied back over the database with the backup API."""

import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from utilities import generation

from . import _dumps


class Command(BaseCommand):
    help = "Replaces the database with a file written by `manage.py backup`."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--database", default="default")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="do not ask for confirmation",
        )

    def handle(self, *args, file, database="default", interactive=True, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{path} does not exist.")
        engine = _dumps.vendor(database)
        name = connections[database].settings_dict["NAME"]
        if interactive:
            answer = input(f"Replace everything in database {name} with {path}? Type 'yes': ")
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled.")
        if engine == "postgresql":
            connections[database].close()
            arguments, env = _dumps.pg_arguments(database)
            result = subprocess.run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--single-transaction",
                    "--exit-on-error",
                    *arguments,
                    str(path),
                ],
                env=env,
                capture_output=True,
                text=True,
            )
            if result.returncode:
                raise CommandError(f"pg_restore failed: {result.stderr.strip()}")
        else:
            source = _dumps.open_file_database(path)
            try:
                _dumps.sqlite_copy(source, _dumps.sqlite_connection(database))
            finally:
                source.close()
        # The restored generation is an older one: raise it, so that nothing the read cache
        # kept from the database as it was is served for the database as it is now.
        generation.bump(database)
        self.stdout.write(f"Restored {name} from {path}.")
