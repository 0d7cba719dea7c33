"""API viewset for exchanges (projects, events, delegations, trainings, offices,
conferences) with their counts, places, fields and citations."""

from django.db.models import Prefetch

from cities.models import Place
from exchanges import selectors
from exchanges.filtersets import ExchangeFilterSet, RegionFilterSet
from exchanges.models import Exchange, ExchangeCount, Region
from offices.api import OfficeViewSet
from sources.api.briefs import brief_citations
from utilities.api.pagination import RegistryPagination
from utilities.api.views import TIMESTAMPS
from utilities.generation import with_generation

from . import serializers
from .exports import ExchangeRows
from .readers import PARTNER_ORDER
from .records import ExchangeRecords


class ExchangePagination(RegistryPagination):
    """The registry's paging; the number of all exchanges (no filter) is the one the
    directory keeps for the generation (``exchanges.selectors.count``), a filtered list's
    the registry's paging keeps (``remembered_count``)."""

    def get_count(self, queryset):
        if queryset.query.has_filters():
            return super().get_count(queryset)
        return selectors.count(queryset, with_generation(self.request))


class ExchangeViewSet(OfficeViewSet):
    """Exchanges: concrete projects and events between partners (a garden built, an expert
    appointed, a delegation, a training programme, a conference), belonging to one
    relationship or to a Chinese place and the several partners it involved."""

    queryset = Exchange.objects.select_related(
        "chinese_place",
        "relationship__chinese_place",
        "relationship__foreign_place",
    ).prefetch_related(
        Prefetch("places", queryset=Place.objects.order_by(*PARTNER_ORDER)),
        "regions",
        "fields",
        # An exchange's counts in their order (``ExchangeCount.Meta.ordering`` less the
        # exchange, the same for all of them) without a join to the exchanges' dates.
        Prefetch("counts", queryset=ExchangeCount.objects.order_by("pk")),
        brief_citations(),
    )
    serializer_class = serializers.ExchangeSerializer
    filterset_class = ExchangeFilterSet
    pagination_class = ExchangePagination
    flat_row_classes = {"csv": ExchangeRows}
    page_record_classes = {"json": ExchangeRecords}
    ordering_fields = {
        "start": ["start_year", "start_month", "start_day"],
        "end": ["end_year", "end_month", "end_day"],
        "title_zh": ["title_zh"],
        "kind": ["kind"],
        **TIMESTAMPS,
    }


class RegionViewSet(OfficeViewSet):
    """Named groups of countries (中东欧) that reports name as exchange participants.
    Reference data that only superusers change."""

    queryset = Region.objects.all()
    serializer_class = serializers.RegionSerializer
    brief_serializer_class = serializers.RegionBriefSerializer
    filterset_class = RegionFilterSet
    ordering_fields = {"name_zh": ["name_zh"], **TIMESTAMPS}
