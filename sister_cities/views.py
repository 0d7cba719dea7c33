"""The home page: the national picture (search results are the ``search`` app's), and
``robots.txt``."""

from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from cities import statistics
from cities.models import Relationship
from cities.selectors import relationship_table_rows
from exchanges.models import Exchange
from exchanges.selectors import exchange_table_rows
from sources.models import SourceReport
from utilities.partial_dates import partial_date_order

NEWEST = 8


class HomeView(TemplateView):
    """Relationships by kind and stage, by country and by decade; the newest agreements;
    recent exchanges; the source reports.

    The national counts and which relationships are the newest are counted once per
    generation of the tables they read (``statistics.national_counts``: a pass over every
    relationship); the rest reads a few rows through indexes."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = statistics.national_counts(self.request, newest=NEWEST)
        rows = relationship_table_rows(Relationship.objects.filter(pk__in=counts["newest"]))
        by_pk = {relationship.pk: relationship for relationship in rows}
        newest = [by_pk[pk] for pk in counts["newest"] if pk in by_pk]
        began = statistics.began_dates(newest)
        for relationship in newest:
            relationship.established = began[relationship.pk]
        recent_exchanges = exchange_table_rows(Exchange.objects.all()).order_by(
            *partial_date_order("start", descending=True), "-pk"
        )[:NEWEST]
        context.update(
            **statistics.summary_from_counts(counts),
            newest=newest,
            recent_exchanges=list(recent_exchanges),
            reports=list(SourceReport.objects.select_related("chinese_place")),
            chinese_place_count=counts["chinese_places"],
        )
        return context


# The public site (both languages) is for everyone; the staff admin, the API and the
# language switch (a POST) are not pages to index.
ROBOTS_DISALLOW = ("/admin/", "/api/", "/i18n/")


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request):
    lines = ["User-agent: *", "Allow: /"]
    lines += [f"Disallow: {path}" for path in ROBOTS_DISALLOW]
    lines += ["", f"Sitemap: {request.build_absolute_uri(reverse('sitemap-index'))}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
