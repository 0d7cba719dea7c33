"""The staff workspace's shared admin behaviour.

Every registry admin is built from :class:`RegistryAdmin`: the office rule of
``utilities.offices`` applied in querysets and permission hooks (change and delete only
inside the user's office, view everywhere), in form choices and autocomplete results (an
office cannot attach a record to another office's city), and again in ``save_model`` so no
path (a crafted POST, a history revert) gets round it; search by the stored ``search_text``
keys (simplified, traditional, pinyin, English, aliases); the list filters staff ask for;
partial-date columns at their own precision; history with revert (django-simple-history)
and CSV/XLSX import and export (django-import-export).
"""

from functools import lru_cache

from django import forms
from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin import widgets as admin_widgets
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.utils import unquote
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from import_export.admin import ExportActionMixin, ImportExportMixin, ImportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import SelectableFieldsExportForm
from simple_history.admin import SimpleHistoryAdmin

from utilities.offices import can_change, changeable, office_of
from utilities.search import query_key, to_simplified

admin.site.site_header = _("国际友好城市登记册 · 外办工作台")
admin.site.site_title = _("友城登记册工作台")
admin.site.index_title = _("登记册管理")

# The group every office account belongs to; create_office_user keeps its permissions.
OFFICE_STAFF_GROUP = "外办工作人员"

# Records an office keeps (each has ``office_lookup``): add, change, delete and view.
OFFICE_MODELS = [
    "cities.place",
    "cities.placealias",
    "cities.relationship",
    "cities.relationshipstage",
    "cities.reportedfigure",
    "exchanges.exchange",
    "exchanges.exchangecount",
    "awards.award",
    "sources.sourcereport",
    "sources.citation",
]
# Reference data only superusers change; offices read it.
REFERENCE_MODELS = ["cities.cooperationfield", "awards.awardtype"]

OUTSIDE_OFFICE = _("你所在的外办（%(office)s）只能修改本市及下辖地方的记录。")
NO_OFFICE = _("你的账号不属于任何外办，只能查看记录。")
READ_ONLY = _("这条记录不属于%(office)s外办的城市，只能查看。")
CHOICE_OUTSIDE_OFFICE = _("不在可选范围内：你的外办只能关联本市及下辖地方的记录。")


def ensure_office_staff_group():
    """The "外办工作人员" group with the model permissions an office account needs
    (idempotent: running it again resets the group to exactly these permissions)."""
    group, _created = Group.objects.get_or_create(name=OFFICE_STAFF_GROUP)
    wanted = []
    for label in OFFICE_MODELS + REFERENCE_MODELS:
        model = apps.get_model(label)
        content_type = ContentType.objects.get_for_model(model)
        actions = ["add", "change", "delete", "view"] if label in OFFICE_MODELS else ["view"]
        codenames = [f"{action}_{model._meta.model_name}" for action in actions]
        wanted += list(Permission.objects.filter(content_type=content_type, codename__in=codenames))
    group.permissions.set(wanted)
    return group


# --- The office rule in forms and choices ---------------------------------------------


def keeps_office(model):
    """Whether offices keep rows of this model (otherwise it is superuser-only data)."""
    return hasattr(model, "office_lookup")


def office_field(model):
    """The form field that carries a record's Chinese side (``chinese_place``,
    ``report`` for a citation, ``relationship`` for a stage), or None for a place itself."""
    if not keeps_office(model) or model.office_lookup == "pk":
        return None
    return model.office_lookup.split("__")[0]


def choice_queryset(user, source_model, field_name, queryset):
    """The rows a user may pick for ``source_model.field_name``: records of their own
    office (foreign places are shared) when the target is an office record. Citations are
    not narrowed: attaching a quote does not change it."""
    target = queryset.model
    if not keeps_office(source_model) or not keeps_office(target):
        return queryset
    if target._meta.label_lower == "sources.citation":
        return queryset
    return changeable(queryset, user)


