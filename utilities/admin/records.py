"""The base admin of a registry record and of reference data.

:class:`RecordAdmin`: every change recorded with who, when, what and an optional note
(django-simple-history, with revert); every list exportable as CSV or XLSX with its
filters; CSV/XLSX import with a preview where a resource imports (django-import-export);
search by any name (``KeySearchMixin``). Who may write is added on top by
``offices.admin_mixins.RegistryAdmin``.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import widgets as admin_widgets
from django.db import models
from django.http import HttpResponseRedirect
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportActionMixin, ExportMixin
from import_export.forms import SelectableFieldsExportForm
from simple_history.admin import SimpleHistoryAdmin

from utilities.resources.base import column_label

from .citations import CitedFormMixin
from .concurrency import ConcurrencyAdminMixin
from .display import admin_url
from .imports import SafeExportMixin, SafeImportMixin
from .recover import RecoverAdminMixin
from .search import KeySearchMixin


def show_links_of(obj, version):
    """``obj`` (a history version's record) made to show that version's many-to-many links
    (django-simple-history's revert form shows the links stored now): the links the history
    row holds, among the targets that still exist, as if prefetched."""
    if version is None:
        return
    cache = obj.__dict__.setdefault("_prefetched_objects_cache", {})
    for field in getattr(version, "_history_m2m_fields", []):
        target = field.m2m_reverse_field_name()
        ids = [getattr(link, f"{target}_id") for link in getattr(version, field.name).all()]
        cache[field.name] = field.related_model._base_manager.filter(pk__in=ids)


SLUG_HINT = _(
    "网址和 API 中使用的英文标识：只用小写字母、数字和连字符（如 wuhan、oita-city），"
    "填写英文名时自动生成，可修改。已公开的记录请勿随意更改，旧网址会失效。"
)
PUBLIC_HINT = _("公开显示：此项会出现在公开网页上，请勿填写内部信息。")


def hinted_formfield(model_admin, db_field, formfield):
    """A form field with the hints staff need beside it: how to write a slug, and that a
    text field (``Model.public_fields``) is shown on the public pages."""
    if formfield is None:
        return formfield
    if db_field.name == "slug":
        formfield.help_text = SLUG_HINT
    if db_field.name in getattr(model_admin.model, "public_fields", ()):
        hint = str(PUBLIC_HINT)
        formfield.help_text = f"{formfield.help_text} {hint}" if formfield.help_text else hint
        formfield.widget.attrs.setdefault("class", "")
        formfield.widget.attrs["class"] = (
            formfield.widget.attrs["class"] + " public-field"
        ).strip()
    return formfield


class HintsMixin:
    def formfield_for_dbfield(self, db_field, request, **kwargs):
        return hinted_formfield(
            self, db_field, super().formfield_for_dbfield(db_field, request, **kwargs)
        )


class RecordAdminForm(CitedFormMixin, forms.ModelForm):
    """Every record's admin form carries an optional note for the history (and meets the
    citation rule, ``CitedFormMixin``)."""

    change_reason = forms.CharField(
        label=_("修改说明"),
        required=False,
        max_length=100,
        help_text=_("写入修改历史，如“据2019年协议书更正日期”。"),
    )


class RegistryExportForm(SelectableFieldsExportForm):
    """The export form, its field choices labelled with the spreadsheet's column names."""

    def _get_field_label(self, resource, field_name):
        field = resource.fields.get(field_name)
        return column_label(field.column_name) if field else field_name


class RecordAdmin(
    HintsMixin,
    ConcurrencyAdminMixin,
    RecoverAdminMixin,
    KeySearchMixin,
    SafeImportMixin,
    SafeExportMixin,
    ExportActionMixin,
    SimpleHistoryAdmin,
):
    """The admin of a registry record: history with notes and revert, import and export."""

    form = RecordAdminForm
    formfield_overrides = {
        # Notes are a sentence or two; a report's full text gets its own size.
        models.TextField: {"widget": admin_widgets.AdminTextareaWidget(attrs={"rows": 3})},
        models.URLField: {"widget": admin_widgets.AdminURLFieldWidget, "assume_scheme": "https"},
    }
    import_export_change_list_template = "admin/import_export/change_list_import_export.html"
    import_template_name = "admin/registry_import.html"
    object_history_list_template = "admin/registry_history_list.html"
    object_history_form_template = "admin/registry_history_form.html"
    export_form_class = RegistryExportForm
    show_change_form_export = False
    list_per_page = 50
    show_full_result_count = False
    # Import is offered where a resource says it imports (relationships, exchanges).
    importable = False

    def has_import_permission(self, request):
        return self.importable and self.has_add_permission(request)

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def get_fieldsets(self, request, obj=None):
        """The history note goes last, and only where the user may write."""
        readonly = set(self.get_readonly_fields(request, obj))
        fieldsets = [
            (name, {**options, "fields": [f for f in options["fields"] if f != "change_reason"]})
            for name, options in super().get_fieldsets(request, obj)
        ]
        if obj is None:
            # Nothing is related to a record not yet saved.
            fieldsets = [
                (name, options)
                for name, options in fieldsets
                if not options["fields"] or not set(options["fields"]) <= readonly
            ]
        writable = (
            self.has_change_permission(request, obj) if obj else self.has_add_permission(request)
        )
        if writable:
            fieldsets.append((_("修改历史"), {"fields": ["change_reason"]}))
        return fieldsets

    def save_model(self, request, obj, form, change):
        reason = form.cleaned_data.get("change_reason") if hasattr(form, "cleaned_data") else ""
        revert = getattr(request, "registry_revert_of", None)
        if revert is not None:
            reason = reason or gettext("还原为 %(date)s 的版本") % {"date": revert}
        if reason:
            obj._change_reason = reason
        # Links shown from a history version (``show_links_of``) are set from the form,
        # against the links stored now.
        obj.__dict__.pop("_prefetched_objects_cache", None)
        super().save_model(request, obj, form, change)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # The revert form shows (and so puts back) the version's links too (``get_form``).
        request.registry_history_version = version_id
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        version_id = getattr(request, "registry_history_version", None)
        if version_id is not None and obj is not None:
            show_links_of(obj, self.model.history.filter(history_id=version_id).first())
        return super().get_form(request, obj, change=change, **kwargs)

    def note_revert(self, request, version_id):
        """Remember which version a revert restores, for the history note."""
        history = self.model.history.filter(history_id=version_id).first()
        if history is not None:
            request.registry_revert_of = formats.date_format(
                timezone.localtime(history.history_date), "SHORT_DATETIME_FORMAT"
            )

    def response_change(self, request, obj):
        if getattr(request, "registry_revert_of", None) is not None:
            messages.success(
                request,
                gettext("已还原为 %(date)s 的版本，修改历史中有记录。")
                % {"date": request.registry_revert_of},
            )
            return HttpResponseRedirect(admin_url(obj, "history"))
        return super().response_change(request, obj)


class ReferenceDataAdmin(
    HintsMixin,
    ConcurrencyAdminMixin,
    RecoverAdminMixin,
    KeySearchMixin,
    SafeImportMixin,
    SafeExportMixin,
    ExportMixin,
    admin.ModelAdmin,
):
    """Reference data (award types, fields of cooperation): superusers change it, every
    staff account reads it. (Add SimpleHistoryAdmin where the model keeps history.)"""

    export_form_class = RegistryExportForm
    import_export_change_list_template = "admin/import_export/change_list_import_export.html"

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_import_permission(self, request):
        return request.user.is_superuser

    def has_export_permission(self, request):
        return self.has_view_permission(request)
