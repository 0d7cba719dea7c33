"""Which row each fixture record is.

A fixture record is named by its key, ``<app_label.model>:<pk as written in the YAML>``
(``cities.place:13``). The key is the fixture's own name for the record and is never written
as a database primary key: the loader creates fixture rows with database-assigned ids and
keeps here which row each key became, with what it last wrote there, so that on the next run
it can tell a fixture change from a staff change.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class FixtureRecord(models.Model):
    """One fixture record and the row the loader made of it."""

    key = models.CharField(
        verbose_name=_("数据键"),
        max_length=200,
        unique=True,
        help_text=_("“模型:编号”，编号是数据文件中写的编号，不是数据库主键。"),
    )
    content_type = models.ForeignKey(
        to=ContentType,
        on_delete=models.PROTECT,
        related_name="fixture_records",
        verbose_name=_("模型"),
    )
    object_id = models.PositiveBigIntegerField(
        verbose_name=_("记录编号"),
        help_text=_("装载程序写入的那一行的数据库主键（该行可能已被工作人员删除）。"),
    )
    fixture_file = models.CharField(
        verbose_name=_("数据文件"),
        max_length=200,
    )
    fixture_digest = models.CharField(
        verbose_name=_("数据摘要"),
        max_length=64,
        blank=True,
        help_text=_("上次装载时数据文件中该记录的摘要，用来判断数据文件是否改过。"),
    )
    content = models.JSONField(
        verbose_name=_("装载内容"),
        default=dict,
        help_text=_("装载程序上次写入的字段和多对多关系，用来判断工作人员是否改过该行。"),
    )
    loaded_at = models.DateTimeField(
        verbose_name=_("装载时间"),
    )

    class Meta:
        ordering = ["key"]
        verbose_name = _("装载记录")
        verbose_name_plural = _("装载记录")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                name="%(app_label)s_%(class)s_unique_row",
            ),
        ]

    def __str__(self):
        return self.key
