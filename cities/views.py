"""Public pages for places and relationships: the directories, a Chinese city's page (its
partners by kind and stage, timeline, reported vs recorded totals, exchanges, awards), a
foreign place's page (its Chinese partners and the history with each), a relationship's
page with every citation, and the map of all relationships."""

from django.db.models import Count, F, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, TemplateView

from awards.models import Award
from exchanges.models import Exchange
from utilities.views import FilteredListView

from . import statistics
from .choices import FigureMetric
from .filtersets import PlaceFilterSet, RelationshipFilterSet, with_first_year
from .models import Place, Relationship, RelationshipStage


def relationship_rows(queryset):
    """Relationships with everything a list row shows, in a fixed number of queries."""
    return queryset.select_related(
        "chinese_place", "foreign_place", "chinese_place__parent"
    ).prefetch_related("stages", "fields")


def exchange_rows(queryset):
    return queryset.select_related(
        "chinese_place", "relationship__foreign_place", "relationship__chinese_place"
    ).prefetch_related("fields", "places", "counts")


def award_rows(queryset):
    return queryset.select_related(
        "award_type",
        "chinese_place",
        "place",
        "relationship__chinese_place",
        "relationship__foreign_place",
    )


def chinese_place_groups(field):
    """The Chinese-place select grouped by province: [(province, [(slug, name), …]), …]."""
    # In tree order (a county after its city), each place indented by its depth.
    places = list(Place.objects.chinese().with_tree_fields().order_siblings_by("name_en"))
    provinces = {place.pk: place for place in places if place.parent_id is None}
    groups = {pk: [] for pk in provinces}
    for place in places:
        indent = "\u3000" * max(place.tree_depth - 1, 0)
        groups.setdefault(place.tree_path[0], []).append((place.slug, indent + str(place)))
    ordered = sorted(provinces.values(), key=lambda place: place.name_en)
    return [(str(province), groups[province.pk]) for province in ordered]


class ChinesePlaceControlsMixin:
    """A directory whose ``chinese_place`` select lists the Chinese places grouped by
    province (cities and counties indented under them)."""

    def control_groups(self, name, field):
        if name == "chinese_place":
            return chinese_place_groups(field)
        return super().control_groups(name, field)

    def control_options(self, name, field):
        if name == "chinese_place":
            return []
        return super().control_options(name, field)


METRIC_ORDER = {metric.value: index for index, metric in enumerate(FigureMetric)}


def figure_tables(place):
    """The reported totals the registry can count (beside the recorded numbers) and the
    other figures the reports state, each in the order of ``FigureMetric``."""
    comparisons = sorted(
        place.reported_vs_recorded(),
        key=lambda c: (METRIC_ORDER.get(c.figure.metric, 99), c.figure.as_of_year or 0),
    )
    for comparison in comparisons:
        # One link per report, though a total may cite two sentences of it.
        reports = {citation.report_id: citation for citation in comparison.figure.citations.all()}
        comparison.figure.report_links = list(reports.values())
    return {
        "comparisons": [c for c in comparisons if c.recorded is not None],
        "other_figures": [c.figure for c in comparisons if c.recorded is None],
    }


