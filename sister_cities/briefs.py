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

import heapq
from dataclasses import dataclass

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.views.generic import DetailView
from django_countries.fields import Country

from cities import statistics
from cities.anniversaries import upcoming_anniversaries
from cities.models import Place, Relationship
from exchanges.models import Exchange
from exchanges.selectors import exchange_rows
from utilities.generation import remembered
from utilities.languages import is_chinese
from utilities.lazy_imports import lazy_module
from utilities.partial_dates import PartialDate

from .pages import figure_tables, place_figures, place_scope

# Loaded by the first PDF (with its fonts, some 40 MB).
weasyprint = lazy_module("weasyprint")

# As many of the latest exchanges as fit on the page with the rest.
LATEST_EXCHANGES = 8
# The PDF's stylesheet (from STATICFILES_DIRS): the brief's own print rules, which the
# HTML page uses under the site's when printed.
STYLESHEETS = ["site/brief.css"]


@dataclass
class Partner:
    """One relationship as the brief lists it, read as plain values: the brief lists every
    partner (thousands for a big city), so no model instances are made for them."""

    pk: int
    kind: str
    stage: str
    began: PartialDate | None
    chinese_name: str
    foreign_name: str
    note: str


def partner_note(country, began, holder, chinese):
    """After a partner's name: its country, when the relationship began and, for a place
    inside the brief's, who holds it (``holder``, else ""): （日本，1979年） / (Japan, 1979)."""
    parts = [str(country)]
    if began:
        parts.append(str(began))
    if holder:
        parts.append(holder)
    if chinese:
        return "（" + "，".join(parts) + "）"
    return " (" + ", ".join(parts) + ")"


def newest_first(row):
    """The sort key of an exchange's (pk, start year, month, day): newest first, an
    undated part after the dated ones (``partial_date_order(descending=True)``), then
    the newest record first."""
    pk, year, month, day = row
    return (year is None, -(year or 0), month is None, -(month or 0), day is None, -(day or 0), -pk)


def brief_records(place, request=None):
    """What the brief lists of the place and the places inside it (``place_scope``), a big
    city having thousands of partners and tens of thousands of exchanges: ``partners``, the
    values of every relationship by the partner's country and name (one query);
    ``latest``, the keys of the latest exchanges. Those are chosen here from narrow rows:
    ordered by date in the database, the planner walks the whole date index for a place
    with few exchanges. Two figures, each made again only after a write to a table it
    reads (``remembered``): an exchange's save keeps the partners."""

    def read_partners():
        return list(
            Relationship.objects.filter(chinese_place__in=place_scope(place, request))
            .order_by("foreign_place__country", "foreign_place__name_en", "pk")
            .values_list(
                "pk",
                "kind",
                "stage",
                "chinese_place_id",
                "chinese_place__name_zh",
                "chinese_place__name_en",
                "foreign_place__name_zh",
                "foreign_place__name_en",
                "foreign_place__country",
            )
            .annotate(began=statistics.began_key())
        )

    def read_latest():
        exchanges = (
            Exchange.objects.filter(chinese_place__in=place_scope(place, request))
            .order_by()
            .values_list("pk", "start_year", "start_month", "start_day")
        )
        return [row[0] for row in heapq.nsmallest(LATEST_EXCHANGES, exchanges, key=newest_first)]

    return {
        "partners": remembered(f"briefs.partners:{place.pk}", read_partners, request),
        "latest": remembered(f"briefs.latest:{place.pk}", read_latest, request),
    }


def partners(place, rows):
    """The brief's partners (``brief_records``) as ``Partner`` rows in the page's language."""
    chinese = is_chinese()
    country_names = {}
    result = []
    for pk, kind, stage, holder, holder_zh, holder_en, zh, en, country, key in rows:
        began = statistics.began_from_key(key)
        # As ``display_name()`` picks, with the language read once.
        holder_name = holder_zh if chinese or not holder_en else holder_en
        if country not in country_names:
            country_names[country] = Country(country).name
        note = partner_note(
            country_names[country], began, holder_name if holder != place.pk else "", chinese
        )
        result.append(
            Partner(pk, kind, stage, began, holder_name, zh if chinese or not en else en, note)
        )
    return result


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
        figures = place_figures(place, self.request)
        records = brief_records(place, self.request)
        relationships = partners(place, records["partners"])
        latest = exchange_rows(Exchange.objects.all()).in_bulk(records["latest"])
        context.update(
            today=PartialDate(today.year, today.month, today.day),
            ancestors=list(Place.objects.ancestors(place)),
            relationships=relationships,
            table=statistics.kind_stage_table(figures["counts"]),
            groups=statistics.grouped_by_kind_and_stage(relationships),
            anniversaries=upcoming_anniversaries(relationships, today),
            exchanges=[latest[pk] for pk in records["latest"] if pk in latest],
            page_url=self.request.build_absolute_uri(place.get_absolute_url()),
            pdf_url=self.request.build_absolute_uri(
                place.get_absolute_url().rstrip("/") + "/brief.pdf"
            ),
            **figure_tables(place, counts=figures["recorded"]),
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
