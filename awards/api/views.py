"""API viewsets for award types and awards."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import serializers as drf_serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from awards import services
from awards.filtersets import AwardFilterSet, AwardTypeFilterSet
from awards.models import Award, AwardType, AwardTypeAlias
from offices.api import OfficePermission, OfficeViewSet
from offices.rules import office_of
from sources.api.briefs import brief_citations
from utilities.api.views import TIMESTAMPS

from . import serializers
from .briefs import AwardTypeBriefSerializer


class AwardTypePermission(OfficePermission):
    """Reference data that only superusers change, except that an office may propose a
    new award type (a create, saved as "proposed")."""

    def has_permission(self, request, view):
        if getattr(view, "action", None) == "create":
            user = request.user
            return bool(
                user
                and user.is_authenticated
                and user.is_staff
                and (user.is_superuser or office_of(user) is not None)
            )
        return super().has_permission(request, view)

    def has_object_permission(self, request, view, obj):
        if getattr(view, "action", None) == "create" and obj.pk is None:
            return True
        if getattr(view, "action", None) == "merge":
            return request.user.is_superuser
        return super().has_object_permission(request, view, obj)


class AwardTypeViewSet(OfficeViewSet):
    """Award types, named as they were conferred (CPAFFC renamed its awards in 2024: a
    renamed award is a new type pointing to its predecessor), with their other spellings
    (``aliases``). Superusers change them; an office may propose one (``status``
    "proposed") for a superuser to confirm, rename or merge."""

    permission_classes = [AwardTypePermission]
    queryset = AwardType.objects.select_related("predecessor").prefetch_related(
        Prefetch("aliases", queryset=AwardTypeAlias.objects.order_by("name"))
    )
    serializer_class = serializers.AwardTypeSerializer
    brief_serializer_class = AwardTypeBriefSerializer
    filterset_class = AwardTypeFilterSet
    ordering_fields = {"name_zh": ["name_zh"], "level": ["level", "name_zh"], **TIMESTAMPS}

    @extend_schema(request=serializers.MergeSerializer, responses=serializers.AwardTypeSerializer)
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        """Merge this award type into another (superusers): its awards move there, its
        names become the other's aliases, and it is deleted (its history is kept)."""
        source = self.get_object()
        body = serializers.MergeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        target = body.validated_data["into"]
        try:
            services.merge_award_types(source, target, request.user)
        except DjangoValidationError as error:
            raise drf_serializers.ValidationError({"into": error.messages}) from None
        target = self.get_queryset().get(pk=target.pk)
        return Response(self.get_serializer(target).data)


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
