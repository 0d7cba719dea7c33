"""Public pages for the source reports: the list, and each report's text with every cited
passage highlighted and linked to the records that cite it."""

from django.db.models import Count, Prefetch
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView

from awards.models import Award
from cities.models import Relationship, RelationshipStage
from utilities.views import FilteredListView

from .filtersets import SourceReportFilterSet
from .models import SourceReport


class SourceReportListView(FilteredListView):
    model = SourceReport
    template_name = "sources/sourcereport_list.html"
    filterset_class = SourceReportFilterSet
    filter_controls = ["q", "chinese_place", "year_min", "year_max"]
    sort_options = {
        "date": (_("发布日期"), ["published_year", "published_month", "published_day", "slug"]),
        "city": (_("城市"), ["chinese_place__name_en", "published_year"]),
    }
    default_sort = "date"

    def get_base_queryset(self):
        return SourceReport.objects.select_related("chinese_place").annotate(
            citation_count=Count("citations")
        )

    def control_options(self, name, field):
        if name == "chinese_place":
            return [
                (place.slug, str(place))
                for place in field.queryset.filter(source_reports__isnull=False).distinct()
            ]
        return super().control_options(name, field)


def citation_records(citation):
    """Every record that cites the passage, as (kind label, text, url)."""
    records = []
    for relationship in citation.relationships.all():
        records.append((_("友好关系"), str(relationship), relationship.get_absolute_url()))
    for stage in citation.relationship_stages.all():
        text = f"{stage.relationship} · {stage}"
        records.append((_("阶段日期"), text, stage.get_absolute_url()))
    for exchange in citation.exchanges.all():
        records.append((_("交流项目"), exchange.display_title(), exchange.get_absolute_url()))
    for award in citation.awards.all():
        records.append((_("获奖"), str(award), award.get_absolute_url()))
    for figure in citation.reported_figures.all():
        records.append((_("报告数字"), str(figure), figure.get_absolute_url()))
    for alias in citation.place_aliases.all():
        text = f"{alias.name} → {alias.place}"
        records.append((_("别名"), text, alias.get_absolute_url()))
    return records


def highlight(text, citations):
    """Split the report's text into segments, each knowing which citations cover it, which
    start there (for the anchor) and which end there (for the reference mark)."""
    spans = []
    for number, citation in enumerate(citations, start=1):
        start = text.find(citation.quote)
        citation.number = number
        citation.found = start >= 0
        if start >= 0:
            spans.append((start, start + len(citation.quote), citation))
    bounds = sorted({0, len(text), *(s for s, _e, _c in spans), *(e for _s, e, _c in spans)})
    segments = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        segments.append(
            {
                "text": text[a:b],
                "covering": [c for s, e, c in spans if s <= a and b <= e],
                "starts": [c for s, _e, c in spans if s == a],
                "ends": [c for _s, e, c in spans if e == b],
            }
        )
    return segments


class SourceReportDetailView(DetailView):
    model = SourceReport
    slug_field = "slug"
    context_object_name = "report"
    template_name = "sources/sourcereport_detail.html"

    def get_queryset(self):
        return SourceReport.objects.select_related("chinese_place__parent")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.object
        related = Relationship.objects.select_related("chinese_place", "foreign_place")
        citations = list(
            report.citations.prefetch_related(
                Prefetch("relationships", queryset=related),
                Prefetch(
                    "relationship_stages",
                    queryset=RelationshipStage.objects.select_related(
                        "relationship__chinese_place", "relationship__foreign_place"
                    ),
                ),
                "exchanges",
                Prefetch(
                    "awards",
                    queryset=Award.objects.select_related(
                        "award_type",
                        "place",
                        "relationship__chinese_place",
                        "relationship__foreign_place",
                    ),
                ),
                "reported_figures__chinese_place",
                "place_aliases__place",
            )
        )
        segments = highlight(report.text, citations)
        citations.sort(key=lambda citation: (not citation.found, report.text.find(citation.quote)))
        for number, citation in enumerate(citations, start=1):
            citation.number = number
            citation.records = citation_records(citation)
        context.update(segments=segments, citations=citations)
        return context
