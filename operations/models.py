"""The registry's generation: one row whose number every write to the registry raises, in
the write's own transaction, and one row for each of the registry's tables, raised by the
writes to that table (``utilities.generation``). The read cache
(``operations.readcache``) and the API's list validators (``utilities.api.conditional``)
key on the registry's, so nothing they keep outlives a change; figures kept for a
generation (``utilities.generation.remembered``) on their tables'."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegistryGeneration(models.Model):
    """A counter and the time it last rose: the registry's (``table`` empty; a database
    that lost it, a flushed test database, gets it back at the next write), or a table's
    (its name, from the first write to it; ``*`` stands for every table)."""

    table = models.CharField(
        max_length=200,
        unique=True,
        default="",
        blank=True,
        verbose_name=_("数据表"),
    )
    value = models.BigIntegerField(
        default=1,
        verbose_name=_("代数"),
    )
    changed = models.DateTimeField(
        verbose_name=_("最近修改时间"),
    )

    class Meta:
        verbose_name = _("登记册代数")
        verbose_name_plural = _("登记册代数")

    def __str__(self):
        number = f"{self.value} ({self.changed:%Y-%m-%d %H:%M:%S})"
        return f"{self.table}: {number}" if self.table else number
