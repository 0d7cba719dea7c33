"""A stale admin save is refused, and the page says what changed meanwhile.

Every change form carries the record's version (``utilities.concurrency``) in a hidden
field. When another account saved the record after the form was opened, the save is
refused with the user's own input kept on the page, and a list of the changes since
(who, when, which fields, from django-simple-history). The refused form now carries the
current version: saving again, after reading, is a deliberate overwrite.
"""

import dataclasses

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from simple_history.template_utils import HistoricalRecordContextHelper

from ..concurrency import BOOKKEEPING, stored_version

STALE = _(
    "保存被拒绝：你打开此页后，记录已被他人修改。你填写的内容仍在下方，请核对以下修改后再保存。"
)
CHANGE = _("%(date)s，%(user)s 修改了：%(fields)s")
NOBODY = _("（未记录用户）")


def changes_since(instance, version):
    """The history rows written after ``version`` of ``instance``: who, when, which
    fields (verbose names)."""
    manager = getattr(type(instance), "history", None)
    if manager is None or instance.pk is None:
        return []
    rows = list(
        manager.filter(**{type(instance)._meta.pk.attname: instance.pk}, version__gt=version)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    result = []
    for row in rows:
        previous = row.prev_record
        fields = []
        if previous is not None:
            delta = row.diff_against(previous)
            fields = [
                str(instance._meta.get_field(change.field).verbose_name)
                for change in delta.changes
                if change.field not in BOOKKEEPING
            ]
        result.append(
            {
                "user": row.history_user or NOBODY,
                "date": formats.date_format(
                    timezone.localtime(row.history_date), "SHORT_DATETIME_FORMAT"
                ),
                "fields": "、".join(fields) or "—",
                "reason": row.history_change_reason or "",
            }
        )
    return result


class VersionFormMixin(forms.Form):
    """The hidden version of a change form and the stale-save check."""

    registry_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    stale_changes = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk is not None and not instance._state.adding:
            self.fields["registry_version"].initial = stored_version(instance)

    def clean(self):
        cleaned = super().clean()
        submitted = cleaned.get("registry_version")
        instance = self.instance
        if submitted is None or instance.pk is None or instance._state.adding:
            return cleaned
        current = stored_version(instance)
        if current is None or current == submitted:
            instance.expect_version(submitted)
            return cleaned
        self.stale_changes = changes_since(instance, submitted)
        self.add_error(None, STALE)
        for change in self.stale_changes:
            self.add_error(None, str(CHANGE) % change)
        data = self.data.copy()
        data[self.add_prefix("registry_version")] = str(current)
        self.data = data
        return cleaned


class QuietContextHelper(HistoricalRecordContextHelper):
    """The history page's list of changes without the version and update time, which
    change with every change."""

    def context_for_delta_changes(self, delta):
        delta = dataclasses.replace(
            delta,
            changes=[change for change in delta.changes if change.field not in BOOKKEEPING],
            changed_fields=[name for name in delta.changed_fields if name not in BOOKKEEPING],
        )
        return super().context_for_delta_changes(delta)


class ConcurrencyAdminMixin:
    """Mixed into the registry's admin bases: every change form checks its version."""

    change_form_template = "admin/registry_change_form.html"

    def get_historical_record_context_helper(self, request, historical_record):
        return QuietContextHelper(self.model, historical_record)

    def get_fields(self, request, obj=None):
        # Rendered by the template's form_top, not as a row of the fieldsets.
        return [name for name in super().get_fields(request, obj) if name != "registry_version"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if not hasattr(self.model, "version") or issubclass(form, VersionFormMixin):
            return form
        return type(form.__name__, (VersionFormMixin, form), {})
