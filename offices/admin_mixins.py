"""The office rule in the admin: querysets, permission hooks, form choices, autocomplete,
inlines, import, saving and history revert all ask ``offices.rules``.

:class:`RegistryAdmin` is the admin of every office-kept record: view everything; add,
change, delete, import and revert only inside the user's office (and again in
``save_model``, so a crafted POST or a revert cannot get round it).
:class:`OfficeInlineMixin` does the same for inline rows.
"""

from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from utilities.admin.concurrency import ConcurrencyInlineMixin
from utilities.admin.display import admin_url
from utilities.admin.records import RecordAdmin
from utilities.admin.recover import recover_url
from utilities.countries import CHINA

from .forms import OfficeInlineForm, OfficeRecordForm
from .models import Office
from .rules import (
    can_change,
    can_delete,
    choices,
    is_office_kept,
    office_field,
    office_of,
    place_model,
    refusal,
    restrict,
)


def may_change(request, obj):
    """``can_change`` for the acting user, answered once per record on a page that only
    shows it (the permission hooks ask for every inline row); a write always asks."""
    if request.method != "GET" or obj.pk is None:
        return can_change(request.user, obj)
    # Keyed by the instance (a history version of the same record is judged apart); the
    # instance is kept with its answer so its id cannot be reused within the request.
    answers = request.__dict__.setdefault("office_may_change", {})
    if id(obj) not in answers:
        answers[id(obj)] = (obj, can_change(request.user, obj))
    return answers[id(obj)][1]


def chinese_or_foreign(source_model, field_name, queryset):
    """Autocomplete convenience: a field that holds a record's Chinese side offers Chinese
    places, ``foreign_place`` foreign ones (the model's clean() holds the rule itself)."""
    if not is_office_kept(queryset.model) or queryset.model.office_lookup != "pk":
        return queryset  # not a place
    holds_chinese_side = (
        is_office_kept(source_model)
        and field_name == office_field(source_model)
        and getattr(source_model, "office_shared", None) is None
    ) or (source_model is Office and field_name == "place")
    if holds_chinese_side:
        return queryset.filter(country=CHINA)
    if field_name == "foreign_place":
        return queryset.exclude(country=CHINA)
    return queryset


class EditableFilter(admin.SimpleListFilter):
    """ "Records my office may change": the rest of the registry is read-only to it."""

    title = _("可修改")
    parameter_name = "editable"

    def lookups(self, request, model_admin):
        return [("mine", _("本外办可修改的")), ("others", _("其他（只读）"))]

    def queryset(self, request, queryset):
        if self.value() == "mine":
            return restrict(queryset, request.user)
        if self.value() == "others":
            return queryset.exclude(pk__in=restrict(queryset, request.user).values("pk"))
        return queryset


class OfficeRuleMixin:
    """The office rule in an admin's permission hooks and form choices (shared by model
    admins and inlines)."""

    office_error_field = None  # default: the field that carries the Chinese side

    def may_write_any(self, request):
        """Whether the user may write rows of this model at all."""
        user = request.user
        if user.is_superuser:
            return True
        return is_office_kept(self.model) and office_of(user) is not None

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if formfield is not None and hasattr(formfield, "queryset"):
            narrowed = choices(formfield.queryset, request.user, self.model)
            if narrowed is not formfield.queryset:
                # The form keeps a stored value outside the choices (offices.forms).
                formfield.office_unnarrowed = formfield.queryset
                formfield.queryset = narrowed
                formfield.error_messages["invalid_choice"] = refusal(request.user)
        return formfield

    def narrow_choices(self, request, source, field_name, queryset):
        queryset = choices(queryset, request.user, source)
        return chinese_or_foreign(source, field_name, queryset)

    def office_form(self, form, request):
        """The form class Django built for this request, told who is acting."""
        form.office_user = request.user
        form.office_error_field = self.office_error_field
        return form


class RegistryAdmin(OfficeRuleMixin, RecordAdmin):
    """The admin of an office-kept record."""

    form = OfficeRecordForm

    def has_add_permission(self, request, *args):
        return super().has_add_permission(request, *args) and self.may_write_any(request)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj) or not self.may_write_any(request):
            return False
        return obj is None or may_change(request, obj)

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj) or not self.may_write_any(request):
            return False
        return obj is None or can_delete(request.user, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        return self.office_form(super().get_form(request, obj, change=change, **kwargs), request)

    def get_changeform_initial_data(self, request):
        """An office's own city is the default Chinese side of a new record."""
        initial = super().get_changeform_initial_data(request)
        field = office_field(self.model)
        place = office_of(request.user)
        if field and place is not None and field not in initial:
            target = self.model._meta.get_field(field).related_model
            if target is place_model(self.model):
                initial[field] = place.pk
        return initial

    def check_office(self, request, obj):
        if not can_change(request.user, obj):
            raise PermissionDenied

    def save_model(self, request, obj, form, change):
        self.check_office(request, obj)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.forms:
            if not is_office_kept(type(inline_form.instance)):
                continue
            if inline_form in formset.deleted_forms:
                self.check_delete(request, inline_form.instance)
            elif inline_form.has_changed():
                self.check_office(request, inline_form.instance)
        super().save_formset(request, form, formset, change)

    def check_delete(self, request, obj):
        if not can_delete(request.user, obj):
            raise PermissionDenied(refusal(request.user, obj))

    def delete_model(self, request, obj):
        self.check_delete(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.check_delete(request, obj)
        super().delete_queryset(request, queryset)

    def delete_view(self, request, object_id, extra_context=None):
        """A record the user may change but not delete (a partner other offices use):
        say why on its page rather than a bare refusal."""
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and can_change(request.user, obj) and not can_delete(request.user, obj):
            messages.error(request, refusal(request.user, obj))
            return HttpResponseRedirect(admin_url(obj, "change"))
        return super().delete_view(request, object_id, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """Say why a record opens read-only, rather than leave staff guessing."""
        if request.method == "GET" and IS_POPUP_VAR not in request.GET:
            obj = self.get_object(request, unquote(object_id))
            if obj is not None and not self.has_change_permission(request, obj):
                messages.info(request, refusal(request.user, obj))
        return super().change_view(request, object_id, form_url, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """The revert page. simple-history only asks for view permission, so a revert
        (a POST) is checked here against the office rule like any change."""
        if self.get_object(request, unquote(object_id)) is None:
            # A deleted record: its versions are restored from the recover page.
            url = recover_url(self.model, unquote(object_id))
            if url is None:
                raise PermissionDenied
            return HttpResponseRedirect(url)
        if request.method == "POST":
            # Judged on the version as it would be saved (an office may put back a
            # partner of its own that another office took).
            version = self.model.history.filter(history_id=version_id).first()
            if version is None or not self.has_change_permission(request, version.instance):
                raise PermissionDenied
            self.note_revert(request, version_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


class OfficeInlineMixin(ConcurrencyInlineMixin, OfficeRuleMixin):
    """An inline under a record: editable only when the parent record is in the user's
    office; each inline row is checked like a record of its own."""

    form = OfficeInlineForm

    def parent_allows(self, request, obj):
        if not self.may_write_any(request):
            return False
        if obj is None:
            return True
        return may_change(request, obj)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self.parent_allows(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.parent_allows(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.parent_allows(request, obj)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        self.office_form(formset.form, request)
        return formset
