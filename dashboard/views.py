"""The staff dashboard: what an office should look at today.

For the user's office (a Chinese city and the places inside it): partners with no recorded
exchange in the last N years (reports complain of 交流不够活跃), round anniversaries of
agreements in the next twelve months, the totals its reports state beside what the
registry records (with, per report, what is left to enter from it), letters of intent that
have not become agreements, the national-rule warnings not yet acknowledged, and changes other
offices made to the foreign places this office's records use (with a link to revert them). The page is in
the admin (``admin.site.admin_view``), linked from the admin index.

A city with thousands of partners has long lists: each keeps its exact count and shows its
first rows, with a link to the full list (the admin's relationship list, or a paginated
page of the dashboard, ``OfficeListView``). Figures that read registry records only (each
relationship's latest exchange date, the anniversaries, the rule warnings) are kept for the
generation of the tables they read (``utilities.generation.remembered``): the first read
after a write to one of them makes them again.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from django.contrib import admin
from django.core.paginator import Paginator
from django.db.models import Case, ExpressionWrapper, F, IntegerField, Max, Q, When
from django.db.models.functions import Cast, Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from cities.anniversaries import may_fall_in_window, upcoming_anniversaries, years_before
from cities.choices import FigureMetric, RelationshipKind, Stage
from cities.models import Place, Relationship
from cities.national_rules import relationship_warnings
from exchanges.models import Exchange
from offices.rules import office_of, partners_of
from sources.models import SourceReport
from sources.reading import whats_left, with_citations
from utilities.concurrency import BOOKKEEPING
from utilities.generation import remembered
from utilities.lookups import Among  # noqa: F401 (registers ``__among``)
from utilities.partial_dates import PartialDate, partial_date, partial_date_order

DEFAULT_QUIET_YEARS = 3
# Relationships that are in force (signed, not ended).
IN_FORCE = (Stage.AGREEMENT, Stage.ACTIVE)
EXCHANGE_DATES = [
    f"{side}_{part}" for side in ("start", "end") for part in ("year", "month", "day")
]


# What the dashboard shows of a relationship: its name (both places' names), kind and stage.
# A city's office has thousands: the other columns (notes, sources, each place's country
# and coordinates) would be read and remembered for every one of them.
SHOWN_FIELDS = [
    "kind",
    "stage",
    *(f"{side}__{name}" for side in ("chinese_place", "foreign_place") for name in ("name_zh", "name_en")),
]  # fmt: skip


# The relationships' own order (``Meta.ordering``: each place by its own ordering) spelled
# out: ``values_list`` of the places' ids would otherwise be ordered by the ids.
RELATIONSHIP_ORDER = [
    f"{side}__{name}"
    for side in ("chinese_place", "foreign_place")
    for name in Place._meta.ordering
] + ["kind"]


def office_relationships(place):
    """The relationships of the place and of the places inside it."""
    return (
        Relationship.objects.filter(chinese_place__in=Place.objects.within(place).values("pk"))
        .select_related("chinese_place", "foreign_place")
        .only(*SHOWN_FIELDS)
        .prefetch_related("stages")
    )


def exchange_date(exchange):
    """The latest known date of an exchange (its end, else its start)."""
    return exchange.end or exchange.start


def latest_date(parts, known=None):
    """:func:`exchange_date` from the six date columns (``EXCHANGE_DATES``) as read;
    ``known`` keeps the dates already made (a city's exchanges share most of them)."""
    if known is None:
        known = {}
    date = known.get(parts)
    if date is None and parts not in known:
        date = known[parts] = partial_date(*parts[3:]) or partial_date(*parts[:3])
    return date


@dataclass
class QuietPartner:
    relationship: Relationship
    last_exchange: Exchange | None
    last_date: PartialDate | None
    years: int | None  # whole years since the last exchange, None when none is recorded


class OfficeRows(Sequence):
    """One of an office's lists, counted in full but described only where it is shown.

    ``keys`` are every row of the list in its order, each as little as the order needs
    (ids and dates); ``describe(keys)`` makes the rows of a slice of them, with the records
    they name, in a fixed number of queries. A big city lists thousands of rows: its
    dashboard shows the first few and a page of the full list shows one page."""

    def __init__(self, keys, describe):
        self.keys = keys
        self.describe = describe

    def __len__(self):
        return len(self.keys)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self.describe(self.keys[index])
        return self.describe([self.keys[index]])[0]

    def __iter__(self):
        return iter(self.describe(self.keys))


def exchange_date_key(prefix=""):
    """:func:`exchange_date` as one sortable number (``year * 10000 + month * 100 + day``,
    a missing part 0: ``PartialDate.sort_key`` in order), so the database finds a
    relationship's latest exchange date with ``Max``."""

    def key(side):
        parts = [F(f"{prefix}{side}_{part}") for part in ("year", "month", "day")]
        year, month, day = parts
        return ExpressionWrapper(
            Cast(year, IntegerField()) * 10000
            + Coalesce(Cast(month, IntegerField()), 0) * 100
            + Coalesce(Cast(day, IntegerField()), 0),
            output_field=IntegerField(),
        )

    return Case(
        When(**{f"{prefix}end_year__isnull": False}, then=key("end")),
        default=key("start"),
        output_field=IntegerField(),
    )


def date_of_key(key):
    """The partial date of an :func:`exchange_date_key`. A date no calendar has (2025-02-30,
    which only a path that skips ``clean()`` can store) is read as its month, else its
    year: the partner did meet then, and is not listed as never met."""
    if key is None:
        return None
    year, month, day = key // 10000, key // 100 % 100 or None, key % 100 or None
    return (
        partial_date(year, month, day)
        or partial_date(year, month, None)
        or partial_date(year, None, None)
    )


def exchanges_counted(relationships, paths):
    """The exchanges that count for each relationship (``(pk, chinese place pk, foreign
    place pk)``): its own, and those run by its Chinese place or a place above it
    (``paths``) with its partner: ``(own exchanges, exchanges by (Chinese place, partner))``,
    querysets to read or aggregate."""
    own = Exchange.objects.filter(relationship__id__among={pk for pk, _c, _f in relationships})
    links = Exchange.places.through.objects.filter(
        exchange__chinese_place__id__among={pk for path in paths.values() for pk in path},
        place__id__among={foreign_id for _pk, _c, foreign_id in relationships},
    )
    return own, links


def last_exchanges(relationships, paths):
    """{relationship pk: (pk, date) of its latest exchange, or (None, None)} for the few
    relationships shown: among exchanges of the same date, the first in the exchanges'
    own order (its own before its places')."""
    own, links = exchanges_counted(relationships, paths)
    by_relationship, by_pair = {}, {}
    known = {}
    for pk, relationship_id, *parts in own.values_list("pk", "relationship", *EXCHANGE_DATES):
        by_relationship.setdefault(relationship_id, []).append(
            (pk, latest_date(tuple(parts), known))
        )
    links = links.order_by(*(f"exchange__{name}" for name in Exchange._meta.ordering))
    for pk, chinese_id, partner_id, *parts in links.values_list(
        "exchange",
        "exchange__chinese_place",
        "place",
        *(f"exchange__{name}" for name in EXCHANGE_DATES),
    ):
        by_pair.setdefault((chinese_id, partner_id), []).append(
            (pk, latest_date(tuple(parts), known))
        )
    found_last = {}
    for pk, chinese_id, foreign_id in relationships:
        found = list(by_relationship.get(pk, []))
        for side in paths[chinese_id]:
            found += by_pair.get((side, foreign_id), [])
        dated = [(exchange, date) for exchange, date in found if date]
        found_last[pk] = max(dated, key=lambda item: item[1].sort_key()) if dated else (None, None)
    return found_last


def last_exchange_dates(place, request=None):
    """The office's relationships in force, each with its latest exchange date, and the
    path of each Chinese place: ``{"relationships": [(pk, Chinese place pk, partner pk,
    date key or None), …] in the relationships' order, "paths": {pk: [root, …, pk]}}``.

    The database gives each relationship's latest date (a city has tens of thousands of
    exchanges). Registry records only: kept for the generation of the tables it reads
    (``remembered``), whatever the years asked or the day."""

    def compute():
        relationships = list(
            office_relationships(place)
            .filter(stage__in=IN_FORCE)
            .order_by(*RELATIONSHIP_ORDER)
            .values_list("pk", "chinese_place", "foreign_place")
        )
        # Each Chinese place with the places above it, at any depth (one recursive query
        # that climbs from these places only).
        paths = Place.objects.filter(pk__in={c for _pk, c, _f in relationships}).paths()
        own, links = exchanges_counted(relationships, paths)
        last_own = dict(
            own.order_by()
            .values("relationship")
            .annotate(last=Max(exchange_date_key()))
            .values_list("relationship", "last")
        )
        last_by_pair = {
            (chinese_id, partner_id): last
            for chinese_id, partner_id, last in links.order_by()
            .values("exchange__chinese_place", "place")
            .annotate(last=Max(exchange_date_key("exchange__")))
            .values_list("exchange__chinese_place", "place", "last")
        }
        rows = []
        for pk, chinese_id, foreign_id in relationships:
            found = [last_own.get(pk)]
            found += [last_by_pair.get((side, foreign_id)) for side in paths[chinese_id]]
            last = max((key for key in found if key is not None), default=None)
            rows.append((pk, chinese_id, foreign_id, last))
        return {"relationships": rows, "paths": paths}

    return remembered(f"dashboard.last_exchange_dates:{place.pk}", compute, request)


def quiet_partners(place, years=DEFAULT_QUIET_YEARS, today=None, request=None):
    """Relationships in force with no exchange recorded in the last ``years`` years, the
    longest-quiet first (never-recorded ones at the top). An exchange counts for a
    relationship when it belongs to it, or when it involves the partner and was run by
    the relationship's Chinese place or a place above it (its city, its province).

    Counted from each relationship's latest exchange date (``last_exchange_dates``); the
    exchange itself is found for the rows shown only."""
    today = today or timezone.localdate()
    cutoff = years_before(today, years)
    found = last_exchange_dates(place, request)
    paths = found["paths"]
    keys = []
    for pk, chinese_id, foreign_id, last in found["relationships"]:
        last_date = date_of_key(last)
        if last_date and last_date.latest() >= cutoff:
            continue
        keys.append((pk, chinese_id, foreign_id, last_date))
    keys.sort(key=lambda row: (row[3] is not None, row[3].sort_key() if row[3] else ()))

    def describe(keys):
        shown = office_relationships(place).prefetch_related(None).in_bulk([k[0] for k in keys])
        found_last = last_exchanges([k[:3] for k in keys], paths)
        exchanges = Exchange.objects.only("pk", "title_zh", "title_en", *EXCHANGE_DATES).in_bulk(
            {pk for pk, _date in found_last.values() if pk is not None}
        )
        # A relationship deleted since the figures were kept is left out, not a 500.
        return [
            QuietPartner(
                shown[pk],
                exchanges.get(found_last[pk][0]),
                last_date,
                today.year - last_date.year if last_date else None,
            )
            for pk, _chinese_id, _foreign_id, last_date in keys
            if pk in shown
        ]

    return OfficeRows(keys, describe)


def anniversaries(place, today=None, request=None):
    """Round anniversaries (5, 10, … 50 years) in the next twelve months of the office's
    relationships: the one computation the API's feed also uses
    (``cities.anniversaries.upcoming_anniversaries``). Found from each relationship's
    stage and beginning; the relationships' names are read for the rows shown."""
    # ``began`` is read from the annotation: the stages need not be prefetched.
    relationships = (
        office_relationships(place)
        .prefetch_related(None)
        .select_related(None)
        .only("stage")
        .order_by()
        .with_began()
    )
    today = today or timezone.localdate()
    found = remembered(
        f"dashboard.anniversaries:{place.pk}:{today.isoformat()}",
        lambda: upcoming_anniversaries(may_fall_in_window(relationships, today), today),
        request,
    )

    def describe(rows):
        shown = (
            office_relationships(place)
            .prefetch_related(None)
            .in_bulk([row.relationship.pk for row in rows])
        )
        # A relationship deleted since the figures were kept is left out, not a 500.
        return [
            replace(row, relationship=shown[row.relationship.pk])
            for row in rows
            if row.relationship.pk in shown
        ]

    return OfficeRows(found, describe)


@dataclass
class PendingIntent:
    relationship: Relationship
    intent: PartialDate | None
    years: int | None


def pending_intents(place, today=None, stage=Stage.INTENT):
    """Relationships still at the letter-of-intent stage: no agreement yet (with
    ``stage=Stage.PURSUING``: partners the office is pursuing, before any letter)."""
    today = today or timezone.localdate()
    rows = []
    for relationship in office_relationships(place).filter(stage=stage):
        intent = relationship.stage_date(stage)
        rows.append(
            PendingIntent(relationship, intent, today.year - intent.year if intent else None)
        )
    rows.sort(key=lambda row: row.intent.sort_key() if row.intent else (0,))
    return rows


def disagreements(place):
    """The office's relationships whose sources disagree (a step's date, the kind or the
    level), each with its disputes: [(relationship, [(subject, sides), …]), …]. Four
    queries whatever the number of relationships."""
    relationships = (
        Relationship.objects.filter(
            chinese_place__in=Place.objects.within(place).values("pk"), claims__isnull=False
        )
        .distinct()
        .select_related("chinese_place", "foreign_place")
        .prefetch_related("claims", "stages__claims")
        .order_by("foreign_place__name_en", "pk")
    )
    rows = []
    for relationship in relationships:
        disputes = relationship.disputes()
        if disputes:
            rows.append((relationship, disputes))
    return rows


def reports_left(place):
    """The office's reports, newest first, each with what is left to enter from it."""
    reports = (
        with_citations(SourceReport.objects.all())
        .filter(chinese_place__in=Place.objects.within(place).values("pk"))
        .order_by(*partial_date_order("published", descending=True), "-pk")
    )
    return [(report, whats_left(report)) for report in reports]


PARTNER_CHANGE_DAYS = 180
PARTNER_CHANGE_ROWS = 20


@dataclass
class PartnerChange:
    place: Place
    user: object
    date: datetime.datetime
    fields: list
    reason: str
    revert_url: str | None  # the revert page of the version before the change


def partner_changes(place, today=None):
    """Recent changes to this office's partner places by accounts outside the office
    (another office, a superuser), newest first: who, when, which fields, and the revert
    page of the version before the change."""
    today = today or timezone.localdate()
    cutoff = timezone.now() - datetime.timedelta(days=PARTNER_CHANGE_DAYS)
    inside = Place.objects.within(place).values("pk")
    rows = (
        Place.history.filter(
            id__among=partners_of(place),  # thousands of ids: one parameter
            history_type="~",
            history_date__gte=cutoff,
            history_user__isnull=False,
        )
        .exclude(history_user__office__place__in=inside)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:PARTNER_CHANGE_ROWS]
    )
    changes = []
    for row in rows:
        previous = row.prev_record
        fields = []
        if previous is not None:
            fields = [
                str(Place._meta.get_field(change.field).verbose_name)
                for change in row.diff_against(previous).changes
                if change.field not in BOOKKEEPING
            ]
        changes.append(
            PartnerChange(
                place=row.instance,
                user=row.history_user,
                date=row.history_date,
                fields=fields,
                reason=row.history_change_reason or "",
                revert_url=reverse(
                    "admin:cities_place_simple_history", args=[row.id, previous.history_id]
                )
                if previous is not None
                else None,
            )
        )
    return changes


