# Office moves from the cities app: its tables (cities_office, cities_historicaloffice)
# and their rows stay as they are; only Django's state changes hands.

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("cities", "0003_history_of_fields_and_offices"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Office",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("place", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="offices", to="cities.place", verbose_name="城市")),
                        ("user", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="office", to=settings.AUTH_USER_MODEL, verbose_name="用户")),
                    ],
                    options={
                        "verbose_name": "外办账号",
                        "verbose_name_plural": "外办账号",
                        "ordering": ["place", "user"],
                        "db_table": "cities_office",
                    },
                ),
                migrations.CreateModel(
                    name="HistoricalOffice",
                    fields=[
                        ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                        ("history_id", models.AutoField(primary_key=True, serialize=False)),
                        ("history_date", models.DateTimeField(db_index=True)),
                        ("history_change_reason", models.CharField(max_length=100, null=True)),
                        ("history_type", models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1)),
                        ("history_user", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("place", models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to="cities.place", verbose_name="城市")),
                        ("user", models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="用户")),
                    ],
                    options={
                        "verbose_name": "historical 外办账号",
                        "verbose_name_plural": "historical 外办账号",
                        "db_table": "cities_historicaloffice",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
            ],
            database_operations=[],
        ),
    ]