def side_filter(source_model, field_name, queryset):
    """Autocomplete convenience: a field that holds a record's Chinese side offers Chinese
    places, ``foreign_place`` foreign ones (the model's clean() holds the rule itself)."""
    from cities.models import CHINA

    if queryset.model._meta.label_lower != "cities.place":
        return queryset
    chinese_side = (
        field_name == office_field(source_model)
        and getattr(source_model, "office_shared", None) is None
    ) or (source_model._meta.label_lower == "cities.office" and field_name == "place")
    if chinese_side:
        return queryset.filter(country=CHINA)
    if field_name == "foreign_place":
        return queryset.exclude(country=CHINA)
    return queryset


class OfficeCheckFormMixin:
    """The office check on the record as it would be saved: a clear field error rather
    than a refusal page. ``office_user`` is set by the admin for each request."""

    office_user = None
    office_error_field = None

    def _post_clean(self):
        super()._post_clean()
        user = self.office_user
        if user is None or getattr(user, "is_superuser", False):
            return
        field = self.office_error_field
        if field not in self.fields:
            field = None
        if field and field in self._errors:
            return  # the field itself is wrong; say that first
        if can_change(user, self.instance):
            return
        place = office_of(user)
        message = (
            OUTSIDE_OFFICE % {"office": place.display_name()} if place is not None else NO_OFFICE
        )
        self.add_error(field, message)


class RegistryAdminForm(OfficeCheckFormMixin, forms.ModelForm):
    """Every record's admin form: the office check, and an optional note for the history."""

    change_reason = forms.CharField(
        label=_("修改说明"),
        required=False,
        max_length=100,
        help_text=_("写入修改历史，如“据2019年协议书更正日期”。"),
    )


def with_office_check(form_class, user, error_field):
    return type(
        form_class.__name__,
        (form_class,),
        {"office_user": user, "office_error_field": error_field, "__module__": __name__},
    )


def office_form_class(form_class):
    """Make sure a form class carries the office check (inline forms are plain
    ModelForms unless the inline says otherwise)."""
    if issubclass(form_class, OfficeCheckFormMixin):
        return form_class
    return type(form_class.__name__, (OfficeCheckFormMixin, form_class), {"__module__": __name__})


# --- Search -----------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _to_traditional():
    import opencc

    return opencc.OpenCC("s2t")


def to_traditional(text):
    return _to_traditional().convert(text)


def is_autocomplete(request):
    match = getattr(request, "resolver_match", None)
    return bool(match and match.url_name == "autocomplete")


class KeySearchMixin:
    """Search that finds a record by any name of its places: the query is folded like
    the stored keys (濟南, "ji nan" and Jinan all become jinan/济南) and matched against
    ``search_text`` along ``search_key_paths``; ``search_fields`` are matched too, with a
    traditional-character query also tried in simplified characters."""

    search_key_paths = ()  # "" for the model's own search_text, else a path to a Place

    def get_search_results(self, request, queryset, search_term):
        if is_autocomplete(request):
            queryset = self.autocomplete_queryset(request, queryset)
        terms = search_term.split()
        if not terms:
            return queryset, False
        condition = Q()
        for term in terms:
            condition &= self.term_q(term)
        whole = query_key(search_term)
        if len(terms) > 1 and whole:
            condition |= self.key_q(whole)
        matches = self.model._default_manager.filter(condition).values("pk")
        return queryset.filter(pk__in=matches), False

    def key_q(self, key):
        condition = Q()
        for path in self.search_key_paths:
            lookup = f"{path}__search_text__contains" if path else "search_text__contains"
            condition |= Q(**{lookup: key})
        return condition

    def term_q(self, term):
        condition = Q()
        # Report texts and quotes may be in traditional characters (Jinan's report).
        variants = {term, to_simplified(term), to_traditional(term)}
        for field in self.search_fields:
            for variant in variants:
                condition |= Q(**{f"{field.lstrip('^=@')}__icontains": variant})
        key = query_key(term)
        if key:
            condition |= self.key_q(key)
        return condition

    def autocomplete_queryset(self, request, queryset):
        """Narrow autocomplete results to what the asking field may hold."""
        try:
            source = apps.get_model(request.GET["app_label"], request.GET["model_name"])
            field_name = request.GET["field_name"]
            source._meta.get_field(field_name)
        except (KeyError, LookupError, FieldDoesNotExist):
            return queryset  # a malformed request: Django's view answers it
        queryset = choice_queryset(request.user, source, field_name, queryset)
        return side_filter(source, field_name, queryset)


