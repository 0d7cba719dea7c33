"""Fixture keys: ``<app_label.model>:<pk as written in the YAML>``, the fixtures' own names for
their records. The database row a key became is found through ``FixtureRecord``; tests and
scripts that mean "the fixture's Wuhan" ask for ``fixture_object("cities.place:13")`` instead
of assuming a database id."""

from django.apps import apps

from .models import FixtureRecord


def fixture_key(label, pk):
    """``fixture_key("cities.place", 13) == "cities.place:13"``."""
    return f"{label.lower()}:{pk}"


def split_key(key):
    """``("cities.place", "13")``; raises ValueError for a string that is not a key."""
    label, separator, pk = key.rpartition(":")
    if not separator or not label or not pk or "." not in label:
        raise ValueError(f"not a fixture key: {key!r} (expected app_label.model:pk)")
    return label.lower(), pk


def fixture_id(key):
    """The database id of the row the loader made of ``key`` (it may since have been
    deleted); raises FixtureRecord.DoesNotExist for a key never loaded."""
    return FixtureRecord.objects.values_list("object_id", flat=True).get(key=key)


def fixture_object(key):
    """The row the loader made of ``key``, e.g. ``fixture_object("cities.place:13")``."""
    label, _pk = split_key(key)
    return apps.get_model(label)._base_manager.get(pk=fixture_id(key))


def fixture_ids(model, fixture_pks):
    """The database ids of ``model``'s fixture records whose fixture pks are in
    ``fixture_pks`` (any container of ints, e.g. ``range(2000, 3000)``)."""
    label = model._meta.label_lower
    wanted = set(fixture_pks)
    ids = []
    for key, object_id in FixtureRecord.objects.filter(key__startswith=f"{label}:").values_list(
        "key", "object_id"
    ):
        pk = split_key(key)[1]
        if pk.isdigit() and int(pk) in wanted:
            ids.append(object_id)
    return ids
