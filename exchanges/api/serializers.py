"""Serializers for exchanges and the counts a report gives for them."""

from rest_framework import serializers

from cities.api.briefs import (
    CooperationFieldBriefSerializer,
    PlaceBriefSerializer,
    RelationshipBriefSerializer,
)
from cities.models import CooperationField, Place, Relationship
from exchanges.models import Exchange, ExchangeCount, Region
from sources.api.fields import citations_field
from utilities.api.fields import BriefRelatedField, CountryField, PartialDateField, PrecisionField
from utilities.api.serializers import BriefSerializer, PlannedReading, RegistrySerializer
from utilities.api.strict_fields import CountField


class ExchangeCountSerializer(PlannedReading, serializers.ModelSerializer):
    """A number the report gives ("300多名嘉宾"), with its qualifier and unit."""

    display = serializers.CharField(read_only=True)
    qualifier_display = serializers.CharField(source="get_qualifier_display", read_only=True)
    value = CountField(min_value=0)
    value_max = CountField(
        min_value=0,
        required=False,
        allow_null=True,
        help_text="The upper bound when the report gives a range (1–2); null otherwise.",
    )

    class Meta:
        model = ExchangeCount
        fields = [
            "id", "display", "value", "value_max", "qualifier", "qualifier_display", "unit_zh",
            "unit_en",
        ]  # fmt: skip


class RegionBriefSerializer(BriefSerializer):
    class Meta:
        model = Region
        fields = ["id", "url", "display", "slug", "name_zh", "name_en"]


class RegionSerializer(RegistrySerializer):
    countries = serializers.ListField(child=CountryField(), required=False)

    class Meta:
        model = Region
        fields = [
            "id", "url", "display", "slug", "name_zh", "name_en", "countries", "notes",
            "created", "last_updated",
        ]  # fmt: skip


class ExchangeSerializer(RegistrySerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    chinese_place = BriefRelatedField(PlaceBriefSerializer, queryset=Place.objects.all())
    relationship = BriefRelatedField(
        RelationshipBriefSerializer,
        queryset=Relationship.objects.all(),
        allow_null=True,
        required=False,
    )
    places = BriefRelatedField(
        PlaceBriefSerializer, many=True, queryset=Place.objects.all(), required=False
    )
    countries = serializers.ListField(child=CountryField(), required=False)
    regions = BriefRelatedField(
        RegionBriefSerializer, many=True, queryset=Region.objects.all(), required=False
    )
    fields = BriefRelatedField(
        CooperationFieldBriefSerializer,
        many=True,
        queryset=CooperationField.objects.all(),
        required=False,
    )
    start = PartialDateField("start")
    start_precision = PrecisionField("start")
    end = PartialDateField("end")
    end_precision = PrecisionField("end")
    counts = ExchangeCountSerializer(many=True, read_only=True)
    citations = citations_field()

    class Meta:
        model = Exchange
        fields = [
            "id", "url", "display", "title_zh", "title_en", "kind", "kind_display",
            "chinese_place", "relationship", "places", "countries", "regions", "fields", "description",
            "start", "start_precision", "end", "end_precision", "planned", "counts",
            "editors_note", "citations", "created", "last_updated",
        ]  # fmt: skip
