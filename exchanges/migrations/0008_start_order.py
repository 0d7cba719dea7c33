"""Indexes for the exchanges' date orders, so a page of 500,000 exchanges reads 50 rows.

- ``exchanges_exchange_start`` (in the model's Meta, every database): the default order,
  oldest first (``start_year, start_month, start_day, id``), and read backwards the API's
  ``ordering=-start``.
- ``exchanges_exchange_newest`` (PostgreSQL only): newest first with the missing parts last
  (``DESC NULLS LAST``), the order of the directory (``/exchanges/``) and of the home page's
  recent exchanges. SQLite cannot declare ``NULLS LAST`` in an index, so, as the places'
  trigram index (cities 0013), it is created only on PostgreSQL and left out of the
  model's state.
"""

from django.db import migrations, models
from django.db.models import F

NEWEST = models.Index(
    F("start_year").desc(nulls_last=True),
    F("start_month").desc(nulls_last=True),
    F("start_day").desc(nulls_last=True),
    F("id"),
    name="exchanges_exchange_newest",
)


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("exchanges", "Exchange"), NEWEST)


def remove_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("exchanges", "Exchange"), NEWEST)


class Migration(migrations.Migration):
    dependencies = [
        ("exchanges", "0007_place_start"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="exchange",
            index=models.Index(
                fields=["start_year", "start_month", "start_day", "id"],
                name="exchanges_exchange_start",
            ),
        ),
        migrations.RunPython(add_index, remove_index),
    ]
