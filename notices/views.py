"""Public pages of partner-seeking notices: the list (open ones by default) and one notice."""

from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView

from cities.views import ChinesePlaceControlsMixin
from utilities.views import FilterControl, FilteredListView

from .filtersets import NoticeFilterSet
from .models import Notice


def notice_rows(queryset):
    """Notices with everything a list row shows, in a fixed number of queries."""
    return queryset.select_related("chinese_place__parent").prefetch_related("fields")


class NoticeListView(ChinesePlaceControlsMixin, FilteredListView):
    model = Notice
    template_name = "notices/notice_list.html"
    filterset_class = NoticeFilterSet
    filter_controls = ["q", "status", "country", "kind", "field", "chinese_place"]
    sort_options = {
        "posted": (_("发布日期"), ["posted", "pk"]),
        "until": (_("截止日期"), ["until", "pk"]),
    }
    default_sort = "-posted"

    def get_base_queryset(self):
        return notice_rows(Notice.objects.all())

    def get_filter_controls(self):
        """The form's controls: the status select leaves out "open", which is what no
        choice means; the partner's population is a number of any size."""
        controls = super().get_filter_controls()
        for control in controls:
            if control.name == "status":
                control.blank_label = _("征集中")
                control.options = [option for option in control.options if option[0] != "open"]
        values = [value for value in self.request.GET.getlist("population") if value.strip()]
        label = self.filterset.form.fields["population"].label
        population = FilterControl("population", label, "number", values)
        population.min, population.max = 0, 10**10
        return [*controls, population]


class NoticeDetailView(DetailView):
    model = Notice
    context_object_name = "notice"
    template_name = "notices/notice_detail.html"

    def get_queryset(self):
        return notice_rows(Notice.objects.all())