# Which relationships a reported metric counts, for the "check the list" link.
METRIC_FILTERS = {
    FigureMetric.SISTER_CITIES: {"kind__exact": RelationshipKind.SISTER},
    FigureMetric.FRIENDLY_CITIES: {"kind__exact": RelationshipKind.FRIENDLY},
    FigureMetric.INTENTS: {"stage__exact": Stage.INTENT},
    FigureMetric.MUNICIPAL_SISTER_CITIES: {
        "kind__exact": RelationshipKind.SISTER,
        "level__exact": "municipal",
    },
    FigureMetric.COUNTY_SISTER_CITIES: {
        "kind__exact": RelationshipKind.SISTER,
        "level__exact": "county",
    },
}


def rule_warnings(place, request=None):
    """The national-rule warnings of the office's relationships not yet acknowledged
    (``cities.national_rules``), in a fixed number of queries; kept for the generation of
    the tables it reads, in each language (the messages are worded)."""

    def judge():
        found = relationship_warnings(office_relationships(place))
        return sorted(
            (warning for warnings in found.values() for warning in warnings),
            key=lambda warning: (str(warning.relationship), warning.rule),
        )

    return remembered(f"dashboard.rule_warnings:{place.pk}:{get_language()}", judge, request)


# An id no record has: where it stands in a reversed URL, a row's id goes.
MARKER = "987654321987654321"


