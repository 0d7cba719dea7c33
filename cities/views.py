"""Public pages for places and relationships: the two directories, a partner country's page
and the map of all relationships, and the Chinese-place picker the other apps' directories
share. A place's page and a relationship's page list exchanges and awards too, so they are
composed above those apps (``sister_cities.pages``)."""

import re
from collections import defaultdict

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView
from django_countries import countries
from django_countries.fields import Country

from utilities.countries import NOT_PARTNER_COUNTRIES
from utilities.filtersets import QUERY_MAX_LENGTH
from utilities.generation import remembered, with_generation
from utilities.pagination import section_page
from utilities.views import FilteredListView, options_markup

from . import maps, statistics
from .choices import NOT_ESTABLISHED
from .filtersets import PlaceFilterSet, RelationshipFilterSet, with_first_year
from .models import Place, Relationship
from .selectors import relationship_rows, relationship_table_rows, table_rows_by_ids

# A value of ``chinese_place`` that may be a slug as it stands; anything else (a name typed
# into the picker without JavaScript: 武汉, 武漢市, Wuhan, "wu han") is looked up.
SLUG_LIKE = re.compile(r"[-a-z0-9_]+")


def chinese_place_named(name):
    """The slug of the one Chinese place called ``name`` (its Chinese or English name, else
    any spelling its search keys hold: traditional characters, pinyin), or None when no
    place or several places answer to it."""
    places = Place.objects.chinese().order_by()
    exact = list(
        places.filter(Q(name_zh=name) | Q(name_en__iexact=name)).values_list("slug", flat=True)[:2]
    )
    if exact:
        return exact[0] if len(exact) == 1 else None
    condition = PlaceFilterSet.search_q(name)
    if condition is None:
        return None
    found = list(places.filter(condition).values_list("slug", flat=True)[:2])
    return found[0] if len(found) == 1 else None


class ChinesePlaceControlsMixin:
    """A directory filtered by a Chinese place (``?chinese_place=<slug>``, a place including
    the places inside it) chosen in a place picker: a text box that suggests places as one
    types (``static/site/place-picker.js`` asks ``/api/places/?side=chinese&q=``).

    The picker replaces a select of every Chinese place (2,114 options, two thirds of the
    page at national scale). Without JavaScript the box submits what was typed: a name the
    directory finds unambiguous is answered with a redirect to the same list filtered by
    its slug, so the address stays the one links and the API use."""

    def get(self, request, *args, **kwargs):
        address = self.address_by_slug()
        if address is not None:
            return redirect(address)
        return super().get(request, *args, **kwargs)

    def address_by_slug(self):
        """This list's address with each place name given as ``chinese_place`` replaced by
        its place's slug; None when there is nothing to replace or a name is not found."""
        values = self.request.GET.getlist("chinese_place")
        names = [value.strip() for value in values if value.strip()]
        # A value no name can be (a NUL, which PostgreSQL refuses in a query, or one longer
        # than any query) is left to the filter, which names it as invalid.
        if not names or any("\x00" in name or len(name) > QUERY_MAX_LENGTH for name in names):
            return None
        slug_like = {name for name in names if SLUG_LIKE.fullmatch(name)}
        if slug_like:
            # Lower-case pinyin (jinzhongshi) looks like a slug: only a Chinese place's
            # slug is taken as one; anything else is looked up as a name.
            slug_like &= set(
                Place.objects.chinese().filter(slug__in=slug_like).values_list("slug", flat=True)
            )
        if all(name in slug_like for name in names):
            return None
        slugs = []
        for name in names:
            slug = name if name in slug_like else chinese_place_named(name)
            if slug is None:
                return None  # the filter names it as invalid, next to the box
            slugs.append(slug)
        query = self.request.GET.copy()
        query.setlist("chinese_place", slugs)
        query.pop(self.page_kwarg, None)
        return f"{self.request.path}?{query.urlencode()}"

    def control_markup(self, name, field):
        if name == "chinese_place":
            return ""  # no options: the control is made a place picker (below)
        return super().control_markup(name, field)

    def get_filter_controls(self):
        controls = super().get_filter_controls()
        for control in controls:
            if control.name == "chinese_place":
                control.kind = "place"
                control.text = self.chosen_place_name(control.value)
        return controls

    def chosen_place_name(self, value):
        """What the picker's box shows: the chosen place's name in the page's language, or
        the value as given when it names no Chinese place (the form says it is invalid)."""
        chosen = self.filterset.form.cleaned_data.get("chinese_place") if value else None
        for place in chosen or ():
            if place.slug == value:
                return str(place)
        return value


