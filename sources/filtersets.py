"""FilterSets for source reports and citations, shared by the public pages and the REST API."""

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from cities.filtersets import chinese_places
from utilities.filtersets import IdFilter, SearchFilter, YearFilter, place_key_q, text_q
from utilities.search import query_key

from .choices import Script
from .models import Citation, SourceReport


class SourceReportFilterSet(filters.FilterSet):
    q = SearchFilter()
    city_id = IdFilter(
        label=_("城市（ID）"),
        field_name="city",
        queryset=chinese_places,
    )
    city = filters.ModelMultipleChoiceFilter(
        label=_("城市"),
        field_name="city__slug",
        queryset=chinese_places,
        to_field_name="slug",
    )
    script = filters.MultipleChoiceFilter(
        label=_("字体"),
        choices=Script.choices,
    )
    year_min = YearFilter(
        label=_("发布年份（从）"),
        field_name="published_year",
        lookup_expr="gte",
    )
    year_max = YearFilter(
        label=_("发布年份（到）"),
        field_name="published_year",
        lookup_expr="lte",
    )

    class Meta:
        model = SourceReport
        fields = ["q", "city_id", "city", "script", "year_min", "year_max"]

    def search(self, queryset, name, value):
        key = query_key(value)
        if not key:
            return queryset
        return queryset.filter(
            place_key_q(key, "city") | text_q(value, "title", "publisher", "slug")
        )


class CitationFilterSet(filters.FilterSet):
    q = SearchFilter()
    report_id = IdFilter(
        label=_("报告（ID）"),
        field_name="report",
        queryset=SourceReport.objects.all(),
    )
    report = filters.ModelMultipleChoiceFilter(
        label=_("报告"),
        field_name="report__slug",
        queryset=SourceReport.objects.all(),
        to_field_name="slug",
    )

    class Meta:
        model = Citation
        fields = ["q", "report_id", "report"]

    def search(self, queryset, name, value):
        # Quotes are kept as the report spells them (Jinan's is in traditional characters
        # with pinyin glosses), so the query is matched as typed.
        if not value.strip():
            return queryset
        return queryset.filter(text_q(value, "quote", "note"))
