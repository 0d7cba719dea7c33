"""The five reports' fixtures meet every domain rule as the write paths apply them: each
cited record passes its model validation and the citation rule with the citations it has
(including its dates against its reports), and each relationship's current stage agrees
with its dated steps."""

import pytest

from awards.models import Award
from cities.models import Relationship, RelationshipStage, ReportedFigure
from exchanges.models import Exchange
from utilities.models import validate_citations

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model", [Relationship, RelationshipStage, ReportedFigure, Exchange, Award]
)
def test_every_loaded_record_meets_the_rules(model):
    records = list(model.objects.prefetch_related("citations__report"))
    assert records
    for record in records:
        record.full_clean()
        validate_citations(record, record.citations.all())


def test_the_planned_action_plan_is_marked_planned():
    plan = Exchange.objects.get(title_zh="（计划）沈阳友城工作三年行动计划（2023—2025）")
    assert plan.planned and plan.start.year == 2023
