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

import itertools
import json

from django.db.models import Q
from django.utils import timezone
from rest_framework import serializers
from rest_framework.settings import api_settings
from rest_framework.utils.encoders import JSONEncoder

from cities.choices import Claimant, ClaimSubject, HoldingLevel, RelationshipKind, Stage
from cities.models import (
    BEGINNING_STAGES,
    Claim,
    CooperationField,
    Relationship,
    RelationshipStage,
    began_sort_key,
    dates_agree,
)
from cities.national_rules import relationship_warnings
from sources.models import Citation
from utilities.api.serializers import record_url_pattern
from utilities.formulas import TRIGGERS, escape_formula
from utilities.languages import is_chinese
from utilities.lookups import Among  # noqa: F401 (registers ``__among``)
from utilities.partial_dates import PartialDate

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
# can start like a formula. Ids, URLs, codes, choice values, dates and JSON records cannot,
# so a row checks 19 of its 43 cells.
FREE_TEXT = [
    "display", "kind_display", "stage_display", "level_display", "wording", "fields", "stages",
    "signatories", "notes", "editors_note", "citations",
    *(
        f"{side}.{name}"
        for side in ("chinese_place", "foreign_place")
        for name in ("display", "slug", "name_zh", "name_en", "country.name")
    ),
]  # fmt: skip
FREE_TEXT_INDEXES = sorted(COLUMNS.index(name) for name in FREE_TEXT)
PLACE_VALUES = ["id", "slug", "name_zh", "name_en", "country"]
VALUES = [
    "id",
    *(f"chinese_place__{name}" for name in PLACE_VALUES),
    *(f"foreign_place__{name}" for name in PLACE_VALUES),
    "kind", "wording", "stage", "level", "signatories", "notes", "editors_note", "created",
    "last_updated",
]  # fmt: skip


def labels(model, name):
    """A choice field's labels in the active language, by value, as ``get_<name>_display``
    gives them (a value without a label is itself)."""
    return {value: str(label) for value, label in model._meta.get_field(name).flatchoices}


def partial_date(year, month, day):
    if year is None:
        return None
    try:
        return PartialDate(year, month, day)
    except ValueError:
        return None


class Step:
    """What a relationship's row needs of one of its stages."""

    __slots__ = ("pk", "stage", "date", "planned", "display")

    def __init__(self, pk, stage, date, planned, display):
        self.pk, self.stage, self.date, self.planned, self.display = (
            pk, stage, date, planned, display
        )  # fmt: skip


def text(value):
    """A cell as ``flatten`` writes it."""
    return "" if value is None else str(value)


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


