"""The abstract base model every registry record inherits, and the rule that a cited
record cites at least one passage."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .concurrency import VersionedModel
from .partial_dates import read_partial_date


class RegistryModel(VersionedModel):
    """Creation and update times, a version for optimistic concurrency
    (``utilities.concurrency``), and one URL convention: ``<app>:<model>`` with the pk."""

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


CITATION_REQUIRED = _("请至少引用一段报告原文：登记册中的每一项事实都须注明出处。")


def validate_citations(model, citations):
    """Every fact cites its report: a record of a model that declares
    ``citations_required`` must be saved with at least one citation. Citations are a
    many-to-many relation, unseen by ``Model.clean()``, so every write path (admin form,
    API serializer, import, loader) calls this with the citations it is about to set."""
    if getattr(model, "citations_required", False) and not list(citations or []):
        raise ValidationError({"citations": CITATION_REQUIRED})


class CitedModel(RegistryModel):
    """A record whose facts come from reports: it carries its citations, and a note of what
    the editors added that no report states."""

    # Rows must cite at least one passage (``validate_citations``).
    citations_required = True

    editors_note = models.TextField(
        verbose_name=_("编者补充"),
        blank=True,
        help_text=_("报告未直接说明、由编者补充的内容。"),
    )

    class Meta:
        abstract = True
