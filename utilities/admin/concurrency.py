"""A stale admin save is refused, and the page says what changed meanwhile.

Every change form carries the record's version (``utilities.concurrency``) in a hidden
field. When another account saved the record after the form was opened, the save is
refused with the user's own input kept on the page, and a list of the changes since
(who, when, which fields, from django-simple-history). The refused form now carries the
current version: saving again, after reading, is a deliberate overwrite.
"""

import dataclasses

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.utils import unquote
from django.db import transaction
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
STALE_BATCH = _(
    "删除被拒绝，没有删除任何记录：你打开确认页后，以下记录已被他人修改或删除。"
    "下方是当前内容，请核对后再决定是否删除。"
)
STALE_BATCH_CHANGED = _("“%(record)s”已被修改（%(changes)s）")
STALE_BATCH_DELETED = _("“%(record)s”已于 %(date)s 被 %(user)s 删除")


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


def deletion_of(model, pk):
    """Who deleted record ``pk`` and when, from its history: (name, user, date), or None."""
    manager = getattr(model, "history", None)
    if manager is None:
        return None
    row = (
        manager.filter(**{model._meta.pk.attname: pk}, history_type="-")
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
        .first()
    )
    if row is None:
        return None
    date = formats.date_format(timezone.localtime(row.history_date), "SHORT_DATETIME_FORMAT")
    return str(row.instance), row.history_user or NOBODY, date


def stale_in_batch(model, submitted):
    """What happened to the records of a batch confirmation since it was shown: one line
    for each record of ``submitted`` ({pk: version shown}) changed or deleted since."""
    current = dict(model._base_manager.filter(pk__in=submitted).values_list("pk", "version"))
    lines = []
    for pk, version in submitted.items():
        if pk not in current:
            deletion = deletion_of(model, pk)
            record, user, date = deletion or (f"#{pk}", NOBODY, "—")
            lines.append(str(STALE_BATCH_DELETED) % {"record": record, "user": user, "date": date})
        elif current[pk] != version:
            obj = model._base_manager.get(pk=pk)
            changes = describe(changes_since(obj, version))
            lines.append(str(STALE_BATCH_CHANGED) % {"record": obj, "changes": changes})
    return lines


def submitted_versions(request, model):
    """{pk: version} of the records a batch confirmation showed (``registry_version_<pk>``
    fields of ``admin/registry_delete_selected_confirmation.html``)."""
    result = {}
    prefix = "registry_version_"
    for name, value in request.POST.items():
        if not name.startswith(prefix):
            continue
        try:
            result[model._meta.pk.to_python(name[len(prefix) :])] = int(value)
        except (ValueError, forms.ValidationError):
            continue
    return result


@admin.action(
    permissions=["delete"],
    description=delete_selected.short_description,
)
def delete_selected_versioned(modeladmin, request, queryset):
    """Django's ``delete_selected``, all or nothing over the versions shown: when any
    record of the batch changed or was deleted since the confirmation page was shown,
    nothing is deleted, the page says which and who, and the confirmation is shown again
    with the current versions. The rest (the office rule, protected rows, the log) is
    Django's action with the admin's own ``has_delete_permission`` and
    ``delete_queryset``."""
    model = modeladmin.model
    if not request.POST.get("post") or not hasattr(model, "version"):
        return delete_selected(modeladmin, request, queryset)
    submitted = submitted_versions(request, model)
    with transaction.atomic():
        # The rows stay as checked until the deletion commits (PostgreSQL; SQLite
        # serialises writes anyway).
        list(model._base_manager.select_for_update().filter(pk__in=submitted).values("pk"))
        stale = stale_in_batch(model, submitted)
        if not stale:
            return delete_selected(modeladmin, request, queryset)
    messages.error(request, STALE_BATCH)
    for line in stale:
        messages.error(request, line)
    if not queryset.exists():
        return None  # nothing left to confirm: back to the list, with the messages
    post = request.POST.copy()
    post.pop("post")
    request.POST = post  # the confirmation again, now with the current versions
    return delete_selected(modeladmin, request, queryset.all())


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
    a deletion confirmed on a page showing an older version is refused, one record
    (``delete_view``) or a batch (the list's "delete selected" action)."""

    change_form_template = "admin/registry_change_form.html"
    delete_confirmation_template = "admin/registry_delete_confirmation.html"
    delete_selected_confirmation_template = "admin/registry_delete_selected_confirmation.html"

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions and hasattr(self.model, "version"):
            _func, name, description = actions["delete_selected"]
            actions[name] = (delete_selected_versioned, name, description)
        return actions

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
