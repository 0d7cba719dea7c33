"""A JSON page of exchanges from plain values (``ExchangeViewSet.page_record_classes``).

Through the serializer a page of 50 exchanges costs some 400 model instances, a queryset
per record and relation, and DRF's field machinery per cell. Here the page's exchanges are
one ``values_list()`` query (with their Chinese place, their relationship's places and
whether they have each related list: ``HAS_RELATED``), and their partner places, regions,
fields of cooperation, counts and citations the flat reads the CSV export shares
(``readers``), each for the page's exchanges that have one; each record is made as
``ExchangeSerializer`` makes it, key for key, in the request's language, the embedded
records by the shared brief builders (``utilities.api.briefs``).
``exchanges/tests/test_api_page_records.py`` compares the JSON with the serializer's, byte
for byte.
"""

import functools

from django.db.models import Exists, OuterRef

from cities.api.briefs import (
    PLACE_VALUES,
    RELATIONSHIP_VALUES,
    CooperationFieldBriefs,
    NamedBriefs,
    PlaceBriefs,
    RelationshipBriefs,
)
from exchanges.models import Exchange, ExchangeCount
from sources.api.briefs import CitationBriefs
from utilities.api.briefs import RecordValues
from utilities.lookups import EACH_SET, AmongQuery
from utilities.partial_dates import date_facts

from .readers import (
    EXCHANGE_VALUES,
    CountDisplays,
    StoredCountries,
    cooperation_field_rows,
    count_rows,
    partner_places,
    region_rows,
)

NO_DATE = (None, None)
PLACE_COLUMNS = PLACE_VALUES[1:]  # read after the place's pk
# Whether an exchange has partner places, regions, fields of cooperation, counts and
# citations, read with its values (after them, in this order): each list is read for the
# exchanges that have one, and not at all for a page where none has. Most exchanges have
# no region, count or citation, and a query that finds nothing cost as much as one that
# finds a page's rows (its Python's work and a round trip: some 0.6 ms each).
HAS_RELATED = {
    "has_places": Exists(Exchange.places.through.objects.filter(exchange=OuterRef("pk"))),
    "has_regions": Exists(Exchange.regions.through.objects.filter(exchange=OuterRef("pk"))),
    "has_fields": Exists(Exchange.fields.through.objects.filter(exchange=OuterRef("pk"))),
    "has_counts": Exists(ExchangeCount.objects.filter(exchange=OuterRef("pk"))),
    "has_citations": Exists(Exchange.citations.through.objects.filter(exchange=OuterRef("pk"))),
}
HAS_RELATED_START = len(EXCHANGE_VALUES)


def _span(first, values):
    """Where an ``EXCHANGE_VALUES`` row holds a related record's ``values``."""
    start = EXCHANGE_VALUES.index(first)
    return slice(start, start + len(values))


CHINESE_PLACE = _span("chinese_place__id", PLACE_VALUES)
RELATIONSHIP = _span("relationship__id", RELATIONSHIP_VALUES)


@functools.cache
def exchange_rows_query():
    """The exchanges' values and ``HAS_RELATED`` (an ``AmongQuery``, one per process: its
    39 names resolved and its SQL written once rather than on every request)."""
    return AmongQuery(
        Exchange.objects.filter(pk__among=EACH_SET)
        .order_by()
        .annotate(**HAS_RELATED)
        .values_list(*EXCHANGE_VALUES, *HAS_RELATED)
    )


