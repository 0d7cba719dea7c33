"""Serializer for partner-seeking notices."""

from rest_framework import serializers

from cities.api.briefs import CooperationFieldBriefSerializer, PlaceBriefSerializer
from cities.models import CooperationField, Place
from notices.models import Notice
from utilities.api.fields import BriefRelatedField, CountryField
from utilities.api.serializers import RegistrySerializer


class NoticeSerializer(RegistrySerializer):
    chinese_place = BriefRelatedField(PlaceBriefSerializer, queryset=Place.objects.all())
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    countries = serializers.ListField(child=CountryField(), required=False)
    fields = BriefRelatedField(
        CooperationFieldBriefSerializer,
        many=True,
        queryset=CooperationField.objects.all(),
        required=False,
    )
    is_open = serializers.BooleanField(
        read_only=True, help_text="Still seeking: the end date (`until`) is today or later."
    )

    class Meta:
        model = Notice
        fields = [
            "id", "url", "display", "chinese_place", "title_zh", "title_en", "kind",
            "kind_display", "countries", "regions", "population_min", "population_max",
            "fields", "description", "contact", "posted", "until", "is_open", "created",
            "last_updated",
        ]  # fmt: skip