# --- List filters -------------------------------------------------------------------------


class EditableFilter(admin.SimpleListFilter):
    """ "Records my office may change": the rest of the registry is read-only to it."""

    title = _("可修改")
    parameter_name = "editable"

    def lookups(self, request, model_admin):
        return [("mine", _("本外办可修改的")), ("others", _("其他（只读）"))]

    def queryset(self, request, queryset):
        if self.value() == "mine":
            return changeable(queryset, request.user)
        if self.value() == "others":
            return queryset.exclude(pk__in=changeable(queryset, request.user).values("pk"))
        return queryset


def chinese_city_filter(path, title=None):
    """A filter by Chinese place that includes the places inside it: choosing 晋中市 lists
    Pingyao County's records too. Offers the places used along ``path`` and their parents."""

    class ChineseCityFilter(admin.SimpleListFilter):
        parameter_name = "city"

        def __init__(self, request, params, model, model_admin):
            self.title = title or _("中方城市")
            super().__init__(request, params, model, model_admin)

        def lookups(self, request, model_admin):
            from cities.models import Place

            model = model_admin.model
            used = model._default_manager.exclude(**{f"{path}__isnull": True})
            ids = set(used.values_list(path, flat=True))
            ids |= set(used.values_list(f"{path}__parent", flat=True))
            places = Place.objects.chinese().filter(pk__in=ids - {None})
            places = places.select_related("parent").order_by("parent__name_zh", "name_zh")
            return [(str(place.pk), self.label(place)) for place in places]

        @staticmethod
        def label(place):
            if place.parent_id and place.parent.parent_id is not None:
                return f"{place.parent.display_name()} · {place.display_name()}"
            if place.parent_id and place.level in ("county", "district", "county_city"):
                return f"{place.parent.display_name()} · {place.display_name()}"
            return place.display_name()

        def queryset(self, request, queryset):
            from cities.models import Place

            value = self.value()
            if not value or not value.isdigit():
                return queryset
            place = Place.objects.filter(pk=value).first()
            if place is None:
                return queryset.none()
            return queryset.filter(**{f"{path}__in": Place.objects.within(place).values("pk")})

    return ChineseCityFilter


def country_filter(path, title=None):
    """A filter by country listing only the countries present, named in the page language."""

    class CountryFilter(admin.SimpleListFilter):
        parameter_name = "country"

        def __init__(self, request, params, model, model_admin):
            self.title = title or _("国家")
            super().__init__(request, params, model, model_admin)

        def lookups(self, request, model_admin):
            codes = (
                model_admin.model._default_manager.exclude(**{path: ""})
                .exclude(**{f"{path}__isnull": True})
                .values_list(path, flat=True)
                .distinct()
            )
            named = [(code, countries.name(code) or code) for code in set(codes)]
            return sorted(named, key=lambda item: item[1])

        def queryset(self, request, queryset):
            if self.value():
                return queryset.filter(**{path: self.value().upper()})
            return queryset

    return CountryFilter


def year_filter(path, title, parameter="year"):
    """A filter by year on a partial-date column (``…_year``), listing the years present."""

    class YearFilter(admin.SimpleListFilter):
        parameter_name = parameter

        def __init__(self, request, params, model, model_admin):
            self.title = title
            super().__init__(request, params, model, model_admin)

        def lookups(self, request, model_admin):
            years = (
                model_admin.model._default_manager.exclude(**{f"{path}__isnull": True})
                .values_list(path, flat=True)
                .distinct()
            )
            return [(str(year), str(year)) for year in sorted(set(years), reverse=True)]

        def queryset(self, request, queryset):
            value = self.value()
            if not value or not value.isdigit():
                return queryset
            return queryset.filter(**{path: int(value)})

    return YearFilter


# --- Columns and links ----------------------------------------------------------------------


