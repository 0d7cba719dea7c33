# Slugs unique whatever their case; fields of cooperation get the creation and update times
# every other registry record has (existing rows: the time of this migration).

import django.db.models.functions.text
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cities', '0008_relationshipstage_planned'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='cooperationfield',
            constraint=models.UniqueConstraint(django.db.models.functions.text.Lower('slug'), name='cities_cooperationfield_unique_slug_any_case', violation_error_code='slug_taken', violation_error_message='标识已被使用（标识不区分大小写：OITA 与 oita 相同）。'),
        ),
        migrations.AddConstraint(
            model_name='place',
            constraint=models.UniqueConstraint(django.db.models.functions.text.Lower('slug'), name='cities_place_unique_slug_any_case', violation_error_code='slug_taken', violation_error_message='标识已被使用（标识不区分大小写：OITA 与 oita 相同）。'),
        ),
        migrations.AddField(
            model_name='cooperationfield',
            name='created',
            field=models.DateTimeField(auto_now_add=True, default=django.utils.timezone.now, verbose_name='创建时间'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='cooperationfield',
            name='last_updated',
            field=models.DateTimeField(auto_now=True, verbose_name='更新时间'),
        ),
        migrations.AddField(
            model_name='historicalcooperationfield',
            name='created',
            field=models.DateTimeField(blank=True, default=django.utils.timezone.now, editable=False, verbose_name='创建时间'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='historicalcooperationfield',
            name='last_updated',
            field=models.DateTimeField(blank=True, default=django.utils.timezone.now, editable=False, verbose_name='更新时间'),
            preserve_default=False,
        ),
    ]
