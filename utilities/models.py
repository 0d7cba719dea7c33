"""The abstract base model every registry record inherits, the rule that a cited record
cites at least one passage, and the rule that a record states nothing later than its
report (or today) unless it is marked planned."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
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

    def _get_FIELD_display(self, field):
        """Django's ``get_<field>_display()``, reading the field's labels from one mapping
        made once: Django rebuilds it on every call, hashing (so translating) each label
        of the field, which cost a page of a hundred rows tens of milliseconds."""
        labels = display_labels(field)
        if labels is None:
            return super()._get_FIELD_display(field)
        value = getattr(self, field.attname)
        return force_str(labels.get(make_hashable(value), value), strings_only=True)


def display_labels(field):
    """{value: label} of a field whose choices are a fixed list, kept on the field (the
    labels stay lazy, so one mapping serves every language); None for choices that are
    computed when read."""
    labels = field.__dict__.get("_display_labels")
    if labels is None and isinstance(field.choices, list):
        labels = {make_hashable(value): label for value, label in field.flatchoices}
        field._display_labels = labels
    return labels


SLUG_TAKEN = _("标识已被使用（标识不区分大小写：OITA 与 oita 相同）。")


def unique_slug_constraint():
    """A slug is unique whatever its case (``OITA`` cannot sit beside ``oita``)."""
    return models.UniqueConstraint(
        Lower("slug"),
        name="%(app_label)s_%(class)s_unique_slug_any_case",
        violation_error_message=SLUG_TAKEN,
        violation_error_code="slug_taken",
    )


class CaseInsensitiveSlug:
    """For a model with :func:`unique_slug_constraint`: its violation is reported on the
    ``slug`` field (the admin, the API and import show it beside the slug)."""

    def validate_constraints(self, exclude=None):
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict({})
            general = errors.pop(NON_FIELD_ERRORS, [])
            taken = [item for item in general if getattr(item, "code", None) == "slug_taken"]
            rest = [item for item in general if item not in taken]
            if rest:
                errors[NON_FIELD_ERRORS] = rest
            if taken:
                errors.setdefault("slug", []).extend(taken)
            raise ValidationError(errors) from None


CITATION_REQUIRED = _("请至少引用一段报告原文：登记册中的每一项事实都须注明出处。")
AFTER_TODAY = _("日期不能晚于今天。")
AFTER_TODAY_PLANNED = _("日期晚于今天：尚未发生的事请勾选“计划中”。")
AFTER_REPORT = _("日期晚于所引报告的发布日期（%(date)s）：请引用说明此事的较新报告。")
AFTER_REPORT_PLANNED = _(
    "日期晚于所引报告的发布日期（%(date)s）：报告所说的计划请勾选“计划中”，"
    "已发生的事请引用较新的报告。"
)


def validate_citations(model, citations):
    """Every fact cites its report: a record of a model that declares
    ``citations_required`` must be saved with at least one citation. Citations are a
    many-to-many relation, unseen by ``Model.clean()``, so every write path (admin form,
    API serializer, import, loader) calls this with the citations it is about to set.

    Given the record itself rather than its model, it also checks the record's dates
    against the reports it cites (``validate_reported_dates``)."""
    citations = list(citations or [])
    if getattr(model, "citations_required", False) and not citations:
        raise ValidationError({"citations": CITATION_REQUIRED})
    if isinstance(model, models.Model):
        validate_reported_dates(model, citations)


def validate_reported_dates(instance, citations=None, today=None):
    """Nothing a record states happened after today, nor after the date of the latest
    report it cites, unless the record is marked ``planned`` (where its model has such a
    field: a report announces what a city plans). The dates checked are the partial dates
    the model lists in ``reported_dates`` (prefixes such as ``"date"``); errors are keyed
    to their ``<prefix>_year`` field. ``Model.clean()`` calls it without citations (it
    cannot see them); ``validate_citations`` calls it with them."""
    prefixes = getattr(instance, "reported_dates", ())
    if not prefixes or getattr(instance, "planned", False):
        return
    can_plan = any(field.name == "planned" for field in instance._meta.fields)
    limits = [(today or timezone.localdate(), AFTER_TODAY_PLANNED if can_plan else AFTER_TODAY)]
    citations = list(citations or [])
    if any(not isinstance(citation, models.Model) for citation in citations):
        # Primary keys (a fixture's many-to-many data): fetch the citations they name.
        model = instance._meta.get_field("citations").related_model
        citations = model.objects.filter(pk__in=[getattr(c, "pk", c) for c in citations])
    published = [citation.report.published for citation in citations]
    published = [date for date in published if date is not None]
    if published:
        latest = max(published, key=lambda date: date.latest())
        message = AFTER_REPORT_PLANNED if can_plan else AFTER_REPORT
        limits.append((latest.latest(), message % {"date": latest}))
    errors = {}
    for prefix in prefixes:
        date = read_partial_date(instance, prefix)
        if date is None:
            continue
        for limit, message in limits:
            if date.earliest() > limit:
                errors[f"{prefix}_year"] = message
                break
    if errors:
        raise ValidationError(errors)


class CitedModel(RegistryModel):
    """A record whose facts come from reports: it carries its citations, and a note of what
    the editors added that no report states."""

    # Rows must cite at least one passage (``validate_citations``).
    citations_required = True
    # The partial dates (prefixes) that may not lie after the cited report or today
    # (``validate_reported_dates``).
    reported_dates = ()

    editors_note = models.TextField(
        verbose_name=_("编者补充"),
        blank=True,
        help_text=_("报告未直接说明、由编者补充的内容。"),
    )

    class Meta:
        abstract = True