def admin_url(obj, action="change"):
    if obj is None or obj.pk is None:
        return None
    opts = obj._meta
    try:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_{action}", args=[obj.pk])
    except NoReverseMatch:
        return None


def admin_link(obj, text=None):
    """A link to a record's admin page ("—" for nothing)."""
    if obj is None:
        return "—"
    url = admin_url(obj)
    label = text if text is not None else str(obj)
    return format_html('<a href="{}">{}</a>', url, label) if url else label


def admin_links(objects):
    objects = list(objects)
    if not objects:
        return "—"
    return format_html_join(mark_safe("、"), "{}", ((admin_link(obj),) for obj in objects))


def changelist_link(model, text, **params):
    from urllib.parse import urlencode

    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    return format_html('<a href="{}?{}">{}</a>', url, urlencode(params), text)


def format_partial(date):
    """A partial date at its own precision ("1997年10月" / "October 1997"), or "—"."""
    return date.format() if date else "—"


def partial_date_column(prefix, description):
    """A list column showing ``<prefix>`` at its precision, sorted by its parts."""

    @admin.display(description=description, ordering=f"{prefix}_year")
    def column(self, obj):
        return format_partial(obj.partial_date(prefix))

    column.__name__ = f"{prefix}_display"
    return column


def label(css, text):
    """A choice shown as a small coloured label (kind, stage)."""
    return format_html('<span class="registry-label registry-label-{}">{}</span>', css, text)


# --- The admin classes ------------------------------------------------------------------------


class RegistryExportForm(SelectableFieldsExportForm):
    """The export form, its field choices labelled with the spreadsheet's column names."""

    def _get_field_label(self, resource, field_name):
        field = resource.fields.get(field_name)
        return field.column_name if field else field_name


class OfficeRuleMixin:
    """The office rule in an admin's permission hooks and form choices (shared by model
    admins and inlines)."""

    office_error_field = None  # default: the field that carries the Chinese side

    def office_keeper(self, request):
        """Whether the user may write rows of this model at all."""
        user = request.user
        if user.is_superuser:
            return True
        return keeps_office(self.model) and office_of(user) is not None

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if formfield is not None and hasattr(formfield, "queryset"):
            narrowed = choice_queryset(request.user, self.model, db_field.name, formfield.queryset)
            if narrowed is not formfield.queryset:
                formfield.queryset = narrowed
                formfield.error_messages["invalid_choice"] = CHOICE_OUTSIDE_OFFICE
        return formfield

    def error_field(self):
        return self.office_error_field or office_field(self.model)


