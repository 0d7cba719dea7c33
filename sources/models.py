"""Source reports (a municipal foreign-affairs office's report, kept whole) and citations
(a verbatim quote from one report) that relationships, exchanges, awards and figures cite."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from utilities.models import RegistryModel
from utilities.partial_dates import (
    partial_date_constraints,
    partial_date_fields,
    validate_partial_date,
)

from .choices import Script


class SourceReport(RegistryModel):
    """A report as it was received: the whole text, byte for byte, so that every quote
    can be checked against it."""

    # The path to the Chinese place whose office may change this record.
    office_lookup = "chinese_place"

    slug = models.SlugField(
        verbose_name=_("标识"),
        max_length=100,
        unique=True,
    )
    title = models.CharField(
        verbose_name=_("标题"),
        max_length=300,
    )
    chinese_place = models.ForeignKey(
        to="cities.Place",
        on_delete=models.PROTECT,
        related_name="source_reports",
        verbose_name=_("城市"),
        help_text=_("发布报告的外办所在城市。"),
    )
    publisher = models.CharField(
        verbose_name=_("发布者"),
        max_length=200,
        blank=True,
    )
    published_year, published_month, published_day = partial_date_fields(_("发布日期"))
    script = models.CharField(
        verbose_name=_("字体"),
        max_length=20,
        choices=Script.choices,
        default=Script.SIMPLIFIED,
    )
    url = models.URLField(
        verbose_name=_("网址"),
        blank=True,
    )
    text = models.TextField(
        verbose_name=_("全文"),
        help_text=_("报告原文，逐字保存。"),
    )
    notes = models.TextField(
        verbose_name=_("说明"),
        blank=True,
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["published_year", "published_month", "published_day", "slug"]
        verbose_name = _("来源报告")
        verbose_name_plural = _("来源报告")
        constraints = [*partial_date_constraints("published")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("sources:sourcereport", args=[self.slug])

    @property
    def published(self):
        return self.partial_date("published")

    def clean(self):
        validate_partial_date(self, "published")


class Citation(RegistryModel):
    """A verbatim quote from one report. One quote may support several records (a sentence
    that lists six sister cities), and a record may cite several quotes."""

    # Any office may attach any quote to its own records (attaching does not change it).
    office_free_choice = True

    # The path to the Chinese place whose office may change this record.
    office_lookup = "report__chinese_place"

    report = models.ForeignKey(
        to="sources.SourceReport",
        on_delete=models.PROTECT,
        related_name="citations",
        verbose_name=_("报告"),
    )
    quote = models.TextField(
        verbose_name=_("引文"),
        help_text=_("报告中的原文，须逐字一致。"),
    )
    note = models.TextField(
        verbose_name=_("说明"),
        blank=True,
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["report", "pk"]
        verbose_name = _("引文")
        verbose_name_plural = _("引文")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "quote"],
                name="%(app_label)s_%(class)s_unique_report_quote",
                violation_error_message=_("该报告中已有相同引文。"),
            ),
            models.CheckConstraint(
                condition=~models.Q(quote=""),
                name="%(app_label)s_%(class)s_quote_not_empty",
            ),
        ]

    def __str__(self):
        short = self.quote if len(self.quote) <= 40 else self.quote[:40] + "…"
        return f"{short}"

    def get_absolute_url(self):
        """The passage highlighted in its report."""
        return f"{self.report.get_absolute_url()}#citation-{self.pk}"

    @property
    def offset(self):
        """Where the quote starts in its report's text, or -1 when it is not there."""
        return self.report.text.find(self.quote)

    def clean(self):
        if self.report_id and self.quote and self.quote not in self.report.text:
            raise ValidationError(
                {"quote": _("引文在报告《%(report)s》中找不到。") % {"report": self.report.title}}
            )
