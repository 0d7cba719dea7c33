"""A generation for each of the registry's tables beside the registry's own
(``utilities.generation``): the rows are told apart by ``table``, empty for the registry's.
The row of every table (``*``) is written now, so that a flushed database never meets the
stamps it had."""

from django.core.management.color import no_style
from django.db import migrations, models
from django.utils import timezone


def every_table_row(apps, schema_editor):
    RegistryGeneration = apps.get_model("operations", "RegistryGeneration")
    connection = schema_editor.connection
    # The registry's row was written with its id (1): new rows' ids follow it.
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [RegistryGeneration]):
            cursor.execute(sql)
    RegistryGeneration.objects.using(connection.alias).get_or_create(
        table="*", defaults={"value": 1, "changed": timezone.now()}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("operations", "0001_registry_generation"),
    ]

    operations = [
        migrations.AddField(
            model_name="registrygeneration",
            name="table",
            field=models.CharField(
                blank=True, default="", max_length=200, unique=True, verbose_name="数据表"
            ),
        ),
        migrations.RunPython(every_table_row, migrations.RunPython.noop),
    ]