class RelationshipRows:
    """The header and the rows of a relationships CSV for one request."""

    header = COLUMNS

    def __init__(self, request, chunk_size):
        self.request = request
        self.chunk_size = chunk_size
        self.chinese = is_chinese()
        self.url = record_url_pattern(request, "api:relationship-detail")
        self.place_url = record_url_pattern(request, "api:place-detail")
        self.kinds = labels(Relationship, "kind")
        self.stages = labels(Relationship, "stage")
        self.levels = labels(Relationship, "level")
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
        country = PlaceBriefSerializer().fields["country"]
        self._country = country
        self.countries = {}
        self.dates = {}
        self.places = {}
        self.step_displays = {}
        self.zone = timezone.get_current_timezone()
        self.drf_moment = serializers.DateTimeField().to_representation
        self.iso = str(api_settings.DATETIME_FORMAT).lower() == "iso-8601"

    def moment(self, value):
        """A time as DRF's ``DateTimeField`` writes it (ISO 8601 in the current time zone,
        ``Z`` for UTC), without its per-value time-zone look-ups."""
        if not self.iso or value is None or not timezone.is_aware(value):
            return self.drf_moment(value)
        text = value.astimezone(self.zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    def step_date(self, year, month, day):
        key = (year, month, day)
        if key not in self.dates:
            self.dates[key] = partial_date(year, month, day)
        return self.dates[key]

    def country_name(self, code):
        name = self.countries.get(code)
        if name is None:
            name = self.countries[code] = self._country.to_representation(code)["name"]
        return name

    def name(self, chinese, english):
        return chinese if self.chinese or not english else english

    def place(self, pk, slug, name_zh, name_en, country):
        """A place's eight cells, made once per export (a city is on many rows)."""
        key = (pk, slug, name_zh, name_en, country)
        cells = self.places.get(key)
        if cells is None:
            start, end = self.place_url
            cells = self.places[key] = [
                str(pk), f"{start}{pk}{end}", self.name(name_zh, name_en), slug, name_zh,
                name_en, country, self.country_name(country) if country else "",
            ]  # fmt: skip
        return cells

    def rows(self, queryset):
        values = queryset.prefetch_related(None).values_list(*VALUES)
        source = values.iterator(chunk_size=self.chunk_size)
        while chunk := list(itertools.islice(source, self.chunk_size)):
            yield from self.chunk_rows(chunk)

    def chunk_rows(self, chunk):
        # A set: Django's query builder walks a list or tuple value by value.
        ids = {row[0] for row in chunk}
        fields = self.fields_of(ids)
        steps = self.steps_of(ids)
        said, step_claims = self.claims_of(ids)
        citations = self.citations_of(ids)
        warnings = relationship_warnings(ids) if self.staff else {}
        start, end = self.url
        for row in chunk:
            pk = row[0]
            chinese_place = self.place(*row[1:6])
            foreign_place = self.place(*row[6:11])
            kind, wording, stage, level, signatories, notes, editors_note, created, updated = row[11:]  # fmt: skip
            own = steps.get(pk, [])
            intent = self.stage_date(own, Stage.INTENT)
            agreement = self.stage_date(own, Stage.AGREEMENT)
            began = self.began(own)
            claims = said.get(pk, [])
            disputes = self.disputes(kind, level, claims, own, step_claims)
            cells = [
                str(pk), f"{start}{pk}{end}", f"{chinese_place[2]} – {foreign_place[2]}",
                *chinese_place, *foreign_place,
                kind, self.kinds.get(kind, kind), wording, stage, self.stages.get(stage, stage),
                level, self.levels.get(level, level) if level else "",
                "; ".join(fields.get(pk, [])),
                text(intent and intent.isoformat()), text(intent and intent.precision),
                text(agreement and agreement.isoformat()), text(agreement and agreement.precision),
                text(began and began.isoformat()), text(began and began.precision),
                "; ".join(step.display for step in own),
                "; ".join(str(claim.pk) for claim in claims),
                records(disputes),
                signatories, notes, editors_note,
                "; ".join(citations.get(pk, [])),
                text(self.moment(created)), text(self.moment(updated)),
                records(warning.as_dict() for warning in warnings.get(pk, [])),
            ]  # fmt: skip
            for index in FREE_TEXT_INDEXES:
                if cells[index][:1] in TRIGGERS:
                    cells[index] = escape_formula(cells[index])
            yield cells

    @staticmethod
    def stage_date(steps, stage):
        dates = [step.date for step in steps if step.stage == stage and step.date]
        return min(dates) if dates else None

    @staticmethod
    def began(steps):
        dated = [
            step
            for step in steps
            if step.stage in BEGINNING_STAGES and step.date and not step.planned
        ]
        return min(dated, key=began_sort_key).date if dated else None

    def fields_of(self, ids):
        """Each relationship's fields of cooperation, in their own order (as prefetched)."""
        found = {}
        rows = CooperationField.objects.filter(relationships__id__among=ids).values_list(
            "relationships", "name_zh", "name_en"
        )
        for pk, name_zh, name_en in rows:
            found.setdefault(pk, []).append(self.name(name_zh, name_en))
        return found

    def steps_of(self, ids):
        found = {}
        rows = RelationshipStage.objects.filter(relationship__id__among=ids).values_list(
            "relationship", "pk", "stage", "date_year", "date_month", "date_day", "planned"
        )
        for relationship, pk, stage, year, month, day, planned in rows:
            date = self.step_date(year, month, day)
            display = self.step_displays.get((stage, date))
            if display is None:
                label = self.step_labels.get(stage, stage)
                display = f"{label} {date}" if date else label
                self.step_displays[stage, date] = display
            found.setdefault(relationship, []).append(Step(pk, stage, date, planned, display))
        return found

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
                dated.setdefault(step, []).append((who, self.step_date(year, month, day)))
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
        for step in steps:
            others = step_claims.get(step.pk)
            if not others:
                continue
            sides = [(self.our_report, step.date), *others]
            if disagree([date for _who, date in sides]):
                found.append((self.step_labels.get(step.stage, step.stage), sides))
        return [
            {
                "subject": str(subject),
                "sides": [{"claimant": str(who), "value": str(value)} for who, value in sides],
            }
            for subject, sides in found
        ]

    def citations_of(self, ids):
        found = {}
        rows = Citation.objects.filter(relationships__id__among=ids).values_list(
            "relationships", "quote"
        )
        for pk, quote in rows:
            found.setdefault(pk, []).append(quote if len(quote) <= 40 else quote[:40] + "…")
        return found
