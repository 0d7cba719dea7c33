"""The activity picture in the API: ``/api/relationships/<id>/activity/``,
``/api/places/<id>/activity/`` (a Chinese place, with the places inside it) and the
national ranking ``/api/activity/`` (``sister_cities.api`` routes them). The figures are
computed by :mod:`exchanges.activity`, the same ones the pages draw."""

from django.http import Http404
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, renderers, serializers, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from cities.api.briefs import CooperationFieldBriefSerializer, PlaceBriefSerializer
from cities.models import Place, Relationship
from exchanges.activity import (
    DEFAULT_RANKING_SORT,
    RANKING_SORTS,
    place_picture,
    ranking,
    relationship_activity,
)
from utilities.api.conditional import CachingMixin
from utilities.api.pagination import RegistryPagination
from utilities.api.renderers import CSVRenderer
from utilities.api.views import ExportMixin, StrictRequestMixin


class DepthSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["visits", "projects", "offices", "training"])
    label = serializers.CharField()
    count = serializers.IntegerField()


class ActivitySerializer(serializers.Serializer):
    """Length, breadth, depth and frequency of a relationship's (or a place's) exchanges."""

    began = serializers.CharField(
        source="began_value",
        allow_null=True,
        help_text="When it began (YYYY, YYYY-MM or YYYY-MM-DD, at the source's precision).",
    )
    began_precision = serializers.CharField(allow_null=True)
    length = serializers.IntegerField(
        allow_null=True, help_text="Whole calendar years since it began; null when undated."
    )
    breadth = serializers.IntegerField(help_text="How many fields of cooperation are covered.")
    fields = CooperationFieldBriefSerializer(many=True)
    depth = serializers.IntegerField(
        help_text="How many of the four kinds of exchange (visits, projects, offices, "
        "training) took place."
    )
    depth_counts = DepthSerializer(source="depth_rows", many=True)
    exchanges = serializers.IntegerField(help_text="Exchanges recorded (plans excluded).")
    per_year = serializers.FloatField(
        allow_null=True, help_text="Exchanges per year since it began; null when undated."
    )
    last = serializers.CharField(
        source="last_value", allow_null=True, help_text="The latest dated exchange."
    )
    last_precision = serializers.CharField(allow_null=True)
    relationships = serializers.IntegerField(help_text="Relationships counted.")


class RankingSerializer(ActivitySerializer):
    rank = serializers.IntegerField()
    place = PlaceBriefSerializer()

    @cached_property
    def activity(self):
        # One serializer for every row of a page (making one a row costs more than the row).
        return ActivitySerializer(context=self.context)

    def to_representation(self, instance):
        place, activity = instance
        return {
            "rank": activity.rank,
            "place": self.fields["place"].to_representation(place),
            **self.activity.to_representation(activity),
        }


class ActivityView(StrictRequestMixin, APIView):
    """One record's activity picture (read-only, open to everyone)."""

    http_method_names = ["get", "head", "options"]
    serializer_class = ActivitySerializer

    def picture(self, pk):
        raise NotImplementedError

    def get(self, request, pk):
        picture = self.picture(pk)
        if picture is None:
            raise Http404
        return Response(ActivitySerializer(picture, context={"request": request}).data)


class RelationshipActivityView(ActivityView):
    """A relationship's activity picture: years since it began, fields covered by it and
    its exchanges, which kinds of exchange (visits, projects, offices, training) and how
    often (exchanges per year, the latest)."""

    queryset = Relationship.objects.all()  # the records that have a picture

    @extend_schema(responses=ActivitySerializer, operation_id="relationships_activity")
    def get(self, request, pk):
        return super().get(request, pk)

    def picture(self, pk):
        return relationship_activity(Relationship.objects.filter(pk=pk)).get(pk)


class PlaceActivityView(ActivityView):
    """A Chinese place's activity picture, with the places inside it (a city's counties
    and districts): years since its first relationship began, fields, kinds of exchange
    and frequency. A foreign place has none (404)."""

    queryset = Place.objects.chinese()  # the records that have a picture

    @extend_schema(responses=ActivitySerializer, operation_id="places_activity")
    def get(self, request, pk):
        return super().get(request, pk)

    def picture(self, pk):
        place = Place.objects.chinese().filter(pk=pk).first()
        return place_picture(place, self.request) if place else None


class ActivityRankingViewSet(
    CachingMixin, ExportMixin, mixins.ListModelMixin, viewsets.GenericViewSet
):
    """The national view: Chinese cities (their counties and districts included) ranked by
    the activity of their partner work, best first by ``sort`` (exchanges, per_year,
    breadth, depth, length or relationships; ties by the other figures). ``format=csv``
    gives the whole ranking; ``/api/activity/<place id>/`` one city's row.

    Paged like every list (``RegistryPagination``: ``limit`` a whole number from 1 to 500,
    ``offset`` one from 0); query parameters as strict (an unknown one is a 400). The whole
    ranking in CSV ignores ``limit`` and ``offset`` but still refuses malformed ones: a
    client that sends ``limit=true`` is told so in every format."""

    serializer_class = RankingSerializer
    queryset = Place.objects.none()  # computed by ``get_queryset``
    pagination_class = RegistryPagination
    filter_backends = []
    renderer_classes = [renderers.JSONRenderer, renderers.BrowsableAPIRenderer, CSVRenderer]
    http_method_names = ["get", "head", "options"]

    def allowed_query_parameters(self):
        return super().allowed_query_parameters() | {"sort"}

    def cache_variant(self):
        """Lengths and rates change with the year."""
        return timezone.localdate().isoformat()

    def get_sort(self):
        sort = self.request.query_params.get("sort", DEFAULT_RANKING_SORT)
        if sort not in RANKING_SORTS:
            message = _("不能按此排序。可用：%(names)s。") % {"names": ", ".join(RANKING_SORTS)}
            raise serializers.ValidationError({"sort": [message]})
        return sort

    def get_queryset(self):
        return ranking(self.get_sort(), request=self.request)

    def retrieve(self, request, *args, **kwargs):
        """One city's row of the ranking (by the place's id), with its rank."""
        for place, activity in self.get_queryset():
            if str(place.pk) == str(kwargs.get("pk")):
                return Response(self.get_serializer((place, activity)).data)
        raise Http404

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "sort", OpenApiTypes.STR, enum=list(RANKING_SORTS), default=DEFAULT_RANKING_SORT
            )
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)
