"""Trigram indexes for the search box's text matching, on PostgreSQL only.

The ``q`` filters match titles, wordings and notes with ``icontains``, which Django writes
on PostgreSQL as ``UPPER(column::text) LIKE UPPER('%query%')``; a GIN index (pg_trgm,
``gin_trgm_ops``) on that same expression answers it for queries of three characters or
more instead of reading every exchange. The indexes belong to the search (this app), not
to the models' state: no other database gets them, and no model migration has to know.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

# (index name, table, column): each indexed as upper(column::text) gin_trgm_ops.
INDEXES = [
    ("search_exchange_title_zh_trgm", "exchanges_exchange", "title_zh"),
    ("search_exchange_title_en_trgm", "exchanges_exchange", "title_en"),
    ("search_exchange_description_trgm", "exchanges_exchange", "description"),
    ("search_relationship_wording_trgm", "cities_relationship", "wording"),
    ("search_relationship_notes_trgm", "cities_relationship", "notes"),
]


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def remove_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("cities", "0013_place_search_text_trigram_index"),
        ("exchanges", "0004_exchange_planned"),
    ]

    operations = [
        TrigramExtension(),  # does nothing on other databases
        migrations.RunPython(add_indexes, remove_indexes),
    ]
