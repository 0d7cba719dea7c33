"""An index in the order of the exchanges' admin list, on PostgreSQL only.

The admin lists exchanges newest first with undated ones last
(``partial_date_order("start", descending=True)``, then ``-pk``); with this index a page
of half a million exchanges, deep pages included, is read from the index rather than
sorting every row. SQLite cannot hold ``NULLS LAST`` in an index and keeps its sort (the
registry of five reports); the index is left out of the model's state, as
``cities.0013`` does, so SQLite's table rebuilds never try to create it.
"""

from django.db import migrations, models

INDEX = models.Index(
    models.F("start_year").desc(nulls_last=True),
    models.F("start_month").desc(nulls_last=True),
    models.F("start_day").desc(nulls_last=True),
    models.F("id").desc(),
    name="exchanges_newest_first",
)


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("exchanges", "Exchange"), INDEX)


def remove_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("exchanges", "Exchange"), INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("exchanges", "0007_place_start_perf_city"),
    ]

    operations = [
        migrations.RunPython(add_index, remove_index),
    ]
