"""Short GIN pending lists for the search's indexes, on PostgreSQL only.

A GIN index takes new rows into a pending list (up to ``gin_pending_list_limit``, 4 MB by
default) that every search reads in full, row by row, until a vacuum merges it; bulk
loads (``seed_scale``, imports) leave hundreds of pending pages where autovacuum is slow
or off, and each lookup of the places' keys then cost milliseconds instead of a few
buffer reads (a search makes a dozen). At 64 kB the list is merged as soon as it grows
past a few pages, by the write that fills it; the lists already there are merged now.
"""

from django.db import migrations

INDEXES = [
    "cities_place_search_trgm",
    "search_exchange_title_zh_trgm",
    "search_exchange_title_en_trgm",
    "search_exchange_description_trgm",
    "search_relationship_wording_trgm",
    "search_relationship_notes_trgm",
]
PENDING_LIST_KB = 64  # PostgreSQL's least


def shorten(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(
            f"ALTER INDEX {name} SET (gin_pending_list_limit = {PENDING_LIST_KB})"
        )
        schema_editor.execute(f"SELECT gin_clean_pending_list('{name}'::regclass)")


def restore(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"ALTER INDEX {name} RESET (gin_pending_list_limit)")


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_trigram_indexes_for_text_search"),
    ]

    operations = [
        migrations.RunPython(shorten, restore),
    ]
