"""Admin for source reports (kept whole) and the verbatim citations every record rests on."""

from django.contrib import admin
from django.contrib.admin.widgets import AdminTextareaWidget
from django.db.models import Count
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from offices.admin_mixins import EditableFilter, RegistryAdmin
from offices.rules import office_of
from utilities.admin.display import admin_link, admin_links, changelist_link, partial_date_column
from utilities.admin.filters import chinese_place_filter, year_filter
from utilities.partial_dates import partial_date_order

from .models import Citation, SourceReport, quote_not_found_messages
from .resources import CitationResource, SourceReportResource

# Characters of report text shown either side of a quote.
CONTEXT = 80


@admin.register(SourceReport)
class SourceReportAdmin(RegistryAdmin):
    list_display = [
        "title",
        "chinese_place_link",
        "kind",
        "publisher",
        "published_display",
        "script",
        "citation_count",
    ]
    list_filter = [
        EditableFilter,
        chinese_place_filter("chinese_place"),
        "kind",
        "script",
        year_filter("published_year", _("发布年份")),
    ]
    search_fields = ["title", "slug", "publisher"]
    search_key_paths = ["chinese_place"]
    autocomplete_fields = ["chinese_place"]
    readonly_fields = ["citations_display"]
    fieldsets = [
        (
            None,
            {"fields": ["title", "slug", "kind", "chinese_place", "publisher", "script", "url"]},
        ),
        (
            _("发布日期（按报告给出的精度填写）"),
            {"fields": [("published_year", "published_month", "published_day")]},
        ),
        (_("全文"), {"fields": ["text", "notes"]}),
        (_("引文"), {"fields": ["citations_display"]}),
    ]
    resource_classes = [SourceReportResource]
    # Explicit: an annotated (grouped) queryset does not use Meta.ordering.
    ordering = ["published_year", "published_month", "published_day", "slug"]
    published_display = partial_date_column("published", _("发布日期"))

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "text":
            kwargs["widget"] = AdminTextareaWidget(attrs={"rows": 20})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("chinese_place")
            .annotate(n_citations=Count("citations"))
        )

    @admin.display(description=_("中方地方"), ordering="chinese_place__name_zh")
    def chinese_place_link(self, obj):
        return admin_link(obj.chinese_place)

    @admin.display(description=_("引文"), ordering="n_citations")
    def citation_count(self, obj):
        return changelist_link(Citation, obj.n_citations, report__id__exact=obj.pk)

    @admin.display(description=_("本报告的引文"))
    def citations_display(self, obj):
        if obj.pk is None:
            return "—"
        return changelist_link(
            Citation,
            _("%(count)s 条引文") % {"count": obj.citations.count()},
            report__id__exact=obj.pk,
        )


class QuoteFoundFilter(admin.SimpleListFilter):
    title = _("引文核对")
    parameter_name = "found"

    def lookups(self, request, model_admin):
        return [("no", _("报告中找不到"))]

    def queryset(self, request, queryset):
        if self.value() == "no":
            missing = [
                c.pk for c in queryset.select_related("report") if c.quote not in c.report.text
            ]
            return queryset.filter(pk__in=missing)
        return queryset


@admin.register(Citation)
class CitationAdmin(RegistryAdmin):
    list_display = ["__str__", "report_link", "found", "used_by"]
    list_filter = [
        EditableFilter,
        chinese_place_filter("report__chinese_place"),
        ("report", admin.RelatedOnlyFieldListFilter),
        QuoteFoundFilter,
    ]
    search_fields = ["quote", "note"]
    search_key_paths = ["report__chinese_place"]
    search_help_text = _("按引文内容查找（简体或繁体均可）。")
    autocomplete_fields = ["report"]
    readonly_fields = ["context", "cited_by"]
    fieldsets = [
        (
            None,
            {
                "fields": ["report", "quote", "note"],
                "description": _("引文须与报告原文逐字一致：从报告中复制整句粘贴。"),
            },
        ),
        (_("核对"), {"fields": ["context", "cited_by"]}),
    ]
    resource_classes = [CitationResource]
    ordering = ["report", "pk"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("report")
            .annotate(
                n_uses=Count("relationships", distinct=True)
                + Count("relationship_stages", distinct=True)
                + Count("exchanges", distinct=True)
                + Count("awards", distinct=True)
                + Count("reported_figures", distinct=True)
                + Count("place_aliases", distinct=True)
            )
        )

    def get_changeform_initial_data(self, request):
        """A new citation most likely quotes the office's latest report."""
        initial = super().get_changeform_initial_data(request)
        place = office_of(request.user)
        if place is not None and "report" not in initial:
            latest = (
                SourceReport.objects.filter(chinese_place=place)
                .order_by(*partial_date_order("published", descending=True), "-pk")
                .first()
            )
            if latest is not None:
                initial["report"] = latest.pk
        return initial

    @admin.display(description=_("报告"), ordering="report__title")
    def report_link(self, obj):
        return admin_link(obj.report)

    @admin.display(description=_("原文中找到"), boolean=True)
    def found(self, obj):
        return obj.quote in obj.report.text

    @admin.display(description=_("被引用"), ordering="n_uses")
    def used_by(self, obj):
        return obj.n_uses

    @admin.display(description=_("原文上下文"))
    def context(self, obj):
        if obj.pk is None or not obj.report_id:
            return "—"
        start = obj.offset
        if start < 0:
            return " ".join(str(m) for m in quote_not_found_messages(obj.report, obj.quote))
        text = obj.report.text
        before = text[max(0, start - CONTEXT) : start]
        after = text[start + len(obj.quote) : start + len(obj.quote) + CONTEXT]
        return format_html("…{}<mark>{}</mark>{}…", before, obj.quote, after)

    @admin.display(description=_("引用它的记录"))
    def cited_by(self, obj):
        if obj.pk is None:
            return "—"
        records = [
            *obj.relationships.select_related("chinese_place", "foreign_place"),
            *obj.relationship_stages.select_related("relationship"),
            *obj.exchanges.all(),
            *obj.awards.select_related("award_type", "place"),
            *obj.reported_figures.select_related("chinese_place"),
            *obj.place_aliases.all(),
        ]
        return admin_links(records)
