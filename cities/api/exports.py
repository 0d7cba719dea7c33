"""The relationships' CSV export at national scale: flat rows from ``values_list()``.

A full export is the whole registry (50,000 relationships and more); through the serializer
each row would cost a dozen model instances and some hundred field reads. Here a row is
one tuple of the relationship and both places' columns, and each chunk of rows fetches its
fields of cooperation, stages, claims and citations in one flat query each (and, for staff,
the national rules' warnings in ``relationship_warnings``' fixed number of queries). The
cells are the ones the serializer's record flattens to (``utilities.api.renderers.flatten``),
column for column, in the request's language: ``cities/tests/test_api_export_rows.py``
compares the two for the loaded registry and for every stage, kind and level, with claims
that agree and disagree, anonymously and for staff.
"""

import json

from django.db.models import Q
from django.utils.translation import get_language
from rest_framework.utils.encoders import JSONEncoder

from cities.choices import Claimant, ClaimSubject, HoldingLevel, RelationshipKind, Stage
from cities.models import (
    BEGINNING_STAGES,
    Claim,
    CooperationField,
    Relationship,
    RelationshipStage,
    dates_agree,
)
from cities.national_rules import relationship_warnings
from sources.models import Citation
from utilities.api.flat_rows import Escaped, FlatRows, escaped, labels
from utilities.api.serializers import record_url_pattern
from utilities.lookups import Among  # noqa: F401 (registers ``__among``)
from utilities.partial_dates import date_facts, partial_date
from utilities.views import country_names

from .briefs import PlaceBriefSerializer

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
# Each is escaped where it is made: a place's, a label's or a list's once per export, a
# relationship's own text on its row.
FREE_TEXT = [
    "display", "kind_display", "stage_display", "level_display", "wording", "fields", "stages",
    "signatories", "notes", "editors_note", "citations",
    *(
        f"{side}.{name}"
        for side in ("chinese_place", "foreign_place")
        for name in ("display", "slug", "name_zh", "name_en", "country.name")
    ),
]  # fmt: skip
# Within a place's eight cells, its free text.
PLACE_FREE_TEXT = {
    PLACE_COLUMNS.index(name.partition(".")[2])
    for name in FREE_TEXT
    if name.startswith("chinese_place.")
}
PLACE_VALUES = ["id", "slug", "name_zh", "name_en", "country"]
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


def disagree(dates):
    """Whether some two of these dates cannot both be true (``RelationshipStage.disputed``)."""
    dates = [date for date in dates if date is not None]
    return any(not dates_agree(a, b) for index, a in enumerate(dates) for b in dates[index + 1 :])


class Said:
    """What a relationship's row needs of a source's claim about its kind or level."""

    __slots__ = ("pk", "subject", "value", "claimant")

    def __init__(self, pk, subject, value, claimant):
        self.pk, self.subject, self.value, self.claimant = pk, subject, value, claimant


