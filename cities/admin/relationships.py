"""Admin for relationships: the page staff open after a signing, with its stages inline
(exchanges and awards add their own inlines from their apps)."""

from django.contrib import admin
from django.db.models import Min, OuterRef, Subquery
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from offices.admin_mixins import EditableFilter, RegistryAdmin
from utilities.admin.display import admin_link, admin_links, changelist_link, country_name, label
from utilities.admin.filters import UsedRelatedFilter, chinese_place_filter, country_filter
from utilities.admin.page_annotations import PageAnnotationsMixin

from ..choices import Stage
from ..models import RelationshipStage
from ..passages import RelationshipPassageMixin
from ..resources import RelationshipResource
from .claims import ClaimInline
from .common import EXCHANGES, CheckboxFieldsMixin, count_of
from .rules import NationalRuleWarningsMixin
from .stages import RelationshipStageInline


class FromRelationshipFormSet(BaseInlineFormSet):
    """Rows under a relationship take its Chinese side (an exchange or an award belongs to
    the office of the relationship's Chinese place)."""

    defaults = {}

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if form.instance.chinese_place_id is None:
            form.instance.chinese_place_id = self.instance.chinese_place_id
        for field, value in self.defaults.items():
            setattr(form.instance, field, value)
        return form


class AgreementYearFilter(admin.SimpleListFilter):
    title = _("签约年份")
    parameter_name = "signed"

    def lookups(self, request, model_admin):
        years = (
            RelationshipStage.objects.filter(stage=Stage.AGREEMENT, date_year__isnull=False)
            .order_by()  # DISTINCT over the year alone, not the model's ordering
            .values_list("date_year", flat=True)
            .distinct()
        )
        return [(str(year), str(year)) for year in sorted(set(years), reverse=True)]

    def queryset(self, request, queryset):
        value = self.value()
        if not value or not value.isdigit():
            return queryset
        signed = RelationshipStage.objects.filter(stage=Stage.AGREEMENT, date_year=int(value))
        return queryset.filter(pk__in=signed.values("relationship"))


class RelationshipAdmin(
    RelationshipPassageMixin,
    NationalRuleWarningsMixin,
    CheckboxFieldsMixin,
    PageAnnotationsMixin,
    RegistryAdmin,
):
    list_display = [
        "__str__",
        "chinese_link",
        "foreign_link",
        "country_display",
        "kind_display",
        "stage_display",
        "level_display",
        "agreement_display",
        "exchange_count",
    ]
    list_filter = [
        EditableFilter,
        chinese_place_filter("chinese_place"),
        "kind",
        "stage",
        "level",
        country_filter("foreign_place__country"),
        ("fields", UsedRelatedFilter),
        AgreementYearFilter,
    ]
    search_fields = ["wording", "signatories", "notes"]
    search_key_paths = ["chinese_place", "foreign_place"]
    search_help_text = _("按任一方地名查找（简繁体、英文、拼音或别名），如“濟南”“Oita”“曼姆”。")
    autocomplete_fields = ["chinese_place", "foreign_place", "citations"]
    readonly_fields = ["partner_awards"]
    fieldsets = [
        (None, {"fields": ["chinese_place", "foreign_place", "kind", "wording", "stage", "level"]}),
        (_("合作"), {"fields": ["fields", "signatories"]}),
        (
            _("来源"),
            {
                "fields": ["citations", "editors_note", "notes"],
                "description": _(
                    "每条关系须引用报告原文。没有合适的引文时，点“+”新增：选择报告，粘贴原句。"
                ),
            },
        ),
        (_("相关记录"), {"fields": ["partner_awards"]}),
    ]
    # Exchanges and awards add their inlines here (exchanges.admin, awards.admin).
    inlines = [RelationshipStageInline, ClaimInline]
    resource_classes = [RelationshipResource]
    importable = True

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("chinese_place", "foreign_place")
            .prefetch_related("stages")
        )

    def page_annotations(self):
        return {
            "n_exchanges": count_of(EXCHANGES, "relationship"),
            # A correlated subquery, not a join and GROUP BY over every relationship.
            "agreement_year": Subquery(
                RelationshipStage.objects.filter(relationship=OuterRef("pk"), stage=Stage.AGREEMENT)
                .order_by()
                .values("relationship")
                .annotate(year=Min("date_year"))
                .values("year")
            ),
        }

    def get_inline_instances(self, request, obj=None):
        # Exchanges and awards hang off a saved relationship; stages can come with a new one.
        inlines = super().get_inline_instances(request, obj)
        if obj is None:
            return [inline for inline in inlines if isinstance(inline, RelationshipStageInline)]
        # Claims name a stored step: they come once the relationship is saved.
        return inlines

    @admin.display(description=_("中方地方"), ordering="chinese_place__name_zh")
    def chinese_link(self, obj):
        return admin_link(obj.chinese_place)

    @admin.display(description=_("外方地方"), ordering="foreign_place__name_zh")
    def foreign_link(self, obj):
        return admin_link(obj.foreign_place)

    @admin.display(description=_("国家"), ordering="foreign_place__country")
    def country_display(self, obj):
        return country_name(obj.foreign_place.country)

    @admin.display(description=_("类别"), ordering="kind")
    def kind_display(self, obj):
        return label(obj.kind, obj.get_kind_display())

    @admin.display(description=_("阶段"), ordering="stage")
    def stage_display(self, obj):
        return label(obj.stage, obj.get_stage_display())

    @admin.display(description=_("中方层级"), ordering="level")
    def level_display(self, obj):
        return obj.get_level_display() or "—"

    @admin.display(description=_("签约日期"), ordering="agreement_year")
    def agreement_display(self, obj):
        date = obj.agreement_date
        if date:
            return date.format()
        intent = obj.intent_date
        return format_html("{} {}", _("意向"), intent.format()) if intent else "—"

    @admin.display(description=_("交流项目"), ordering="n_exchanges")
    def exchange_count(self, obj):
        return changelist_link(EXCHANGES, obj.n_exchanges, relationship__id__exact=obj.pk)

    @admin.display(description=_("外方获得的奖项"))
    def partner_awards(self, obj):
        if obj.pk is None:
            return "—"
        return admin_links(obj.foreign_place.awards.select_related("award_type", "place"))
