"""Writes that several surfaces share: making an account an office account (the
``create_office_user`` command, the office admin and the user admin's office inline)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from .models import Office
from .rules import office_models, reference_models

# The group every office account belongs to; its permissions are kept here.
OFFICE_STAFF_GROUP = "外办工作人员"


def ensure_office_staff_group():
    """The "外办工作人员" group with the model permissions an office account needs: add,
    change, delete and view on every office-kept model, view on reference data
    (idempotent: running it again resets the group to exactly these permissions)."""
    group, _created = Group.objects.get_or_create(name=OFFICE_STAFF_GROUP)
    wanted = []
    for models, actions in (
        (office_models(), ["add", "change", "delete", "view"]),
        (reference_models(), ["view"]),
    ):
        for model in models:
            content_type = ContentType.objects.get_for_model(model)
            codenames = [f"{action}_{model._meta.model_name}" for action in actions]
            wanted += list(
                Permission.objects.filter(content_type=content_type, codename__in=codenames)
            )
    group.permissions.set(wanted)
    return group


def enrol_office_user(user):
    """Make an account an office staff account: staff status and the office group."""
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.groups.add(ensure_office_staff_group())


@transaction.atomic
def create_office_user(*, username, place, email="", password=None):
    """Create or update the account of ``place``'s office. Returns ``(user, created)``.

    The password changes only when one is given (validated by Django's validators, which
    raise ``ValidationError``); a new account without one cannot log in until it is set."""
    user, created = get_user_model().objects.get_or_create(
        username=username, defaults={"email": email, "is_staff": True}
    )
    if email and user.email != email:
        user.email = email
    if password is not None:
        validate_password(password, user)
        user.set_password(password)
    elif created:
        user.set_unusable_password()
    user.is_staff = True
    user.save()
    enrol_office_user(user)
    Office.objects.update_or_create(user=user, defaults={"place": place})
    return user, created
