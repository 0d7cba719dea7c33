"""Public pages for awards: the directory and one award with its citations."""

from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView

from cities.views import ChinesePlaceControlsMixin
from utilities.partial_dates import partial_date_order
from utilities.views import FilteredListView

from .filtersets import AwardFilterSet
from .models import Award
from .selectors import award_rows


class AwardListView(ChinesePlaceControlsMixin, FilteredListView):
    model = Award
    template_name = "awards/award_list.html"
    filterset_class = AwardFilterSet
    filter_controls = [
        "q", "award_type_id", "level", "recipient_kind", "chinese_place", "country",
        "year_min", "year_max",
    ]  # fmt: skip
    sort_options = {
        "date": (_("年份"), ["conferred_year", "pk"]),
        "award": (_("奖项"), ["award_type__name_zh", "conferred_year", "pk"]),
        "chinese": (_("中方"), ["chinese_place__name_en", "conferred_year", "pk"]),
    }
    default_sort = "-date"

    def present_countries(self):
        codes = set(
            Award.objects.exclude(place=None).order_by().values_list("place__country", flat=True)
        )
        codes |= set(
            Award.objects.exclude(relationship=None)
            .order_by()
            .values_list("relationship__foreign_place__country", flat=True)
        )
        return codes

    def get_base_queryset(self):
        return award_rows(Award.objects.all())

    def order(self, queryset, key, descending):
        if key == "date":
            return queryset.order_by(*partial_date_order("conferred", descending), "pk")
        return super().order(queryset, key, descending)


class AwardDetailView(DetailView):
    model = Award
    context_object_name = "award"
    template_name = "awards/award_detail.html"

    def get_queryset(self):
        return (
            award_rows(Award.objects.all())
            .select_related("award_type__predecessor")
            .prefetch_related("citations__report")
        )
