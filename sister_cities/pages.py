"""The pages that gather records of several apps, composed here above cities, exchanges and
awards from each app's selectors: a place's page and a relationship's page (its
relationships with the exchanges and awards filed under them) and a report's page (its
text with each cited passage linked to the records of every app that cite it). Their URLs
join the ``cities`` and ``sources`` namespaces (``sister_cities.site_urls``); their
templates are the project's, in ``templates/pages/`` (each app's own pages are in
``<app>/templates/<app>/``)."""

from django.db.models import Prefetch, Q
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView

from awards.models import Award
from awards.selectors import award_rows
from cities import statistics
from cities.choices import FigureMetric
from cities.comparison import compare, recorded_counts
from cities.models import Place, Relationship, RelationshipStage
from cities.selectors import relationship_rows
from exchanges import activity
from exchanges.models import Exchange
from exchanges.selectors import exchange_rows
from sources.models import SourceReport
from sources.reading import highlight
from utilities.generation import remembered
from utilities.pagination import section_page
from utilities.partial_dates import partial_date_order

# A section of a page shows at most this many rows; the rest are on its further pages. A
# page of partners is drawn three times (their list, the timeline of their dated steps and
# the map): fifty keep a city's page near a hundred rows, as the directories are.
PARTNERS_PER_PAGE = 50
EXCHANGES_PER_PAGE = 50
# A place's page shows its exchanges beside its partners, timeline and map: half a list's
# page, so the page stays near a hundred rows (a city may hold tens of thousands).
PLACE_EXCHANGES_PER_PAGE = 25
AWARDS_PER_PAGE = 50

# What a page of partners shows of each (its row, the timeline, the map): the other columns
# are left unread, a hundred rows and their places and steps being most of the page's work.
PLACE_FIELDS = ("slug", "name_zh", "name_en", "country", "latitude", "longitude")
PARTNER_FIELDS = (
    "kind",
    "stage",
    "wording",
    *(f"{side}__{name}" for side in ("chinese_place", "foreign_place") for name in PLACE_FIELDS),
)
STEP_FIELDS = (
    "relationship",
    "stage",
    "date_year",
    "date_month",
    "date_day",
    "document",
    "planned",
)

# What a row of a place's exchanges shows of each.
EXCHANGE_ROW_FIELDS = (
    "title_zh",
    "title_en",
    "kind",
    "countries",
    *(f"{part}_{name}" for part in ("start", "end") for name in ("year", "month", "day")),
    *(f"chinese_place__{name}" for name in PLACE_FIELDS),
    *(f"relationship__foreign_place__{name}" for name in PLACE_FIELDS),
)

METRIC_ORDER = {metric.value: index for index, metric in enumerate(FigureMetric)}