def record_link(name):
    """``(start, end)`` of an admin URL around a record's id (``{{ start }}{{ pk }}{{ end
    }}`` in the template): reversed once for lists of thousands of rows."""
    start, _marker, end = reverse(name, args=[MARKER]).rpartition(MARKER)
    return start, end


def office_choices():
    """The Chinese cities that have an office account or a report."""
    return (
        Place.objects.chinese()
        .filter(Q(offices__isnull=False) | Q(source_reports__isnull=False))
        .distinct()
        .order_by("name_zh")
    )


# Rows each list shows on the dashboard, and on a page of its full list.
DASHBOARD_ROWS = 20
LIST_ROWS = 100

# The lists an office's dashboard shows: (context name, full list). Intents and partners
# being pursued are listed in full by the admin's own relationship list (with the same
# filter), the others by a page of the dashboard (``office-dashboard-list``).
LISTS = ["quiet", "anniversaries", "intents", "pursued", "disagreements", "rule_warnings"]
CHANGELIST_STAGES = {"intents": Stage.INTENT, "pursued": Stage.PURSUING}


class OfficeDashboardView(TemplateView):
    """The dashboard of one office: the user's own, or (for any staff account, since
    everyone may view everything) the one chosen with ``?place=``. Each list shows its
    count and its first rows, with a link to the full list when there are more."""

    template_name = "dashboard/dashboard.html"
    # One list in full, a page at a time (``OfficeListView``); None: the dashboard.
    section = None

    def chosen_place(self):
        value = self.request.GET.get("place", "")
        if value.isdigit():
            place = Place.objects.chinese().filter(pk=int(value)).first()
            if place is not None:
                return place
        own = office_of(self.request.user)
        if own is not None:
            return own
        return office_choices().first()

    def quiet_years(self):
        value = self.request.GET.get("years", "")
        if value.isdigit() and 1 <= int(value) <= 50:
            return int(value)
        return DEFAULT_QUIET_YEARS

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(admin.site.each_context(self.request))
        place = self.chosen_place()
        years = self.quiet_years()
        today = timezone.localdate()
        context.update(
            {
                "title": _("外办工作台"),
                "place": place,
                "own_office": office_of(self.request.user),
                "offices": office_choices(),
                "years": years,
                "year_choices": [1, 2, 3, 5, 10],
                "today": today,
                "relationship_url": record_link("admin:cities_relationship_change"),
                "exchange_url": record_link("admin:exchanges_exchange_change"),
            }
        )
        if place is None:
            return context
        lists = self.lists(place, years, today)
        context.update(lists)
        if self.section is not None:
            return context
        for name, rows in lists.items():
            context[f"{name}_shown"] = rows[:DASHBOARD_ROWS]
            context[f"{name}_all"] = self.full_list_url(name, place, years)
        comparisons = [
            (
                comparison,
                urlencode(
                    {"chinese_place": place.pk, **METRIC_FILTERS.get(comparison.figure.metric, {})}
                ),
            )
            for comparison in place.reported_vs_recorded()
        ]
        # Totals the registry can check first.
        comparisons.sort(key=lambda item: item[0].recorded is None)
        context.update(
            {
                "comparisons": comparisons,
                "partner_changes": partner_changes(place, today),
                "reports_left": reports_left(place),
            }
        )
        return context

    def lists(self, place, years, today):
        """The office's lists, each in full (rows are described as they are shown)."""
        return {
            "quiet": quiet_partners(place, years, today, self.request),
            "anniversaries": anniversaries(place, today, self.request),
            "intents": pending_intents(place, today),
            "pursued": pending_intents(place, today, Stage.PURSUING),
            "disagreements": disagreements(place),
            "rule_warnings": rule_warnings(place, self.request),
        }

    @staticmethod
    def full_list_url(name, place, years):
        if name in CHANGELIST_STAGES:
            query = {"chinese_place": place.pk, "stage__exact": CHANGELIST_STAGES[name]}
            return f"{reverse('admin:cities_relationship_changelist')}?{urlencode(query)}"
        query = {"place": place.pk, **({"years": years} if name == "quiet" else {})}
        slug = name.replace("_", "-")
        return f"{reverse('office-dashboard-list', args=[slug])}?{urlencode(query)}"


