"""Serializers for award types (named as conferred) and the awards granted."""

from rest_framework import serializers

from awards.models import Award, AwardType
from cities.api.briefs import PlaceBriefSerializer, RelationshipBriefSerializer
from cities.models import Place, Relationship
from sources.api.fields import citations_field
from utilities.api.fields import BriefRelatedField, PartialDateField, PrecisionField
from utilities.api.serializers import RegistrySerializer

from .briefs import AwardTypeBriefSerializer


class AwardTypeSerializer(RegistrySerializer):
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    predecessor = BriefRelatedField(
        AwardTypeBriefSerializer,
        queryset=AwardType.objects.all(),
        allow_null=True,
        required=False,
    )

    class Meta:
        model = AwardType
        fields = [
            "id", "url", "display", "name_zh", "name_en", "conferred_by_zh", "conferred_by_en",
            "level", "level_display", "predecessor", "notes", "created", "last_updated",
        ]  # fmt: skip


class AwardSerializer(RegistrySerializer):
    award_type = BriefRelatedField(AwardTypeBriefSerializer, queryset=AwardType.objects.all())
    chinese_place = BriefRelatedField(PlaceBriefSerializer, queryset=Place.objects.all())
    recipient_kind_display = serializers.CharField(
        source="get_recipient_kind_display", read_only=True
    )
    place = BriefRelatedField(
        PlaceBriefSerializer, queryset=Place.objects.all(), allow_null=True, required=False
    )
    relationship = BriefRelatedField(
        RelationshipBriefSerializer,
        queryset=Relationship.objects.all(),
        allow_null=True,
        required=False,
    )
    recipient = serializers.CharField(source="recipient_display", read_only=True)
    conferred = PartialDateField("conferred")
    conferred_precision = PrecisionField("conferred")
    citations = citations_field()

    class Meta:
        model = Award
        fields = [
            "id", "url", "display", "award_type", "chinese_place", "recipient_kind",
            "recipient_kind_display", "recipient", "place", "relationship", "person_name",
            "person_count", "country_count", "conferred", "conferred_precision", "notes",
            "editors_note", "citations", "created", "last_updated",
        ]  # fmt: skip
