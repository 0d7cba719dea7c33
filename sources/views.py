"""Public list of the source reports. A report's own page links each cited passage to the
records of every app that cite it, so it is composed above those apps
(``sister_cities.pages``)."""

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from utilities.partial_dates import partial_date_order
from utilities.views import FilteredListView

from .filtersets import SourceReportFilterSet
from .models import SourceReport


class SourceReportListView(FilteredListView):
    model = SourceReport
    template_name = "sources/sourcereport_list.html"
    filterset_class = SourceReportFilterSet
    filter_controls = ["q", "chinese_place", "year_min", "year_max"]
    sort_options = {
        "date": (_("发布日期"), ["published_year", "published_month", "published_day", "slug"]),
        "city": (_("城市"), ["chinese_place__name_en", "published_year", "slug"]),
    }
    default_sort = "date"

    def get_base_queryset(self):
        return SourceReport.objects.select_related("chinese_place").annotate(
            citation_count=Count("citations")
        )

    def order(self, queryset, key, descending):
        if key == "date":
            return queryset.order_by(
                *partial_date_order("published", descending), "-slug" if descending else "slug"
            )
        return super().order(queryset, key, descending)

    def control_options(self, name, field):
        if name == "chinese_place":
            return [
                (place.slug, str(place))
                for place in field.queryset.filter(source_reports__isnull=False).distinct()
            ]
        return super().control_options(name, field)
