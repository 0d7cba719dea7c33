"""The relationships' CSV export at national scale: flat rows from ``values_list()``.

A full export is the whole registry (50,000 relationships and more); through the serializer
each row would cost a dozen model instances and some hundred field reads. Here a row is
one tuple of the relationship and both places' columns, and each chunk of rows fetches its
fields of cooperation, stages, claims and citations in one flat query each, the same four
queries for every chunk, made once (``utilities.lookups.AmongQuery``) (and, for staff,
the national rules' warnings in ``relationship_warnings``' fixed number of queries). The
cells are the ones the serializer's record flattens to (``utilities.api.renderers.flatten``),
column for column, in the request's language: ``cities/tests/test_api_export_rows.py``
compares the two for the loaded registry and for every stage, kind and level, with claims
that agree and disagree, anonymously and for staff.
"""

import functools
import json

from rest_framework.utils.encoders import JSONEncoder

from cities.models import CooperationField, Relationship, relationship_display
from cities.national_rules import relationship_warnings
from sources.api.briefs import quotes_query
from sources.models import short_quote
from utilities.api.briefs import RecordValues
from utilities.api.flat_rows import FORMULA_STARTS, Escaped, FlatRows, escaped
from utilities.formulas import escape_formula
from utilities.lookups import EACH_SET, AmongQuery
from utilities.partial_dates import partial_date

from .briefs import PLACE_VALUES
from .relationship_values import (
    Disputes,
    claims_of,
    claims_query,
    step_dates,
    steps_of,
    steps_query,
)

PLACE_COLUMNS = ["id", "url", "display", "slug", "name_zh", "name_en", "country.code", "country.name"]  # fmt: skip
COLUMNS = [
    "id", "url", "display",
    *(f"chinese_place.{name}" for name in PLACE_COLUMNS),
    *(f"foreign_place.{name}" for name in PLACE_COLUMNS),
    "kind", "kind_display", "wording", "stage", "stage_display", "level", "level_display",
    "fields", "intent_date", "intent_date_precision", "agreement_date",
    "agreement_date_precision", "began", "began_precision", "stages", "claims", "disputes",
    "signatories", "notes", "editors_note", "citations", "created", "last_updated", "warnings",
]  # fmt: skip
# The cells that people or reports wrote (and slugs, which may begin with "-"): only these
# can start like a formula. Ids, URLs, codes, choice values, dates and JSON records cannot.
# Each is escaped where it is made: a place's (display, slug, names, country's name), a
# label's or a list's (fields, stages, citations) once per export, a relationship's own
# text (display, wording, signatories, notes, editor's note) on its row.
VALUES = [
    "id",
    *(f"chinese_place__{name}" for name in PLACE_VALUES),
    *(f"foreign_place__{name}" for name in PLACE_VALUES),
    "kind", "wording", "stage", "level", "signatories", "notes", "editors_note", "created",
    "last_updated",
]  # fmt: skip


def records(items):
    """A list of records without a display name, id or code (a dispute, a warning) as
    ``flatten`` writes it: each record's JSON, joined by "; "."""
    return "; ".join(json.dumps(item, ensure_ascii=False, cls=JSONEncoder) for item in items)


# The cells of a relationship without steps: no intent, agreement or beginning, no stages.
NO_STEPS = ("", "", "", "", "", "", "")
NO_DATE = ("", "")


@functools.cache
def field_ids_query():
    """The ids of the relationships' fields of cooperation (an ``AmongQuery``, one per
    process)."""
    return AmongQuery(
        Relationship.fields.through.objects.filter(relationship__id__among=EACH_SET)
        .order_by("cooperationfield_id")
        .values_list("relationship_id", "cooperationfield_id")
    )


