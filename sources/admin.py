"""Admin for source reports (kept whole) and the verbatim citations every record rests on."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AdminTextareaWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from offices.admin_mixins import EditableFilter, RegistryAdmin
from offices.rules import can_change, office_of, refusal
from utilities.admin.display import admin_link, admin_links, changelist_link, partial_date_column
from utilities.admin.filters import chinese_place_filter, year_filter
from utilities.partial_dates import partial_date_order

from .forms import SourceReportForm
from .models import Citation, SourceReport, quote_not_found_messages
from .passages import parse_passage
from .reading import cited_records, citing_accessors, highlight, whats_left
from .resources import CitationResource, SourceReportResource

# Characters of report text shown either side of a quote.
CONTEXT = 80

# The forms a passage can open, prefilled ("record from this passage").
PASSAGE_TARGETS = [
    (_("友好关系"), "cities", "relationship"),
    (_("阶段日期"), "cities", "relationshipstage"),
    (_("交流项目"), "exchanges", "exchange"),
    (_("获奖"), "awards", "award"),
    (_("报告数字"), "cities", "reportedfigure"),
]
NO_SELECTION = _("请先在报告全文中选中要引用的文字。")
CITED = _("已保存引文“%(quote)s”。")
CITED_BY_SELECTION = "引用所选原文"


KINDS = {"sister": _("友好城市"), "friendly": _("友好交流（合作）城市")}
STAGES = {"intent": _("意向/备忘录"), "agreement": _("签署协议"), "ended": _("终止")}


def reading_of(citation, report):
    """What the parser reads in a passage, shown before any form is opened:
    (label, values) pairs."""
    passage = parse_passage(citation.quote, report.published)
    rows = [
        (_("日期"), [found.date.format() for found in passage.dates]),
        (_("数字"), [quantity.text for quantity in passage.quantities]),
        (_("类别"), [f"{KINDS[passage.kind]}（{passage.kind_wording}）"] if passage.kind else []),
        (_("阶段"), [str(STAGES[passage.stage])] if passage.stage else []),
        (_("文件"), [passage.document] if passage.document else []),
    ]
    return [(label, values) for label, values in rows if values]


def short(text, length=40):
    return text if len(text) <= length else text[:length] + "…"


@admin.register(SourceReport)
class SourceReportAdmin(RegistryAdmin):
    form = SourceReportForm
    list_display = [
        "title",
        "reader_link",
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
            {
                "fields": [
                    "title",
                    "title_en",
                    "slug",
                    "kind",
                    "chinese_place",
                    "publisher",
                    "script",
                    "url",
                ]
            },
        ),
        (
            _("发布日期（按报告给出的精度填写）"),
            {"fields": [("published_year", "published_month", "published_day")]},
        ),
        (
            _("全文"),
            {
                "fields": ["text", "upload", "notes"],
                "description": _(
                    "粘贴全文或上传文件。保存时换行统一、行末空格去掉；"
                    "与已登记报告全文相同，或城市、日期、标题都相同的，不能重复登记。"
                ),
            },
        ),
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

    @admin.display(description=_("阅读与引用"))
    def reader_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:sources_sourcereport_read", args=[obj.pk]),
            _("阅读"),
        )

    # The reader: the report's text with its cited passages, where a selection becomes a
    # citation and a citation opens the form of the record it states. -------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/read/", view(self.reader_view), name="sources_sourcereport_read"
            ),
            path(
                "<path:object_id>/cite/",
                view(require_POST(self.cite_view)),
                name="sources_sourcereport_cite",
            ),
            path("<path:object_id>/left/", view(self.left_view), name="sources_sourcereport_left"),
            *super().get_urls(),
        ]

    def readable_report(self, request, object_id):
        report = self.get_object(request, unquote(object_id))
        if report is None or not self.has_view_permission(request, report):
            raise Http404
        return report

    def may_cite(self, request, report):
        return request.user.has_perm("sources.add_citation") and can_change(
            request.user, Citation(report=report)
        )

    def record_links(self, request, citation):
        """ "Record from this passage": the add forms the user may open, prefilled."""
        links = []
        for label_, app_label, model_name in PASSAGE_TARGETS:
            model_admin = next(
                (
                    ma
                    for model, ma in self.admin_site._registry.items()
                    if model._meta.app_label == app_label and model._meta.model_name == model_name
                ),
                None,
            )
            if model_admin is None or not model_admin.has_add_permission(request):
                continue
            url = reverse(f"admin:{app_label}_{model_name}_add")
            links.append((label_, f"{url}?passage={citation.pk}", model_name))
        return links

    def reader_view(self, request, object_id):
        report = self.readable_report(request, object_id)
        citations = list(
            report.citations.prefetch_related(
                *citing_accessors(Citation),
            )
        )
        segments = highlight(report.text, citations)
        citations.sort(key=lambda c: (not c.found, report.text.find(c.quote)))
        for number, citation in enumerate(citations, start=1):
            citation.number = number
            citation.record_list = cited_records(citation)
        chosen = None
        value = request.GET.get("citation", "")
        if value.isdigit():
            chosen = next((c for c in citations if c.pk == int(value)), None)
        may_cite = self.may_cite(request, report)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": report.title,
            "subtitle": _("阅读与引用"),
            "report": report,
            "segments": segments,
            "citations": citations,
            "chosen": chosen,
            "chosen_links": self.record_links(request, chosen) if chosen and may_cite else [],
            "reading": reading_of(chosen, report) if chosen else [],
            "may_cite": may_cite,
            "refusal": None if may_cite else refusal(request.user, report),
            "may_change": self.has_change_permission(request, report),
        }
        return TemplateResponse(request, "admin/sources/sourcereport/reader.html", context)

    def cite_view(self, request, object_id):
        """A selection of the reader becomes a citation: the exact span of the stored text
        (offsets into it), so hidden spaces and column breaks cannot make it differ."""
        report = self.readable_report(request, object_id)
        if not self.may_cite(request, report):
            raise PermissionDenied(refusal(request.user, report))
        reader = reverse("admin:sources_sourcereport_read", args=[report.pk])
        try:
            start, end = int(request.POST.get("start", "")), int(request.POST.get("end", ""))
        except ValueError:
            start = end = -1
        text = report.text
        if not (0 <= start < end <= len(text)):
            messages.error(request, NO_SELECTION)
            return HttpResponseRedirect(reader)
        quote = text[start:end].strip()
        if not quote:
            messages.error(request, NO_SELECTION)
            return HttpResponseRedirect(reader)
        citation = Citation.objects.filter(report=report, quote=quote).first()
        if citation is None:
            citation = Citation(report=report, quote=quote)
            citation._change_reason = CITED_BY_SELECTION
            try:
                with transaction.atomic():
                    citation.full_clean()
                    citation.save()
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
                return HttpResponseRedirect(reader)
            messages.success(request, CITED % {"quote": short(citation.quote)})
        return HttpResponseRedirect(f"{reader}?citation={citation.pk}#passage")

    def left_view(self, request, object_id):
        report = self.readable_report(request, object_id)
        left = whats_left(report)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("尚未录入：%(title)s") % {"title": report.title},
            "report": report,
            "left": left,
            "may_cite": self.may_cite(request, report),
        }
        return TemplateResponse(request, "admin/sources/sourcereport/left.html", context)

    @admin.display(description=_("引文"), ordering="n_citations")
    def citation_count(self, obj):
        return changelist_link(Citation, obj.n_citations, report__id__exact=obj.pk)

    @admin.display(description=_("本报告的引文"))
    def citations_display(self, obj):
        if obj.pk is None:
            return "—"
        return format_html(
            '{} · <a href="{}">{}</a> · <a href="{}">{}</a>',
            changelist_link(
                Citation,
                _("%(count)s 条引文") % {"count": obj.citations.count()},
                report__id__exact=obj.pk,
            ),
            reverse("admin:sources_sourcereport_read", args=[obj.pk]),
            _("阅读与引用"),
            reverse("admin:sources_sourcereport_left", args=[obj.pk]),
            _("尚未录入"),
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
