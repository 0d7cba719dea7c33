"""The relationships' JSON list pages at national scale: full records from plain values.

Through ``RelationshipSerializer`` a page of 50 relationships costs some 300 model
instances, a queryset per record and relation and DRF's field machinery per value. Here
(``RelationshipViewSet.page_record_classes``, ``utilities.api.views.PageRecordsMixin``) a
page is its relationships' values in one query and their fields of cooperation, steps,
claims, citations and the claims' citations in one flat query each (and, for staff, the
national rules' warnings in ``relationship_warnings``' fixed number of queries), read and
ruled as the CSV rows are (``cities.api.relationship_values``). Each record is the
serializer's, key for key and value for value, in the request's language:
``cities/tests/test_api_page_records.py`` compares the two answers' bytes.
"""

import functools

from cities.choices import ClaimSubject
from cities.models import (
    Claim,
    Place,
    Relationship,
    RelationshipStage,
    claimed_value_display,
    dates_disagree,
    relationship_display,
)
from cities.national_rules import relationship_warnings
from sources.api.briefs import CitationBriefs
from utilities.api import flat_rows
from utilities.api.briefs import RecordValues
from utilities.lookups import EACH_SET, AmongQuery
from utilities.partial_dates import date_facts, partial_date

from .briefs import (
    RELATIONSHIP_VALUES,
    CooperationFieldBriefs,
    RelationshipBriefs,
)
from .relationship_values import (
    Disputes,
    claims_of,
    claims_query,
    fields_of,
    fields_query,
    step_dates,
    steps_of,
    steps_query,
)
from .serializers import line

VALUES = [
    *RELATIONSHIP_VALUES,
    "wording", "stage", "level", "signatories", "notes", "editors_note", "created",
    "last_updated",
]  # fmt: skip
NO_DATE = (None, None)
# A relationship's two places, in the order of its line.
SIDES = ("chinese_place", "foreign_place")


@functools.cache
def values_query():
    """The relationships' own ``VALUES`` (an ``AmongQuery``, one per process)."""
    return AmongQuery(
        Relationship.objects.filter(id__among=EACH_SET).order_by().values_list(*VALUES)
    )


@functools.cache
def coordinates_query():
    """The places' coordinates (an ``AmongQuery``, one per process)."""
    return AmongQuery(
        Place.objects.filter(id__among=EACH_SET).values_list("id", "longitude", "latitude")
    )


