"""The exchanges' CSV export at national scale: flat rows from ``values_list()``.

A full export is every exchange (500,000 and more); through the serializer each row costs
a dozen model instances, their prefetched places, fields, counts and citations, and some
hundred field reads. Here a row is one tuple of the exchange, its Chinese place and its
relationship with both of that relationship's places, and each chunk of rows fetches its
partner places, regions, fields of cooperation, counts and citations in one flat query
each (the readers a JSON page's records share: ``readers``). The cells are the ones the serializer's record flattens to
(``utilities.api.renderers.flatten``), column for column, in the request's language; a
place's cells and a relationship's are made as the relationships' export makes them
(``cities.api.exports.RelationshipRows``). ``exchanges/tests/test_api_export_rows.py``
compares the two for the loaded registry and for partial dates, exchanges without places,
with many countries, regions and counts, and with formula-like text.
"""

from django_countries.fields import Country

from cities.api.exports import PLACE_COLUMNS, RelationshipRows
from cities.models import CooperationField
from exchanges.models import Exchange, Region
from sources.api.briefs import quotes_query
from sources.models import short_quote
from utilities.api.fields import CountryField
from utilities.api.flat_rows import Escaped, FlatRows, escaped, labels
from utilities.api.renderers import flatten
from utilities.api.serializers import record_url_pattern
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

COLUMNS = [
    "id", "url", "display", "title_zh", "title_en", "kind", "kind_display",
    *(f"chinese_place.{name}" for name in PLACE_COLUMNS),
    "relationship.id", "relationship.url", "relationship.display", "relationship.kind",
    "relationship.kind_display",
    *(f"relationship.chinese_place.{name}" for name in PLACE_COLUMNS),
    *(f"relationship.foreign_place.{name}" for name in PLACE_COLUMNS),
    "places", "countries", "regions", "fields", "description", "start", "start_precision",
    "end", "end_precision", "planned", "counts", "editors_note", "citations", "created",
    "last_updated",
]  # fmt: skip
# An exchange without a relationship: its 21 relationship cells are empty.
NO_RELATIONSHIP = ("",) * (5 + 2 * len(PLACE_COLUMNS))
NO_DATE = ("", "")
BOOLEANS = {True: "true", False: "false"}


