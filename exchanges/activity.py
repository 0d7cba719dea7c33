"""The activity picture of a relationship and of a Chinese place, in one place.

CPAFFC scores a city's partner work on the length, breadth, depth and frequency of its
exchanges; the registry holds the exchanges, so it can draw that picture:

- **length**: whole years since the relationship began (``Relationship.began``, the one
  definition: its dated agreement, else its earliest intent or "active" step); for a
  place, since the earliest beginning among its relationships;
- **breadth**: the fields of cooperation covered, by the relationship itself and by its
  exchanges (for a place: by its relationships and all its exchanges);
- **depth**: which kinds of exchange took place, grouped as CPAFFC counts them
  (:data:`DEPTH_KINDS`: visits, projects, offices, training), with the number of each;
- **frequency**: how many exchanges are recorded, how many per year since the beginning,
  and the latest one's date (at its own precision).

Planned exchanges (a report's plans) do not count. A place's picture gathers the places
inside it (Jinzhong's includes Pingyao County's). It lives here, above ``cities``, because
it reads both apps; every function makes a fixed number of aggregate queries, whatever
the number of records. The national ranking's figures, a pass over every relationship and
exchange, are kept for the generation of the tables they read (``national_pictures``).
"""

from dataclasses import dataclass, field

from django.db import connections
from django.db.models import Count, ExpressionWrapper, F, IntegerField, Max
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cities.models import CooperationField, Place, Relationship
from cities.statistics import began_from_key, began_key
from utilities.generation import remembered
from utilities.partial_dates import PartialDate

from .choices import ExchangeKind
from .models import Exchange


class Depth:
    """The kinds of exchange CPAFFC's depth counts, each gathering the registry's kinds."""

    VISITS = "visits"
    PROJECTS = "projects"
    OFFICES = "offices"
    TRAINING = "training"

    LABELS = {
        VISITS: _("互访与活动"),
        PROJECTS: pgettext_lazy("kinds of exchange", "合作项目"),
        OFFICES: _("常设机构"),
        TRAINING: _("培训与人才"),
    }


# Every exchange kind counts for one depth kind (a test checks none is left out).
DEPTH_KINDS = {
    ExchangeKind.DELEGATION: Depth.VISITS,
    ExchangeKind.EVENT: Depth.VISITS,
    ExchangeKind.CONFERENCE: Depth.VISITS,
    ExchangeKind.EXHIBITION: Depth.VISITS,
    ExchangeKind.PROJECT: Depth.PROJECTS,
    ExchangeKind.OFFICE: Depth.OFFICES,
    ExchangeKind.TRAINING: Depth.TRAINING,
    ExchangeKind.EXPERTS: Depth.TRAINING,
}

# Places that the national view ranks: the cities (a province is the sum of its cities,
# a county or district is part of one).
RANKED_LEVELS = ("prefecture_city", "city")


@dataclass
class Activity:
    """One relationship's or one place's activity picture."""

    began: PartialDate | None = None
    field_ids: set = field(default_factory=set)
    depth_counts: dict = field(default_factory=lambda: dict.fromkeys(Depth.LABELS, 0))
    exchanges: int = 0
    last: PartialDate | None = None
    relationships: int = 0
    fields: list = field(default_factory=list)
    today: object = None

    @property
    def length(self):
        """Whole calendar years since the beginning (None when it is not dated)."""
        if self.began is None:
            return None
        return max((self.today or timezone.localdate()).year - self.began.year, 0)

    @property
    def breadth(self):
        return len(self.field_ids)

    @property
    def depth(self):
        """How many of the four kinds of exchange took place."""
        return sum(1 for count in self.depth_counts.values() if count)

    @property
    def per_year(self):
        """Exchanges per year since the beginning (a first year counts as one)."""
        if self.length is None:
            return None
        return round(self.exchanges / max(self.length, 1), 2)

    # The partial dates as the API writes them: the value at its precision, and the precision.
    @property
    def began_value(self):
        return self.began.isoformat() if self.began else None

    @property
    def began_precision(self):
        return str(self.began.precision) if self.began else None

    @property
    def last_value(self):
        return self.last.isoformat() if self.last else None

    @property
    def last_precision(self):
        return str(self.last.precision) if self.last else None

    def depth_rows(self):
        return [
            {"kind": kind, "label": str(label), "count": self.depth_counts[kind]}
            for kind, label in Depth.LABELS.items()
        ]

    def add_date(self, date):
        if date is not None and (self.last is None or self.last < date):
            self.last = date


