"""A stale admin save is refused, and the page says what changed meanwhile.

Every change form carries the record's version (``utilities.concurrency``) in a hidden
field. When another account saved the record after the form was opened, the save is
refused with the user's own input kept on the page, and a list of the changes since
(who, when, which fields, from django-simple-history). The refused form now carries the
current version: saving again, after reading, is a deliberate overwrite.
"""

import dataclasses

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.http import HttpResponseRedirect
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from simple_history.template_utils import HistoricalRecordContextHelper

from ..concurrency import BOOKKEEPING, stored_version

STALE = _(
    "保存被拒绝：你打开此页后，记录已被他人修改。你填写的内容仍在下方，请核对以下修改后再保存。"
)
CHANGE = _("%(date)s，%(user)s 修改了：%(fields)s")
NOBODY = _("（未记录用户）")
STALE_ROW = _(
    "“%(row)s”保存被拒绝：你打开此页后，这一行已被他人修改（%(changes)s）。"
    "你填写的内容仍在下方，请核对后再保存。"
)
STALE_ROW_DELETE = _(
    "删除“%(row)s”被拒绝：你打开此页后，这一行已被他人修改（%(changes)s）。请核对后再决定是否删除。"
)
STALE_DELETE = _(
    "删除被拒绝：你打开此页后，“%(record)s”已被他人修改（%(changes)s）。"
    "请查看当前内容后再决定是否删除。"
)


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


def describe(changes):
    """The changes of ``changes_since`` in one line."""
    return "；".join(str(CHANGE) % change for change in changes) or "—"


class VersionFormMixin(forms.Form):
    """The hidden version of a change form and the stale-save check."""

    registry_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    stale_changes = ()
    is_stale = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk is not None and not instance._state.adding:
            self.fields["registry_version"].initial = stored_version(instance)

    def checks_version(self):
        return True

    def check_version(self):
        """Whether someone else saved the record after the submitted version. When they
        did, ``stale_changes`` lists what they changed and the form now carries the
        current version (saving again, after reading, is a deliberate overwrite)."""
        submitted = self.cleaned_data.get("registry_version")
        instance = self.instance
        if submitted is None or instance.pk is None or instance._state.adding:
            return False
        current = stored_version(instance)
        if current is None or current == submitted:
            instance.expect_version(submitted)
            return False
        self.stale_changes = changes_since(instance, submitted)
        self.is_stale = True
        data = self.data.copy()
        data[self.add_prefix("registry_version")] = str(current)
        self.data = data
        return True

    def clean(self):
        cleaned = super().clean()
        if self.checks_version() and self.check_version():
            self.add_stale_errors()
        return cleaned

    def add_stale_errors(self):
        self.add_error(None, STALE)
        for change in self.stale_changes:
            self.add_error(None, str(CHANGE) % change)


class InlineVersionFormMixin(VersionFormMixin):
    """An inline row's version: only a row the user edited (or marked for deletion) is
    checked, and the refusal names the row."""

    def has_changed(self):
        # The version field differs from the stored one on a stale row; that alone is no edit.
        return any(name != "registry_version" for name in self.changed_data)

    def checks_version(self):
        return self.has_changed()

    def add_stale_errors(self):
        message = STALE_ROW_DELETE if self.cleaned_data.get("DELETE") else STALE_ROW
        self.add_error(
            None, message % {"row": self.instance, "changes": describe(self.stale_changes)}
        )


class VersionFormSetMixin:
    """A stale row marked for deletion refuses the whole save: Django ignores the errors of
    a form that is to be deleted, so the formset says it."""

    def clean(self):
        super().clean()
        refused = [
            STALE_ROW_DELETE % {"row": form.instance, "changes": describe(form.stale_changes)}
            for form in self.forms
            if self.can_delete and self._should_delete_form(form) and form.is_stale
        ]
        if refused:
            raise forms.ValidationError(refused)


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
    """Mixed into the registry's admin bases: every change form checks its version, and
    a deletion confirmed on a page showing an older version is refused."""

    change_form_template = "admin/registry_change_form.html"
    delete_confirmation_template = "admin/registry_delete_confirmation.html"

    def delete_view(self, request, object_id, extra_context=None):
        if request.method == "POST" and request.POST.get("post"):
            obj = self.get_object(request, unquote(object_id))
            try:
                submitted = int(request.POST.get("registry_version", ""))
            except ValueError:
                submitted = None
            current = getattr(obj, "version", None)
            if obj is not None and submitted is not None and current != submitted:
                changes = describe(changes_since(obj, submitted))
                messages.error(request, STALE_DELETE % {"record": obj, "changes": changes})
                return HttpResponseRedirect(request.get_full_path())
        return super().delete_view(request, object_id, extra_context)

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


class ConcurrencyInlineMixin:
    """Mixed into the registry's inlines: every row carries its version (a hidden field of
    the row), an edited row that someone else changed meanwhile is refused with a message
    naming it, and so is the deletion of such a row."""

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if (
            hasattr(self.model, "version")
            and "registry_version" not in fields
            and self.has_change_permission(request, obj)
        ):
            fields.append("registry_version")  # a read-only row shows no version
        return fields

    def get_formset(self, request, obj=None, **kwargs):
        if hasattr(self.model, "version"):
            form = kwargs.get("form", self.form)
            if not issubclass(form, InlineVersionFormMixin):
                kwargs["form"] = type(form.__name__, (InlineVersionFormMixin, form), {})
        formset = super().get_formset(request, obj, **kwargs)
        if hasattr(self.model, "version") and not issubclass(formset, VersionFormSetMixin):
            formset = type(formset.__name__, (VersionFormSetMixin, formset), {})
        return formset
