"""Figures the public pages draw from a set of relationships: counts by kind and stage, by
country and by decade (for the charts), a dated timeline, and the points and lines of a map.

Each function takes a queryset and makes a fixed number of queries, whatever its size.
The whole registry's counts (the home page) are kept for the generation of the tables they
read (``national_counts``).
"""

import functools
import heapq
from collections import defaultdict, namedtuple

from django.db import connections
from django.db.models import (
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_countries import countries

from utilities.generation import remembered
from utilities.languages import is_chinese, page_and_other
from utilities.lookups import EACH_SET, AmongQuery
from utilities.partial_dates import PartialDate, partial_date

from .choices import NOT_ESTABLISHED, RelationshipKind, Stage
from .filtersets import first_stage_year
from .models import BEGINNING_STAGES, Place, Relationship, RelationshipStage, began_sort_key

# What ``began_sort_key`` reads of a step.
BeginningStep = namedtuple("BeginningStep", ["stage", "date", "pk"])

# Stages in the order a reader wants them: the living relationships first.
STAGE_DISPLAY_ORDER = [Stage.ACTIVE, Stage.AGREEMENT, Stage.INTENT, Stage.PURSUING, Stage.ENDED]


# A number no address holds, standing for the argument in an address reversed once.
ARGUMENT = "9081726354"
_patterns = {}


def address(viewname, argument):
    """``reverse(viewname, args=[argument])`` for a page of one slug or number, from the
    address reversed once per language, script prefix and URLconf: a page of hundreds of
    rows reversed each (a tenth of its time). Slugs and numbers need no quoting."""
    key = (viewname, get_language(), get_script_prefix(), get_urlconf())
    pattern = _patterns.get(key)
    if pattern is None:
        pattern = _patterns[key] = reverse(viewname, args=[ARGUMENT])
    return pattern.replace(ARGUMENT, str(argument))


def addresses(viewname):
    """``address`` for the rows of a list: a function of the argument, the address's
    pattern looked up once (the language, script prefix and URLconf read once)."""
    pattern = address(viewname, ARGUMENT)
    return lambda argument: pattern.replace(ARGUMENT, str(argument))


def place_url(place):
    """``place.get_absolute_url()``, through ``address``."""
    return address("cities:place", place.slug)


def relationship_url(relationship):
    """``relationship.get_absolute_url()``, through ``address``."""
    return address("cities:relationship", relationship.pk)


def established(relationship):
    """When the relationship began as far as the sources say (``Relationship.began``)."""
    return relationship.began


@functools.cache
def beginning_steps_query():
    """The dated steps that may begin a relationship (an ``AmongQuery``, one per process)."""
    return AmongQuery(
        RelationshipStage.objects.filter(
            relationship__id__among=EACH_SET,
            stage__in=BEGINNING_STAGES,
            date_year__isnull=False,
            planned=False,
        )
        .order_by()
        .values_list("relationship_id", "pk", "stage", "date_year", "date_month", "date_day")
    )


def began_dates(relationships):
    """``{pk: Relationship.began}`` of ``relationships``, from their beginning steps read
    as plain values in one query: for a list whose rows show nothing else of their steps
    (the directory), instead of prefetching every step of every row as a model instance
    (a fifth of the directory's time). The step that dates each is chosen as
    ``Relationship.began`` chooses it (``began_sort_key``)."""
    if not relationships:
        return {}
    steps = defaultdict(list)
    rows = beginning_steps_query().rows({relationship.pk for relationship in relationships})
    for relationship_id, pk, stage, year, month, day in rows:
        date = partial_date(year, month, day)
        if date:
            steps[relationship_id].append(BeginningStep(stage, date, pk))
    return {
        relationship.pk: min(steps[relationship.pk], key=began_sort_key).date
        if steps[relationship.pk]
        else None
        for relationship in relationships
    }


def directory_url(**filters):
    return reverse("cities:relationship_list") + "?" + urlencode(filters, doseq=True)


def by_kind_and_stage(relationships):
    """A table: one row per kind, one column per stage, with totals and directory links."""
    counts = {
        (row["kind"], row["stage"]): row["n"]
        for row in relationships.order_by().values("kind", "stage").annotate(n=Count("pk"))
    }
    return kind_stage_table(counts)


def kind_stage_table(counts):
    """The kind-by-stage table from ``{(kind, stage): count}``."""
    counts = defaultdict(int, counts)
    rows = []
    for kind in RelationshipKind:
        cells = [
            {
                "stage": stage,
                "count": counts[(kind.value, stage.value)],
                "url": directory_url(kind=kind.value, stage=stage.value),
            }
            for stage in STAGE_DISPLAY_ORDER
        ]
        rows.append(
            {
                "kind": kind,
                "cells": cells,
                "total": sum(cell["count"] for cell in cells),
                "url": directory_url(kind=kind.value),
            }
        )
    columns = [
        {
            "stage": stage,
            "total": sum(counts[(kind.value, stage.value)] for kind in RelationshipKind),
        }
        for stage in STAGE_DISPLAY_ORDER
    ]
    return {"rows": rows, "columns": columns, "total": sum(row["total"] for row in rows)}


def by_country(relationships, top=15):
    """Chart rows: the countries with most partners, then the rest together; and the
    number of countries."""
    counts = {
        row["foreign_place__country"]: row["n"]
        for row in relationships.order_by().values("foreign_place__country").annotate(n=Count("pk"))
    }
    return country_chart(counts, top)


def country_chart(counts, top=15):
    """The country chart from ``{country code: count}``: most partners first."""
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    chart = [
        {
            "label": countries.name(country),
            "value": count,
            "url": directory_url(country=country),
        }
        for country, count in rows[:top]
    ]
    rest = sum(count for _country, count in rows[top:])
    if rest:
        chart.append({"label": _("其他 %(count)s 国") % {"count": len(rows) - top}, "value": rest})
    return chart, len(rows)


def decade_label(decade):
    if is_chinese():
        return _("%(decade)s年代") % {"decade": decade}
    return f"{decade}s"


def by_decade(relationships):
    """Chart rows: relationships per decade in which they began; undated ones last."""
    years = (
        relationships.order_by()
        .annotate(first_year=first_stage_year())
        .values_list("first_year", flat=True)
    )
    counts = defaultdict(int)
    for year in years:
        counts[None if year is None else year // 10 * 10] += 1
    return decade_chart(counts)


def decade_chart(counts):
    """The decade chart from ``{decade (1980) or None (undated): count}``."""
    undated = counts.get(None, 0)
    dated = {decade: count for decade, count in counts.items() if decade is not None and count}
    chart = []
    if dated:
        for decade in range(min(dated), max(dated) + 10, 10):
            chart.append(
                {
                    "label": decade_label(decade),
                    "value": dated.get(decade, 0),
                    "url": directory_url(year_min=decade, year_max=decade + 9),
                }
            )
    if undated:
        chart.append({"label": _("日期不详"), "value": undated})
    return chart


def began_year(steps="stages__"):
    """The year the relationship began (``Relationship.began``) as an aggregate over its
    stages: the earliest dated agreement's, else the earliest dated letter of intent's,
    memorandum's or "active" step's, planned steps left out (the year of the step
    ``began_steps`` puts first). A join PostgreSQL reads once, where ``first_stage_year``'s
    subquery runs once per relationship. ``steps``: the path from the rows grouped to the
    steps (``""`` for the steps themselves, grouped by relationship)."""
    beginning = Q(
        **{
            f"{steps}stage__in": BEGINNING_STAGES,
            f"{steps}date_year__isnull": False,
            f"{steps}planned": False,
        }
    )
    return Coalesce(
        Min(f"{steps}date_year", filter=beginning & Q(**{f"{steps}stage": Stage.AGREEMENT})),
        Min(f"{steps}date_year", filter=beginning),
    )


def began_key():
    """When the relationship began (``Relationship.began``), whole, as an aggregate like
    ``began_year``: year·10000 + month·100 + day, a missing part counted as 0 (the order
    of ``PartialDate.sort_key`` and of ``began_steps``, missing parts first). Read it back
    with ``began_from_key``."""
    steps = Q(
        stages__stage__in=BEGINNING_STAGES,
        stages__date_year__isnull=False,
        stages__planned=False,
    )
    key = ExpressionWrapper(
        F("stages__date_year") * 10000
        + Coalesce("stages__date_month", 0, output_field=IntegerField()) * 100
        + Coalesce("stages__date_day", 0, output_field=IntegerField()),
        output_field=IntegerField(),
    )
    return Coalesce(
        Min(key, filter=steps & Q(stages__stage=Stage.AGREEMENT)),
        Min(key, filter=steps),
    )


def began_from_key(key):
    """The ``PartialDate`` a ``began_key`` stands for (None for None)."""
    if key is None:
        return None
    return PartialDate(key // 10000, key // 100 % 100 or None, key % 100 or None)


def summary_counts(relationships, newest=0):
    """The counts behind ``summary``: ``kind_stage`` {(kind, stage): n} over every stage;
    ``countries`` {code: n} and ``decades`` {1980 or None (undated): n} over the
    established ties; ``prospects``, the ties pursued or at intent; and ``newest``, the
    ids of the ``newest`` relationships that began last (by year, undated last, then the
    newest record first).

    One query of two groupings: by kind, stage and partner's country (the relationships
    and their partners alone), and by stage and the year each began (the relationships
    joined to the beginning steps grouped by relationship): some two thousand rows at
    national scale, and the two parts independent (PostgreSQL may run them side by
    side). Joining every step to its relationship and partner and grouping by all four
    at once read 77,000 joined rows and returned 20,000, and fetching those took longer
    than the query. The newest are then read among the relationships begun in the latest
    years that hold them."""
    rows = (
        relationships.order_by()
        .values_list("pk", "kind", "stage", "foreign_place__country")
        .annotate(first_year=began_year())
    )
    by_place, place_params = (
        relationships.order_by()
        .values("kind", "stage", "foreign_place__country")
        .annotate(n=Count("pk"))
        .query.sql_with_params()
    )
    plain, plain_params = (
        relationships.order_by().values_list("pk", "stage").query.sql_with_params()
    )
    began, began_params = (
        RelationshipStage.objects.filter(
            stage__in=BEGINNING_STAGES, date_year__isnull=False, planned=False
        )
        .order_by()
        .values("relationship")
        .annotate(first_year=began_year(steps=""))
        .values_list("relationship", "first_year")
        .query.sql_with_params()
    )
    connection = connections[rows.db]
    pk, kind, stage, country, year, relationship, number = (
        connection.ops.quote_name(name)
        for name in (
            "pk", "kind", "stage", "foreign_place__country", "first_year", "relationship", "n"
        )
    )  # fmt: skip
    kind_stage, countries, decades, by_year = (defaultdict(int) for _ in range(4))
    prospects = 0
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {kind}, {stage}, {country}, NULL, {number} FROM ({by_place}) p "
            f"UNION ALL SELECT NULL, r.{stage}, NULL, b.{year}, COUNT(*) FROM ({plain}) r "
            f"LEFT JOIN ({began}) b ON b.{relationship} = r.{pk} GROUP BY r.{stage}, b.{year}",
            (*place_params, *plain_params, *began_params),
        )
        for row_kind, row_stage, row_country, row_year, count in cursor.fetchall():
            # The charts count established ties; those pursued or at intent only the table.
            established = row_stage not in NOT_ESTABLISHED
            if row_kind is None:  # by stage and year
                by_year[row_year] += count
                if established:
                    decades[None if row_year is None else row_year // 10 * 10] += count
                continue
            kind_stage[(row_kind, row_stage)] += count
            if established:
                countries[row_country] += count
            else:
                prospects += count
    return {
        "kind_stage": dict(kind_stage),
        "countries": dict(countries),
        "decades": dict(decades),
        "prospects": prospects,
        "newest": newest_began(rows, by_year, newest) if newest else [],
    }


def newest_began(rows, by_year, newest):
    """The ids of the ``newest`` of ``rows`` (``summary_counts``'s) that began last, by
    year (undated last), then the newest record first; ``by_year`` {year: n} of them."""
    dated = sorted((year for year in by_year if year is not None), reverse=True)
    held, since = 0, None
    for year in dated:
        held += by_year[year]
        since = year
        if held >= newest:
            break
    if held >= newest:
        # Only those begun in the latest years that hold enough, found through their
        # steps: a relationship begun in ``since`` or later has a beginning step dated so.
        steps = RelationshipStage.objects.filter(
            stage__in=BEGINNING_STAGES, date_year__gte=since, planned=False
        )
        rows = rows.filter(pk__in=steps.values("relationship"), first_year__gte=since)
    order = [(year is not None, year or 0, pk) for pk, _k, _s, _c, year in rows]
    return [pk for _dated, _year, pk in heapq.nlargest(newest, order)]


def summary_from_counts(counts, top=15):
    """The national picture from ``summary_counts``, in the current language."""
    chart, country_count = country_chart(counts["countries"], top)
    table = kind_stage_table(counts["kind_stage"])
    return {
        "kind_stage": table,
        "established_total": table["total"] - counts["prospects"],
        "prospect_total": counts["prospects"],
        "by_country": chart,
        "country_count": country_count,
        "by_decade": decade_chart(counts["decades"]),
    }


def summary(relationships, top=15):
    """The national picture of the home page from one query (``summary_counts``): the
    kind-by-stage table (every stage), the established and prospective totals, and the
    country chart and count and the decade chart of the established ties."""
    return summary_from_counts(summary_counts(relationships), top)


def national_counts(request=None, newest=0):
    """``summary_counts`` of the whole registry and the number of Chinese places that
    hold a relationship (``chinese_places``), counted once per generation of the tables
    they read (``utilities.generation.remembered``): the first read after a write to one of
    them counts again."""

    def count():
        counts = summary_counts(Relationship.objects.all(), newest)
        holds = Relationship.objects.filter(chinese_place=OuterRef("pk"))
        counts["chinese_places"] = Place.objects.chinese().filter(Exists(holds)).count()
        return counts

    return remembered(f"cities.national.{newest}", count, request)


def timeline(relationships):
    """Every dated step of these relationships (prefetched ``stages``), grouped by year,
    oldest first: [(year, [(date, stage, relationship), …]), …]."""
    events = []
    for relationship in relationships:
        for stage in relationship.stages.all():
            if stage.date:
                events.append((stage.date, stage, relationship))
    events.sort(key=lambda event: (event[0].sort_key(), event[1].pk))
    years = defaultdict(list)
    for event in events:
        years[event[0].year].append(event)
    return sorted(years.items())


def established_and_prospects_counted(counts):
    """(established ties, ties still pursued or at intent) from ``kind_stage_counts``:
    over every page of a place's partners, not the one shown."""
    prospects = sum(n for (_kind, stage), n in counts.items() if stage in NOT_ESTABLISHED)
    return sum(counts.values()) - prospects, prospects


def grouped_by_kind_and_stage(relationships):
    """[(kind, [(stage, [relationship, …]), …]), …] without empty groups."""
    groups = defaultdict(lambda: defaultdict(list))
    for relationship in relationships:
        groups[relationship.kind][relationship.stage].append(relationship)
    result = []
    for kind in RelationshipKind:
        stages = [
            (stage, groups[kind.value][stage.value])
            for stage in STAGE_DISPLAY_ORDER
            if groups[kind.value][stage.value]
        ]
        if stages:
            result.append((kind, stages))
    return result


def map_data(relationships, focus=None, fit_country=None):
    """Points and lines for the map script (``json_script``): each place once, with its
    names, coordinates and page; a line per relationship whose two places are located.
    With ``fit_country`` the map opens zoomed to that country's places (``fit``).

    A place's flags (``chinese``, ``focus``, ``fit``) and its other name (``alt``) are
    written only when they hold: the script reads a missing one as false, and most of a
    city's hundred partners hold none (a quarter of the map's bytes)."""
    places, links = {}, []

    def point(place):
        if place.latitude is None or place.longitude is None:
            return None
        if place.pk not in places:
            primary, other = page_and_other(place.name_zh, place.name_en)
            flags = {
                "alt": other,
                "chinese": place.is_chinese,
                "focus": focus is not None and place.pk == focus.pk,
                "fit": fit_country is not None and place.country == fit_country,
            }
            places[place.pk] = {
                "name": primary,
                "lat": float(place.latitude),
                "lng": float(place.longitude),
                "url": place_url(place),
                **{name: value for name, value in flags.items() if value},
            }
        return place.pk

    for relationship in relationships:
        a = point(relationship.chinese_place)
        b = point(relationship.foreign_place)
        if a and b:
            links.append(
                {
                    "from": a,
                    "to": b,
                    "kind": relationship.kind,
                    "url": relationship_url(relationship),
                }
            )
    if focus is not None:
        point(focus)
    return {"places": places, "links": links}


def unlocated(relationships):
    """Foreign partners without coordinates (listed under the map instead)."""
    return [r for r in relationships if r.foreign_place.latitude is None]


def by_chinese_province(relationships):
    """The relationships (``chinese_place`` selected) grouped by the Chinese province their
    Chinese side lies in, then by that Chinese place, in tree order:
    [{"province", "count", "places": [{"place", "path", "relationships"}, …]}, …].
    ``path`` is the place's parents below the province (晋中市 for Pingyao County). Two
    queries, whatever the number of relationships: the places' tree paths, then the
    places on those paths."""
    relationships = list(relationships)
    held_by = defaultdict(list)
    for relationship in relationships:
        held_by[relationship.chinese_place_id].append(relationship)
    if not held_by:
        return []
    model = type(relationships[0].chinese_place)
    paths = model.objects.filter(pk__in=list(held_by)).paths()
    on_paths = model.objects.in_bulk({pk for path in paths.values() for pk in path})
    provinces = {}
    for pk, path in paths.items():
        province = on_paths[path[0]]
        group = provinces.setdefault(province.pk, {"province": province, "count": 0, "places": []})
        rows = held_by[pk]
        group["count"] += len(rows)
        group["places"].append(
            {
                "place": on_paths[pk],
                "path": [on_paths[parent] for parent in path[1:-1]],
                "names": [on_paths[node].name_en for node in path],
                "relationships": rows,
                # Established ties by kind; those pursued or at intent on their own.
                "sister": sum(
                    1
                    for r in rows
                    if r.kind == RelationshipKind.SISTER and r.stage not in NOT_ESTABLISHED
                ),
                "friendly": sum(
                    1
                    for r in rows
                    if r.kind == RelationshipKind.FRIENDLY and r.stage not in NOT_ESTABLISHED
                ),
                "prospects": sum(1 for r in rows if r.stage in NOT_ESTABLISHED),
            }
        )
    result = sorted(
        provinces.values(), key=lambda group: (-group["count"], group["province"].name_en)
    )
    for group in result:
        group["places"].sort(key=lambda item: item["names"])
    return result


def display_order():
    """``order_by`` terms that list relationships as a place's page groups them: by kind
    (sister cities first), then stage in ``STAGE_DISPLAY_ORDER``."""
    kind = Case(
        *(When(kind=kind.value, then=Value(index)) for index, kind in enumerate(RelationshipKind)),
        default=Value(len(RelationshipKind)),
        output_field=IntegerField(),
    )
    stage = Case(
        *(
            When(stage=stage.value, then=Value(index))
            for index, stage in enumerate(STAGE_DISPLAY_ORDER)
        ),
        default=Value(len(STAGE_DISPLAY_ORDER)),
        output_field=IntegerField(),
    )
    return [kind, stage]


def kind_stage_counts(relationships):
    """{(kind, stage): count} of a queryset, in one grouped query."""
    return {
        (row["kind"], row["stage"]): row["n"]
        for row in relationships.order_by().values("kind", "stage").annotate(n=Count("pk"))
    }


def grouped_page(rows, counts, per_page):
    """A page of partners (``rows``, in ``display_order``) grouped as
    ``grouped_by_kind_and_stage`` groups them, each group with its ``total`` over every
    page (``counts`` from ``kind_stage_counts``):
    [(kind, [(stage, rows, total), …]), …]. Also, for a summary of every group, the page
    each one starts on: [(kind, [(stage, total, page), …]), …]."""
    on_page = grouped_by_kind_and_stage(rows)
    grouped = [
        (kind, [(stage, rows, counts.get((kind.value, stage.value), 0)) for stage, rows in stages])
        for kind, stages in on_page
    ]
    summary, offset = [], 0
    for kind in RelationshipKind:
        cells = []
        for stage in STAGE_DISPLAY_ORDER:
            total = counts.get((kind.value, stage.value), 0)
            if total:
                cells.append((stage, total, offset // per_page + 1))
                offset += total
        if cells:
            summary.append((kind, cells))
    return grouped, summary


def holders(relationships):
    """The Chinese places that hold ``relationships`` (a queryset), with their sister and
    friendly-exchange counts (established ties) and those pursued or at intent, in tree
    order under their province, as ``by_chinese_province`` lists them but counted in the
    database: three queries, whatever the number of relationships. [{"place", "province",
    "path", "sister", "friendly", "prospects", "total"}, …]."""
    counts = defaultdict(lambda: defaultdict(int))
    established_by_kind = defaultdict(lambda: defaultdict(int))
    prospects = defaultdict(int)
    rows = relationships.order_by().values("chinese_place_id", "kind", "stage")
    for row in rows.annotate(n=Count("pk")):
        holder = row["chinese_place_id"]
        counts[holder][row["kind"]] += row["n"]
        if row["stage"] in NOT_ESTABLISHED:
            prospects[holder] += row["n"]
        else:
            established_by_kind[holder][row["kind"]] += row["n"]
    if not counts:
        return []
    model = relationships.model._meta.get_field("chinese_place").related_model
    paths = model.objects.filter(pk__in=list(counts)).paths()
    on_paths = model.objects.in_bulk({pk for path in paths.values() for pk in path})
    totals = defaultdict(int)
    for pk, path in paths.items():
        totals[path[0]] += sum(counts[pk].values())
    items = []
    for pk, path in paths.items():
        established = established_by_kind[pk]
        sister = established[RelationshipKind.SISTER.value]
        friendly = established[RelationshipKind.FRIENDLY.value]
        items.append(
            {
                "place": on_paths[pk],
                "province": on_paths[path[0]],
                "path": [on_paths[parent] for parent in path[1:-1]],
                "sister": sister,
                "friendly": friendly,
                "prospects": prospects[pk],
                "total": sum(counts[pk].values()),
                "order": (
                    -totals[path[0]],
                    on_paths[path[0]].name_en,
                    [on_paths[node].name_en for node in path],
                ),
            }
        )
    items.sort(key=lambda item: item["order"])
    return items


def country_figures(code, request=None):
    """What a partner country's page counts over all its records, whatever page of its
    sections is shown, made once per generation of the tables it reads (``remembered``;
    the first read after a write to one of them counts again): ``places``, its places
    that have Chinese partners as (key, number of partners) by name; ``holders``
    (``holders``); ``partners``, the keys of its relationships in the page's order: by the
    province groups (the province with most partners first, then its places in tree
    order), then by foreign place."""

    def count():
        places = (
            Place.objects.filter(country=code)
            .annotate(partner_count=Count("foreign_relationships"))
            .filter(partner_count__gt=0)
            .order_by("name_en", "name_zh", "pk")
            .values_list("pk", "partner_count")
        )
        held = Relationship.objects.filter(foreign_place__country=code)
        found = holders(held)
        # In the database's order by foreign place, then (a stable sort) by the holder's
        # place in ``found``: the order of ``ORDER BY <holder's index>, name, kind, pk``
        # without a CASE of one WHEN per holder (hundreds for Japan), which took longer
        # to build and compile than the query took to run.
        partners = held.order_by("foreign_place__name_en", "kind", "pk").values_list(
            "pk", "chinese_place_id"
        )
        holder_index = {item["place"].pk: index for index, item in enumerate(found)}
        ordered = sorted(partners, key=lambda row: holder_index.get(row[1], len(found)))
        return {
            "places": list(places),
            "holders": found,
            "partners": [pk for pk, _holder in ordered],
        }

    return remembered(f"cities.country:{code}", count, request)


def in_order(queryset, keys):
    """The rows of ``keys`` in that order, read in one query."""
    by_key = queryset.in_bulk(keys) if keys else {}
    return [by_key[key] for key in keys]
