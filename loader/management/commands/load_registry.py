"""``manage.py load_registry``: load the whole registry from the fixtures, atomically and
idempotently, after checking every record and every citation's quote. Staff's edits and
deletions stand; a record that both the fixture and staff changed is a conflict, listed with
who changed it and when, and nothing is written until each conflict is resolved with
``--take-fixture KEY`` or ``--keep-current KEY``. ``--check`` verifies without writing."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from loader.output import change_rows, table
from loader.registry_loader import RegistryLoadError, load


def plural(count, word):
    return f"{count} {word}{'' if count == 1 else 's'}"


class Command(BaseCommand):
    help = (
        "Load the registry from fixtures/ (atomic, idempotent, never overwrites staff's "
        "edits or deletions); --check verifies only."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Verify every record and quote, list conflicts, write nothing.",
        )
        parser.add_argument(
            "--fixtures-dir",
            default=None,
            help="Load from another fixtures folder (default: settings.REGISTRY_FIXTURES_DIR).",
        )
        parser.add_argument(
            "--take-fixture",
            action="append",
            default=[],
            metavar="KEY",
            help="Resolve this record (e.g. cities.relationship:3005) with the fixture's "
            "values, overwriting staff's edit or restoring a deleted row. Repeatable.",
        )
        parser.add_argument(
            "--keep-current",
            action="append",
            default=[],
            metavar="KEY",
            help="Resolve this record by keeping the database's current values (or its "
            "deletion); the fixture's change is not applied. Repeatable.",
        )

    def handle(self, *args, check=False, fixtures_dir=None, **options):
        self.verbose = options["verbosity"] >= 1
        try:
            with transaction.atomic():
                result = load(
                    fixtures_dir,
                    take_fixture=options["take_fixture"],
                    keep_current=options["keep_current"],
                    progress=self.progress if self.verbose else None,
                )
                if check or result.conflicts:
                    transaction.set_rollback(True)
        except RegistryLoadError as failure:
            for line in failure.errors:
                self.stderr.write(f"  {line}")
            raise CommandError(
                f"{len(failure.errors)} problem(s) found; nothing was written."
            ) from None
        self.report(result)
        if result.conflicts:
            self.stderr.write(
                self.style.ERROR(
                    f"{plural(len(result.conflicts), 'conflict')}: the fixture and staff both "
                    "changed these records."
                )
            )
            for line in table(change_rows(result.conflicts)):
                self.stderr.write(line)
            self.stderr.write(
                "Resolve each with --take-fixture KEY (the fixture's values) or "
                "--keep-current KEY (the current values)."
            )
            raise CommandError(
                f"{plural(len(result.conflicts), 'unresolved conflict')}; nothing was written."
            )
        self.summary(result, check)

    def say(self, line=""):
        if self.verbose:
            self.stdout.write(line)

    def progress(self, name, done, total):
        if name is not None:
            self.say(f"  loading {name} … ({done}/{total} records done)")

    def report(self, result):
        if result.adopted:
            self.say(
                f"Adopted {plural(sum(result.adopted.values()), 'row')} that the earlier "
                "pk-based loader wrote (their fixture keys now name them)."
            )
        for key, side in sorted(result.resolved.items()):
            taken = "the fixture's values" if side == "fixture" else "the current values"
            self.say(f"Resolved {key}: {taken}.")
        if result.kept_edits:
            self.say(
                f"Kept {plural(len(result.kept_edits), 'staff edit')} (the fixture did not change these):"
            )
            for line in table(change_rows(result.kept_edits)):
                self.say(line)
        if result.kept_deletions:
            self.say(
                f"Kept {plural(len(result.kept_deletions), 'staff deletion')} (not restored; "
                "--take-fixture KEY restores one):"
            )
            for line in table(change_rows(result.kept_deletions)):
                self.say(line)
        if result.retired:
            self.say(
                f"{plural(len(result.retired), 'loaded record')} no longer in the fixtures, "
                f"left as they are: {', '.join(result.retired)}"
            )

    def summary(self, result, check):
        kept = []
        if result.kept_edits:
            kept.append(plural(len(result.kept_edits), "staff edit"))
        if result.kept_deletions:
            kept.append(plural(len(result.kept_deletions), "staff deletion"))
        kept = f"; kept {' and '.join(kept)}" if kept else ""
        created, updated = sum(result.created.values()), sum(result.updated.values())
        if check:
            self.say(
                self.style.SUCCESS(
                    f"Check passed: {result.total} records and their quotes verified; "
                    f"a load would create {created} and update {updated}{kept}."
                )
            )
            return
        if not result.changed:
            self.say(
                self.style.SUCCESS(f"No changes: all {result.total} records are up to date{kept}.")
            )
            return
        for label in sorted(set(result.created) | set(result.updated)):
            self.say(f"  {label}: {result.created[label]} created, {result.updated[label]} updated")
        self.say(
            self.style.SUCCESS(
                f"Loaded: {created} created, {updated} updated, "
                f"{sum(result.unchanged.values())} unchanged{kept}."
            )
        )
