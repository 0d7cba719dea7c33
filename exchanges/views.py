"""Public pages for exchanges: the directory and one exchange with its citations."""

from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView

from cities.views import ChinesePlaceControlsMixin
from utilities.partial_dates import partial_date_order
from utilities.views import FilteredListView

from . import selectors
from .activity import DEFAULT_RANKING_SORT, RANKING_SORTS, ranking
from .filtersets import ExchangeDirectoryFilterSet
from .models import Exchange
from .selectors import exchange_rows, exchange_table_rows


class ExchangeListView(ChinesePlaceControlsMixin, FilteredListView):
    model = Exchange
    template_name = "exchanges/exchange_list.html"
    filterset_class = ExchangeDirectoryFilterSet
    filter_controls = ["q", "country", "kind", "chinese_place", "field", "year_min", "year_max"]
    sort_options = {
        "date": (_("日期"), ["start_year", "start_month", "start_day", "pk"]),
        "title": (_("名称"), ["title_zh", "pk"]),
        "chinese": (_("中方"), ["chinese_place__name_en", "start_year", "pk"]),
    }
    default_sort = "-date"

    def present_countries(self):
        return selectors.present_countries(self.request)

    def get_paginator(self, queryset, per_page, **kwargs):
        paginator = super().get_paginator(queryset, per_page, **kwargs)
        if not paginator.capped:
            # ``Paginator.count`` is a cached property: the number kept for the generation.
            paginator.count = selectors.count(queryset, self.request)
        return paginator

    def get_base_queryset(self):
        return exchange_table_rows(Exchange.objects.all())

    def order(self, queryset, key, descending):
        if key == "date":
            return queryset.order_by(*partial_date_order("start", descending), "pk")
        return super().order(queryset, key, descending)


class ExchangeDetailView(DetailView):
    model = Exchange
    context_object_name = "exchange"
    template_name = "exchanges/exchange_detail.html"

    def get_queryset(self):
        return exchange_rows(Exchange.objects.all()).prefetch_related(
            "citations__report", "regions"
        )


class ActivityRankingView(ListView):
    """The national view: Chinese cities ranked by the activity of their partner work
    (``exchanges.activity.ranking``), by any of its figures (``?sort=``), 50 a page."""

    template_name = "exchanges/activity_ranking.html"
    context_object_name = "ranked"
    paginate_by = 50

    def get_sort(self):
        sort = self.request.GET.get("sort", "")
        return sort if sort in RANKING_SORTS else DEFAULT_RANKING_SORT

    def get_queryset(self):
        return ranking(self.get_sort(), request=self.request)

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size, allow_empty_first_page=True)
        try:
            number = max(int(self.request.GET.get("page") or 1), 1)
        except ValueError:
            number = 1
        page = paginator.page(min(number, paginator.num_pages))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sort = self.get_sort()
        context.update(
            sort_links=[
                {"key": key, "label": label, "current": key == sort}
                for key, (label, _value) in RANKING_SORTS.items()
            ],
            total=context["paginator"].count,
        )
        return context