# The cells of a relationship without steps: no intent, agreement or beginning, no stages.
NO_STEPS = ("", "", "", "", "", "", "")
NO_DATE = ("", "")
INTENT, AGREEMENT = Stage.INTENT.value, Stage.AGREEMENT.value
BEGINNING = {str(stage.value) for stage in BEGINNING_STAGES}


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
        self.url = record_url_pattern(request, "api:relationship-detail")
        self.place_url = record_url_pattern(request, "api:place-detail")
        self.kinds = Escaped(labels(Relationship, "kind"))
        self.stages = Escaped(labels(Relationship, "stage"))
        # No level: an empty cell (``get_level_display`` is not asked for a blank level).
        self.levels = Escaped({**labels(Relationship, "level"), "": "", None: ""})
        self.step_labels = labels(RelationshipStage, "stage")
        self.claimants = labels(Claim, "claimant")
        self.our_report = str(Claimant.OUR_REPORT.label)
        # What ``Relationship.disputes()`` names a kind or a level by: the choices' labels.
        self.claim_subjects = [
            (ClaimSubject.KIND, str(ClaimSubject.KIND.label), dict(RelationshipKind.choices)),
            (ClaimSubject.LEVEL, str(ClaimSubject.LEVEL.label), dict(HoldingLevel.choices)),
        ]
        user = getattr(request, "user", None)
        # ``RelationshipSerializer.get_warnings``: staff only, an empty list for others.
        self.staff = bool(user and user.is_authenticated and user.is_staff)
        self._country = PlaceBriefSerializer().fields["country"]
        # Every country's name in the request's language, named once per process (the
        # serializer's field names each country anew: some 30 ms an export); shared, so
        # never written here.
        self.countries = country_names(get_language())
        self.places = {}
        self.field_names = None
        self.field_lists = {}

    def cell_caches(self):
        return (self.places, self.field_lists)

    def country_name(self, code):
        """A country's name as the place's ``country`` field gives it."""
        name = self.countries.get(code)
        if name is None:  # a code outside the list of countries: as the field names it
            name = self._country.to_representation(code)["name"]
        return name

    def place(self, pk, slug, name_zh, name_en, country):
        """A place's display name and its eight cells (escaped), made once per export (a
        city is on many rows; one export reads one snapshot, so a place's id stands for
        its columns)."""
        start, end = self.place_url
        display = self.name(name_zh, name_en)
        cells = [
            str(pk), f"{start}{pk}{end}", display, slug, name_zh, name_en, country,
            self.country_name(country) if country else "",
        ]  # fmt: skip
        for index in PLACE_FREE_TEXT:
            cells[index] = escaped(cells[index])
        found = self.places[pk] = (display, tuple(cells))
        return found

    def chunk_rows(self, chunk):
        # A set: Django's query builder walks a list or tuple value by value.
        ids = {row[0] for row in chunk}
        fields = self.fields_of(ids)
        said, step_claims = self.claims_of(ids)
        steps = self.steps_of(ids, keep=bool(step_claims))
        citations = self.citations_of(ids)
        warnings = relationship_warnings(ids) if self.staff else {}
        start, end = self.url
        places, place, moment = self.places, self.place, self.moment
        kinds, stages, levels = self.kinds, self.stages, self.levels
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
                disputes = records(self.disputes(kind, level, claims or [], own, step_claims))
            else:
                disputes = ""
            yield (
                str(pk), f"{start}{pk}{end}", escaped(f"{chinese_name} – {foreign_name}"),
                *chinese_cells, *foreign_cells,
                kind, kinds[kind], escaped(wording), stage, stages[stage], level, levels[level],
                fields.get(pk, ""), *step_cells,
                "; ".join(str(claim.pk) for claim in claims) if claims else "",
                disputes, escaped(signatories), escaped(notes), escaped(editors_note),
                citations.get(pk, ""), moment(created), moment(updated),
                records(warning.as_dict() for warning in warnings[pk]) if pk in warnings else "",
            )  # fmt: skip

    def fields_of(self, ids):
        """Each relationship's fields of cooperation, in their own order (as prefetched:
        by pk), as one escaped cell. The fields are a short vocabulary, read once."""
        if self.field_names is None:
            self.field_names = {
                pk: self.name(name_zh, name_en)
                for pk, name_zh, name_en in CooperationField.objects.values_list(
                    "pk", "name_zh", "name_en"
                )
            }
        found = {}
        rows = (
            Relationship.fields.through.objects.filter(relationship__id__among=ids)
            .order_by("cooperationfield_id")
            .values_list("relationship_id", "cooperationfield_id")
        )
        for pk, field in rows:
            found.setdefault(pk, []).append(field)
        lists, names = self.field_lists, self.field_names
        for pk, fields in found.items():
            key = tuple(fields)
            cell = lists.get(key)
            if cell is None:
                cell = lists[key] = escaped("; ".join(names[field] for field in fields))
            found[pk] = cell
        return found

    def steps_of(self, ids, keep):
        """``{relationship: (its seven step cells, its steps)}``: the dates of intent,
        agreement and beginning with their precisions and the stages' cell, as
        ``Relationship.stage_date``, ``began`` and the serializer's ``stages`` give them;
        the steps themselves (pk, stage, date) only when some step has claims (``keep``)."""
        grouped = {}
        rows = RelationshipStage.objects.filter(relationship__id__among=ids).values_list(
            "relationship", "pk", "stage", "date_year", "date_month", "date_day", "planned"
        )
        # Each row as read, its relationship first (unpacking it into a list per step would
        # cost more than all the rest of grouping).
        for row in rows:
            grouped.setdefault(row[0], []).append(row)
        found = {}
        for relationship, steps in grouped.items():
            own = ()
            if keep:
                own = [
                    (pk, stage, partial_date(year, month, day), planned)
                    for _relationship, pk, stage, year, month, day, planned in steps
                ]
            found[relationship] = (self.step_cells(steps), own)
        return found

    def step_cells(self, steps):
        intent = agreement = began = began_key = None
        displays = []
        step_labels, chinese = self.step_labels, self.chinese
        for _relationship, pk, stage, year, month, day, planned in steps:
            label = step_labels.get(stage, stage)
            date = date_facts(year, month, day, chinese)
            if date is None:
                displays.append(label)
                continue
            order, _cells, shown = date
            displays.append(f"{label} {shown}")
            # ``stage_date``: the earliest dated step of the stage.
            if stage == INTENT:
                if intent is None or order < intent[0]:
                    intent = date
            elif stage == AGREEMENT and (agreement is None or order < agreement[0]):
                agreement = date
            # ``began``: the first by ``began_sort_key`` of the dated steps not planned.
            if stage in BEGINNING and not planned:
                key = (0 if stage == AGREEMENT else 1, order, pk or 0)
                if began_key is None or key < began_key:
                    began, began_key = date, key
        return (
            *(intent[1] if intent else NO_DATE),
            *(agreement[1] if agreement else NO_DATE),
            *(began[1] if began else NO_DATE),
            escaped("; ".join(displays)),
        )

    def claims_of(self, ids):
        """``({relationship: [Said, …]}, {step: [(claimant label, date), …]})``: the claims
        about each relationship's kind and level (``relationship.claims``), and about each
        of its steps' dates (``step.claims``), in the order of their prefetch (``Claim``'s
        ordering: within one relationship or step, by subject, then pk)."""
        said, dated = {}, {}
        rows = (
            Claim.objects.filter(
                Q(relationship__id__among=ids) | Q(step__relationship__id__among=ids)
            )
            .order_by("subject", "pk")
            .values_list(
                "relationship", "pk", "subject", "step", "value", "claimant",
                "date_year", "date_month", "date_day",
            )
        )  # fmt: skip
        for relationship, pk, subject, step, value, claimant, year, month, day in rows:
            if step is None:
                said.setdefault(relationship, []).append(Said(pk, subject, value, claimant))
            else:
                who = self.claimants.get(claimant, claimant)
                dated.setdefault(step, []).append((who, partial_date(year, month, day)))
        return said, dated

    def disputes(self, kind, level, claims, steps, step_claims):
        """``disputes_of(relationship)``: what the sources disagree about, the registry's
        value first (``Relationship.disputes``)."""
        found = []
        for subject, subject_label, choices in self.claim_subjects:
            own = kind if subject == ClaimSubject.KIND else level
            about = [claim for claim in claims if claim.subject == subject]
            if any(claim.value != own for claim in about):
                sides = [(self.our_report, choices.get(own, own or "—"))]
                sides += [
                    (self.claimants.get(claim.claimant, claim.claimant),
                     choices.get(claim.value, claim.value))
                    for claim in about
                ]  # fmt: skip
                found.append((subject_label, sides))
        for pk, stage, date, _planned in steps:
            others = step_claims.get(pk)
            if not others:
                continue
            sides = [(self.our_report, date), *others]
            if disagree([date for _who, date in sides]):
                found.append((self.step_labels.get(stage, stage), sides))
        return [
            {
                "subject": str(subject),
                "sides": [{"claimant": str(who), "value": str(value)} for who, value in sides],
            }
            for subject, sides in found
        ]

    def citations_of(self, ids):
        """Each relationship's citations (their quotes, shortened), as one escaped cell."""
        found = {}
        rows = Citation.objects.filter(relationships__id__among=ids).values_list(
            "relationships", "quote"
        )
        for pk, quote in rows:
            found.setdefault(pk, []).append(quote if len(quote) <= 40 else quote[:40] + "…")
        return {pk: escaped("; ".join(quotes)) for pk, quotes in found.items()}
