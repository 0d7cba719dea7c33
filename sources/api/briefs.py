"""Brief forms of source reports and citations, embedded wherever a record cites a report."""

import functools

from django.db.models import Prefetch
from rest_framework import serializers

from sources.models import Citation, SourceReport, short_quote
from utilities.api.serializers import BriefSerializer
from utilities.lookups import EACH_SET, AmongQuery


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


# --- The same records from plain values (``utilities.api.briefs``) ------------------------

# The values a citation's brief is made of, its report's included, in
# ``CitationBriefs.brief``'s order.
CITATION_VALUES = ("id", "quote", "report_id", "report__slug", "report__title", "report__kind")


@functools.cache
def citations_query(relation):
    """The citations of records through ``Citation``'s ``relation`` to them (an
    ``AmongQuery``, one per relation and process)."""
    return AmongQuery(
        Citation.objects.filter(**{f"{relation}__id__among": EACH_SET}).values_list(
            relation, *CITATION_VALUES
        )
    )


@functools.cache
def quotes_query(relation):
    """The quotes of records' citations through ``Citation``'s ``relation`` to them, as
    ``(record id, quote)`` (an ``AmongQuery``, one per relation and process): the exports'
    citation cells."""
    return AmongQuery(
        Citation.objects.filter(**{f"{relation}__id__among": EACH_SET}).values_list(
            relation, "quote"
        )
    )


class CitationBriefs:
    """``CitationBriefSerializer``'s records (with ``SourceReportBriefSerializer``'s report)
    from ``CITATION_VALUES``, each made once per request: shared, so never written."""

    def __init__(self, values):
        self.url = values.url_pattern("api:citation-detail")
        self.report_url = values.url_pattern("api:sourcereport-detail")
        self.report_kinds = values.labels(SourceReport, "kind")
        self.made = {}
        self.reports = {}

    def brief(self, pk, quote, report, slug, title, kind):
        found = self.made.get(pk)
        if found is None:
            start, end = self.url
            found = self.made[pk] = {
                "id": pk,
                "url": f"{start}{pk}{end}",
                "display": short_quote(quote),
                "quote": quote,
                "report": self.report(report, slug, title, kind),
            }
        return found

    def report(self, pk, slug, title, kind):
        found = self.reports.get(pk)
        if found is None:
            start, end = self.report_url
            found = self.reports[pk] = {
                "id": pk,
                "url": f"{start}{pk}{end}",
                "display": title,
                "slug": slug,
                "title": title,
                "kind": kind,
                "kind_display": self.report_kinds.get(kind, kind),
            }
        return found

    def of(self, relation, ids):
        """``{record id: [citation brief, …]}``: the citations of the records ``ids`` (a
        set) through ``Citation``'s ``relation`` to them (``"relationships"``, ``"claims"``),
        in one query, each record's in the order ``brief_citations()`` prefetches them
        (``Citation``'s ordering)."""
        found = {}
        if not ids:
            return found
        brief = self.brief
        for owner, *values in citations_query(relation).rows(ids):
            found.setdefault(owner, []).append(brief(*values))
        return found