class ExchangeRecords:
    """``ExchangeSerializer``'s records of a page of exchanges, for one request."""

    def __init__(self, request):
        values = self.values = RecordValues(request)
        self.url = values.url_pattern("api:exchange-detail")
        self.kinds = values.labels(Exchange, "kind")
        self.qualifiers = values.labels(ExchangeCount, "qualifier")
        self.places = PlaceBriefs(values)
        self.relationships = RelationshipBriefs(values, self.places)
        self.fields = CooperationFieldBriefs(values)
        self.regions = NamedBriefs(values, "api:region-detail")
        self.citations = CitationBriefs(values)
        self.count_displays = CountDisplays()
        self.stored_countries = StoredCountries()
        self.country_lists = {}
        self.dates = {}

    def records(self, ids):
        """The records of the exchanges ``ids``, in that order (an exchange deleted since
        its id was read is left out, as a re-read would)."""
        if not ids:
            return []
        # A set: see ``utilities.lookups.Among``.
        rows = {row[0]: row for row in exchange_rows_query().rows(set(ids))}
        # The exchanges with partner places, with regions, … (``HAS_RELATED``).
        with_places, with_regions, with_fields, with_counts, with_citations = (
            {pk for pk, row in rows.items() if row[column]}
            for column in range(HAS_RELATED_START, HAS_RELATED_START + len(HAS_RELATED))
        )
        places = self.places_of(with_places)
        regions = self.related(region_rows, with_regions, self.regions)
        fields = self.related(cooperation_field_rows, with_fields, self.fields)
        counts = self.counts_of(with_counts)
        citations = self.citations.of("exchanges", with_citations)
        return [
            self.record(
                rows[pk],
                places.get(pk, []),
                regions.get(pk, []),
                fields.get(pk, []),
                counts.get(pk, []),
                citations.get(pk, []),
            )
            for pk in ids
            if pk in rows
        ]

    def record(self, row, places, regions, fields, counts, citations):
        pk, title_zh, title_en, kind = row[: CHINESE_PLACE.start]
        (
            countries, description, start_year, start_month, start_day, end_year, end_month,
            end_day, planned, editors_note, created, updated,
        ) = row[RELATIONSHIP.stop : HAS_RELATED_START]  # fmt: skip
        relationship = None
        if row[RELATIONSHIP.start] is not None:
            relationship = self.relationships.row(row[RELATIONSHIP])
        start, start_precision = self.date(start_year, start_month, start_day)
        end, end_precision = self.date(end_year, end_month, end_day)
        url_start, url_end = self.url
        moment = self.values.moment
        return {
            "id": pk,
            "url": f"{url_start}{pk}{url_end}",
            "display": self.values.name(title_zh, title_en),
            "title_zh": title_zh,
            "title_en": title_en,
            "kind": kind,
            "kind_display": self.kinds.get(kind, kind),
            "chinese_place": self.places.brief(*row[CHINESE_PLACE]),
            "relationship": relationship,
            "places": places,
            "countries": self.countries(countries),
            "regions": regions,
            "fields": fields,
            "description": description,
            "start": start,
            "start_precision": start_precision,
            "end": end,
            "end_precision": end_precision,
            "planned": planned,
            "counts": counts,
            "editors_note": editors_note,
            "citations": citations,
            "created": moment(created),
            "last_updated": moment(updated),
        }

    def date(self, year, month, day):
        """A partial date's ISO text and precision (``PartialDateField``,
        ``PrecisionField``), ``(None, None)`` without a date."""
        parts = (year, month, day)
        found = self.dates.get(parts)
        if found is None:
            facts = date_facts(year, month, day, self.values.chinese)
            found = self.dates[parts] = facts[1] if facts else NO_DATE
        return found

    def countries(self, stored):
        """The stored countries as the serializer's list of ``{"code", "name"}`` gives
        them (a code the list of countries does not hold as the field reads it)."""
        found = self.country_lists.get(stored)
        if found is None:
            country = self.values.country
            found = self.country_lists[stored] = [
                country(code) for code in self.stored_countries[stored]
            ]
        return found

    def places_of(self, ids):
        """``{exchange: [place brief, …]}`` of the exchanges' partner places."""
        if not ids:
            return {}
        links, places = partner_places(ids, *PLACE_COLUMNS)
        brief, found = self.places.brief, {}
        for exchange, place in links:
            found.setdefault(exchange, []).append(brief(*places[place]))
        return found

    @staticmethod
    def related(reader, ids, briefs):
        """``{exchange: [brief, …]}`` of the named records (regions, fields) ``reader``
        gives for the exchanges ``ids``, in its order."""
        found, brief = {}, briefs.brief
        if not ids:
            return found
        for exchange, *values in reader(ids, "slug", "name_zh", "name_en"):
            found.setdefault(exchange, []).append(brief(*values))
        return found

    def counts_of(self, ids):
        """``{exchange: [count, …]}``: ``ExchangeCountSerializer``'s records."""
        found = {}
        if not ids:
            return found
        displays, qualifiers = self.count_displays, self.qualifiers
        for exchange, pk, value, value_max, qualifier, unit_zh, unit_en in count_rows(ids):
            found.setdefault(exchange, []).append(
                {
                    "id": pk,
                    "display": displays[value, value_max, qualifier, unit_zh, unit_en],
                    "value": value,
                    "value_max": value_max,
                    "qualifier": qualifier,
                    "qualifier_display": qualifiers.get(qualifier, qualifier),
                    "unit_zh": unit_zh,
                    "unit_en": unit_en,
                }
            )
        return found
