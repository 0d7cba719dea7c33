"""Admin for places, relationships, their stages and reported figures: the pages
foreign-affairs staff work in after a signing or a delegation visit."""

from django.contrib import admin
from django.db.models import Count, IntegerField, Min, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.forms import CheckboxSelectMultiple
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from offices.admin_mixins import EditableFilter, OfficeInlineMixin, RegistryAdmin
from utilities.admin.display import (
    admin_link,
    admin_links,
    changelist_link,
    country_name,
    label,
    partial_date_column,
)
from utilities.admin.filters import chinese_place_filter, country_filter, year_filter
from utilities.admin.records import ReferenceDataAdmin
from utilities.countries import CHINA
from utilities.partial_dates import PartialDate

from .choices import Stage
from .models import (
    CooperationField,
    Place,
    PlaceAlias,
    Relationship,
    RelationshipStage,
    ReportedFigure,
)
from .resources import (
    EARLIER,
    LATER,
    PlaceResource,
    RelationshipResource,
    RelationshipStageResource,
    ReportedFigureResource,
    stage_order_error,
)


class CheckboxFieldsMixin:
    """Fields of cooperation as a short list of checkboxes rather than a multi-select."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "fields":
            kwargs["widget"] = CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)


# --- Places ---------------------------------------------------------------------------------


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


# The exchange model, reached through its relation to a relationship: cities sits below
# exchanges and does not import it.
EXCHANGES = Relationship._meta.get_field("exchanges").related_model


def count_of(model, field):
    """A correlated count (no join multiplication when several are annotated)."""
    rows = (
        model.objects.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


@admin.register(Place)
class PlaceAdmin(RegistryAdmin):
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

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("parent")
            .annotate(
                chinese_count=count_of(Relationship, "chinese_place"),
                foreign_count=count_of(Relationship, "foreign_place"),
            )
        )

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


@admin.register(PlaceAlias)
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


@admin.register(CooperationField)
class CooperationFieldAdmin(ReferenceDataAdmin, SimpleHistoryAdmin):
    list_display = ["name_zh", "name_en", "slug", "relationship_count", "exchange_count"]
    search_fields = ["name_zh", "name_en", "slug"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_relationships=count_of(Relationship.fields.through, "cooperationfield"),
                n_exchanges=count_of(EXCHANGES.fields.through, "cooperationfield"),
            )
        )

    @admin.display(description=_("友好关系"), ordering="n_relationships")
    def relationship_count(self, obj):
        return changelist_link(Relationship, obj.n_relationships, fields__id__exact=obj.pk)

    @admin.display(description=_("交流项目"), ordering="n_exchanges")
    def exchange_count(self, obj):
        return changelist_link(EXCHANGES, obj.n_exchanges, fields__id__exact=obj.pk)


# --- Relationships ------------------------------------------------------------------------


class StageInlineFormSet(BaseInlineFormSet):
    """A stage's date may not come before the previous stage's. RelationshipStage.clean()
    compares with the stages already saved; the rows of this formset are not saved yet,
    so they are compared with each other here, with the same message."""

    def clean(self):
        super().clean()
        self.drop_stale_errors()
        rows = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not data.get("stage"):
                continue
            if data.get("date_year") is None:
                continue
            try:
                date = PartialDate(
                    data.get("date_year"), data.get("date_month"), data.get("date_day")
                )
            except (TypeError, ValueError):
                continue
            rows.append((form, data["stage"], date))
        for form, stage, date in rows:
            for other_form, other_stage, other_date in rows:
                message = other_form is not form and stage_order_error(
                    stage, date, other_stage, other_date
                )
                if message:
                    if message not in form.errors.get("date_year", []):
                        form.add_error("date_year", message)
                    break

    def drop_stale_errors(self):
        """RelationshipStage.clean() compared each row with the stages as stored. When a
        stored stage is being changed or deleted in this same formset, that comparison is
        stale: drop it (the rows are compared as submitted above)."""
        stale = set()
        for form in self.initial_forms:
            data = getattr(form, "cleaned_data", {}) or {}
            if not (form.has_changed() or data.get("DELETE")):
                continue
            stored_stage = form.initial.get("stage")
            try:
                stored_date = PartialDate(
                    form.initial.get("date_year"),
                    form.initial.get("date_month"),
                    form.initial.get("date_day"),
                )
            except (TypeError, ValueError):
                continue
            if not stored_stage or form.initial.get("date_year") is None:
                continue
            for message in (EARLIER, LATER):
                stale.add(str(message % {"stage": Stage(stored_stage).label, "date": stored_date}))
        if not stale:
            return
        for form in self.forms:
            errors = form._errors.get("date_year") if form._errors else None
            if not errors:
                continue
            kept = [message for message in errors if message not in stale]
            if len(kept) == len(errors):
                continue
            if kept:
                form._errors["date_year"] = form.error_class(kept)
            else:
                del form._errors["date_year"]
                # The value itself was valid; only the stale comparison removed it.
                form.cleaned_data["date_year"] = form.instance.date_year


class RelationshipStageInline(OfficeInlineMixin, admin.TabularInline):
    model = RelationshipStage
    formset = StageInlineFormSet
    fields = ["stage", "date_year", "date_month", "date_day", "document", "citations"]
    autocomplete_fields = ["citations"]
    verbose_name = _("阶段日期")
    verbose_name_plural = _("阶段日期（意向、签约、存续、终止，按报告给出的精度填写）")

    def get_extra(self, request, obj=None, **kwargs):
        return 0 if obj else 1


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


@admin.register(Relationship)
class RelationshipAdmin(CheckboxFieldsMixin, RegistryAdmin):
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
        ("fields", admin.RelatedOnlyFieldListFilter),
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
    inlines = [RelationshipStageInline]
    resource_classes = [RelationshipResource]
    importable = True

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("chinese_place", "foreign_place")
            .prefetch_related("stages")
            .annotate(
                n_exchanges=count_of(EXCHANGES, "relationship"),
                agreement_year=Min("stages__date_year", filter=Q(stages__stage=Stage.AGREEMENT)),
            )
        )

    def get_inline_instances(self, request, obj=None):
        # Exchanges and awards hang off a saved relationship; stages can come with a new one.
        inlines = super().get_inline_instances(request, obj)
        if obj is None:
            return [inline for inline in inlines if isinstance(inline, RelationshipStageInline)]
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


@admin.register(RelationshipStage)
class RelationshipStageAdmin(RegistryAdmin):
    list_display = ["__str__", "relationship_link", "stage_display", "date_display", "document"]
    list_filter = [
        EditableFilter,
        chinese_place_filter("relationship__chinese_place"),
        "stage",
        year_filter("date_year", _("年份")),
    ]
    search_fields = ["document"]
    search_key_paths = ["relationship__chinese_place", "relationship__foreign_place"]
    autocomplete_fields = ["relationship", "citations"]
    list_select_related = ["relationship__chinese_place", "relationship__foreign_place"]
    resource_classes = [RelationshipStageResource]
    date_display = partial_date_column("date", _("日期"))

    @admin.display(description=_("友好关系"), ordering="relationship")
    def relationship_link(self, obj):
        return admin_link(obj.relationship)

    @admin.display(description=_("阶段"), ordering="stage")
    def stage_display(self, obj):
        return label(obj.stage, obj.get_stage_display())


@admin.register(ReportedFigure)
class ReportedFigureAdmin(RegistryAdmin):
    list_display = [
        "__str__",
        "chinese_place_link",
        "metric_display",
        "wording",
        "value_display",
        "as_of_display",
    ]
    list_filter = [
        EditableFilter,
        chinese_place_filter("chinese_place"),
        "metric",
        "qualifier",
        year_filter("as_of_year", _("截至年份")),
    ]
    search_fields = ["wording"]
    search_key_paths = ["chinese_place"]
    autocomplete_fields = ["chinese_place", "citations"]
    list_select_related = ["chinese_place"]
    resource_classes = [ReportedFigureResource]
    as_of_display = partial_date_column("as_of", _("截至"))

    @admin.display(description=_("中方地方"), ordering="chinese_place__name_zh")
    def chinese_place_link(self, obj):
        return admin_link(obj.chinese_place)

    @admin.display(description=_("统计项"), ordering="metric")
    def metric_display(self, obj):
        return obj.get_metric_display()

    @admin.display(description=_("数值"), ordering="value")
    def value_display(self, obj):
        return obj.display_value
