"""Remove the admin-import uploads older than their lifetime (``IMPORT_UPLOAD_LIFETIME``).

Every import already does this; the command is for a server where nobody imports for a
while (run it hourly from cron or a systemd timer)."""

from django.core.management.base import BaseCommand

from utilities.resources import uploads


class Command(BaseCommand):
    help = "Remove admin-import uploads older than IMPORT_UPLOAD_LIFETIME seconds."

    def handle(self, *args, **options):
        removed = uploads.remove_expired()
        self.stdout.write(f"Removed {removed} expired import upload(s).")