class OfficeListView(OfficeDashboardView):
    """One of the dashboard's lists in full, a page at a time."""

    def dispatch(self, request, *args, section, **kwargs):
        section = section.replace("-", "_")
        if section not in LISTS or section in CHANGELIST_STAGES:
            raise Http404
        self.section = section
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if context.get("place") is None:
            return context
        place, years = context["place"], context["years"]
        page = Paginator(context[self.section], LIST_ROWS).get_page(self.request.GET.get("page"))
        query = {"place": place.pk, **({"years": years} if self.section == "quiet" else {})}
        context.update(
            {
                "section": self.section,
                "page_obj": page,
                f"{self.section}_shown": page.object_list,
                "list_url": self.full_list_url(self.section, place, years),
                "dashboard_url": f"{reverse('office-dashboard')}?{urlencode(query)}",
            }
        )
        return context

    def lists(self, place, years, today):
        # Only the list shown is made.
        every = {
            "quiet": lambda: quiet_partners(place, years, today, self.request),
            "anniversaries": lambda: anniversaries(place, today, self.request),
            "disagreements": lambda: disagreements(place),
            "rule_warnings": lambda: rule_warnings(place, self.request),
        }
        return {self.section: every[self.section]()}


office_dashboard = admin.site.admin_view(OfficeDashboardView.as_view())
office_dashboard_list = admin.site.admin_view(OfficeListView.as_view())