class ExchangeRows(FlatRows):
    """The header and the rows of an exchanges CSV for one request.

    A row is one tuple: what depends on the exchange alone is made per row, the rest once
    (a place's cells and a relationship's, a choice's label, a date's text, a list of
    countries or of counts) and escaped as it is made."""

    header = COLUMNS
    values = EXCHANGE_VALUES

    def __init__(self, request, chunk_size):
        super().__init__(request, chunk_size)
        # The places' cells, names, the relationships' labels and the times as the
        # relationships' export writes them (the same brief records, the same fields).
        self.relationship_rows = RelationshipRows(request, chunk_size)
        self.url = record_url_pattern(request, "api:exchange-detail")
        self.relationship_url = record_url_pattern(request, "api:relationship-detail")
        self.kinds = Escaped(labels(Exchange, "kind"))
        self.country = CountryField()
        self.country_cells = {}
        self.stored_countries = StoredCountries()
        self.count_displays = CountDisplays()
        self.dates = {}
        self.relationships = {}
        self.names = {}

    def cell_caches(self):
        return (
            *self.relationship_rows.cell_caches(),
            self.stored_countries,
            self.count_displays,
            self.dates,
            self.relationships,
        )

    def chunk_rows(self, chunk):
        # A set: Django's query builder walks a list or tuple value by value.
        ids = {row[0] for row in chunk}
        places = self.places_of(ids)
        regions = self.regions_of(ids)
        fields = self.fields_of(ids)
        counts = self.counts_of(ids)
        citations = self.citations_of(ids)
        start, end = self.url
        helper = self.relationship_rows
        known_places, place, moment = helper.places, helper.place, self.moment
        kinds, date, relationship_cells = self.kinds, self.date, self.relationship_cells
        for (
            pk, title_zh, title_en, kind, chinese_id, c_slug, c_zh, c_en, c_country,
            relationship_id, relationship_kind, *relationship_places, countries,
            description, start_year, start_month, start_day, end_year, end_month, end_day,
            planned, editors_note, created, updated,
        ) in chunk:  # fmt: skip
            _name, chinese_cells = known_places.get(chinese_id) or place(
                chinese_id, c_slug, c_zh, c_en, c_country
            )
            if relationship_id is None:
                relationship = NO_RELATIONSHIP
            else:
                relationship = self.relationships.get(relationship_id) or relationship_cells(
                    relationship_id, relationship_kind, relationship_places
                )
            yield (
                str(pk), f"{start}{pk}{end}", escaped(self.name(title_zh, title_en)),
                escaped(title_zh), escaped(title_en), kind, kinds[kind], *chinese_cells,
                *relationship, places.get(pk, ""), self.countries(countries),
                regions.get(pk, ""), fields.get(pk, ""), escaped(description),
                *date(start_year, start_month, start_day), *date(end_year, end_month, end_day),
                BOOLEANS[planned], counts.get(pk, ""), escaped(editors_note),
                citations.get(pk, ""), moment(created), moment(updated),
            )  # fmt: skip

    def relationship_cells(self, pk, kind, place_values):
        """A relationship's brief cells (``RelationshipBriefSerializer``), made once per
        export: its id, address, display, kind and label, and both places' cells."""
        helper = self.relationship_rows
        chinese, foreign = place_values[:5], place_values[5:]
        chinese_name, chinese_cells = helper.places.get(chinese[0]) or helper.place(*chinese)
        foreign_name, foreign_cells = helper.places.get(foreign[0]) or helper.place(*foreign)
        start, end = self.relationship_url
        cells = self.relationships[pk] = (
            str(pk), f"{start}{pk}{end}", escaped(f"{chinese_name} – {foreign_name}"),
            kind, helper.kinds[kind], *chinese_cells, *foreign_cells,
        )  # fmt: skip
        return cells

    def date(self, year, month, day):
        """A partial date's two cells (ISO text, precision), empty without a date."""
        parts = (year, month, day)
        cells = self.dates.get(parts)
        if cells is None:
            facts = date_facts(year, month, day, self.chinese)
            cells = self.dates[parts] = facts[1] if facts else NO_DATE
        return cells

    def countries(self, stored):
        """The countries' cell of the stored list (``"DE,JP"``): each country as ``flatten``
        writes the serializer's ``{"code", "name"}`` (its code), made once per country."""
        if not stored:
            return ""
        cells, codes = self.country_cells, self.stored_countries[stored]
        helper_names = self.relationship_rows.countries
        for code in codes:
            if code not in cells:
                if code in helper_names:
                    # A listed country: its code is its cell (``{"code", "name"}``'s code).
                    cells[code] = code
                else:
                    country = self.country.to_representation(Country(code))
                    cells[code] = flatten({"country": [country]})["country"]
        return escaped("; ".join([cells[code] for code in codes]))

    @staticmethod
    def joined(rows, names):
        """``{exchange: cell}`` of ``(exchange, related pk)`` rows: the related records'
        display names in the rows' order, joined by "; " and escaped."""
        found = {}
        for pk, related in rows:
            found.setdefault(pk, []).append(names[related])
        return {pk: escaped("; ".join(cells)) for pk, cells in found.items()}

    def vocabulary(self, model, rows):
        """``{pk: display name}`` of a short vocabulary (regions, fields), read once and
        again when a chunk names one added since."""
        names = self.names.get(model)
        if names is None or any(related not in names for _exchange, related in rows):
            name = self.name
            names = self.names[model] = {
                pk: name(name_zh, name_en)
                for pk, name_zh, name_en in model.objects.values_list("pk", "name_zh", "name_en")
            }
        return names

    def places_of(self, ids):
        """Each exchange's partner places' display names, in the places' order (as
        prefetched)."""
        links, places = partner_places(ids, "name_zh", "name_en")
        name = self.name
        names = {pk: name(name_zh, name_en) for pk, name_zh, name_en in places.values()}
        return self.joined(links, names)

    def regions_of(self, ids):
        """Each exchange's regions' display names, in the regions' order (as prefetched)."""
        rows = list(region_rows(ids))
        return self.joined(rows, self.vocabulary(Region, rows))

    def fields_of(self, ids):
        """Each exchange's fields of cooperation, in their own order (as prefetched)."""
        rows = list(cooperation_field_rows(ids))
        return self.joined(rows, self.vocabulary(CooperationField, rows))

    def counts_of(self, ids):
        """Each exchange's counts in their order (by pk), as ``ExchangeCount.display``
        writes each ("300多名嘉宾")."""
        found = {}
        displays = self.count_displays
        for exchange, pk, *parts in count_rows(ids):
            found.setdefault(exchange, []).append({"id": pk, "display": displays[tuple(parts)]})
        return {
            exchange: escaped(flatten({"counts": counts})["counts"])
            for exchange, counts in found.items()
        }

    def citations_of(self, ids):
        """Each exchange's citations (their quotes, shortened as ``str(citation)``), in the
        citations' order, as one escaped cell."""
        found = {}
        for pk, quote in quotes_query("exchanges").rows(ids):
            found.setdefault(pk, []).append(short_quote(quote))
        return {pk: escaped("; ".join(quotes)) for pk, quotes in found.items()}
