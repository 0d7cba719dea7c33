"""API viewsets for places, relationships, their stages, reported figures and fields of
cooperation, plus two computed views: reported vs recorded per Chinese city, and the
upcoming round anniversaries of when relationships began (JSON, CSV or an iCalendar
feed)."""

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from rest_framework import mixins, renderers, viewsets

from cities.anniversaries import UpcomingAnniversaries, may_fall_in_window
from cities.choices import Stage
from cities.filtersets import (
    ClaimFilterSet,
    CooperationFieldFilterSet,
    PlaceFilterSet,
    RelationshipFilterSet,
    RelationshipStageFilterSet,
    ReportedFigureFilterSet,
    ReportedStatementFilterSet,
    RuleAcknowledgementFilterSet,
)
from cities.models import (
    Claim,
    CooperationField,
    Place,
    Relationship,
    RelationshipStage,
    ReportedFigure,
    ReportedStatement,
    RuleAcknowledgement,
)
from offices.api import OfficePermission, OfficeViewSet, ReadOnlyOfficeViewSet
from sources.api.briefs import brief_citations
from utilities.api.conditional import CachingMixin
from utilities.api.filter_backends import RegistryFilterBackend
from utilities.api.pagination import RegistryPagination
from utilities.api.renderers import CSVRenderer, GeoJSONRenderer, ICalendarRenderer
from utilities.api.views import TIMESTAMPS, ExportMixin
from utilities.generation import with_generation
from utilities.pagination import rows_by_ids, whole_list_ids

from . import serializers
from .briefs import (
    CooperationFieldBriefSerializer,
    PlaceBriefSerializer,
    RelationshipBriefSerializer,
    RelationshipStageBriefSerializer,
)
from .comparisons import comparison_places
from .exports import RelationshipRows
from .records import RelationshipFeatures, RelationshipRecords


def claims_prefetch():
    """A relationship's stages with their claims, and its own claims, each with brief
    citations: a fixed number of queries for any number of relationships."""
    claims = Claim.objects.prefetch_related(brief_citations())
    # Each record's rows in the order of their model's ``Meta.ordering`` less the keys that
    # are the same for all of them (the relationship, whose order is its places' names):
    # the same order without joining every row to those places.
    stages = RelationshipStage.objects.order_by("date_year", "date_month", "date_day", "pk")
    step_claims = claims.order_by("pk")  # one step's claims: all about its date
    relationship_claims = claims.order_by(
        "subject", "step__date_year", "step__date_month", "step__date_day", "step_id", "pk"
    )
    return [
        Prefetch("stages", queryset=stages.prefetch_related(
            Prefetch("claims", queryset=step_claims)
        )),
        Prefetch("claims", queryset=relationship_claims),
    ]  # fmt: skip


class PlaceViewSet(OfficeViewSet):
    """Places: Chinese and foreign administrative units of any level (province, city,
    county, district, development zone; a foreign city, département or ward). Foreign
    places are shared by every office; a Chinese place is changed by its own office."""

    queryset = Place.objects.select_related("parent").prefetch_related("aliases")
    serializer_class = serializers.PlaceSerializer
    brief_serializer_class = PlaceBriefSerializer
    filterset_class = PlaceFilterSet
    renderer_classes = [*OfficeViewSet.renderer_classes, GeoJSONRenderer]
    ordering_fields = {
        "name_zh": ["name_zh"],
        "name_en": ["name_en"],
        "country": ["country", "name_zh"],
        "level": ["level", "name_zh"],
        **TIMESTAMPS,
    }


class RelationshipPagination(RegistryPagination):
    """All relationships in an order of their places' names, which no index holds: their
    ids in that order are kept for the generation of the tables read (``whole_list_ids``), so
    a page is the rows of its slice of them, not a sort of 50,000 rows, and they are
    counted without a COUNT. A filtered list is counted and read as it is."""

    def paginate_queryset(self, queryset, request, view=None):
        limit, offset = self.get_limit(request), self.get_offset(request)  # 400 if malformed
        ids = whole_list_ids(queryset, with_generation(request))
        if ids is None or limit is None:
            return super().paginate_queryset(queryset, request, view)
        self.request, self.limit, self.offset = request, limit, offset
        self.count = len(ids)
        if self.count > self.limit and self.template is not None:
            self.display_page_controls = True
        if self.count == 0 or self.offset > self.count:
            return []
        page_ids = ids[self.offset : self.offset + self.limit]
        if self.ids_only:  # the ids of this generation's list: each row is there
            return list(page_ids)
        return self.read_page(queryset, lambda rows: rows_by_ids(rows, page_ids))


