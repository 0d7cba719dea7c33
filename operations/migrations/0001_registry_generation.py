"""The registry's generation row (``utilities.generation``)."""

from django.db import migrations, models
from django.utils import timezone


def create_row(apps, schema_editor):
    RegistryGeneration = apps.get_model("operations", "RegistryGeneration")
    RegistryGeneration.objects.using(schema_editor.connection.alias).get_or_create(
        pk=1, defaults={"value": 1, "changed": timezone.now()}
    )


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="RegistryGeneration",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("value", models.BigIntegerField(default=1, verbose_name="代数")),
                ("changed", models.DateTimeField(verbose_name="最近修改时间")),
            ],
            options={
                "verbose_name": "登记册代数",
                "verbose_name_plural": "登记册代数",
            },
        ),
        migrations.RunPython(create_row, migrations.RunPython.noop),
    ]
