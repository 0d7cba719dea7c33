"""Admin for exchanges (projects, events, delegations, trainings, offices, conferences)
and the counts a report gives for them."""

from django.contrib import admin
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from cities.admin import CheckboxFieldsMixin, FromRelationshipFormSet, RelationshipAdmin
from offices.admin_mixins import EditableFilter, OfficeInlineMixin, RegistryAdmin
from utilities.admin.display import admin_link, country_name, label, partial_date_column
from utilities.admin.filters import (
    UsedRelatedFilter,
    chinese_place_filter,
    country_filter,
    year_filter,
)
from utilities.admin.records import ReferenceDataAdmin
from utilities.partial_dates import partial_date_order

from .models import Exchange, ExchangeCount, Region
from .passages import ExchangePassageMixin
from .resources import ExchangeCountResource, ExchangeResource


class ExchangeCountInline(OfficeInlineMixin, admin.TabularInline):
    model = ExchangeCount
    fields = ["value", "value_max", "qualifier", "unit_zh", "unit_en"]
    extra = 0


@admin.register(Exchange)
class ExchangeAdmin(ExchangePassageMixin, CheckboxFieldsMixin, RegistryAdmin):
    list_display = [
        "title_display",
        "kind_display",
        "chinese_link",
        "relationship_link",
        "start_display",
        "fields_display",
        "counts_display",
    ]
    list_filter = [
        EditableFilter,
        chinese_place_filter("chinese_place"),
        "kind",
        ("fields", UsedRelatedFilter),
        country_filter("relationship__foreign_place__country", _("伙伴国家")),
        year_filter("start_year", _("开始年份")),
    ]
    search_fields = ["title_zh", "title_en", "description"]
    search_key_paths = ["chinese_place", "relationship__foreign_place", "places"]
    search_help_text = _("按名称、内容或相关地名（简繁体、英文、拼音或别名）查找。")
    autocomplete_fields = ["chinese_place", "relationship", "places", "regions", "citations"]
    fieldsets = [
        (None, {"fields": ["title_zh", "title_en", "kind", "chinese_place", "relationship"]}),
        (
            _("时间（按报告给出的精度填写）"),
            {
                "fields": [
                    ("start_year", "start_month", "start_day"),
                    ("end_year", "end_month", "end_day"),
                    "planned",
                ]
            },
        ),
        (_("参与方与领域"), {"fields": ["places", "countries", "regions", "fields"]}),
        (_("内容与来源"), {"fields": ["description", "citations", "editors_note"]}),
    ]
    inlines = [ExchangeCountInline]
    resource_classes = [ExchangeResource]
    importable = True
    # Newest first; undated exchanges last (on PostgreSQL read from the index
    # exchanges_exchange_newest, migration 0008, the ties of a date sorted by -pk).
    ordering = [*partial_date_order("start", descending=True), "-pk"]
    start_display = partial_date_column("start", _("开始"))

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "countries":
            # A searchable two-list picker (the admin's own, no CDN) for some 240 countries,
            # not a Ctrl-click list box.
            kwargs["widget"] = FilteredSelectMultiple(db_field.verbose_name, is_stacked=False)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related(
                "chinese_place", "relationship__chinese_place", "relationship__foreign_place"
            )
            .prefetch_related("fields", "counts")
        )

    @admin.display(description=_("名称"), ordering="title_zh")
    def title_display(self, obj):
        return obj.display_title()

    @admin.display(description=_("类型"), ordering="kind")
    def kind_display(self, obj):
        return label(obj.kind, obj.get_kind_display())

    @admin.display(description=_("中方地方"), ordering="chinese_place__name_zh")
    def chinese_link(self, obj):
        return admin_link(obj.chinese_place)

    @admin.display(description=_("友好关系"))
    def relationship_link(self, obj):
        return admin_link(obj.relationship) if obj.relationship_id else "—"

    @admin.display(description=_("合作领域"))
    def fields_display(self, obj):
        return "、".join(str(field) for field in obj.fields.all()) or "—"

    @admin.display(description=_("数量"))
    def counts_display(self, obj):
        return "；".join(count.display() for count in obj.counts.all()) or "—"


@admin.register(Region)
class RegionAdmin(ReferenceDataAdmin, SimpleHistoryAdmin):
    """Named groups of countries (中东欧) that reports name as exchange participants."""

    list_display = ["name_zh", "name_en", "slug", "countries_display"]
    search_fields = ["name_zh", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}
    fields = ["name_zh", "name_en", "slug", "countries", "notes"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "countries":
            kwargs["widget"] = FilteredSelectMultiple(db_field.verbose_name, is_stacked=False)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description=_("包含国家"))
    def countries_display(self, obj):
        return "、".join(country_name(code) for code in obj.countries) or "—"


@admin.register(ExchangeCount)
class ExchangeCountAdmin(RegistryAdmin):
    list_display = ["__str__", "exchange_link", "value", "qualifier"]
    list_filter = [EditableFilter, chinese_place_filter("exchange__chinese_place"), "qualifier"]
    search_fields = ["unit_zh", "unit_en", "exchange__title_zh", "exchange__title_en"]
    autocomplete_fields = ["exchange"]
    list_select_related = ["exchange"]
    resource_classes = [ExchangeCountResource]

    @admin.display(description=_("交流项目"), ordering="exchange__title_zh")
    def exchange_link(self, obj):
        return admin_link(obj.exchange)


# On a relationship's page: the exchanges under it.
class ExchangeInline(OfficeInlineMixin, admin.TabularInline):
    model = Exchange
    fk_name = "relationship"
    formset = FromRelationshipFormSet
    fields = [
        "title_zh", "kind", "start_year", "start_month", "start_day", "planned", "citations",
        "details",
    ]  # fmt: skip
    readonly_fields = ["details"]
    autocomplete_fields = ["citations"]
    extra = 0
    show_change_link = True
    verbose_name_plural = _("交流项目（本关系下）")

    @admin.display(description=_("详情"))
    def details(self, obj):
        return admin_link(obj, _("打开")) if obj.pk else "—"


RelationshipAdmin.inlines = [*RelationshipAdmin.inlines, ExchangeInline]
