"""Shared reads of places and relationships: the querysets every list of them (the
directory, the home page, a place's page, search) starts from."""

import functools
from dataclasses import dataclass

from utilities.lookups import EACH_SET, AmongQuery

from .models import Place, Relationship


def relationship_rows(queryset, with_fields=True):
    """Relationships with everything a list row shows, in a fixed number of queries;
    ``with_fields=False`` for a list that does not show the fields of cooperation (a
    country's page)."""
    rows = queryset.select_related("chinese_place", "foreign_place", "chinese_place__parent")
    return rows.prefetch_related("stages", *(["fields"] if with_fields else []))


# What a row of ``cities/includes/relationship_rows.html`` reads of a relationship (when it
# began is read apart, for the rows shown: ``statistics.began_dates``).
TABLE_PLACE_FIELDS = ("slug", "name_zh", "name_en")
TABLE_ROW_FIELDS = (
    "kind",
    "stage",
    "wording",
    *(f"chinese_place__{name}" for name in TABLE_PLACE_FIELDS),
    *(f"foreign_place__{name}" for name in (*TABLE_PLACE_FIELDS, "country")),
)


def relationship_table_rows(queryset):
    """Relationships with only what a row of a table of them shows (the directory, the home
    page's newest): the two places' names and the partner's country; not the fields of
    cooperation, the Chinese place's parent or the steps ``relationship_rows`` adds for
    other lists, nor the columns a row does not show (each loaded column is also kept for
    the stale-write check: fewer columns, less work)."""
    return queryset.select_related("chinese_place", "foreign_place").only(*TABLE_ROW_FIELDS)


@dataclass(slots=True)
class TablePlace:
    """A place as a table row shows it: its id, ``TABLE_PLACE_FIELDS`` in that order, and
    for the foreign place ``country`` as the model's field gives it."""

    pk: int
    slug: str
    name_zh: str
    name_en: str
    country: object = None


@dataclass(slots=True)
class TableRow:
    """A relationship as a table row shows it: what ``relationship_table_rows`` loads, and
    when it began once ``established`` is set (``statistics.began_dates``)."""

    pk: int
    kind: str
    stage: str
    wording: str
    chinese_place: TablePlace
    foreign_place: TablePlace
    established: object = None


SIDES = ("chinese_place", "foreign_place")


@functools.cache
def table_rows_query():
    """``TableRow``'s values (an ``AmongQuery``, one per process)."""
    places = [f"{side}__{name}" for side in SIDES for name in ("id", *TABLE_PLACE_FIELDS)]
    return AmongQuery(
        Relationship.objects.filter(pk__among=EACH_SET)
        .order_by()
        .values_list("pk", "kind", "stage", "wording", *places, "foreign_place__country")
    )


def table_rows_by_ids(ids):
    """The table rows (``TableRow``) of the relationships ``ids``, in that order: for a page
    of the directory, as ``relationship_table_rows`` would give them, from plain values
    (read by a query compiled once; 150 model instances were a fifth of the page's time).
    A relationship deleted since its id was read is left out."""
    if not ids:
        return []
    country = Place.country.country
    found = {}
    for pk, kind, stage, wording, *places, code in table_rows_query().rows(set(ids)):
        found[pk] = TableRow(
            pk,
            kind,
            stage,
            wording,
            TablePlace(*places[:4]),
            TablePlace(*places[4:], country=country(code)),
        )
    return [found[pk] for pk in ids if pk in found]
