"""The abstract base model every registry record inherits."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .partial_dates import read_partial_date


class RegistryModel(models.Model):
    """Creation and update times, and one URL convention: ``<app>:<model>`` with the pk."""

    created = models.DateTimeField(
        verbose_name=_("创建时间"),
        auto_now_add=True,
    )
    last_updated = models.DateTimeField(
        verbose_name=_("更新时间"),
        auto_now=True,
    )

    class Meta:
        abstract = True

    def get_absolute_url(self):
        return reverse(f"{self._meta.app_label}:{self._meta.model_name}", args=[self.pk])

    def partial_date(self, prefix):
        return read_partial_date(self, prefix)


class CitedModel(RegistryModel):
    """A record whose facts come from reports: it carries its citations, and a note of what
    the editors added that no report states."""

    editors_note = models.TextField(
        verbose_name=_("编者补充"),
        blank=True,
        help_text=_("报告未直接说明、由编者补充的内容。"),
    )

    class Meta:
        abstract = True
