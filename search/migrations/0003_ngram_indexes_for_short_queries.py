"""N-gram indexes for queries of one or two characters, on PostgreSQL only.

The trigram indexes (0001) cannot serve ``LIKE '%武汉%'``: a pattern of two characters
holds no trigram, so PostgreSQL read every row (500,000 exchange titles for 武汉, every
place's keys for 合). Two-character names are the most common real query (武汉 济南 大分).

``search_grams(text)`` is every character and every pair of adjacent characters of a text,
as an array; a GIN index on it (on the column as the search reads it: the places' keys
as stored, the other columns as ``UPPER(column::text)``, like ``icontains``) finds the rows
that hold a one- or two-character query with ``search_grams(...) @> ARRAY['武汉']``, and
the LIKE checks them (``utilities.search.ShortContains``). An expression index is kept by
PostgreSQL itself on every write, whichever path makes it.
"""

from django.db import migrations

# Everything the text holds that a query of one or two characters can be: its characters,
# and its pairs of adjacent characters, cut from the text and from the text less its first
# character (chr(1), which no name or title holds, marks the cuts). IMMUTABLE, so an index
# can be built on it; one plain expression (not STRICT, no subquery), so PostgreSQL inlines
# it: a set-returning version cost 50 µs a row wherever a plan computed it.
CREATE_FUNCTION = r"""
CREATE OR REPLACE FUNCTION search_grams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT string_to_array(t, NULL)
    || string_to_array(regexp_replace(t, '..', '\&' || chr(1), 'g'), chr(1))
    || string_to_array(regexp_replace(substr(t, 2), '..', '\&' || chr(1), 'g'), chr(1))
$$
"""

# The places' keys' n-grams are stored beside them, in a column PostgreSQL generates on
# every write (Django does not know it; no other database has it): every search compares
# them, and a short key such as 合, held by every place, would otherwise have them
# computed again for each place in each of the page's subqueries.
ADD_PLACE_COLUMN = (
    "ALTER TABLE cities_place ADD COLUMN IF NOT EXISTS search_text_grams text[] "
    "GENERATED ALWAYS AS (search_grams(search_text)) STORED"
)
# (index name, table, indexed expression): the same columns as
# ``utilities.search.NGRAM_COLUMNS``.
INDEXES = [
    ("search_place_keys_grams", "cities_place", "search_text_grams"),
    (
        "search_relationship_wording_grams",
        "cities_relationship",
        "search_grams(UPPER(wording::text))",
    ),
    ("search_relationship_notes_grams", "cities_relationship", "search_grams(UPPER(notes::text))"),
    ("search_exchange_title_zh_grams", "exchanges_exchange", "search_grams(UPPER(title_zh::text))"),
    ("search_exchange_title_en_grams", "exchanges_exchange", "search_grams(UPPER(title_en::text))"),
    (
        "search_exchange_description_grams",
        "exchanges_exchange",
        "search_grams(UPPER(description::text))",
    ),
]
PENDING_LIST_KB = 64  # as 0002, and for the same reason


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE_FUNCTION)
    schema_editor.execute(ADD_PLACE_COLUMN)
    for name, table, expression in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
            f"USING gin (({expression})) "
            f"WITH (gin_pending_list_limit = {PENDING_LIST_KB})"
        )


def remove_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    schema_editor.execute("ALTER TABLE cities_place DROP COLUMN IF EXISTS search_text_grams")
    schema_editor.execute("DROP FUNCTION IF EXISTS search_grams(text)")


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_gin_pending_lists_search"),
    ]

    operations = [
        migrations.RunPython(add_indexes, remove_indexes),
    ]