class RelationshipRows(FlatRows):
    """The header and the rows of a relationships CSV for one request.

    A row is one tuple: what depends on the relationship alone is made per row, the rest
    once (a place's eight cells, a choice's label, a list of fields) and
    escaped as it is made, so that a row checks only its own free text for formulas."""

    header = COLUMNS
    values = VALUES

    def __init__(self, request, chunk_size):
        super().__init__(request, chunk_size)
        # A city's export in one chunk: each chunk costs its four queries (some 8 ms of
        # a hub city's 2,486 rows in three chunks rather than one), and the first one, read
        # before the caches fill, added only some 2 MB to the national export's peak (95 to
        # 97 MB; the exchanges', whose rows carry more, would pass 100 MB, so not there).
        self.first_chunk_size = chunk_size * 5 // 2
        values = self.record_values = RecordValues(request)
        self.url = values.url_pattern("api:relationship-detail")
        self.place_url = values.url_pattern("api:place-detail")
        self.kinds = Escaped(values.labels(Relationship, "kind"))
        self.stages = Escaped(values.labels(Relationship, "stage"))
        # No level: an empty cell (``get_level_display`` is not asked for a blank level).
        self.levels = Escaped({**values.labels(Relationship, "level"), "": "", None: ""})
        self.disputes = Disputes(values)
        self.step_labels = self.disputes.step_labels
        # ``RelationshipSerializer.get_warnings``: staff only, an empty list for others.
        self.staff = values.staff
        # Every country's name in the request's language (the exchanges' rows read it).
        self.countries = values.countries
        # Each chunk's related rows: the same queries for every chunk, made once.
        self.steps_query, self.claims_query = steps_query(), claims_query()
        # A chunk's fields of cooperation by id alone: their names are read once per
        # export (a few dozen fields; joined to each chunk's, some 2 ms of every chunk).
        self.field_ids_query = field_ids_query()
        self.citations_query = quotes_query("relationships")
        self.places = {}
        self.country_cells = {}
        self.field_names = None
        self.field_lists = {}

    def cell_caches(self):
        return (self.places, self.field_lists)

    def place(self, pk, slug, name_zh, name_en, country):
        """A place's display name and its eight cells (escaped), made once per export (a
        city is on many rows; one export reads one snapshot, so a place's id stands for
        its columns)."""
        start, end = self.place_url
        display = name_zh if self.chinese or not name_en else name_en
        code, country_name = self.country_cells.get(country) or self.country_cell(country)
        found = self.places[pk] = (
            display,
            (
                str(pk), f"{start}{pk}{end}", escaped(display), escaped(slug),
                escaped(name_zh), escaped(name_en), code, country_name,
            ),
        )  # fmt: skip
        return found

    def country_cell(self, country):
        """A stored country code's two cells (code, escaped name) as the country field
        gives them: empty for no code or one outside the list of countries."""
        named = self.record_values.country(country) or {"code": "", "name": ""}
        found = self.country_cells[country] = (named["code"], escaped(named["name"]))
        return found

    def chunk_rows(self, chunk):
        # A set: Django's query builder walks a list or tuple value by value.
        ids = {row[0] for row in chunk}
        fields = self.fields_of(ids)
        said, step_claims = claims_of(ids, self.claims_query)
        steps = self.steps_of(ids, keep=step_claims)
        citations = self.citations_of(ids)
        warnings = relationship_warnings(ids) if self.staff else {}
        start, end = self.url
        places, place, moment = self.places, self.place, self.moment
        kinds, stages, levels = self.kinds, self.stages, self.levels
        # ``escaped`` inline for a row's own text (a call per cell cost some 0.1 s of a
        # national export).
        starts = FORMULA_STARTS
        for (
            pk, chinese_id, c_slug, c_zh, c_en, c_country, foreign_id, f_slug, f_zh, f_en,
            f_country, kind, wording, stage, level, signatories, notes, editors_note, created,
            updated,
        ) in chunk:  # fmt: skip
            chinese_name, chinese_cells = places.get(chinese_id) or place(
                chinese_id, c_slug, c_zh, c_en, c_country
            )
            foreign_name, foreign_cells = places.get(foreign_id) or place(
                foreign_id, f_slug, f_zh, f_en, f_country
            )
            step_cells, own = steps.get(pk, (NO_STEPS, ()))
            claims = said.get(pk)
            if claims or step_claims:
                disputes = records(self.disputes.of(kind, level, claims or (), own, step_claims))
            else:
                disputes = ""
            display = relationship_display(chinese_name, foreign_name)
            yield (
                str(pk), f"{start}{pk}{end}",
                display if display[:1] not in starts else escape_formula(display),
                *chinese_cells, *foreign_cells,
                kind, kinds[kind],
                wording if wording[:1] not in starts else escape_formula(wording),
                stage, stages[stage], level, levels[level],
                fields.get(pk, ""), *step_cells,
                "; ".join(str(claim[1]) for claim in claims) if claims else "",
                disputes,
                signatories if signatories[:1] not in starts else escape_formula(signatories),
                notes if notes[:1] not in starts else escape_formula(notes),
                editors_note if editors_note[:1] not in starts else escape_formula(editors_note),
                citations.get(pk, ""), moment(created), moment(updated),
                records(warning.as_dict() for warning in warnings[pk]) if pk in warnings else "",
            )  # fmt: skip

    def fields_of(self, ids):
        """Each relationship's fields of cooperation, in their own order (by pk, as
        prefetched), as one escaped cell."""
        if self.field_names is None:
            self.field_names = {
                pk: self.name(name_zh, name_en)
                for pk, name_zh, name_en in CooperationField.objects.values_list(
                    "pk", "name_zh", "name_en"
                )
            }
        found = {}
        for pk, field in self.field_ids_query.rows(ids):
            found.setdefault(pk, []).append(field)
        lists, names = self.field_lists, self.field_names
        for pk, field_ids in found.items():
            key = tuple(field_ids)
            cell = lists.get(key)
            if cell is None:
                cell = lists[key] = escaped("; ".join(names[field] for field in field_ids))
            found[pk] = cell
        return found

    def steps_of(self, ids, keep):
        """``{relationship: (its seven step cells, its steps with claims)}``: the dates of
        intent, agreement and beginning with their precisions and the stages' cell, as
        ``Relationship.stage_date``, ``began`` and the serializer's ``stages`` give them;
        the steps (pk, stage, date) that have claims among ``keep``'s, for the disputes."""
        found = {}
        for relationship, steps in steps_of(ids, self.steps_query).items():
            own = ()
            if keep:
                own = [
                    (pk, stage, partial_date(year, month, day))
                    for _relationship, pk, stage, year, month, day, *_rest in steps
                    if pk in keep
                ]
            found[relationship] = (self.step_cells(steps), own)
        return found

    def step_cells(self, steps):
        facts, intent, agreement, began = step_dates(steps, self.chinese)
        displays = []
        step_labels = self.step_labels
        for step, date in zip(steps, facts, strict=True):
            label = step_labels.get(step[2], step[2])
            displays.append(f"{label} {date[2]}" if date else label)
        return (
            *(intent[1] if intent else NO_DATE),
            *(agreement[1] if agreement else NO_DATE),
            *(began[1] if began else NO_DATE),
            escaped("; ".join(displays)),
        )

    def citations_of(self, ids):
        """Each relationship's citations (their quotes, shortened), as one escaped cell."""
        found = {}
        for pk, quote in self.citations_query.rows(ids):
            found.setdefault(pk, []).append(short_quote(quote))
        return {pk: escaped("; ".join(quotes)) for pk, quotes in found.items()}
