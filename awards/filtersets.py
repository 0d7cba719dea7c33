"""The award FilterSet, shared by the public directory and the REST API.

An award's recipient is a place, a pair of partners, a person or a number of people; the
place, country and ``q`` filters look at the recipient place, both sides of a pair and the
Chinese city that records the award.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from cities.models import Place
from utilities.filtersets import (
    ChinesePlaceFilterSet,
    CountryFilter,
    IdFilter,
    RegistryFilterSet,
    SearchFilter,
    YearFilter,
    place_key_q,
    text_q,
)
from utilities.search import query_key

from .choices import AwardLevel, AwardTypeStatus, RecipientKind
from .models import Award, AwardType, AwardTypeAlias


class AwardFilterSet(ChinesePlaceFilterSet):
    q = SearchFilter()
    award_type_id = IdFilter(
        label=_("奖项"),
        field_name="award_type",
        queryset=AwardType.objects.all(),
    )
    level = filters.MultipleChoiceFilter(
        label=_("级别"),
        field_name="award_type__level",
        choices=AwardLevel.choices,
    )
    recipient_kind = filters.MultipleChoiceFilter(
        label=_("获奖者类型"),
        choices=RecipientKind.choices,
    )
    place_id = IdFilter(
        label=_("获奖地方（ID）"),
        queryset=Place.objects.all(),
        method="filter_place",
    )
    place = filters.ModelMultipleChoiceFilter(
        label=_("获奖地方"),
        queryset=Place.objects.all(),
        to_field_name="slug",
        method="filter_place",
    )
    country = CountryFilter(method="filter_country")
    year_min = YearFilter(
        label=_("授予年份（从）"),
        field_name="conferred_year",
        lookup_expr="gte",
    )
    year_max = YearFilter(
        label=_("授予年份（到）"),
        field_name="conferred_year",
        lookup_expr="lte",
    )

    class Meta:
        model = Award
        fields = [
            "q", "award_type_id", "level", "recipient_kind", "chinese_place_id",
            "chinese_place", "place_id", "place", "country", "year_min", "year_max",
        ]  # fmt: skip

    @staticmethod
    def search_q(value, place_ids=None):
        """The awards ``q`` finds; None when nothing can match. ``place_ids``: the ids of
        the places whose keys hold the query, when the caller has read them."""
        key = query_key(value)
        if not key:
            # Only punctuation or emoji: nothing is named like that.
            return None
        condition = place_key_q(
            key,
            "place",
            "chinese_place",
            "relationship__chinese_place",
            "relationship__foreign_place",
            model=Award,
            place_ids=place_ids,
        ) | text_q(
            value,
            "award_type__name_zh",
            "award_type__name_en",
            "person_name",
            "notes",
        )
        # Any spelling of the award (its aliases), without a join that repeats rows.
        spelt = AwardTypeAlias.objects.filter(text_q(value, "name")).values("award_type")
        return condition | Q(award_type__in=spelt)

    def search(self, queryset, name, value):
        condition = self.search_q(value)
        return queryset.none() if condition is None else queryset.filter(condition)

    def filter_place(self, queryset, name, value):
        """Awards won by the place, alone or as one side of a pair."""
        if not value:
            return queryset
        return queryset.filter(
            Q(place__in=value)
            | Q(relationship__chinese_place__in=value)
            | Q(relationship__foreign_place__in=value)
        )

    def filter_country(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            Q(place__country__in=value) | Q(relationship__foreign_place__country__in=value)
        )


class AwardTypeFilterSet(RegistryFilterSet):
    """Award types (REST API): ``q`` over the names, aliases, conferring body and
    description; level; status (proposed or confirmed)."""

    q = SearchFilter()
    level = filters.MultipleChoiceFilter(
        label=_("级别"),
        choices=AwardLevel.choices,
    )
    status = filters.MultipleChoiceFilter(
        label=_("状态"),
        choices=AwardTypeStatus.choices,
    )

    class Meta:
        model = AwardType
        fields = ["q", "level", "status"]

    def search(self, queryset, name, value):
        if not value.strip():
            return queryset
        spelt = AwardTypeAlias.objects.filter(text_q(value, "name")).values("award_type")
        return queryset.filter(
            text_q(
                value,
                "name_zh",
                "name_en",
                "conferred_by_zh",
                "conferred_by_en",
                "description_zh",
                "description_en",
            )
            | Q(pk__in=spelt)
        )