class RegistryAdmin(
    OfficeRuleMixin, KeySearchMixin, ImportMixin, ExportActionMixin, SimpleHistoryAdmin
):
    """The admin of an office record: view everything; add, change, delete, import and
    revert only inside the user's office; every change recorded with who, when, what and
    why; every list exportable as CSV or XLSX with its current filters."""

    form = RegistryAdminForm
    formfield_overrides = {
        # Notes are a sentence or two; a report's full text gets its own size.
        models.TextField: {"widget": admin_widgets.AdminTextareaWidget(attrs={"rows": 3})},
        models.URLField: {"widget": admin_widgets.AdminURLFieldWidget, "assume_scheme": "https"},
    }
    formats = [CSV, XLSX]
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

    # Permissions ------------------------------------------------------------------
    def has_add_permission(self, request, *args):
        return super().has_add_permission(request, *args) and self.office_keeper(request)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj) or not self.office_keeper(request):
            return False
        return obj is None or can_change(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj) or not self.office_keeper(request):
            return False
        return obj is None or can_change(request.user, obj)

    def has_import_permission(self, request):
        return self.importable and self.has_add_permission(request)

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    # Forms ----------------------------------------------------------------------------
    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return with_office_check(office_form_class(form), request.user, self.error_field())

    def get_changeform_initial_data(self, request):
        """An office's own city is the default Chinese side of a new record."""
        initial = super().get_changeform_initial_data(request)
        field = office_field(self.model)
        place = office_of(request.user)
        if field and place is not None and field not in initial:
            target = self.model._meta.get_field(field).related_model
            if target._meta.label_lower == "cities.place":
                initial[field] = place.pk
        return initial

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

    # Saving ---------------------------------------------------------------------------
    def check_office(self, request, obj):
        if not can_change(request.user, obj):
            raise PermissionDenied

    def save_model(self, request, obj, form, change):
        self.check_office(request, obj)
        reason = form.cleaned_data.get("change_reason") if hasattr(form, "cleaned_data") else ""
        revert = getattr(request, "registry_revert_of", None)
        if revert is not None:
            reason = reason or gettext("还原为 %(date)s 的版本") % {"date": revert}
        if reason:
            obj._change_reason = reason
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.forms:
            if inline_form in formset.deleted_forms or inline_form.has_changed():
                if keeps_office(type(inline_form.instance)):
                    self.check_office(request, inline_form.instance)
        super().save_formset(request, form, formset, change)

    def delete_model(self, request, obj):
        self.check_office(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.check_office(request, obj)
        super().delete_queryset(request, queryset)

    # History ----------------------------------------------------------------------------
    def change_view(self, request, object_id, form_url="", extra_context=None):
        """Say why a record opens read-only, rather than leave staff guessing."""
        if request.method == "GET" and IS_POPUP_VAR not in request.GET:
            obj = self.get_object(request, unquote(object_id))
            if obj is not None and not self.has_change_permission(request, obj):
                place = office_of(request.user)
                messages.info(
                    request,
                    READ_ONLY % {"office": place.display_name()}
                    if place is not None
                    else NO_OFFICE,
                )
        return super().change_view(request, object_id, form_url, extra_context)

    # Import and export ---------------------------------------------------------------
    def process_result(self, result, request):
        """After the confirmed import: if any row failed (the data changed since the
        preview), nothing was written; say so and go back to the import page."""
        if result.has_errors() or result.has_validation_errors():
            rows = {row.number for row in result.invalid_rows}
            rows |= {number for number, _errors in result.row_errors()}
            messages.error(
                request,
                gettext("导入没有完成，没有写入任何记录：第 %(rows)s 行有错误。请修改后重新上传。")
                % {"rows": "、".join(str(number) for number in sorted(rows))},
            )
            opts = self.model._meta
            return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_import"))
        return super().process_result(result, request)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """The revert page. simple-history only asks for view permission, so a revert
        (a POST) is checked here against the office rule like any change."""
        if request.method == "POST":
            obj = self.get_object(request, object_id)
            if obj is None or not self.has_change_permission(request, obj):
                raise PermissionDenied
            history = self.model.history.filter(history_id=version_id).first()
            if history is not None:
                from django.utils import formats, timezone

                request.registry_revert_of = formats.date_format(
                    timezone.localtime(history.history_date), "SHORT_DATETIME_FORMAT"
                )
        return super().history_form_view(request, object_id, version_id, extra_context)

    def response_change(self, request, obj):
        if getattr(request, "registry_revert_of", None) is not None:
            messages.success(
                request,
                gettext("已还原为 %(date)s 的版本，修改历史中有记录。")
                % {"date": request.registry_revert_of},
            )
            return HttpResponseRedirect(admin_url(obj, "history"))
        return super().response_change(request, obj)


class ReferenceDataAdmin(KeySearchMixin, ImportExportMixin, admin.ModelAdmin):
    """Reference data (award types, fields of cooperation): superusers change it, every
    staff account reads it. (Add SimpleHistoryAdmin where the model keeps history.)"""

    export_form_class = RegistryExportForm

    formats = [CSV, XLSX]

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


class OfficeInlineMixin(OfficeRuleMixin):
    """An inline under a record: editable only when the parent record is in the user's
    office; each inline row is checked like a record of its own."""

    def parent_allows(self, request, obj):
        if not self.office_keeper(request):
            return False
        return obj is None or can_change(request.user, obj)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self.parent_allows(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.parent_allows(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.parent_allows(request, obj)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = with_office_check(
            office_form_class(formset.form), request.user, self.error_field()
        )
        return formset
