"""Serializers for source reports (with their citations) and citations.

A report's Chinese place is a place of ``cities``, the app above this one (every record
there cites a report's passage): its field names no serializer, so it is embedded with the
one place brief, ``cities.api.briefs.PlaceBriefSerializer``, which ``BriefRelatedField``
finds from ``SourceReport.chinese_place`` when the API runs, as the model itself names
``"cities.Place"`` without importing it.
"""

from rest_framework import serializers

from sources.models import Citation, SourceReport
from utilities.api.fields import BriefRelatedField, PartialDateField, PrecisionField
from utilities.api.serializers import RegistrySerializer
from utilities.api.strict_fields import NormalisedTextField

from .briefs import ReportCitationSerializer, SourceReportBriefSerializer


class SourceReportSerializer(RegistrySerializer):
    chinese_place = BriefRelatedField()
    published = PartialDateField("published")
    published_precision = PrecisionField("published")
    script_display = serializers.CharField(source="get_script_display", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    # The model's ``url`` is where the report was published; ``url`` here is the record's.
    source_url = serializers.URLField(
        source="url", required=False, allow_blank=True, max_length=200
    )
    citations = ReportCitationSerializer(many=True, read_only=True)
    text = NormalisedTextField(
        help_text="The report's whole text, stored with LF line endings, in Unicode NFC and "
        "without trailing spaces on its lines.",
    )

    class Meta:
        model = SourceReport
        fields = [
            "id", "url", "display", "slug", "title", "title_en", "kind", "kind_display",
            "chinese_place", "publisher", "published",
            "published_precision", "script", "script_display", "source_url", "text", "notes",
            "citations", "created", "last_updated",
        ]  # fmt: skip


class CitationSerializer(RegistrySerializer):
    report = BriefRelatedField(SourceReportBriefSerializer, queryset=SourceReport.objects.all())
    offset = serializers.IntegerField(
        read_only=True,
        help_text="Where the quote starts in its report's text (-1: not found).",
    )
    quote = NormalisedTextField(
        strip=True,
        help_text="A passage of the report. Whitespace between its characters may differ "
        "from the report's: the report's exact passage is stored.",
    )

    class Meta:
        model = Citation
        fields = [
            "id",
            "url",
            "display",
            "report",
            "quote",
            "offset",
            "note",
            "created",
            "last_updated",
        ]
