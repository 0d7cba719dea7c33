"""Flat reads of exchanges and their related rows, shared by the CSV export's rows
(``exports.ExchangeRows``) and a JSON page's records (``records.ExchangeRecords``).

Each reader takes a set of exchange ids and says which related rows belong to which
exchange, in the order the viewset's prefetches give them (``ExchangeViewSet.queryset``),
as ``values_list()`` tuples: one flat query each (two for the partner places). What a
builder makes of the values (an escaped cell, a brief record) is its own.
"""

import functools

from cities.api.briefs import PLACE_VALUES, RELATIONSHIP_VALUES, related_values
from cities.models import CooperationField, Place
from exchanges.models import Exchange, ExchangeCount, Region
from utilities.lookups import EACH_SET, AmongQuery

# An exchange's own values with its Chinese place's and its relationship's (both of the
# relationship's places): one tuple of one query per exchange.
EXCHANGE_VALUES = [
    "id", "title_zh", "title_en", "kind",
    *related_values("chinese_place__", PLACE_VALUES),
    *related_values("relationship__", RELATIONSHIP_VALUES),
    "countries", "description", "start_year", "start_month", "start_day", "end_year",
    "end_month", "end_day", "planned", "editors_note", "created", "last_updated",
]  # fmt: skip
# An exchange's partner places in ``Place.Meta.ordering`` (country, Chinese name, id: total,
# as places of one country may share a Chinese name, Springfield, 朝阳区): the viewset's
# prefetch and ``partner_places`` must list them in the same order.
PARTNER_ORDER = tuple(Place._meta.ordering)
# The values of a count, its exchange and id first, in ``CountDisplays``' order after them.
COUNT_VALUES = ["exchange", "pk", "value", "value_max", "qualifier", "unit_zh", "unit_en"]


def partner_places(ids, *columns):
    """``(links, places)``: each exchange's partner places in the places' order (as
    prefetched: ``PARTNER_ORDER``) as ``(exchange, place pk)`` links, and
    ``{place pk: (pk, *columns)}``. The links, then their places in that order: two index
    scans (joined in one query, the database read all 22,000 places for every chunk of an
    export). A place deleted between the two reads (without an export's snapshot: SQLite)
    is left out with its link, as a re-read would."""
    links = links_query().rows(ids)
    places = places_query(columns).rows({place for _exchange, place in links})
    rank, found = {}, {}
    for order, row in enumerate(places):
        rank[row[0]], found[row[0]] = order, row
    links = sorted((link for link in links if link[1] in rank), key=lambda link: rank[link[1]])
    return links, found


def region_rows(ids, *columns):
    """``(exchange, region pk, *columns)`` of each exchange's regions, in the regions' order
    (as prefetched)."""
    return regions_query(columns).rows(ids)


def cooperation_field_rows(ids, *columns):
    """``(exchange, field pk, *columns)`` of each exchange's fields of cooperation, in their
    own order (as prefetched)."""
    return cooperation_fields_query(columns).rows(ids)


def count_rows(ids):
    """``COUNT_VALUES`` of each exchange's counts, in their order (by pk: the viewset's
    prefetch, without a join to the exchanges for ``Meta.ordering``)."""
    return counts_query().rows(ids)


# The readers' queries (``AmongQuery``), each made once per process for its columns.


@functools.cache
def links_query():
    return AmongQuery(
        Exchange.places.through.objects.filter(exchange__id__among=EACH_SET).values_list(
            "exchange_id", "place_id"
        )
    )


@functools.cache
def places_query(columns):
    return AmongQuery(
        Place.objects.filter(pk__among=EACH_SET)
        .order_by(*PARTNER_ORDER)
        .values_list("pk", *columns)
    )


@functools.cache
def regions_query(columns):
    return AmongQuery(
        Region.objects.filter(exchanges__id__among=EACH_SET).values_list(
            "exchanges", "pk", *columns
        )
    )


@functools.cache
def cooperation_fields_query(columns):
    return AmongQuery(
        CooperationField.objects.filter(exchanges__id__among=EACH_SET).values_list(
            "exchanges", "pk", *columns
        )
    )


@functools.cache
def counts_query():
    return AmongQuery(
        ExchangeCount.objects.filter(exchange__id__among=EACH_SET)
        .order_by("pk")
        .values_list(*COUNT_VALUES)
    )


class CountDisplays(dict):
    """``{(value, value_max, qualifier, unit_zh, unit_en): display}``: a count's text as
    ``ExchangeCount.display`` writes it in the active language ("300多名嘉宾"), made once
    per distinct count."""

    def __missing__(self, parts):
        value, value_max, qualifier, unit_zh, unit_en = parts
        display = self[parts] = ExchangeCount(
            value=value,
            value_max=value_max,
            qualifier=qualifier,
            unit_zh=unit_zh,
            unit_en=unit_en,
        ).display()
        return display


class StoredCountries(dict):
    """``{stored text: [code, …]}``: an exchange's countries as stored (``"DE,JP"``) read as
    the model does (``Exchange.countries``: cleaned, each code once), made once per
    distinct text."""

    def __missing__(self, stored):
        field = Exchange._meta.get_field("countries")
        codes = self[stored] = list(field.get_clean_value(stored) or ())
        return codes
