# One name for the Chinese side on every surface: a reported figure's place is its
# chinese_place (the column is renamed; rows and history stay).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("cities", "0004_office_moves_to_offices"),
    ]

    operations = [
        migrations.RenameField(
            model_name="reportedfigure",
            old_name="place",
            new_name="chinese_place",
        ),
        migrations.RenameField(
            model_name="historicalreportedfigure",
            old_name="place",
            new_name="chinese_place",
        ),
        migrations.AlterModelOptions(
            name="reportedfigure",
            options={
                "ordering": ["chinese_place", "metric", "as_of_year", "as_of_month", "as_of_day"],
                "verbose_name": "报告数字",
                "verbose_name_plural": "报告数字",
            },
        ),
    ]
