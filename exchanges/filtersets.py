"""The exchange FilterSet, shared by the public directory and the REST API.

An exchange involves its Chinese place, the foreign side of its relationship and any other
places or countries it names; the place, country and ``q`` filters look at all of them.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from cities.models import CooperationField, Place, Relationship
from utilities.filtersets import (
    PLACES_BY_JOIN,
    PLACES_BY_ROW,
    AmongIds,
    ChinesePlaceFilterSet,
    CountryFilter,
    IdFilter,
    RegistryFilterSet,
    SearchFilter,
    YearFilter,
    among_q,
    common_key,
    key_q,
    place_key_q,
    text_q,
)
from utilities.search import query_key

from .choices import ExchangeKind
from .models import Exchange, Region

# More exchanges than this whose Chinese place holds a key make it busy (``busy_key``):
# about where walking the list's order until a page is full (fewer rows the more match)
# costs as much as looking every match up by id and sorting them (more the more match).
BUSY_KEY_EXCHANGES = 5000


def busy_key(key):
    """Whether more than ``BUSY_KEY_EXCHANGES`` exchanges belong to Chinese places whose
    keys hold ``key``: whether the Chinese place's index holds one past that many (an
    OFFSET, a millisecond or two either way)."""
    places = Place.objects.filter(key_q(key)).order_by()
    busy = Exchange.objects.filter(among_q(Exchange, "chinese_place", places)).order_by()
    return busy.values("pk")[BUSY_KEY_EXCHANGES : BUSY_KEY_EXCHANGES + 1].exists()


class ExchangeFilterSet(ChinesePlaceFilterSet):
    q = SearchFilter()
    kind = filters.MultipleChoiceFilter(
        label=_("类型"),
        choices=ExchangeKind.choices,
    )
    relationship_id = IdFilter(
        label=_("友好关系（ID）"),
        field_name="relationship",
        queryset=Relationship.objects.all(),
    )
    place_id = IdFilter(
        label=_("参与地方（ID）"),
        queryset=Place.objects.all(),
        method="filter_place",
    )
    place = filters.ModelMultipleChoiceFilter(
        label=_("参与地方"),
        queryset=Place.objects.all(),
        to_field_name="slug",
        method="filter_place",
    )
    country = CountryFilter(method="filter_country")
    region_id = IdFilter(
        label=_("参与地区（ID）"),
        field_name="regions",
        queryset=Region.objects.all(),
    )
    region = filters.ModelMultipleChoiceFilter(
        label=_("参与地区"),
        field_name="regions__slug",
        queryset=Region.objects.all(),
        to_field_name="slug",
    )
    field_id = IdFilter(
        label=_("合作领域（ID）"),
        field_name="fields",
        queryset=CooperationField.objects.all(),
    )
    field = filters.ModelMultipleChoiceFilter(
        label=_("合作领域"),
        field_name="fields__slug",
        queryset=CooperationField.objects.all(),
        to_field_name="slug",
    )
    year_min = YearFilter(
        label=_("开始年份（从）"),
        field_name="start_year",
        lookup_expr="gte",
    )
    year_max = YearFilter(
        label=_("开始年份（到）"),
        field_name="start_year",
        lookup_expr="lte",
    )

    # How a common key's places are read (``place_key_q``): joined, for the API, which
    # counts every match (kept for the generation; the joins hash the places once, where
    # asking each of 500,000 rows took twice as long); row by row where the matches are
    # counted only to ``COUNT_CAP`` (``ExchangeDirectoryFilterSet``).
    common_key_places = PLACES_BY_JOIN

    class Meta:
        model = Exchange
        fields = [
            "q", "kind", "chinese_place_id", "chinese_place", "relationship_id", "place_id",
            "place", "country", "region_id", "region", "field_id", "field", "year_min",
            "year_max",
        ]  # fmt: skip

    @staticmethod
    def search_q(value, place_ids=None):
        """The exchanges ``q`` finds, as a condition on the exchange's own columns (its
        places by id, ``place_key_q``; its texts): PostgreSQL reads each way of matching
        from its index and joins them in one bitmap, each exchange once, with no join
        that repeats rows. None when nothing can match. ``place_ids``: the ids of the
        places whose keys hold the query, when the caller has read them."""
        key = query_key(value)
        if not key:
            # Only punctuation or emoji: nothing is named like that.
            return None
        return place_key_q(
            key,
            "chinese_place",
            "relationship__foreign_place",
            "places",
            model=Exchange,
            place_ids=place_ids,
        ) | text_q(value, "title_zh", "title_en", "description")

    def search(self, queryset, name, value):
        key = query_key(value)
        if key and common_key(Exchange, "chinese_place", key):
            # Matches throughout the table: each row answers for itself, and the page's
            # order (an index) is read until the page is full.
            return queryset.filter(self.search_q(value, place_ids=self.common_key_places))
        condition = self.search_q(value)
        if condition is None:
            return queryset.none()
        if busy_key(key):
            # A few places with thousands of exchanges (the hub city's 19,000, one in 26 of
            # all): walked in the list's order (its index), a page meets its rows within
            # its first 1,500 or so; listed first by id (below), all 19,000 were looked up
            # one by one and sorted for every page, twice (120 ms → 10 ms). A deep page,
            # which such a walk would not reach soon, the planner sorts from the bitmap.
            return queryset.filter(condition)
        # The matches' ids first (``AmongIds``: found once, before the list is read): the
        # planner cannot tell how few rows match, and with the condition beside the list's
        # order it walked every exchange by date looking for the dozen it holds.
        matches = Exchange.objects.filter(condition).order_by().values("pk")
        return queryset.filter(AmongIds("pk", matches))

    def filter_place(self, queryset, name, value):
        if not value:
            return queryset
        condition = (
            Q(chinese_place__in=value)
            | Q(relationship__foreign_place__in=value)
            | Q(places__in=value)
        )
        return queryset.filter(pk__in=Exchange.objects.filter(condition).values("pk"))

    def filter_country(self, queryset, name, value):
        if not value:
            return queryset
        condition = Q(relationship__foreign_place__country__in=value) | Q(places__country__in=value)
        for code in value:
            # ``countries`` is a comma-separated list of two-letter codes; a region's too
            # (an exchange with 中东欧 involves Hungary).
            condition |= Q(countries__contains=code) | Q(regions__countries__contains=code)
        return queryset.filter(pk__in=Exchange.objects.filter(condition).values("pk"))


class ExchangeDirectoryFilterSet(ExchangeFilterSet):
    """The directory's exchange filters: a search's matches are counted to ``COUNT_CAP``
    and a page read in the list's order, so a common key's places are asked row by row
    (``PLACES_BY_ROW``): the capped count of "Synthetic" read its first 1,001 matches in
    4 ms, where the joins first hashed 200,000 links of exchanges to places (130 ms)."""

    common_key_places = PLACES_BY_ROW


class RegionFilterSet(RegistryFilterSet):
    """Regions (REST API): ``q`` over the names and the slug."""

    q = SearchFilter()

    class Meta:
        model = Region
        fields = ["q"]

    def search(self, queryset, name, value):
        if not value.strip():
            return queryset
        return queryset.filter(text_q(value, "name_zh", "name_en", "slug"))
