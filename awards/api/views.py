"""API viewsets for award types and awards."""

from awards.filtersets import AwardFilterSet, AwardTypeFilterSet
from awards.models import Award, AwardType
from offices.api import OfficeViewSet
from sources.api.briefs import brief_citations
from utilities.api.views import TIMESTAMPS

from . import serializers
from .briefs import AwardTypeBriefSerializer


class AwardTypeViewSet(OfficeViewSet):
    """Award types, named as they were conferred (CPAFFC renamed its awards in 2024: a
    renamed award is a new type pointing to its predecessor). Reference data that only
    superusers change."""

    queryset = AwardType.objects.select_related("predecessor")
    serializer_class = serializers.AwardTypeSerializer
    brief_serializer_class = AwardTypeBriefSerializer
    filterset_class = AwardTypeFilterSet
    ordering_fields = {"name_zh": ["name_zh"], "level": ["level", "name_zh"], **TIMESTAMPS}


class AwardViewSet(OfficeViewSet):
    """Awards granted to a place, a pair of partners, a named person or a number of people
    (when a report gives only a count), as recorded by a Chinese city's office."""

    queryset = Award.objects.select_related(
        "award_type",
        "chinese_place",
        "place",
        "relationship__chinese_place",
        "relationship__foreign_place",
    ).prefetch_related(brief_citations())
    serializer_class = serializers.AwardSerializer
    filterset_class = AwardFilterSet
    ordering_fields = {
        "conferred": ["conferred_year", "conferred_month", "conferred_day"],
        "award_type": ["award_type__name_zh"],
        **TIMESTAMPS,
    }