def _partial(year, month, day):
    return PartialDate(year, month, day) if year else None


def _counted(exchanges):
    return exchanges.filter(planned=False).order_by()


def _add_exchanges(pictures, exchanges, key):
    """Depth counts, totals and the latest date of ``exchanges`` grouped by ``key`` (the
    path to the picture's record): one aggregate query, a row for each record and kind."""
    # The latest date: the greatest of year·10000 + month·100 + day, a missing part
    # counted as 0 (a year-only date sorts before the months inside it, as
    # ``PartialDate.sort_key`` does); an undated exchange's is NULL, which MAX skips.
    latest = Max(
        ExpressionWrapper(
            F("start_year") * 10000
            + Coalesce("start_month", 0, output_field=IntegerField()) * 100
            + Coalesce("start_day", 0, output_field=IntegerField()),
            output_field=IntegerField(),
        )
    )
    latest_by_record = {}
    for row in exchanges.values(key, "kind").annotate(n=Count("pk"), latest=latest):
        record, number, value = row[key], row["n"], row["latest"]
        picture = pictures.get(record)
        if picture is not None:
            picture.exchanges += number
            picture.depth_counts[DEPTH_KINDS.get(row["kind"], Depth.VISITS)] += number
            if value is not None:
                latest_by_record[record] = max(value, latest_by_record.get(record, value))
    for record, value in latest_by_record.items():
        month, day = value // 100 % 100, value % 100
        pictures[record].add_date(_partial(value // 10000, month or None, day or None))


def _add_fields(pictures, relationship_rows, exchange_rows):
    """Field ids from (key, field id) rows of relationships and of exchanges; then the
    fields themselves, in one query."""
    for rows in (relationship_rows, exchange_rows):
        for key, field_id in rows:
            if key in pictures:
                pictures[key].field_ids.add(field_id)
    wanted = set().union(*(picture.field_ids for picture in pictures.values()))
    fields = CooperationField.objects.in_bulk(wanted) if wanted else {}
    for picture in pictures.values():
        picture.fields = sorted((fields[pk] for pk in picture.field_ids), key=lambda f: f.pk)


def relationship_activity(relationships, today=None):
    """{relationship pk: Activity} for a queryset of relationships, in four queries."""
    rows = (
        Relationship.objects.filter(pk__in=relationships.values("pk"))
        .with_began()
        .values_list("pk", "began_year", "began_month", "began_day")
    )
    pictures = {
        pk: Activity(began=_partial(year, month, day), relationships=1, today=today)
        for pk, year, month, day in rows
    }
    if not pictures:
        return {}
    exchanges = _counted(Exchange.objects.filter(relationship__in=list(pictures)))
    _add_exchanges(pictures, exchanges, "relationship")
    _add_fields(
        pictures,
        Relationship.fields.through.objects.filter(relationship__in=list(pictures)).values_list(
            "relationship_id", "cooperationfield_id"
        ),
        Exchange.fields.through.objects.filter(
            exchange__relationship__in=list(pictures), exchange__planned=False
        ).values_list("exchange__relationship_id", "cooperationfield_id"),
    )
    return pictures


def _exchange_fields(places):
    """(place pk, field pk) for each field of cooperation that a counted exchange of one
    of ``places`` covers, in one query.

    Each pair of place and field is asked as an EXISTS over the place × field cross join
    (a short vocabulary, under twenty fields): for a few places the database walks each
    place's exchanges until the first one with that field, through the unique (exchange,
    field) index, instead of reading and hashing all its exchanges' fields (a hub city's
    are tens of thousands); for many places (a province, every city) it still chooses one
    hashed pass over their exchanges. The ORM has no cross join, hence the SQL, its names
    read from the models."""
    if not places:
        return []
    connection = connections[Exchange.objects.db]
    quote = connection.ops.quote_name

    def column(model, name):
        return quote(model._meta.get_field(name).column)

    def table(model):
        return quote(model._meta.db_table)

    through = Exchange.fields.through
    place_pk, field_pk = column(Place, "id"), column(CooperationField, "id")
    held = f"IN ({', '.join(['%s'] * len(places))})"
    exchange_place = f"e.{column(Exchange, 'chinese_place')}"
    # The places twice: for many places the database reads the exchanges' pairs once,
    # and the second list keeps that pass to the places' own exchanges.
    sql = (
        f"SELECT p.{place_pk}, f.{field_pk} "
        f"FROM {table(Place)} p CROSS JOIN {table(CooperationField)} f "
        f"WHERE p.{place_pk} {held} AND EXISTS ("
        f"SELECT 1 FROM {table(Exchange)} e INNER JOIN {table(through)} ef "
        f"ON ef.{column(through, 'exchange')} = e.{column(Exchange, 'id')} "
        f"WHERE {exchange_place} = p.{place_pk} AND {exchange_place} {held} "
        f"AND ef.{column(through, 'cooperationfield')} = f.{field_pk} "
        f"AND NOT e.{column(Exchange, 'planned')})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*places, *places])
        return cursor.fetchall()


def place_activity(places, today=None):
    """{place pk: Activity} for Chinese places, each gathering the places inside it at
    any depth, in six queries: the paths of the Chinese places inside them, the relationships'
    beginnings, one of exchanges, two of fields and the fields themselves."""
    roots = {getattr(place, "pk", place) for place in places}
    if not roots:
        return {}
    # Which of the roots each Chinese place inside them counts for (itself and its
    # ancestors), from the paths of those places only.
    counts_for = {
        pk: roots.intersection(path)
        for pk, path in Place.objects.chinese().within(*roots).paths().items()
    }
    pictures = {pk: Activity(today=today) for pk in roots}

    def spread(place_pk):
        return [pictures[root] for root in counts_for.get(place_pk, ())]

    held = list(counts_for)
    # Everything is grouped by the Chinese place holding it, then added to each root it
    # counts for (a place's own picture and those of the places above it).
    by_place = {pk: Activity() for pk in held}
    # Each relationship's beginning as one aggregate over the stages (a join), not three
    # subqueries a relationship; a place's earliest compared as keys (in the order of
    # partial dates) and made a date once, not once a relationship.
    earliest = {}
    for _pk, place_pk, key in (
        Relationship.objects.filter(chinese_place__in=held)
        .order_by()
        .values_list("pk", "chinese_place")
        .annotate(began=began_key())
    ):
        by_place[place_pk].relationships += 1
        if key is not None:
            earliest[place_pk] = min(key, earliest.get(place_pk, key))
    for place_pk, key in earliest.items():
        by_place[place_pk].began = began_from_key(key)

    exchanges = _counted(Exchange.objects.filter(chinese_place__in=held))
    _add_exchanges(by_place, exchanges, "chinese_place")
    # Each (place, field) pair once: a city's tens of thousands of rows stay in the database.
    relationship_fields = (
        Relationship.fields.through.objects.filter(relationship__chinese_place__in=held)
        .values_list("relationship__chinese_place_id", "cooperationfield_id")
        .distinct()
    )
    for rows in (relationship_fields, _exchange_fields(held)):
        for place_pk, field_id in rows:
            by_place[place_pk].field_ids.add(field_id)
    for place_pk, part in by_place.items():
        for picture in spread(place_pk):
            picture.relationships += part.relationships
            if part.began is not None and (picture.began is None or part.began < picture.began):
                picture.began = part.began
            picture.exchanges += part.exchanges
            for kind, count in part.depth_counts.items():
                picture.depth_counts[kind] += count
            picture.add_date(part.last)
            picture.field_ids |= part.field_ids
    _add_fields(pictures, [], [])
    return pictures


# The ranking's sort keys: (label, the value a picture is ranked by).
RANKING_SORTS = {
    "exchanges": (_("交流项目数"), lambda a: a.exchanges),
    "per_year": (_("年均交流"), lambda a: a.per_year or 0),
    "breadth": (_("领域广度"), lambda a: a.breadth),
    "depth": (_("交流深度"), lambda a: a.depth),
    "length": (_("交往年限"), lambda a: a.length or 0),
    "relationships": (_("友好关系数"), lambda a: a.relationships),
}
DEFAULT_RANKING_SORT = "exchanges"


def ranked_cities():
    """The Chinese cities of the national view (``RANKED_LEVELS``), parents selected."""
    return Place.objects.chinese().filter(level__in=RANKED_LEVELS).select_related("parent")


def place_picture(place, request=None):
    """One Chinese place's picture (``place_activity``), made once per generation of the
    tables it reads: a city's pairs of exchange and field alone are hundreds of thousands of
    rows at national scale. Kept without a date: the length and the yearly rate are counted
    from the day they are read."""
    return remembered(
        f"exchanges.activity.place:{place.pk}",
        lambda: place_activity([place])[place.pk],
        request,
    )


def national_pictures():
    """[(city, Activity), …] of every Chinese city holding a relationship or an exchange
    (the city with its parent): a pass over every relationship and exchange of the
    registry, so made once per generation of the tables it reads
    (``utilities.generation.remembered``; the first read after a write to one of them
    makes it again). Kept without the field records (their ids only)
    nor a date: the length and the yearly rate are counted from the day they are read."""
    cities = list(ranked_cities())
    pictures = place_activity(cities)
    kept = []
    for city in cities:
        picture = pictures[city.pk]
        if picture.relationships or picture.exchanges:
            picture.fields = []
            kept.append((city, picture))
    return kept


def ranking(sort=DEFAULT_RANKING_SORT, today=None, request=None):
    """The national view: every Chinese city holding a relationship or an exchange (its
    counties and districts included), best first by ``sort`` (then by the other
    figures, then by name), as [(place, Activity), …]. A fixed number of queries: the
    cities and their figures are kept for the generation of the tables they read
    (``national_pictures``)."""
    ranked = remembered("exchanges.activity.national", national_pictures, request)
    today = today or timezone.localdate()  # once, not for every figure of every city
    for _city, picture in ranked:
        picture.today = today
    _add_fields({city.pk: picture for city, picture in ranked}, [], [])
    first = RANKING_SORTS[sort][1]
    others = [value for key, (_label, value) in RANKING_SORTS.items() if key != sort]
    ranked.sort(
        key=lambda item: (
            -first(item[1]),
            *(-value(item[1]) for value in others),
            item[0].name_en,
        )
    )
    for rank, (_city, picture) in enumerate(ranked, start=1):
        picture.rank = rank
    return ranked


# The year of the first agreement (Tianjin–Kobe, 1973): a full "length" bar is as old as
# the oldest relationship can be.
FIRST_YEAR = 1973


def chart_rows(activity, total_fields):
    """The four figures as rows of the site's bar chart (``cities.templatetags.registry.
    bar_chart``), each bar scaled to its own full measure: years since 1973, every field
    of cooperation, the four kinds of exchange, one exchange a year."""
    today = activity.today or timezone.localdate()
    per_year = activity.per_year
    return [
        {
            "label": _("交往年限"),
            "value": activity.length or 0,
            "scale": max(today.year - FIRST_YEAR, 1),
            "display": _("%(years)s年") % {"years": activity.length}
            if activity.length is not None
            else "—",
        },
        {
            "label": _("领域广度"),
            "value": activity.breadth,
            "scale": max(total_fields, activity.breadth, 1),
            "display": f"{activity.breadth}/{total_fields}",
        },
        {
            "label": _("交流深度"),
            "value": activity.depth,
            "scale": len(Depth.LABELS),
            "display": f"{activity.depth}/{len(Depth.LABELS)}",
        },
        {
            "label": _("年均交流"),
            "value": per_year or 0,
            "scale": max(per_year or 0, 1),
            "display": f"{per_year:g}" if per_year is not None else "—",
        },
    ]


def depth_chart_rows(activity):
    return [{"label": row["label"], "value": row["count"]} for row in activity.depth_rows()]


def page_context(activity):
    """What ``templates/pages/includes/activity.html`` needs: the picture and its charts."""
    total_fields = CooperationField.objects.count()
    return {
        "activity": activity,
        "activity_rows": chart_rows(activity, total_fields),
        "depth_rows": depth_chart_rows(activity),
    }