class PlaceListView(FilteredListView):
    """The directory of places, Chinese and foreign, with their number of partners."""

    model = Place
    template_name = "cities/place_list.html"
    filterset_class = PlaceFilterSet
    filter_controls = ["q", "side", "country", "level", "kind"]
    # Each order ends with the id, so that places of the same name (and count) are each on
    # one page only.
    sort_options = {
        "name": (_("名称"), ["name_en", "name_zh", "pk"]),
        "country": (_("国家"), ["country", "name_en", "pk"]),
        "partners": (_("伙伴数"), ["-partner_count", "name_en", "pk"]),
    }
    default_sort = "name"

    def present_countries(self):
        return Place.objects.order_by().values_list("country", flat=True).distinct()

    def get_base_queryset(self):
        # A partner is an established tie: one being pursued or at intent is not counted.
        established = Relationship.objects.exclude(stage__in=NOT_ESTABLISHED)
        as_chinese = (
            established.filter(chinese_place=OuterRef("pk"))
            .order_by()
            .values("chinese_place")
            .annotate(n=Count("pk"))
            .values("n")
        )
        as_foreign = (
            established.filter(foreign_place=OuterRef("pk"))
            .order_by()
            .values("foreign_place")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Place.objects.select_related("parent").annotate(
            partner_count=Coalesce(Subquery(as_chinese), 0) + Coalesce(Subquery(as_foreign), 0)
        )


class RelationshipListView(ChinesePlaceControlsMixin, FilteredListView):
    """The directory of relationships: filter by country, kind, stage, level, Chinese
    province or city, field and year range; sort; paginate."""

    model = Relationship
    template_name = "cities/relationship_list.html"
    filterset_class = RelationshipFilterSet
    filter_controls = [
        "q", "country", "kind", "stage", "level", "chinese_place", "field", "year_min",
        "year_max",
    ]  # fmt: skip
    # Each order ends with the id, so that two relationships of the same places (of two
    # kinds, or between same-named places) are each on one page only.
    sort_options = {
        "chinese": (_("中方"), ["chinese_place__name_en", "foreign_place__name_en", "pk"]),
        "foreign": (_("外方"), ["foreign_place__name_en", "chinese_place__name_en", "pk"]),
        "country": (_("国家"), ["foreign_place__country", "foreign_place__name_en", "pk"]),
        "year": (
            _("年份"),
            ["first_year", "chinese_place__name_en", "foreign_place__name_en", "pk"],
        ),
        "kind": (_("类别"), ["kind", "chinese_place__name_en", "foreign_place__name_en", "pk"]),
    }
    default_sort = "chinese"
    # The places' names order no index holds: a page would sort all 50,000 relationships.
    remember_order = True

    def present_countries(self):
        # Some 200 codes, kept for the generation: the countries of the places that are a
        # partner, each place looked up once in the partners' index (not 50,000
        # relationships joined to their partners: twice the work).
        partners = Relationship.objects.filter(foreign_place=OuterRef("pk"))
        return remembered(
            "cities.relationship_countries",
            lambda: set(
                Place.objects.filter(Exists(partners))
                .order_by()
                .values_list("country", flat=True)
                .distinct()
            ),
            self.request_with_generation(),
        )

    def control_markup(self, name, field):
        if name in ("country", "field"):
            # Some 200 countries named and sorted, and the fields of cooperation (a query
            # and a record each): their markup kept as the Chinese places' is (both
            # change only with a write).
            return remembered(
                f"cities.relationship_{name}_options.{get_language()}",
                lambda: options_markup(options=self.control_options(name, field)),
                self.request_with_generation(),
            )
        return super().control_markup(name, field)

    def get_base_queryset(self):
        # When each began is read for the page's rows alone (``get_context_data``).
        return relationship_table_rows(Relationship.objects)

    def page_rows_by_ids(self, ids):
        # A page of the whole list in a kept order: its rows from plain values.
        return table_rows_by_ids(ids)

    def order(self, queryset, key, descending):
        if key == "year":
            queryset = with_first_year(queryset)
            year = (
                F("first_year").desc(nulls_last=True)
                if descending
                else F("first_year").asc(nulls_last=True)
            )
            # The year with its undated last either way; the names and the id after it as
            # the sort's list gives them.
            _label, (_year, *after) = self.sort_options["year"]
            return queryset.order_by(year, *after)
        return super().order(queryset, key, descending)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        relationships = list(context["object_list"])
        began = statistics.began_dates(relationships)
        for relationship in relationships:
            relationship.established = began[relationship.pk]
        return context


class MapView(TemplateView):
    """Every relationship on one world map (drawn from bundled data, no online tiles). The
    page carries what the whole world shows (the places and lines of a small registry,
    clusters of a large one); the map then asks ``MapFeaturesView`` for the area in view
    as the reader pans and zooms."""

    template_name = "cities/map.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Every place and relationship counted and gridded: kept for the generation of
        # the registry (a small registry's world shows names and addresses: per language).
        request = with_generation(self.request)
        context.update(
            remembered(
                f"cities.map.{get_language()}",
                lambda: {
                    "map_data": maps.features(maps.View(*maps.WORLD, zoom=2)),
                    "relationship_count": Relationship.objects.count(),
                    "unlocated_count": Relationship.objects.filter(
                        foreign_place__latitude__isnull=True
                    ).count(),
                },
                request,
            )
        )
        return context


class MapFeaturesView(View):
    """``/map/features/?bbox=west,south,east,north&zoom=z``: the places and lines in that
    area, or clusters of them when there are many (``cities.maps``), as JSON."""

    def get(self, request, *args, **kwargs):
        try:
            view = maps.View.parse(request.GET.get("bbox"), request.GET.get("zoom"))
        except maps.BadView as error:
            return JsonResponse(
                {
                    "detail": _("无法读取地图范围：%(name)s") % {"name": error.args[0]},
                    "code": "invalid",
                },
                status=400,
            )
        return JsonResponse(maps.features(view))


# A country's page lists this many of its places, and of its relationships, at a time. A
# page of relationships is drawn three times (grouped by Chinese place, on the map and in
# the timeline): fifty, as on a Chinese place's page.
PLACES_PER_PAGE = 100
PARTNERS_PER_PAGE = 50


class CountryDetailView(TemplateView):
    """A partner country's page (``/countries/jp/``): its places with Chinese partners,
    grouped by Chinese province and the Chinese place that holds each relationship, with
    counts; the map zoomed to the country; the timeline of the relationships' dated steps."""

    template_name = "cities/country_detail.html"

    def get(self, request, *args, **kwargs):
        code = self.kwargs["code"]
        if code != code.lower():  # one address per country: /countries/jp/
            return redirect("cities:country", code.lower(), permanent=True)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        code = self.kwargs["code"].upper()
        if code not in countries or code in NOT_PARTNER_COUNTRIES:
            raise Http404(code)
        if not Place.objects.filter(country=code).exists():
            raise Http404(code)
        # Counted once per generation; one page of places and one of relationships are
        # read (a country may have thousands). The map and the timeline show that page's.
        figures = statistics.country_figures(code, self.request)
        places = section_page(
            self.request, figures["places"], "places", PLACES_PER_PAGE, anchor="places"
        )
        counted = dict(places.rows)
        places.rows = statistics.in_order(Place.objects.all(), list(counted))
        for place in places.rows:
            place.partner_count = counted[place.pk]
        holders = figures["holders"]
        partners = section_page(
            self.request, figures["partners"], "partners", PARTNERS_PER_PAGE, anchor="partners"
        )
        # The groups, the map and the timeline show no fields of cooperation.
        shown = relationship_rows(Relationship.objects, with_fields=False)
        partners.rows = statistics.in_order(shown, partners.rows)
        relationships = partners.rows
        for relationship in relationships:
            relationship.established = statistics.established(relationship)
        provinces = statistics.by_chinese_province(relationships)
        # Each group counts every relationship of the country, not only this page's.
        place_totals = {item["place"].pk: item["total"] for item in holders}
        province_totals = defaultdict(int)
        for item in holders:
            province_totals[item["province"].pk] += item["total"]
        for group in provinces:
            group["count"] = province_totals.get(group["province"].pk, group["count"])
            for item in group["places"]:
                item["total"] = place_totals.get(item["place"].pk, len(item["relationships"]))
        provinces.sort(key=lambda group: (-group["count"], group["province"].name_en))
        context.update(
            country=Country(code),
            places=places,
            partners=partners,
            relationships=relationships,
            provinces=provinces,
            province_count=len(province_totals),
            chinese_place_count=len(holders),
            timeline=statistics.timeline(relationships),
            map_data=statistics.map_data(relationships, fit_country=code),
            unlocated=statistics.unlocated(relationships),
            directory_url=statistics.directory_url(country=code),
        )
        return context
