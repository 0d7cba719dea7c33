# Office now lives in the offices app (offices.0001_initial takes over its state); the
# tables and their rows stay.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("cities", "0003_history_of_fields_and_offices"),
        ("offices", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="HistoricalOffice"),
                migrations.DeleteModel(name="Office"),
            ],
            database_operations=[],
        ),
    ]