class RelationshipRecords:
    """``RelationshipSerializer``'s records of a page of relationships, for one request."""

    def __init__(self, request):
        values = self.values = RecordValues(request)
        relationships = RelationshipBriefs(values)
        self.places = relationships.places
        self.place = relationships.places.brief
        self.url = relationships.url
        self.kinds = relationships.kinds
        self.field = CooperationFieldBriefs(values).brief
        self.citations = CitationBriefs(values)
        self.disputes = Disputes(values)
        self.stages = values.labels(Relationship, "stage")
        self.levels = values.labels(Relationship, "level")
        self.step_labels = values.labels(RelationshipStage, "stage")
        self.step_url = values.url_pattern("api:relationshipstage-detail")
        self.claimants = values.labels(Claim, "claimant")
        # The related rows' queries, made once for every chunk of an export (a page is one).
        self.fields_query, self.steps_query = fields_query(), steps_query()
        self.claims_query = claims_query()
        self.values_query = values_query()

    def records(self, ids):
        """The records of the relationships ``ids``, in that order."""
        ids = list(ids)
        if not ids:
            return []
        # A set: Django's query builder walks a list or tuple value by value.
        keys = set(ids)
        rows = {row[0]: row for row in self.values_query.rows(keys)}
        field_ids, fields = fields_of(keys, self.fields_query)
        steps = steps_of(keys, self.steps_query)
        said, dated = claims_of(keys, self.claims_query)
        citations = self.citations.of("relationships", keys)
        claim_ids = {claim[1] for claims in (*said.values(), *dated.values()) for claim in claims}
        claim_citations = self.citations.of("claims", claim_ids)
        warnings = relationship_warnings(keys) if self.values.staff else {}
        field = self.field
        made = []
        for pk in ids:
            row = rows.get(pk)
            if row is None:  # deleted since the page's ids were read
                continue
            made.append(
                self.record(
                    row,
                    steps.get(pk, ()),
                    said.get(pk, ()),
                    dated,
                    claim_citations,
                    fields=[field(*fields[each]) for each in field_ids.get(pk, ())],
                    citations=citations.get(pk, []),
                    warnings=[warning.as_dict() for warning in warnings.get(pk, ())],
                )
            )
        return made

    def record(self, row, steps, claims, dated, claim_citations, fields, citations, warnings):
        """A relationship's record from its ``VALUES`` row, its steps and claims (with the
        page's step claims and claims' citations) and its fields, citations and warnings
        as made for the page."""
        (
            pk, kind, *place_values, wording, stage, level, signatories, notes,
            editors_note, created, updated,
        ) = row  # fmt: skip
        chinese, foreign = self.place(*place_values[:5]), self.place(*place_values[5:])
        start, end = self.url
        facts, intent, agreement, began = step_dates(steps, self.values.chinese)
        stages, own = self.steps(steps, facts, dated, claim_citations)
        if claims or own:
            disputes = self.disputes.of(kind, level, claims, own, dated)
        else:
            disputes = []
        moment = self.values.moment
        return {
            "id": pk,
            "url": f"{start}{pk}{end}",
            "display": relationship_display(chinese["display"], foreign["display"]),
            "chinese_place": chinese,
            "foreign_place": foreign,
            "kind": kind,
            "kind_display": self.kinds.get(kind, kind),
            "wording": wording,
            "stage": stage,
            "stage_display": self.stages.get(stage, stage),
            "level": level or None,
            "level_display": self.levels.get(level, level),
            "fields": fields,
            "intent_date": intent[1][0] if intent else None,
            "intent_date_precision": intent[1][1] if intent else None,
            "agreement_date": agreement[1][0] if agreement else None,
            "agreement_date_precision": agreement[1][1] if agreement else None,
            "began": began[1][0] if began else None,
            "began_precision": began[1][1] if began else None,
            "stages": stages,
            "claims": [self.claim(claim, claim_citations) for claim in claims],
            "disputes": disputes,
            "signatories": signatories,
            "notes": notes,
            "editors_note": editors_note,
            "citations": citations,
            "created": moment(created),
            "last_updated": moment(updated),
            "warnings": warnings,
        }

    def steps(self, steps, facts, dated, claim_citations):
        """``(records of the steps, [(pk, stage, PartialDate), …] of those with claims)``:
        ``RelationshipStageWithClaimsSerializer``'s records, and what the disputes read."""
        start, end = self.step_url
        made, own = [], []
        for (_r, pk, stage, year, month, day, _planned, document), date in zip(
            steps, facts, strict=True
        ):
            label = self.step_labels.get(stage, stage)
            iso, precision = date[1] if date else NO_DATE
            claims = dated.get(pk, ())
            disputed = False
            if claims:
                sides = self.disputes.sides(partial_date(year, month, day), claims)
                disputed = dates_disagree([side_date for _who, side_date in sides])
                own.append((pk, stage, sides[0][1]))
            made.append(
                {
                    "id": pk,
                    "url": f"{start}{pk}{end}",
                    "display": f"{label} {date[2]}" if date else label,
                    "stage": stage,
                    "stage_display": label,
                    "date": iso,
                    "date_precision": precision,
                    "document": document,
                    "claims": [self.claim(claim, claim_citations) for claim in claims],
                    "disputed": disputed,
                }
            )
        return made, own

    def claim(self, claim, claim_citations):
        """``ClaimBriefSerializer``'s record of a claim (``claims_of``)."""
        _r, pk, subject, _step, value, claimant, year, month, day = claim
        date = date_facts(year, month, day, self.values.chinese)
        if subject == ClaimSubject.DATE:
            display_value = date[2] if date else "—"
        else:
            display_value = claimed_value_display(subject, value)
        iso, precision = date[1] if date else NO_DATE
        return {
            "id": pk,
            "subject": subject,
            "claimant": claimant,
            "claimant_display": self.claimants.get(claimant, claimant),
            "value": value,
            "display_value": display_value,
            "date": iso,
            "date_precision": precision,
            "citations": claim_citations.get(pk, []),
        }


class RelationshipFeatures(RelationshipRecords):
    """The records of a relationships' GeoJSON export (``stream_record_classes``):
    ``RelationshipRecords``' with the serializer's ``geometry`` (``GeometryMixin``), the
    line from the Chinese place to the foreign one, or None where either has no
    coordinates. Through the serializer the national export took some 35 s, and its
    peak memory rose 50 MB over the process's."""

    def __init__(self, request):
        super().__init__(request)
        self.coordinates_query = coordinates_query()

    def records(self, ids):
        # Each chunk of an export names other places and citations: the briefs made for
        # the chunks before are let go once there are many (the national export kept all
        # 24,000 places' briefs, some 20 MB).
        for briefs in (self.places.made, self.citations.made, self.citations.reports):
            if len(briefs) > flat_rows.CACHED_CELLS:
                briefs.clear()
        made = super().records(ids)
        places = {record[side]["id"] for record in made for side in SIDES}
        points = {
            pk: [float(longitude), float(latitude)]
            for pk, longitude, latitude in self.coordinates_query.rows(places)
            if longitude is not None and latitude is not None
        }
        for record in made:
            start, end = (points.get(record[side]["id"]) for side in SIDES)
            record["geometry"] = None if start is None or end is None else line(start, end)
        return made
