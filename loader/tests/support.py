"""Helpers of the loader tests: run the command, change a copy of the fixtures, act as staff."""

from io import StringIO

import yaml
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection


def run(*args, **options):
    """``(stdout, stderr, failure)``: the command's output, and its CommandError if it
    failed (``manage.py`` then exits with status 1). In English unless ``language`` says
    otherwise (the command's own default is the site's, Chinese)."""
    options.setdefault("language", "en")
    out, err = StringIO(), StringIO()
    try:
        call_command("load_registry", *args, stdout=out, stderr=err, **options)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), error
    return out.getvalue(), err.getvalue(), None


def edit_fixture(directory, filename, change):
    """Apply ``change(records)`` to one fixture file of a copy of the fixtures."""
    path = directory / filename
    records = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(records)
    path.write_text(yaml.safe_dump(records, allow_unicode=True, sort_keys=False), encoding="utf-8")


def record(records, model, pk):
    return next(r for r in records if r["model"] == model and r["pk"] == pk)


def staff(username="wuhan-editor"):
    return get_user_model().objects.create_user(username, password="Office-staff-2019!")


def staff_save(instance, user, **changes):
    """Save ``changes`` as ``user`` would in the admin (history records the user)."""
    for name, value in changes.items():
        setattr(instance, name, value)
    instance._history_user = user
    instance.save()
    return instance


def staff_delete(instance, user):
    instance._history_user = user
    instance.delete()


def forget_history(*app_labels):
    """Delete every history record of these apps (a database that never held the
    registry), inside the test's transaction."""
    with connection.constraint_checks_disabled():
        for label in app_labels:
            for model in apps.get_app_config(label).get_models(include_auto_created=True):
                if model.__name__.startswith("Historical"):
                    model._base_manager.all()._raw_delete(model._base_manager.db)


def fixture_record_count():
    """How many records the fixture files hold (what a load reports as up to date)."""
    from loader.registry_loader import fixture_files

    return sum(len(yaml.safe_load(path.read_text(encoding="utf-8"))) for path in fixture_files())
