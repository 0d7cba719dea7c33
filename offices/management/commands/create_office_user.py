"""``manage.py create_office_user USERNAME --city jinzhong``: create (or update) a staff
account for a foreign-affairs office.

The account gets staff status, the "外办工作人员" group (whose model permissions this
command keeps current) and its office: the Chinese city whose records, and those of the
places inside it, it may change. Running it again is safe: it moves the account to the
given office and refreshes the group, and changes the password only when one is given.
"""

import getpass
import os

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from offices.models import Office
from offices.services import OFFICE_STAFF_GROUP, create_office_user, ensure_office_staff_group
from utilities.resources import PlaceWidget

PASSWORD_ENV = "OFFICE_USER_PASSWORD"


class Command(BaseCommand):
    help = (
        "Create or update a foreign-affairs office account: staff status, the office staff "
        "group's permissions and the office's Chinese city (by slug or name)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?", help="The account's user name.")
        parser.add_argument(
            "--city",
            help="The office's Chinese city: slug (jinzhong) or name (晋中市, Jinzhong).",
        )
        parser.add_argument("--email", default="", help="The account's e-mail address.")
        parser.add_argument(
            "--password",
            help=f"The password (or set {PASSWORD_ENV}); asked for when interactive.",
        )
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="Never prompt; a new account without a password cannot log in until one is set.",
        )
        parser.add_argument(
            "--group-only",
            action="store_true",
            help="Only create or refresh the office staff group's permissions.",
        )

    def handle(self, *args, username=None, city=None, email="", password=None, **options):
        group = ensure_office_staff_group()
        if options["group_only"]:
            self.stdout.write(
                f"Group “{OFFICE_STAFF_GROUP}”: {group.permissions.count()} permissions."
            )
            return
        if not username or not city:
            raise CommandError(
                "Give a user name and --city (e.g. create_office_user li --city jinzhong)."
            )
        place = self.find_city(city)
        password = password or os.environ.get(PASSWORD_ENV) or None
        if password is None and options["interactive"] and not self.user_exists(username):
            password = self.ask_password()

        try:
            user, created = create_office_user(
                username=username, place=place, email=email, password=password
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        if options["verbosity"] < 1:
            return
        verb = "Created" if created else "Updated"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} office account “{user.username}” for {place.name_zh} ({place.slug}); "
                f"group “{OFFICE_STAFF_GROUP}”."
            )
        )
        if not user.has_usable_password():
            self.stdout.write(
                f"No password set: run `python manage.py changepassword {user.username}`."
            )

    def find_city(self, text):
        try:
            # The office's city is a place: the Office model names its model.
            places = Office._meta.get_field("place").related_model
            place = PlaceWidget(places, "chinese").clean(text)
        except ValueError as error:
            raise CommandError(str(error)) from None
        if place is None:
            raise CommandError("Give the office's city with --city.")
        office = Office(place=place)
        try:
            office.clean()
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        return place

    @staticmethod
    def user_exists(username):
        return get_user_model().objects.filter(username=username).exists()

    def ask_password(self):
        for _attempt in range(3):
            first = getpass.getpass("Password: ")
            if first and first == getpass.getpass("Password (again): "):
                return first
            self.stderr.write("Passwords do not match or are empty; try again.")
        raise CommandError("No password given.")