class RelationshipViewSet(OfficeViewSet):
    """Partner relationships: a Chinese place and a foreign place, a sister city (友好城市)
    or a friendly-exchange city (友好交流/合作城市), with the report's own wording, the
    current stage and the dated stages (intent, agreement, active, ended)."""

    queryset = Relationship.objects.select_related(
        "chinese_place", "foreign_place"
    ).prefetch_related("fields", *claims_prefetch(), brief_citations())
    serializer_class = serializers.RelationshipSerializer
    brief_serializer_class = RelationshipBriefSerializer
    filterset_class = RelationshipFilterSet
    pagination_class = RelationshipPagination
    renderer_classes = [*OfficeViewSet.renderer_classes, GeoJSONRenderer]
    # The whole registry's CSV in flat rows (the serializer's cells, 20 times faster).
    flat_row_classes = {"csv": RelationshipRows}
    # A JSON page's records from plain values (the serializer's, some half the time).
    page_record_classes = {"json": RelationshipRecords}
    # The whole registry's GeoJSON from the same records (the serializer's, 8 times faster).
    stream_record_classes = {"geojson": RelationshipFeatures}
    ordering_fields = {
        "chinese_place": ["chinese_place__name_zh", "foreign_place__name_zh"],
        "foreign_place": ["foreign_place__name_zh"],
        "country": ["foreign_place__country", "foreign_place__name_zh"],
        "kind": ["kind"],
        "stage": ["stage"],
        **TIMESTAMPS,
    }


class RelationshipStageViewSet(OfficeViewSet):
    """The dated stages of relationships: a letter of intent or memorandum, the agreement,
    the relationship active, its end. Dates keep the source's precision."""

    queryset = RelationshipStage.objects.select_related(
        "relationship__chinese_place", "relationship__foreign_place"
    ).prefetch_related(brief_citations())
    serializer_class = serializers.RelationshipStageSerializer
    brief_serializer_class = RelationshipStageBriefSerializer
    filterset_class = RelationshipStageFilterSet
    ordering_fields = {
        "date": ["date_year", "date_month", "date_day"],
        "stage": ["stage"],
        **TIMESTAMPS,
    }


class ClaimViewSet(OfficeViewSet):
    """What a source other than the registry's own rows says about a relationship's dated
    step (its date), kind or level: the partner's page, the agreement text, a national
    roll, a news item, each with its citation. Where the claims cannot all be true the
    relationship's ``disputes`` show each side."""

    queryset = Claim.objects.select_related(
        "relationship__chinese_place", "relationship__foreign_place", "step"
    ).prefetch_related(brief_citations())
    serializer_class = serializers.ClaimSerializer
    filterset_class = ClaimFilterSet
    ordering_fields = {
        "date": ["date_year", "date_month", "date_day"],
        "subject": ["subject"],
        **TIMESTAMPS,
    }


class RuleAcknowledgementViewSet(OfficeViewSet):
    """National-rule warnings that staff accept, with their reason (who accepted one is
    shown to staff only). An acknowledged warning no longer appears in a relationship's `warnings` nor on the
    dashboard; delete the acknowledgement to see it again."""

    queryset = RuleAcknowledgement.objects.select_related(
        "relationship__chinese_place", "relationship__foreign_place", "user"
    )
    serializer_class = serializers.RuleAcknowledgementSerializer
    filterset_class = RuleAcknowledgementFilterSet
    ordering_fields = {"rule": ["rule"], **TIMESTAMPS}


class ReportedFigureViewSet(OfficeViewSet):
    """Totals a report states for a Chinese city ("其中友好城市23个"), with the qualifier
    that keeps "20多个" from becoming 20, the as-of date and the citation."""

    queryset = ReportedFigure.objects.select_related("chinese_place").prefetch_related(
        brief_citations()
    )
    serializer_class = serializers.ReportedFigureSerializer
    filterset_class = ReportedFigureFilterSet
    ordering_fields = {
        "place": ["chinese_place__name_zh"],
        "metric": ["metric"],
        "value": ["value"],
        "as_of": ["as_of_year", "as_of_month", "as_of_day"],
        **TIMESTAMPS,
    }