def figure_tables(place, scope=None, counts=None):
    """The reported totals the registry can count (beside the recorded numbers) and the
    other figures the reports state, each in the order of ``FigureMetric``. ``scope``: the
    primary keys of the place and the places inside it, if read already; ``counts``: the
    recorded counts (``cities.comparison.recorded_counts``), if counted already."""
    comparisons = sorted(
        compare(place, scope, counts),
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


def place_awards(place, scope):
    """The awards a Chinese place's page lists: of the place and the places inside it
    (``scope``, their keys), to the place itself, or to its relationships; by date."""
    awards = Award.objects.filter(
        Q(chinese_place__in=scope) | Q(place=place) | Q(relationship__chinese_place=place)
    )
    return award_rows(awards).order_by(*partial_date_order("conferred"), "pk").distinct()


def place_scope(place, request=None):
    """The keys of the place and the places inside it, read once per generation of the
    tables the tree is read from: as a subquery its recursive query would run in each
    query, and the planner, expecting thousands of places from it, would read every row.

    A figure that counts over the scope reads it through this, inside its computation, so
    that the figure learns the places' table with it (``remembered``): a place moved into
    or out of the tree makes it again."""
    return remembered(
        f"pages.place.scope:{place.pk}",
        lambda: list(Place.objects.within(place).values_list("pk", flat=True)),
        request,
    )


def place_figures(place, request=None):
    """What a Chinese place's page counts over all its records, whatever page of its
    sections is shown, a city holding thousands of partners and tens of thousands of
    exchanges: ``scope``: the keys of the place and the places inside it; ``partners``: the
    keys of its relationships in the page's order; ``counts``: by kind and stage;
    ``holders``: by the place holding them; ``recorded``: the counts beside the reported
    figures; ``exchanges`` and ``awards``: how many.

    Three figures, each made again only after a write to a table it reads
    (``remembered``): an exchange's save counts the exchanges again and keeps the
    relationships' order and counts, an award's the awards."""

    def relationships():
        scope = place_scope(place, request)
        held = Relationship.objects.filter(chinese_place__in=scope)
        # Sorted from narrow rows; the page reads the rows of one page of these keys.
        partners = held.order_by(
            *statistics.display_order(),
            "foreign_place__country",
            "foreign_place__name_en",
            "pk",
        ).values_list("pk", flat=True)
        return {
            "partners": list(partners),
            "counts": statistics.kind_stage_counts(held),
            "holders": statistics.holders(held),
            "recorded": recorded_counts(place, scope),
        }

    def exchanges():
        return Exchange.objects.filter(chinese_place__in=place_scope(place, request)).count()

    def awards():
        return place_awards(place, place_scope(place, request)).count()

    return {
        "scope": place_scope(place, request),
        **remembered(f"pages.place.relationships:{place.pk}", relationships, request),
        "exchanges": remembered(f"pages.place.exchanges:{place.pk}", exchanges, request),
        "awards": remembered(f"pages.place.awards:{place.pk}", awards, request),
    }


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
            return ["pages/chinese_place_detail.html"]
        return ["pages/foreign_place_detail.html"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        place = self.object
        if place.is_chinese:
            figures = place_figures(place, self.request)
            scope = figures["scope"]
            # One page of partners, its keys in page order kept with the figures (a
            # province may hold thousands): only that page's rows are read. The timeline
            # and the map show the partners of that page.
            partners = section_page(
                self.request, figures["partners"], "partners", PARTNERS_PER_PAGE, anchor="partners"
            )
            # Only what the page shows of them (PARTNER_FIELDS): not the fields of
            # cooperation or the parent a directory row shows.
            partners.rows = relationships = statistics.in_order(
                Relationship.objects.select_related("chinese_place", "foreign_place")
                .only(*PARTNER_FIELDS)
                .prefetch_related(
                    Prefetch("stages", queryset=RelationshipStage.objects.only(*STEP_FIELDS))
                ),
                partners.rows,
            )
            counts = figures["counts"]
            groups, group_summary = statistics.grouped_page(
                relationships, counts, PARTNERS_PER_PAGE
            )
            # Only what an exchange row shows (``exchange_items``): not the notes, the
            # counts or the relationship's Chinese side the other lists read.
            exchanges = (
                Exchange.objects.filter(chinese_place__in=scope)
                .select_related("chinese_place", "relationship__foreign_place")
                .only(*EXCHANGE_ROW_FIELDS)
                .prefetch_related(
                    "fields", Prefetch("places", queryset=Place.objects.only(*PLACE_FIELDS))
                )
            )
            awards = place_awards(place, scope)
            established, prospects = statistics.established_and_prospects_counted(counts)
            context.update(
                partners=partners,
                groups=groups,
                group_summary=group_summary,
                established_count=established,
                prospect_count=prospects,
                # A province or city gathers the partners of the places inside it.
                holders=figures["holders"],
                timeline=statistics.timeline(relationships),
                **activity.page_context(activity.place_picture(place, self.request)),
                **figure_tables(place, counts=figures["recorded"]),
                statements=list(place.reported_statements.prefetch_related("citations__report")),
                reports=place.source_reports.all(),
            )
        else:
            # The place and the places inside it, read once: as a subquery the tree's
            # recursive query would run in each of the page's queries.
            scope = list(Place.objects.within(place).values_list("pk", flat=True))
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
                        queryset=RelationshipStage.objects.prefetch_related(
                            "citations__report", "claims__citations__report"
                        ),
                    ),
                )
                .order_by("chinese_place__name_en", "pk")
            )
            exchanges = exchange_rows(
                Exchange.objects.filter(places=place).exclude(relationship__foreign_place=place)
            )
            awards = award_rows(Award.objects.filter(place=place))
        for relationship in relationships:
            relationship.established = statistics.established(relationship)
        exchanges = exchanges.order_by(*partial_date_order("start"), "pk")
        if place.is_chinese:
            # A city may hold tens of thousands: the page's keys come from the date index.
            exchanges = section_page(
                self.request,
                exchanges,
                "exchanges",
                PLACE_EXCHANGES_PER_PAGE,
                anchor="exchanges",
                keys_first=True,
                count=figures["exchanges"],
            )
            awards = section_page(
                self.request,
                awards,
                "awards",
                AWARDS_PER_PAGE,
                anchor="awards",
                count=figures["awards"],
            )
        else:
            awards = awards.order_by(*partial_date_order("conferred"), "pk").distinct()
            exchanges, awards = list(exchanges), list(awards)
        context.update(
            relationships=relationships,
            exchanges=exchanges,
            awards=awards,
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
    template_name = "pages/relationship_detail.html"

    def get_queryset(self):
        return Relationship.objects.select_related(
            "chinese_place__parent", "foreign_place__parent"
        ).prefetch_related(
            "fields",
            "citations__report",
            "claims__citations__report",
            Prefetch(
                "stages",
                queryset=RelationshipStage.objects.prefetch_related(
                    "citations__report", "claims__citations__report"
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
        # A relationship may have hundreds of exchanges: one page of them at a time.
        exchanges = section_page(
            self.request,
            exchange_rows(relationship.exchanges.all())
            .prefetch_related("citations__report")
            .order_by(*partial_date_order("start"), "pk"),
            "exchanges",
            EXCHANGES_PER_PAGE,
            anchor="exchanges",
        )
        context.update(
            exchanges=exchanges,
            established=statistics.established(relationship),
            **activity.page_context(
                activity.relationship_activity(Relationship.objects.filter(pk=relationship.pk))[
                    relationship.pk
                ]
            ),
            other_relationships=list(others),
            map_data=statistics.map_data([relationship]),
        )
        return context


def citation_records(citation):
    """Every record that cites the passage, as (kind label, text, url)."""
    records = []
    for relationship in citation.relationships.all():
        records.append((_("友好关系"), str(relationship), relationship.get_absolute_url()))
    for stage in citation.relationship_stages.all():
        text = f"{stage.relationship} · {stage}"
        records.append((_("阶段日期"), text, stage.get_absolute_url()))
    for exchange in citation.exchanges.all():
        records.append((_("交流项目"), exchange.display_title(), exchange.get_absolute_url()))
    for award in citation.awards.all():
        records.append((_("获奖"), str(award), award.get_absolute_url()))
    for figure in citation.reported_figures.all():
        records.append((_("报告数字"), str(figure), figure.get_absolute_url()))
    for alias in citation.place_aliases.all():
        text = f"{alias.name} → {alias.place}"
        records.append((_("别名"), text, alias.get_absolute_url()))
    return records


class SourceReportDetailView(DetailView):
    model = SourceReport
    slug_field = "slug"
    context_object_name = "report"
    template_name = "pages/report_detail.html"

    def get_queryset(self):
        return SourceReport.objects.select_related("chinese_place__parent")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.object
        related = Relationship.objects.select_related("chinese_place", "foreign_place")
        citations = list(
            report.citations.prefetch_related(
                Prefetch("relationships", queryset=related),
                Prefetch(
                    "relationship_stages",
                    queryset=RelationshipStage.objects.select_related(
                        "relationship__chinese_place", "relationship__foreign_place"
                    ),
                ),
                "exchanges",
                Prefetch(
                    "awards",
                    queryset=Award.objects.select_related(
                        "award_type",
                        "place",
                        "relationship__chinese_place",
                        "relationship__foreign_place",
                    ),
                ),
                "reported_figures__chinese_place",
                "place_aliases__place",
            )
        )
        segments = highlight(report.text, citations)
        citations.sort(key=lambda citation: (not citation.found, report.text.find(citation.quote)))
        for number, citation in enumerate(citations, start=1):
            citation.number = number
            citation.records = citation_records(citation)
        context.update(segments=segments, citations=citations)
        return context
