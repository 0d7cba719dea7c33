"""FilterSets for source reports and citations, shared by the public pages and the REST API.

A report's place filter is the registry's one Chinese-place tree filter
(``utilities.filtersets.ChinesePlaceFilterSet``), which reads the place model from
``SourceReport.chinese_place``: this app, below ``cities``, imports nothing of it.
"""

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from utilities.filtersets import (
    ChinesePlaceFilterSet,
    IdFilter,
    RegistryFilterSet,
    SearchFilter,
    YearFilter,
    place_key_q,
    text_q,
)
from utilities.search import query_key

from .choices import Script, SourceKind
from .models import Citation, SourceReport


class SourceReportFilterSet(ChinesePlaceFilterSet):
    """Reports by the Chinese place that published them (a province includes its cities
    and everything inside them), kind of source, script and year."""

    q = SearchFilter()
    kind = filters.MultipleChoiceFilter(
        label=_("来源类型"),
        choices=SourceKind.choices,
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
        fields = [
            "q", "chinese_place_id", "chinese_place", "kind", "script", "year_min", "year_max",
        ]  # fmt: skip

    def search(self, queryset, name, value):
        key = query_key(value)
        if not key:
            # Only punctuation or emoji: nothing is named like that.
            return queryset.none()
        return queryset.filter(
            place_key_q(key, "chinese_place") | text_q(value, "title", "publisher", "slug")
        )


class CitationFilterSet(RegistryFilterSet):
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
