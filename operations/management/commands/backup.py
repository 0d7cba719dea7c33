"""``manage.py backup [--output FILE]``: a consistent copy of the whole database.

PostgreSQL: ``pg_dump`` custom format (``.dump``); SQLite: an online copy (``.sqlite3``).
``manage.py restore FILE`` puts it back."""

import subprocess
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from . import _dumps


class Command(BaseCommand):
    help = "Writes a consistent copy of the database to a file (pg_dump, or SQLite's backup API)."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="the file to write (default: backups/<time>)")
        parser.add_argument("--database", default="default")

    def handle(self, *args, output=None, database="default", **options):
        engine = _dumps.vendor(database)
        if output is None:
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            suffix = ".dump" if engine == "postgresql" else ".sqlite3"
            output = Path(settings.BASE_DIR) / "backups" / f"registry-{stamp}{suffix}"
        output = Path(output)
        output.parent.mkdir(parents=True, exist_ok=True)
        if engine == "postgresql":
            arguments, env = _dumps.pg_arguments(database)
            result = subprocess.run(
                ["pg_dump", "--format=custom", "--file", str(output), *arguments],
                env=env,
                capture_output=True,
                text=True,
            )
            if result.returncode:
                raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
        else:
            target = _dumps.open_file_database(output)
            try:
                _dumps.sqlite_copy(_dumps.sqlite_connection(database), target)
            finally:
                target.close()
        self.stdout.write(f"{output} ({output.stat().st_size} bytes)")
