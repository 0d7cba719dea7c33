"""A Chinese place's one-page brief, for a leader's briefing: its partners (those of the
places inside it too) by kind and stage, the round anniversaries of the next twelve months
(``cities.anniversaries``, the one computation), the latest exchanges and the totals its
reports state beside the records held (``cities.comparison`` through ``figure_tables``).
The same brief is an HTML page (``/places/<slug>/brief/``) and a PDF
(``/places/<slug>/brief.pdf``), in the language of the request.

The PDF is made by WeasyPrint from the brief's own template and the site's stylesheets,
read from disk: it fetches nothing over the network (no request back to this server), and
fontconfig embeds the installed CJK font (``fonts-wqy-microhei``, or Noto CJK) for Chinese.
"""

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.views.generic import DetailView

from cities import statistics
from cities.anniversaries import upcoming_anniversaries
from cities.models import Place, Relationship
from cities.selectors import relationship_rows
from exchanges.models import Exchange
from exchanges.selectors import exchange_rows
from utilities.languages import is_chinese
from utilities.lazy_imports import lazy_module
from utilities.partial_dates import PartialDate, partial_date_order

from .pages import figure_tables

# Loaded by the first PDF (with its fonts, some 40 MB).
weasyprint = lazy_module("weasyprint")

# As many of the latest exchanges as fit on the page with the rest.
LATEST_EXCHANGES = 8
# The PDF's stylesheet (from STATICFILES_DIRS): the brief's own print rules, which the
# HTML page uses under the site's when printed.
STYLESHEETS = ["site/brief.css"]


def partner_note(relationship, place, chinese):
    """After a partner's name: its country, when the relationship began and, for a place
    inside the brief's, who holds it: （日本，1979年） / (Japan, 1979)."""
    parts = [str(relationship.foreign_place.country.name)]
    if relationship.established:
        parts.append(str(relationship.established))
    if relationship.chinese_place_id != place.pk:
        parts.append(relationship.chinese_place.display_name())
    if chinese:
        return "（" + "，".join(parts) + "）"
    return " (" + ", ".join(parts) + ")"


class PlaceBriefView(DetailView):
    """The brief of a Chinese place as an HTML page (a foreign place has none: 404)."""

    model = Place
    slug_field = "slug"
    context_object_name = "place"
    template_name = "pages/brief.html"

    def get_queryset(self):
        return Place.objects.chinese().select_related("parent")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        place = self.object
        today = timezone.localdate()
        scope = Relationship.objects.filter(
            chinese_place__in=Place.objects.within(place).values("pk")
        )
        relationships = list(
            relationship_rows(scope).order_by("foreign_place__country", "foreign_place__name_en")
        )
        chinese = is_chinese()
        for relationship in relationships:
            relationship.established = statistics.established(relationship)
            relationship.brief_note = partner_note(relationship, place, chinese)
        exchanges = exchange_rows(
            Exchange.objects.filter(chinese_place__in=Place.objects.within(place).values("pk"))
        ).order_by(*partial_date_order("start", descending=True), "-pk")
        context.update(
            today=PartialDate(today.year, today.month, today.day),
            ancestors=list(Place.objects.ancestors(place)),
            relationships=relationships,
            table=statistics.by_kind_and_stage(scope),
            groups=statistics.grouped_by_kind_and_stage(relationships),
            anniversaries=upcoming_anniversaries(relationships, today),
            exchanges=list(exchanges[:LATEST_EXCHANGES]),
            page_url=self.request.build_absolute_uri(place.get_absolute_url()),
            pdf_url=self.request.build_absolute_uri(
                place.get_absolute_url().rstrip("/") + "/brief.pdf"
            ),
            **figure_tables(place),
        )
        return context


class PlaceBriefPdfView(PlaceBriefView):
    """The same brief as a PDF (A4) with its fonts embedded."""

    template_name = "pages/brief_document.html"

    def render_to_response(self, context, **response_kwargs):
        html = render_to_string(self.template_name, context, request=self.request)
        stylesheets = [weasyprint.CSS(filename=finders.find(name)) for name in STYLESHEETS]
        # Inline ``data:`` URLs only: the stylesheets are given as files, and a request
        # back to this server could wait for its own worker.
        fetcher = weasyprint.urls.URLFetcher(allowed_protocols={"data"})
        pdf = weasyprint.HTML(
            string=html, base_url=self.request.build_absolute_uri("/"), url_fetcher=fetcher
        ).write_pdf(stylesheets=stylesheets)
        response = HttpResponse(pdf, content_type="application/pdf")
        filename = f"{self.object.slug}-brief-{get_language()}.pdf"
        response["Content-Disposition"] = f'inline; filename="{filename}"'
        return response
