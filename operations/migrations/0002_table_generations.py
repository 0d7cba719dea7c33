"""A generation for each of the registry's tables beside the registry's own
(``utilities.generation``): the rows are told apart by ``table``, empty for the registry's.
The row of every table (``*``) is written now, so that a flushed database never meets the
stamps it had."""

from django.db import migrations, models
from django.utils import timezone


def every_table_row(apps, schema_editor):
    RegistryGeneration = apps.get_model("operations", "RegistryGeneration")
    RegistryGeneration.objects.using(schema_editor.connection.alias).get_or_create(
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
