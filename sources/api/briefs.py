"""Brief forms of source reports and citations, embedded wherever a record cites a report."""

from django.db.models import Prefetch
from rest_framework import serializers

from sources.models import Citation, SourceReport
from utilities.api.serializers import BriefSerializer


class SourceReportBriefSerializer(BriefSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = SourceReport
        fields = ["id", "url", "display", "slug", "title", "kind", "kind_display"]


class CitationBriefSerializer(BriefSerializer):
    report = SourceReportBriefSerializer(read_only=True)

    class Meta:
        model = Citation
        fields = ["id", "url", "display", "quote", "report"]


class ReportCitationSerializer(BriefSerializer):
    """A citation listed under its own report (the report is the parent)."""

    class Meta:
        model = Citation
        fields = ["id", "url", "display", "quote", "note"]


def brief_citations():
    """Prefetch for a record's citations in brief form: their report's title, never the
    report's whole text."""
    return Prefetch(
        "citations", queryset=Citation.objects.select_related("report").defer("report__text")
    )
