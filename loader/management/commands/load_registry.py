"""``manage.py load_registry``: load the whole registry from the fixtures, atomically and
idempotently, after checking every citation's quote against its report. ``--check``
verifies everything without writing."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from loader.registry_loader import RegistryLoadError, load


class Command(BaseCommand):
    help = "Load the registry from fixtures/ (atomic, idempotent); --check verifies only."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Verify every record and quote without writing anything.",
        )
        parser.add_argument(
            "--fixtures-dir",
            default=None,
            help="Load from another fixtures folder (default: settings.REGISTRY_FIXTURES_DIR).",
        )

    def handle(self, *args, check=False, fixtures_dir=None, **options):
        verbose = options["verbosity"] >= 1
        say = self.stdout.write if verbose else (lambda *args, **kwargs: None)
        progress = say if verbose else None
        try:
            with transaction.atomic():
                result = load(fixtures_dir, progress=progress)
                if check:
                    transaction.set_rollback(True)
        except RegistryLoadError as failure:
            for line in failure.errors:
                self.stderr.write(f"  {line}")
            raise CommandError(
                f"{len(failure.errors)} problem(s) found; nothing was written."
            ) from None
        if check:
            say(
                self.style.SUCCESS(
                    f"Check passed: {result.total} records and their quotes verified."
                )
            )
            return
        if not result.changed:
            say(self.style.SUCCESS(f"No changes: all {result.total} records are up to date."))
            return
        for label in sorted(set(result.created) | set(result.updated)):
            say(f"  {label}: {result.created[label]} created, {result.updated[label]} updated")
        say(
            self.style.SUCCESS(
                f"Loaded: {sum(result.created.values())} created, "
                f"{sum(result.updated.values())} updated, "
                f"{sum(result.unchanged.values())} unchanged."
            )
        )
