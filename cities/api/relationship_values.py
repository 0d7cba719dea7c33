"""A relationship's related rows as plain values, and the rules that make its computed
facts from them, as the model and the serializer do: its dates (intent, agreement,
beginning) and what its sources disagree about.

Shared by the relationships' CSV rows (``cities.api.exports``) and their JSON page records
(``cities.api.records``), and the disputes' records by the serializer: each reads a chunk's or a page's fields of cooperation, steps and
claims in one flat query each, whatever their number of relationships, in the order the
serializer's prefetches give them (``cities.api.views.claims_prefetch``).
"""

import functools

from django.db.models import Q

from cities.choices import Stage
from cities.models import (
    BEGINNING_STAGES,
    Claim,
    Relationship,
    RelationshipStage,
    began_rank,
    relationship_disputes,
    step_sides,
)
from utilities.lookups import EACH_SET, AmongQuery
from utilities.partial_dates import date_facts, partial_date

from .briefs import COOPERATION_FIELD_VALUES

INTENT, AGREEMENT = Stage.INTENT.value, Stage.AGREEMENT.value
BEGINNING = {str(stage.value) for stage in BEGINNING_STAGES}

# A step's values as ``steps_of`` reads them (its relationship first).
STEP_VALUES = ("relationship", "pk", "stage", "date_year", "date_month", "date_day", "planned", "document")  # fmt: skip
# A claim's, as ``claims_of`` reads them.
CLAIM_VALUES = (
    "relationship", "pk", "subject", "step", "value", "claimant",
    "date_year", "date_month", "date_day",
)  # fmt: skip


@functools.cache
def fields_query():
    """The fields of cooperation of ``fields_of``'s relationships (an ``AmongQuery``, one
    per process, as each query below)."""
    through = Relationship.fields.through
    names = [f"cooperationfield__{name}" for name in COOPERATION_FIELD_VALUES]
    return AmongQuery(
        through.objects.filter(relationship__id__among=EACH_SET)
        .order_by("cooperationfield_id")
        .values_list("relationship_id", *names)
    )


def fields_of(ids, query=None):
    """``({relationship: [field id, …]}, {field id: COOPERATION_FIELD_VALUES})``: the
    relationships' fields of cooperation in their own order (by pk, as prefetched).
    ``query``: a ``fields_query()`` kept for set after set of ids."""
    found, fields = {}, {}
    for pk, *field in (query or fields_query()).rows(ids):
        found.setdefault(pk, []).append(field[0])
        fields[field[0]] = field
    return found, fields


@functools.cache
def steps_query():
    """The steps of ``steps_of``'s relationships (an ``AmongQuery``)."""
    return AmongQuery(
        RelationshipStage.objects.filter(relationship__id__among=EACH_SET)
        .order_by("date_year", "date_month", "date_day", "pk")
        .values_list(*STEP_VALUES)
    )


def steps_of(ids, query=None):
    """``{relationship: [step, …]}``: each relationship's steps as ``STEP_VALUES`` tuples,
    in the order of its ``stages`` (by date, undated last, then pk). ``query``: a
    ``steps_query()`` kept for set after set of ids."""
    grouped = {}
    # Each row as read, its relationship first (unpacking it into a list per step would
    # cost more than all the rest of grouping).
    for row in (query or steps_query()).rows(ids):
        grouped.setdefault(row[0], []).append(row)
    return grouped


def step_dates(steps, chinese):
    """``(facts, intent, agreement, began)`` of one relationship's steps (``steps_of``):
    each step's ``date_facts`` (None when undated) and those of
    ``Relationship.intent_date``, ``agreement_date`` and ``began`` (None when none)."""
    intent = agreement = began = began_by = None
    facts = []
    for _relationship, pk, stage, year, month, day, planned, _document in steps:
        date = date_facts(year, month, day, chinese)
        facts.append(date)
        if date is None:
            continue
        order = date[0]
        # ``stage_date``: the earliest dated step of the stage.
        if stage == INTENT:
            if intent is None or order < intent[0]:
                intent = date
        elif stage == AGREEMENT and (agreement is None or order < agreement[0]):
            agreement = date
        # ``began``: the first by ``began_rank`` of the dated steps not planned.
        if stage in BEGINNING and not planned:
            key = began_rank(stage, order, pk)
            if began_by is None or key < began_by:
                began, began_by = date, key
    return facts, intent, agreement, began


@functools.cache
def claims_query():
    """The claims of ``claims_of``'s relationships and their steps (an ``AmongQuery``)."""
    return AmongQuery(
        Claim.objects.filter(
            Q(relationship__id__among=EACH_SET) | Q(step__relationship__id__among=EACH_SET)
        )
        .order_by("subject", "pk")
        .values_list(*CLAIM_VALUES)
    )


def claims_of(ids, query=None):
    """``({relationship: [claim, …]}, {step: [claim, …]})``: the claims about each
    relationship's kind and level (``relationship.claims`` without a step) and about each
    of its steps' dates (``step.claims``), as ``CLAIM_VALUES`` tuples in the order of their
    prefetch (within one relationship or step, by subject, then pk). ``query``: a
    ``claims_query()`` kept for set after set of ids."""
    said, dated = {}, {}
    for row in (query or claims_query()).rows(ids):
        if row[3] is None:
            said.setdefault(row[0], []).append(row)
        else:
            dated.setdefault(row[3], []).append(row)
    return said, dated


def dispute_records(disputes):
    """The API's records (``DisputeSerializer``'s) of ``relationship_disputes``'s
    ``[(subject label, [(who, value), …]), …]``, in the request's language."""
    return [
        {
            "subject": str(subject),
            "sides": [{"claimant": str(who), "value": str(value)} for who, value in sides],
        }
        for subject, sides in disputes
    ]


class Disputes:
    """``Relationship.disputes()`` and ``RelationshipStage.sides()`` from plain values, in
    the request's language (``values``: a ``utilities.api.briefs.RecordValues``)."""

    def __init__(self, values):
        self.step_labels = values.labels(RelationshipStage, "stage")
        self.claimants = values.labels(Claim, "claimant")

    def sides(self, date, claims):
        """``step.sides()`` (``step_sides``): each source's date of a step
        (``PartialDate``), the registry's first, given the step's date and its claims
        (``claims_of``)."""
        claimants = self.claimants
        return step_sides(
            date,
            [
                (claimants.get(claimant, claimant), partial_date(year, month, day))
                for _r, _pk, _s, _step, _v, claimant, year, month, day in claims
            ],
        )

    def of(self, kind, level, claims, steps, step_claims):
        """The serializer's ``disputes`` (``dispute_records`` of
        ``Relationship.disputes()``): what the sources disagree about, the registry's value
        first (``relationship_disputes``), given its kind, level, claims (``claims_of``),
        steps as ``(pk, stage, PartialDate)`` in their order and their claims by step."""
        claimants, step_labels = self.claimants, self.step_labels
        return dispute_records(
            relationship_disputes(
                kind,
                level,
                [(claim[2], claimants.get(claim[5], claim[5]), claim[4]) for claim in claims],
                [
                    (step_labels.get(stage, stage), self.sides(date, step_claims[pk]))
                    for pk, stage, date in steps
                    if step_claims.get(pk)
                ],
            )
        )
