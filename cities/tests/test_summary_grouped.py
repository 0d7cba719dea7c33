"""The home page's counts come from one grouped query (``statistics.summary_counts``):
they and the newest relationships agree with each relationship read one by one."""

from collections import Counter

import pytest

from cities import statistics
from cities.choices import NOT_ESTABLISHED, Stage
from cities.models import Relationship, RelationshipStage
from tests.builders import new_relationship, place

pytestmark = pytest.mark.django_db


def one_by_one(relationships):
    rows = [(r.pk, r.kind, r.stage, r.foreign_place.country.code, r.began) for r in relationships]
    established = [row for row in rows if row[2] not in NOT_ESTABLISHED]
    return {
        "kind_stage": Counter((kind, stage) for _pk, kind, stage, _c, _b in rows),
        "countries": Counter(country for _pk, _k, _s, country, _b in established),
        "decades": Counter(
            None if began is None else began.year // 10 * 10
            for _pk, _k, _s, _c, began in established
        ),
        "newest": [
            pk
            for _dated, _year, pk in sorted(
                ((b is not None, b.year if b else 0, pk) for pk, _k, _s, _c, b in rows),
                reverse=True,
            )
        ],
    }


@pytest.mark.parametrize("newest", [0, 1, 8, 1000])
def test_grouped_counts_and_newest_agree_with_each_record(newest):
    relationships = Relationship.objects.select_related("foreign_place").with_began()
    expected = one_by_one(relationships)
    counts = statistics.summary_counts(Relationship.objects.all(), newest)
    assert counts["kind_stage"] == dict(expected["kind_stage"])
    assert counts["countries"] == dict(expected["countries"])
    assert counts["decades"] == dict(expected["decades"])
    # With more asked than are dated, the undated ones come last.
    assert counts["newest"] == expected["newest"][:newest]


@pytest.mark.parametrize("newest", [0, 8])
def test_grouped_counts_date_each_relationship_by_its_beginning_steps_alone(newest):
    """The year each began is grouped from the steps apart from the relationships: one
    with no step, or whose steps are planned, undated or not a beginning, is undated; an
    agreement dates it before an earlier letter of intent; a prospect is counted in the
    table and not in the charts."""
    city = place("jinzhong")
    steps = {
        Stage.ACTIVE: [],
        Stage.AGREEMENT: [(Stage.AGREEMENT, 2031, True)],
        Stage.INTENT: [(Stage.INTENT, None, False)],
        Stage.ENDED: [(Stage.ENDED, 2001, False), (Stage.INTENT, 1986, False)],
        Stage.PURSUING: [(Stage.INTENT, 1990, False), (Stage.AGREEMENT, 1995, False)],
    }
    for stage, dated in steps.items():
        relationship = new_relationship(city)
        Relationship.objects.filter(pk=relationship.pk).update(stage=stage)
        for step, year, planned in dated:
            RelationshipStage.objects.create(
                relationship=relationship, stage=step, date_year=year, planned=planned
            )
    relationships = Relationship.objects.select_related("foreign_place").with_began()
    expected = one_by_one(relationships)
    counts = statistics.summary_counts(Relationship.objects.all(), newest)
    assert counts["kind_stage"] == dict(expected["kind_stage"])
    assert counts["countries"] == dict(expected["countries"])
    assert counts["decades"] == dict(expected["decades"])
    assert counts["prospects"] == sum(
        n for (_kind, stage), n in expected["kind_stage"].items() if stage in NOT_ESTABLISHED
    )
    assert counts["newest"] == expected["newest"][:newest]
