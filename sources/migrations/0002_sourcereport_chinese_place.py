# One name for the Chinese side on every surface: a report's city is its chinese_place
# (the column is renamed; rows and history stay).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("sources", "0001_initial"),
    ]

    operations = [
        migrations.RenameField(
            model_name="sourcereport",
            old_name="city",
            new_name="chinese_place",
        ),
        migrations.RenameField(
            model_name="historicalsourcereport",
            old_name="city",
            new_name="chinese_place",
        ),
    ]