class ReportedStatementViewSet(OfficeViewSet):
    """What a report states about a Chinese city's partner work that no number holds
    ("总量位居全国前列"), with its citation."""

    queryset = ReportedStatement.objects.select_related("chinese_place").prefetch_related(
        brief_citations()
    )
    serializer_class = serializers.ReportedStatementSerializer
    filterset_class = ReportedStatementFilterSet
    ordering_fields = {"kind": ["kind"], **TIMESTAMPS}


class CooperationFieldViewSet(OfficeViewSet):
    """Fields of cooperation (经贸, 文化, 教育, …) that tag relationships and exchanges;
    reference data that only superusers change."""

    queryset = CooperationField.objects.all()
    serializer_class = serializers.CooperationFieldSerializer
    filterset_class = CooperationFieldFilterSet
    brief_serializer_class = CooperationFieldBriefSerializer
    ordering_fields = {"name_zh": ["name_zh"], "name_en": ["name_en"], **TIMESTAMPS}


class ComparisonViewSet(ReadOnlyOfficeViewSet):
    """Reported vs recorded, per Chinese city that states totals or publishes reports: each
    total its reports give beside the number of current relationships the registry holds
    for the city and the places inside it, and how many records are missing."""

    queryset = comparison_places().prefetch_related("reported_figures")
    serializer_class = serializers.ComparisonSerializer
    brief_serializer_class = PlaceBriefSerializer
    filterset_class = PlaceFilterSet
    ordering_fields = {"name_zh": ["name_zh"], "name_en": ["name_en"], "id": ["pk"]}


class AnniversaryViewSet(CachingMixin, ExportMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Round anniversaries (5, 10, 15, 20, 25, 30, 40, 50 years) in the next twelve months
    of when relationships began (their dated agreement, else their earliest letter of
    intent, memorandum or "active" step; relationships still at the intent stage or ended
    have none), soonest first; the same filters as relationships (``chinese_place=wuhan``
    gives one city's, its counties' and districts' included). ``format=ics`` is an iCalendar
    feed to subscribe to.

    The anniversary keeps the precision of the beginning: when a source gives only the
    month or the year, ``exact`` is false, ``date`` is that month or year, and the calendar
    event is an all-day event on its first day whose title says the day is not known."""

    queryset = (
        Relationship.objects.with_began()
        .select_related("chinese_place", "foreign_place")
        .prefetch_related(
            Prefetch("stages", queryset=RelationshipStage.objects.filter(stage=Stage.AGREEMENT))
        )
    )
    serializer_class = serializers.AnniversarySerializer
    filterset_class = RelationshipFilterSet
    filter_backends = [RegistryFilterBackend]
    permission_classes = [OfficePermission]
    renderer_classes = [
        renderers.JSONRenderer,
        renderers.BrowsableAPIRenderer,
        CSVRenderer,
        ICalendarRenderer,
    ]

    @property
    def calendar_name(self):
        """The feed's name, with the cities it is filtered to: "武汉市 · 友好城市结好周年"."""
        title = _("友好城市结好周年")
        slugs = self.request.query_params.getlist("chinese_place")
        places = [str(place) for place in Place.objects.filter(slug__in=slugs[:10])]
        return f"{'、'.join(places)} · {title}" if places else str(title)

    @cached_property
    def today(self):
        """The request's day, read once: a request crossing midnight lists and is kept
        under the same day."""
        return timezone.localdate()

    def filter_queryset(self, queryset):
        # Only the relationships begun a round number of years before the window are
        # candidates (as on the dashboard), and of those only a page's or an export's
        # chunk's are read whole: a national list read at once held some 230 MB.
        relationships = may_fall_in_window(super().filter_queryset(queryset), self.today)
        return UpcomingAnniversaries(relationships, queryset, self.today)

    def cache_variant(self):
        """The list changes with the day as well as with the registry."""
        return self.today.isoformat()
