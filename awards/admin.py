"""Admin for award types (named as conferred; superusers keep them) and the awards granted
to places, pairs of partners and people."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from cities.admin import FromRelationshipFormSet, RelationshipAdmin
from offices.admin_mixins import EditableFilter, OfficeInlineMixin, RegistryAdmin
from utilities.admin.display import admin_link, changelist_link, label, partial_date_column
from utilities.admin.filters import chinese_place_filter, year_filter
from utilities.admin.records import ReferenceDataAdmin
from utilities.partial_dates import partial_date_order

from .models import Award, AwardType
from .passages import AwardPassageMixin
from .resources import AwardResource, AwardTypeResource


@admin.register(AwardType)
class AwardTypeAdmin(ReferenceDataAdmin, SimpleHistoryAdmin):
    list_display = [
        "name_zh",
        "name_en",
        "level_display",
        "conferred_by_zh",
        "predecessor_link",
        "award_count",
    ]
    list_filter = ["level"]
    search_fields = ["name_zh", "name_en", "conferred_by_zh", "conferred_by_en"]
    autocomplete_fields = ["predecessor"]
    list_select_related = ["predecessor"]
    resource_classes = [AwardTypeResource]
    ordering = ["level", "name_zh"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_awards=Count("awards"))

    @admin.display(description=_("级别"), ordering="level")
    def level_display(self, obj):
        return label(obj.level, obj.get_level_display())

    @admin.display(description=_("曾用名"))
    def predecessor_link(self, obj):
        return admin_link(obj.predecessor) if obj.predecessor_id else "—"

    @admin.display(description=_("获奖"), ordering="n_awards")
    def award_count(self, obj):
        return changelist_link(Award, obj.n_awards, award_type__id__exact=obj.pk)


@admin.register(Award)
class AwardAdmin(AwardPassageMixin, RegistryAdmin):
    list_display = [
        "__str__",
        "award_type_link",
        "recipient_kind_display",
        "recipient_display",
        "chinese_link",
        "conferred_display",
    ]
    list_filter = [
        EditableFilter,
        chinese_place_filter("chinese_place"),
        ("award_type__level", admin.ChoicesFieldListFilter),
        "recipient_kind",
        ("award_type", admin.RelatedOnlyFieldListFilter),
        year_filter("conferred_year", _("授予年份")),
    ]
    search_fields = ["person_name", "notes", "award_type__name_zh", "award_type__name_en"]
    search_key_paths = ["chinese_place", "place", "relationship__foreign_place"]
    search_help_text = _("按奖项、获奖人或相关地名（简繁体、英文、拼音或别名）查找。")
    autocomplete_fields = ["award_type", "chinese_place", "place", "relationship", "citations"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "award_type",
                    "chinese_place",
                    ("conferred_year", "conferred_month", "conferred_day"),
                ]
            },
        ),
        (
            _("获奖者（只填一种）"),
            {
                "fields": [
                    "recipient_kind",
                    "place",
                    "relationship",
                    "person_name",
                    ("person_count", "country_count"),
                ]
            },
        ),
        (_("来源与说明"), {"fields": ["citations", "notes", "editors_note"]}),
    ]
    resource_classes = [AwardResource]
    # Newest first; undated awards last.
    ordering = [*partial_date_order("conferred", descending=True), "-pk"]
    conferred_display = partial_date_column("conferred", _("授予日期"))

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related(
                "award_type",
                "chinese_place",
                "place",
                "relationship__chinese_place",
                "relationship__foreign_place",
            )
        )

    @admin.display(description=_("奖项"), ordering="award_type__name_zh")
    def award_type_link(self, obj):
        return admin_link(obj.award_type)

    @admin.display(description=_("获奖者类型"), ordering="recipient_kind")
    def recipient_kind_display(self, obj):
        return obj.get_recipient_kind_display()

    @admin.display(description=_("获奖者"))
    def recipient_display(self, obj):
        if obj.place_id:
            return admin_link(obj.place)
        if obj.relationship_id:
            return admin_link(obj.relationship)
        return obj.recipient_display()

    @admin.display(description=_("中方城市"), ordering="chinese_place__name_zh")
    def chinese_link(self, obj):
        return admin_link(obj.chinese_place)


# On a relationship's page: the awards to the pair.
class AwardFormSet(FromRelationshipFormSet):
    defaults = {"recipient_kind": "pair"}


class AwardInline(OfficeInlineMixin, admin.TabularInline):
    model = Award
    fk_name = "relationship"
    formset = AwardFormSet
    fields = ["award_type", "conferred_year", "conferred_month", "conferred_day", "citations"]
    autocomplete_fields = ["award_type", "citations"]
    extra = 0
    show_change_link = True
    verbose_name_plural = _("获奖（授予友好城市双方）")


RelationshipAdmin.inlines = [*RelationshipAdmin.inlines, AwardInline]
