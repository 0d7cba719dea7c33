"""The registry's generation: one row whose number every write to the registry raises, in
the write's own transaction (``utilities.generation``). The read cache
(``operations.readcache``) and the API's list validators (``utilities.api.conditional``)
key on it, so nothing they keep outlives a change."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegistryGeneration(models.Model):
    """A counter and the time it last rose. There is one row (``id`` 1); a database that
    lost it (a flushed test database) gets it back at the next write."""

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
        return f"{self.value} ({self.changed:%Y-%m-%d %H:%M:%S})"
