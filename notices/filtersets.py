"""The notice FilterSet, shared by the public list and the REST API. Without ``status``
only open notices are listed (a notice closes itself at its end date)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from cities.choices import RelationshipKind
from cities.models import CooperationField
from utilities.filtersets import (
    ChinesePlaceFilterSet,
    CountryFilter,
    IdFilter,
    SearchFilter,
    place_key_q,
    text_q,
)
from utilities.search import query_key

from .models import Notice

STATUS_CHOICES = [("open", _("征集中")), ("closed", _("已截止")), ("all", _("征集中和已截止"))]


class NoticeFilterSet(ChinesePlaceFilterSet):
    q = SearchFilter()
    status = filters.ChoiceFilter(
        label=_("状态"),
        choices=STATUS_CHOICES,
        method="filter_status",
        empty_label=None,
    )
    kind = filters.MultipleChoiceFilter(
        label=_("寻求的关系类别"),
        choices=RelationshipKind.choices,
    )
    country = CountryFilter(method="filter_country")
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
    population = filters.NumberFilter(
        label=_("伙伴城市人口"),
        method="filter_population",
        min_value=0,
        max_value=10**10,
    )

    class Meta:
        model = Notice
        fields = [
            "q", "status", "kind", "country", "field_id", "field", "population",
            "chinese_place_id", "chinese_place",
        ]  # fmt: skip

    whole_when_unasked = False  # open notices unless a status is asked for

    def filter_queryset(self, queryset):
        # Open notices unless a status is asked for: the end date closes a notice.
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.open()
        return super().filter_queryset(queryset)

    def filter_status(self, queryset, name, value):
        if value == "open":
            return queryset.open()
        if value == "closed":
            return queryset.closed()
        return queryset

    def search(self, queryset, name, value):
        key = query_key(value)
        if not key:
            return queryset.none()
        condition = place_key_q(key, "chinese_place") | text_q(
            value, "title_zh", "title_en", "regions", "description"
        )
        return queryset.filter(pk__in=Notice.objects.filter(condition).values("pk"))

    def filter_country(self, queryset, name, value):
        """Notices that would welcome a partner in one of these countries: they name it,
        or they name no country at all."""
        if not value:
            return queryset
        condition = Q(countries="")
        for code in value:
            condition |= Q(countries__contains=code)
        return queryset.filter(condition)

    def filter_population(self, queryset, name, value):
        """Notices whose size range admits a partner of this population."""
        if value is None:
            return queryset
        return queryset.exclude(population_min__gt=value).exclude(population_max__lt=value)
