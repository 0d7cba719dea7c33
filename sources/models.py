"""Sources (a municipal foreign-affairs office's report kept whole; an agreement's text, a
partner city's publication, a national roll or a news item, whole or the passage quoted)
and citations (a verbatim quote from one source) that relationships, exchanges, awards,
figures and claims cite."""

import hashlib

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from utilities.languages import chinese_unless_english
from utilities.models import CaseInsensitiveSlug, RegistryModel, unique_slug_constraint
from utilities.partial_dates import (
    partial_date_constraints,
    partial_date_fields,
    validate_partial_date,
)
from utilities.text import Squeezed, find_quote, nearest_passage, normalise_text, squeeze
from utilities.text_fields import NormalisedTextField

from .choices import Script, SourceKind


class SourceReport(CaseInsensitiveSlug, RegistryModel):
    """A source as it was received: a municipal report (the whole text, byte for byte),
    or another kind of source (the agreement, the partner's page, a national roll, a news
    item) with its text or the passage the registry quotes, so that every quote can be
    checked against it."""

    # The path to the Chinese place whose office may change this record.
    office_lookup = "chinese_place"
    # Text fields shown on the public pages (the admin says so beside them).
    public_fields = ("notes",)

    slug = models.SlugField(
        verbose_name=_("标识"),
        max_length=100,
        unique=True,
    )
    title = models.CharField(
        verbose_name=_("标题"),
        max_length=300,
    )
    title_en = models.CharField(
        verbose_name=_("英文标题"),
        max_length=300,
        blank=True,
        help_text=_("报告没有英文标题时，可由编者译出。"),
    )
    kind = models.CharField(
        verbose_name=_("来源类型"),
        max_length=30,
        choices=SourceKind.choices,
        default=SourceKind.MUNICIPAL_REPORT,
    )
    chinese_place = models.ForeignKey(
        to="cities.Place",
        on_delete=models.PROTECT,
        related_name="source_reports",
        verbose_name=_("城市"),
        help_text=_("发布报告的外办所在城市；其他来源填它所涉及的中方城市（由该城市外办维护）。"),
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
    text = NormalisedTextField(
        verbose_name=_("全文"),
        help_text=_(
            "报告原文，逐字保存（换行统一为 LF，行末空格不保留）；其他来源可只保存所引的段落。"
        ),
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
        constraints = [unique_slug_constraint(), *partial_date_constraints("published")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("sources:sourcereport", args=[self.slug])

    @property
    def published(self):
        return self.partial_date("published")

    def display_title(self, language=None):
        return chinese_unless_english(self.title, self.title_en, language)

    def clean(self):
        validate_partial_date(self, "published")
        self.text = normalise_text(self.text)
        _moves, lost = self.quotes_after_edit()
        if lost:
            raise ValidationError({"text": orphaned_quotes_messages(lost)})
        duplicate_errors = self.duplicate_errors()
        if duplicate_errors:
            raise ValidationError(duplicate_errors)

    # What makes two reports the same report.
    IDENTITY_FIELDS = (
        "title",
        "chinese_place_id",
        "published_year",
        "published_month",
        "published_day",
        "text",
    )

    def duplicate_errors(self):
        """A report registered twice: the same text (whatever its whitespace), or the same
        city, publication date and title. Judged when a report is added or when one of
        those changes, so that an old pair of look-alikes can still be saved unchanged."""
        if self.pk is not None:
            stored = SourceReport.objects.filter(pk=self.pk).values(*self.IDENTITY_FIELDS).first()
            if stored and all(stored[name] == getattr(self, name) for name in self.IDENTITY_FIELDS):
                return {}
        others = SourceReport.objects.exclude(pk=self.pk) if self.pk else SourceReport.objects
        errors = {}
        if self.chinese_place_id and self.title:
            same = others.filter(
                chinese_place_id=self.chinese_place_id,
                title=self.title,
                published_year=self.published_year,
                published_month=self.published_month,
                published_day=self.published_day,
            ).first()
            if same is not None:
                errors["title"] = _(
                    "已有同一城市、同一发布日期、同一标题的报告：《%(title)s》（%(slug)s）。"
                    "同一份报告不必再登记；如是另一份报告，请改标题或日期。"
                ) % {"title": same.title, "slug": same.slug}
        if self.text and self.text.strip():
            digest = text_digest(self.text)
            for slug, title, text in others.values_list("slug", "title", "text"):
                if text_digest(text) == digest:
                    errors["text"] = _(
                        "这份全文已登记为报告《%(title)s》（%(slug)s）：同一份报告不必再登记。"
                    ) % {"title": title, "slug": slug}
                    break
        return errors

    def save(self, *args, **kwargs):
        self.text = normalise_text(self.text)
        update_fields = kwargs.get("update_fields")
        moves = []
        if update_fields is None or "text" in update_fields:
            moves, _lost = self.quotes_after_edit()
        super().save(*args, **kwargs)
        # Quotes whose words are still there, spaced or broken differently, follow the text.
        for citation, quote in moves:
            citation.quote = quote
            citation.report = self
            for attribute in ("_history_user", "_change_reason"):
                if hasattr(self, attribute):
                    setattr(citation, attribute, getattr(self, attribute))
            citation.save()

    def quotes_after_edit(self):
        """What an edit of the text does to the report's quotes, as ``(moves, lost)``:
        ``moves`` pairs each quote that is still there, but with other whitespace, with its
        new exact passage; ``lost`` lists the quotes that the new text no longer contains.
        Quotes that were already missing before the edit are left as they are."""
        if self.pk is None:
            return [], []
        stored = SourceReport.objects.filter(pk=self.pk).values_list("text", flat=True).first()
        if stored is None or stored == self.text:
            return [], []
        before, after = Squeezed(stored), Squeezed(self.text)
        citations = list(self.citations.order_by("pk"))
        taken = {citation.quote for citation in citations}
        moves, lost = [], []
        for citation in citations:
            if citation.quote in self.text or find_quote(stored, citation.quote, before) is None:
                continue
            span = find_quote(self.text, citation.quote, after)
            quote = self.text[span[0] : span[1]] if span else None
            if quote is None or quote in taken:  # gone, or would repeat another quote
                lost.append(citation)
                continue
            taken.add(quote)
            moves.append((citation, quote))
        return moves, lost


def text_digest(text):
    """A report's text as a hash that ignores whitespace and line endings: the same report
    pasted, uploaded or re-typed with other breaks gives the same digest."""
    return hashlib.sha256(squeeze(normalise_text(text or "")).encode()).hexdigest()


def citing_records(citation):
    """Every record that cites the quote, as "kind：name" (whatever models cite)."""
    records = []
    for relation in citation._meta.related_objects:
        if relation.many_to_many:
            kind = relation.related_model._meta.verbose_name
            for record in getattr(citation, relation.get_accessor_name()).all():
                records.append(f"{kind}：{record}")
    return records


def orphaned_quotes_messages(citations):
    """The refusal of an edit that loses quotes: one line, then each quote with the
    records that cite it."""
    messages = [
        _(
            "修改后的全文中找不到以下 %(count)s 条引文，因此不能保存。"
            "请保留这些原文，或先修改或删除这些引文。"
        )
        % {"count": len(citations)}
    ]
    for citation in citations:
        records = citing_records(citation)
        if records:
            messages.append(
                _("引文“%(quote)s”，被以下记录引用：%(records)s")
                % {"quote": citation.quote, "records": "；".join(records)}
            )
        else:
            messages.append(_("引文“%(quote)s”（尚无记录引用）") % {"quote": citation.quote})
    return messages


# Characters of a passage shown in a message.
PASSAGE_SHOWN = 300


def quote_not_found_messages(report, quote):
    """The refusal of a quote that is not in its report, with the nearest passage."""
    messages = [_("引文在报告《%(report)s》中找不到。") % {"report": report.title}]
    passage = nearest_passage(report.text, quote)
    if passage is not None:
        if len(passage) > PASSAGE_SHOWN:
            passage = passage[:PASSAGE_SHOWN] + "…"
        messages.append(
            _("报告中最接近的原文是：“%(passage)s”。请对照原文修改引文。") % {"passage": passage}
        )
    return messages


def short_quote(quote):
    """A quote as a citation's name gives it: 40 characters at most (also the API's and
    the exports' brief citations, made from plain values)."""
    return quote if len(quote) <= 40 else quote[:40] + "…"


class Citation(RegistryModel):
    """A verbatim quote from one report. One quote may support several records (a sentence
    that lists six sister cities), and a record may cite several quotes."""

    # Any office may attach any quote to its own records (attaching does not change it).
    office_free_choice = True

    # The path to the Chinese place whose office may change this record.
    office_lookup = "report__chinese_place"
    # Shown under the quote wherever the citation is.
    public_fields = ("note",)

    report = models.ForeignKey(
        to="sources.SourceReport",
        on_delete=models.PROTECT,
        related_name="citations",
        verbose_name=_("报告"),
    )
    quote = NormalisedTextField(
        verbose_name=_("引文"),
        strip=True,
        help_text=_("报告中的原文，须逐字一致（空格和换行可以不同：保存的是报告中的原样）。"),
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
        return short_quote(self.quote)

    def get_absolute_url(self):
        """The passage highlighted in its report."""
        return f"{self.report.get_absolute_url()}#citation-{self.pk}"

    @property
    def offset(self):
        """Where the quote starts in its report's text, or -1 when it is not there."""
        return self.report.text.find(self.quote)

    def clean(self):
        self.quote = normalise_text(self.quote, strip=True)
        if self.report_id and self.quote:
            report = self.report
            span = find_quote(report.text, self.quote)
            if span is None:
                raise ValidationError({"quote": quote_not_found_messages(report, self.quote)})
            self.quote = report.text[span[0] : span[1]]

    def save(self, *args, **kwargs):
        # The quote is kept as the report has it: found whatever whitespace lies between
        # its characters, it is stored as the report's exact passage.
        self.quote = normalise_text(self.quote, strip=True)
        if self.report_id and self.quote and self.quote not in self.report.text:
            span = find_quote(self.report.text, self.quote)
            if span is not None:
                self.quote = self.report.text[span[0] : span[1]]
        super().save(*args, **kwargs)
