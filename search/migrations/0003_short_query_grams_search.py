"""Indexes for queries of one or two characters (大分, 京), on PostgreSQL only.

A trigram index cannot answer ``LIKE '%大分%'``: the pattern holds no trigram, so such a
search read every place (each of the dozen place lookups a search makes) and every
exchange's title. ``search_grams(text)`` is the set of the text's one- and two-character
pieces; a GIN index on it finds the rows whose text holds a short query exactly (``@>`` /
``&&``), and the ``LIKE`` beside it stays the condition, so the rows found are the same.

Indexed (``utilities.filtersets.grams_q`` writes the same expressions): the places'
stored keys; the exchanges' titles and description, and the relationships' wording and
notes, each upper-cased as ``icontains`` compares them, joined by a space (a query of two
characters has no space: a piece across two fields never matches one).
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION search_grams(value text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT ARRAY(
        SELECT substr(value, i, n)
        FROM generate_series(1, length(value)) AS i, generate_series(1, 2) AS n
        WHERE i + n <= length(value) + 1
    )
$$
"""

# (index name, table, the text expression): each indexed as search_grams(expression).
INDEXES = [
    ("search_place_key_grams", "cities_place", "search_text"),
    (
        "search_exchange_text_grams",
        "exchanges_exchange",
        "UPPER(title_zh) || ' ' || UPPER(title_en) || ' ' || UPPER(description)",
    ),
    (
        "search_relationship_text_grams",
        "cities_relationship",
        "UPPER(wording) || ' ' || UPPER(notes)",
    ),
]
PENDING_LIST_KB = 64  # as search 0002: a short pending list every lookup reads


def add(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    for name, table, expression in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
            f"USING gin (search_grams({expression})) "
            f"WITH (gin_pending_list_limit = {PENDING_LIST_KB})"
        )


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _expression in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    schema_editor.execute("DROP FUNCTION IF EXISTS search_grams(text)")


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_gin_pending_lists_search"),
    ]

    operations = [
        migrations.RunPython(add, remove),
    ]