class PlaceListView(FilteredListView):
    """The directory of places, Chinese and foreign, with their number of partners."""

    model = Place
    template_name = "cities/place_list.html"
    filterset_class = PlaceFilterSet
    filter_controls = ["q", "side", "country", "level", "kind"]
    sort_options = {
        "name": (_("名称"), ["name_en", "name_zh"]),
        "country": (_("国家"), ["country", "name_en"]),
        "partners": (_("伙伴数"), ["-partner_count", "name_en"]),
    }
    default_sort = "name"

    def present_countries(self):
        return Place.objects.order_by().values_list("country", flat=True).distinct()

    def get_base_queryset(self):
        as_chinese = (
            Relationship.objects.filter(chinese_place=OuterRef("pk"))
            .order_by()
            .values("chinese_place")
            .annotate(n=Count("pk"))
            .values("n")
        )
        as_foreign = (
            Relationship.objects.filter(foreign_place=OuterRef("pk"))
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
    sort_options = {
        "chinese": (_("中方"), ["chinese_place__name_en", "foreign_place__name_en"]),
        "foreign": (_("外方"), ["foreign_place__name_en", "chinese_place__name_en"]),
        "country": (_("国家"), ["foreign_place__country", "foreign_place__name_en"]),
        "year": (_("年份"), ["first_year", "chinese_place__name_en"]),
        "kind": (_("类别"), ["kind", "chinese_place__name_en", "foreign_place__name_en"]),
    }
    default_sort = "chinese"

    def present_countries(self):
        return (
            Relationship.objects.order_by()
            .values_list("foreign_place__country", flat=True)
            .distinct()
        )

    def get_base_queryset(self):
        return relationship_rows(Relationship.objects.all())

    def order(self, queryset, key, descending):
        if key == "year":
            queryset = with_first_year(queryset)
            year = (
                F("first_year").desc(nulls_last=True)
                if descending
                else F("first_year").asc(nulls_last=True)
            )
            return queryset.order_by(year, "chinese_place__name_en", "foreign_place__name_en")
        return super().order(queryset, key, descending)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for relationship in context["object_list"]:
            relationship.established = statistics.established(relationship)
        return context


class PlaceDetailView(DetailView):
    """A place's page. A Chinese place shows its own partners and those of the places
    inside it (Jinzhong shows Pingyao County's); a foreign place shows its Chinese partners
    and the history with each."""

    model = Place
    slug_field = "slug"
    context_object_name = "place"

    def get_queryset(self):
        return Place.objects.select_related("parent").prefetch_related("aliases", "children")

    def get_template_names(self):
        if self.object.is_chinese:
            return ["cities/chinese_place_detail.html"]
        return ["cities/foreign_place_detail.html"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        place = self.object
        scope = Place.objects.within(place).values("pk")
        if place.is_chinese:
            relationships = list(
                relationship_rows(Relationship.objects.filter(chinese_place__in=scope)).order_by(
                    "foreign_place__country", "foreign_place__name_en"
                )
            )
            exchanges = exchange_rows(Exchange.objects.filter(chinese_place__in=scope))
            awards = award_rows(
                Award.objects.filter(
                    Q(chinese_place__in=scope)
                    | Q(place=place)
                    | Q(relationship__chinese_place=place)
                )
            )
            context.update(
                groups=statistics.grouped_by_kind_and_stage(relationships),
                timeline=statistics.timeline(relationships),
                **figure_tables(place),
                reports=place.source_reports.all(),
            )
        else:
            relationships = list(
                Relationship.objects.filter(foreign_place__in=scope)
                .select_related("chinese_place", "foreign_place", "chinese_place__parent")
                .prefetch_related(
                    "fields",
                    Prefetch(
                        "exchanges",
                        queryset=exchange_rows(Exchange.objects.all()),
                    ),
                    Prefetch("awards", queryset=award_rows(Award.objects.all())),
                    Prefetch(
                        "stages",
                        queryset=RelationshipStage.objects.prefetch_related("citations__report"),
                    ),
                )
                .order_by("chinese_place__name_en")
            )
            exchanges = exchange_rows(
                Exchange.objects.filter(places=place).exclude(relationship__foreign_place=place)
            )
            awards = award_rows(Award.objects.filter(place=place))
        for relationship in relationships:
            relationship.established = statistics.established(relationship)
        context.update(
            relationships=relationships,
            exchanges=list(
                exchanges.order_by(
                    *[
                        F(name).asc(nulls_last=True)
                        for name in ("start_year", "start_month", "start_day")
                    ],
                    "pk",
                )
            ),
            awards=list(awards.order_by("conferred_year", "pk").distinct()),
            map_data=statistics.map_data(relationships, focus=place),
            unlocated=statistics.unlocated(relationships) if place.is_chinese else [],
            children=sorted(place.children.all(), key=lambda child: child.name_en),
            ancestors=list(Place.objects.ancestors(place)),
        )
        return context


class RelationshipDetailView(DetailView):
    """One relationship: kind, the stage history with dates at the source's precision,
    level, fields, exchanges, awards and every citation with its quote."""

    model = Relationship
    context_object_name = "relationship"
    template_name = "cities/relationship_detail.html"

    def get_queryset(self):
        return Relationship.objects.select_related(
            "chinese_place__parent", "foreign_place__parent"
        ).prefetch_related(
            "fields",
            "citations__report",
            Prefetch(
                "stages",
                queryset=RelationshipStage.objects.prefetch_related("citations__report"),
            ),
            Prefetch(
                "exchanges",
                queryset=exchange_rows(Exchange.objects.all()).prefetch_related(
                    "citations__report"
                ),
            ),
            Prefetch(
                "awards",
                queryset=award_rows(Award.objects.all()).prefetch_related("citations__report"),
            ),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        relationship = self.object
        others = relationship_rows(
            Relationship.objects.filter(
                chinese_place=relationship.chinese_place_id,
                foreign_place=relationship.foreign_place_id,
            ).exclude(pk=relationship.pk)
        )
        context.update(
            established=statistics.established(relationship),
            other_relationships=list(others),
            map_data=statistics.map_data([relationship]),
        )
        return context


class MapView(TemplateView):
    """Every relationship on one world map (drawn from bundled data, no online tiles)."""

    template_name = "cities/map.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        relationships = list(Relationship.objects.select_related("chinese_place", "foreign_place"))
        context.update(
            map_data=statistics.map_data(relationships),
            relationship_count=len(relationships),
            unlocated_count=len(statistics.unlocated(relationships)),
        )
        return context
