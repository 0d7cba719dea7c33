"""Brief forms of places, relationships, stages and fields of cooperation: how they appear
inside other records (id, url, display, Chinese and English names, country)."""

from rest_framework import serializers

from cities.models import CooperationField, Place, Relationship, RelationshipStage
from utilities.api.fields import CountryField, PartialDateField, PrecisionField
from utilities.api.serializers import BriefSerializer


class PlaceBriefSerializer(BriefSerializer):
    country = CountryField(read_only=True)

    class Meta:
        model = Place
        fields = ["id", "url", "display", "slug", "name_zh", "name_en", "country"]


class RelationshipBriefSerializer(BriefSerializer):
    chinese_place = PlaceBriefSerializer(read_only=True)
    foreign_place = PlaceBriefSerializer(read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Relationship
        fields = ["id", "url", "display", "kind", "kind_display", "chinese_place", "foreign_place"]


class RelationshipStageBriefSerializer(BriefSerializer):
    stage_display = serializers.CharField(source="get_stage_display", read_only=True)
    date = PartialDateField("date", read_only=True)
    date_precision = PrecisionField("date")

    class Meta:
        model = RelationshipStage
        fields = [
            "id",
            "url",
            "display",
            "stage",
            "stage_display",
            "date",
            "date_precision",
            "document",
        ]


class CooperationFieldBriefSerializer(BriefSerializer):
    class Meta:
        model = CooperationField
        fields = ["id", "url", "display", "slug", "name_zh", "name_en"]
