"""API viewsets for source reports (each with its citations) and citations."""

from django.db.models import Prefetch

from offices.api import OfficeViewSet
from sources.filtersets import CitationFilterSet, SourceReportFilterSet
from sources.models import Citation, SourceReport
from utilities.api.views import TIMESTAMPS

from . import serializers
from .briefs import CitationBriefSerializer, SourceReportBriefSerializer


class SourceReportViewSet(OfficeViewSet):
    """Source reports: a municipal foreign-affairs office's report kept whole, byte for
    byte, with the verbatim quotes (citations) that the registry's records rest on."""

    queryset = SourceReport.objects.select_related("chinese_place").prefetch_related(
        Prefetch("citations", queryset=Citation.objects.order_by("pk"))
    )
    serializer_class = serializers.SourceReportSerializer
    brief_serializer_class = SourceReportBriefSerializer
    filterset_class = SourceReportFilterSet
    ordering_fields = {
        "published": ["published_year", "published_month", "published_day"],
        "title": ["title"],
        "slug": ["slug"],
        **TIMESTAMPS,
    }


class CitationViewSet(OfficeViewSet):
    """Citations: a verbatim quote from one report; a quote not found in its report's
    text is refused."""

    # The report (and its text, for the quote's offset) comes in one extra query for the
    # whole page, not joined onto every row.
    queryset = Citation.objects.prefetch_related("report")
    serializer_class = serializers.CitationSerializer
    brief_serializer_class = CitationBriefSerializer
    filterset_class = CitationFilterSet
    ordering_fields = {"report": ["report__slug"], **TIMESTAMPS}
