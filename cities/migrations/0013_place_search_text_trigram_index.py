"""A trigram index on places' stored search keys, on PostgreSQL only.

``search_text__contains`` (``LIKE '%key%'``) on PostgreSQL reads this GIN index (pg_trgm,
``gin_trgm_ops``) for keys of three characters or more, so a search no longer scans every
place; a shorter key (大分) still matches by the same LIKE, scanning as before. SQLite keeps
its plain scan: the extension and the index are created only when the database is
PostgreSQL, and the index is left out of the model's state so SQLite's table rebuilds never
try to create it.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEX = GinIndex(
    fields=["search_text"],
    opclasses=["gin_trgm_ops"],
    name="cities_place_search_trgm",
)


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("cities", "Place"), INDEX)


def remove_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("cities", "Place"), INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("cities", "0012_reported_statements"),
    ]

    operations = [
        # Does nothing on other databases (Django checks the vendor).
        TrigramExtension(),
        migrations.RunPython(add_index, remove_index),
    ]
