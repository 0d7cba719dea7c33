"""Admin for places and their aliases: the Chinese and foreign places every other record
hangs from, each shown with the relationships and awards that name it."""

from django import forms
from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from offices.admin_mixins import EditableFilter, OfficeInlineMixin, RegistryAdmin
from utilities.admin.display import admin_link, admin_links, changelist_link, country_name
from utilities.admin.filters import country_filter
from utilities.admin.page_annotations import PageAnnotationsMixin
from utilities.countries import CHINA

from ..models import EDITOR_ADDABLE_FIELDS, Place, PlaceAlias, Relationship
from ..resources import PlaceResource
from .common import count_of


class PlaceAliasInline(OfficeInlineMixin, admin.TabularInline):
    model = PlaceAlias
    extra = 0
    fields = ["name", "citation", "note"]
    autocomplete_fields = ["citation"]


class SideFilter(admin.SimpleListFilter):
    title = _("中方/外方")
    parameter_name = "side"

    def lookups(self, request, model_admin):
        return [("chinese", _("中方")), ("foreign", _("外方"))]

    def queryset(self, request, queryset):
        if self.value() == "chinese":
            return queryset.filter(country=CHINA)
        if self.value() == "foreign":
            return queryset.exclude(country=CHINA)
        return queryset


def editor_field_choices():
    """The fields the editors may add, by their labels, in the form's order."""
    order = [field.name for field in Place._meta.fields]
    names = sorted(EDITOR_ADDABLE_FIELDS, key=order.index)
    return [(name, Place._meta.get_field(name).verbose_name) for name in names]


class PlaceAdmin(PageAnnotationsMixin, RegistryAdmin):
    list_display = [
        "name_zh",
        "name_en",
        "level_display",
        "country_display",
        "parent_link",
        "partner_count",
    ]
    list_filter = [EditableFilter, SideFilter, country_filter("country"), "level"]
    search_fields = ["name_zh", "name_en", "name_local", "slug"]
    search_key_paths = [""]
    search_help_text = _("按中文（简繁体均可）、英文、拼音或别名查找，如“濟南”“Jinan”“博伦厄”。")
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name_en"]}
    office_error_field = "parent"
    inlines = [PlaceAliasInline]
    readonly_fields = ["relationships_display", "awards_display"]
    fieldsets = [
        (None, {"fields": ["name_zh", "name_en", "name_local", "slug"]}),
        (_("位置"), {"fields": ["level", "country", "parent", ("latitude", "longitude")]}),
        (_("来源与说明"), {"fields": ["wikidata_id", "editor_added_fields", "notes"]}),
        (_("相关记录"), {"fields": ["relationships_display", "awards_display"]}),
    ]
    resource_classes = [PlaceResource]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "editor_added_fields":
            # Ticks for the fields the editors may add, not a JSON list typed by hand.
            return forms.TypedMultipleChoiceField(
                label=db_field.verbose_name,
                choices=editor_field_choices,
                widget=forms.CheckboxSelectMultiple,
                required=False,
                help_text=_("勾选报告未说明、由编者补充的项（如英文名、坐标）。"),
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("parent")

    def page_annotations(self):
        return {
            "chinese_count": count_of(Relationship, "chinese_place"),
            "foreign_count": count_of(Relationship, "foreign_place"),
        }

    @admin.display(description=_("行政级别"), ordering="level")
    def level_display(self, obj):
        return obj.get_level_display()

    @admin.display(description=_("国家"), ordering="country")
    def country_display(self, obj):
        return country_name(obj.country)

    @admin.display(description=_("上级地方"), ordering="parent__name_zh")
    def parent_link(self, obj):
        return admin_link(obj.parent) if obj.parent_id else "—"

    @admin.display(description=_("友好关系"))
    def partner_count(self, obj):
        total = obj.chinese_count + obj.foreign_count
        if not total:
            return "0"
        side = "chinese_place" if obj.chinese_count else "foreign_place"
        return changelist_link(Relationship, total, **{f"{side}__id__exact": obj.pk})

    @admin.display(description=_("友好关系"))
    def relationships_display(self, obj):
        if obj.pk is None:
            return "—"
        rows = Relationship.objects.filter(Q(chinese_place=obj) | Q(foreign_place=obj))
        return admin_links(rows.select_related("chinese_place", "foreign_place"))

    @admin.display(description=_("获奖"))
    def awards_display(self, obj):
        if obj.pk is None:
            return "—"
        return admin_links(obj.awards.select_related("award_type", "place"))


class PlaceAliasAdmin(RegistryAdmin):
    list_display = ["name", "place_link", "citation_link", "note"]
    list_filter = [EditableFilter]
    search_fields = ["name", "note"]
    search_key_paths = ["place"]
    autocomplete_fields = ["place", "citation"]
    list_select_related = ["place", "citation"]

    @admin.display(description=_("地方"), ordering="place__name_zh")
    def place_link(self, obj):
        return admin_link(obj.place)

    @admin.display(description=_("引文"))
    def citation_link(self, obj):
        return admin_link(obj.citation) if obj.citation_id else "—"
