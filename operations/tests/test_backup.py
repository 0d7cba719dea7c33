"""``manage.py backup`` and ``restore``: dump the registry, empty the database, restore it,
and find every record and every history row again (on SQLite and on PostgreSQL)."""

import pytest
from django.apps import apps
from django.core.management import call_command

from cities.models import Relationship


def every_row():
    """Every row of every model of the project's apps and their history, by model."""
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label in {"sources", "cities", "exchanges", "awards", "auth"}:
            rows[model._meta.label] = sorted(model.objects.values_list("pk", flat=True))
    return rows


@pytest.mark.django_db(transaction=True)
def test_backup_empty_restore_finds_every_record_and_history_row(tmp_path, django_user_model):
    call_command("load_registry", verbosity=0)
    django_user_model.objects.create_user("keeper", password="Keeper-pass-1")
    relationship = Relationship.objects.order_by("pk").first()
    relationship.notes = "before the backup"
    relationship._change_reason = "kept in the backup"
    relationship.save()
    before = every_row()
    history = relationship.history.count()
    assert before["cities.Relationship"] and before["cities.HistoricalRelationship"]
    assert sum(map(len, before.values())) > 500

    dump = tmp_path / "registry.dump"
    call_command("backup", output=str(dump), verbosity=0)
    assert dump.stat().st_size > 0

    call_command("flush", interactive=False, verbosity=0)
    # Empty, but for the permissions Django recreates at once.
    assert not any(rows for label, rows in every_row().items() if label != "auth.Permission")

    call_command("restore", str(dump), interactive=False, verbosity=0)
    assert every_row() == before
    restored = Relationship.objects.get(pk=relationship.pk)
    assert restored.notes == "before the backup"
    assert restored.history.count() == history
    assert restored.history.first().history_change_reason == "kept in the backup"
    assert django_user_model.objects.get(username="keeper").check_password("Keeper-pass-1")
