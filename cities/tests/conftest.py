"""Fixtures the relationships' API tests share."""

import pytest

from cities.choices import Claimant, ClaimSubject, HoldingLevel, RelationshipKind, Stage
from cities.models import Claim, CooperationField, Place, Relationship, RelationshipStage
from sources.models import Citation


@pytest.fixture
def varied(world):
    """Relationships of the test city with every kind, stage and level, and steps at every
    precision."""
    fields = list(CooperationField.objects.order_by("pk")[:3])
    long_quote = Citation.objects.create(
        report=world.citation.report, quote=world.report.text[:60]
    ) if len(world.report.text) >= 60 else world.citation  # fmt: skip
    made = []
    levels = ["", *HoldingLevel.values]
    for number, (kind, stage) in enumerate(
        (kind, stage) for kind in RelationshipKind.values for stage in Stage.values
    ):
        partner = Place.objects.create(
            slug=f"test-export-{number}",
            name_zh=f"测试导出{number}市",
            name_en="" if number % 3 == 0 else f"Export {number}",
            level="city",
            country=["JP", "DE", "US", "FR", "KR"][number % 5],
        )
        relationship = Relationship.objects.create(
            chinese_place=world.home if number % 2 else world.county,
            foreign_place=partner,
            kind=kind,
            stage=stage,
            level=levels[number % len(levels)],
            wording='=HYPERLINK("http://x")' if number == 1 else "友好合作关系城市",
            signatories="-市长" if number == 2 else "",
            notes=f'说明 {number}\n第二行, "引号"',
            editors_note="@note" if number == 3 else "",
        )
        relationship.fields.set(fields[: number % 4])
        relationship.citations.set([world.citation, long_quote][: number % 3])
        dates = [(2019,), (1997, 10), (1984, 3, 12)]
        RelationshipStage.objects.create(
            relationship=relationship, stage=Stage.INTENT, date_year=2010 + number % 5
        )
        for step_number, parts in enumerate(dates[: number % 4]):
            year, month, day = (list(parts) + [None, None])[:3]
            RelationshipStage.objects.create(
                relationship=relationship,
                stage=[Stage.AGREEMENT, Stage.ACTIVE, Stage.AGREEMENT][step_number],
                date_year=year,
                date_month=month,
                date_day=day,
            )
        if number % 4 == 1:
            RelationshipStage.objects.create(
                relationship=relationship, stage=Stage.ENDED, planned=True, date_year=2030
            )
        if number % 5 == 4:
            RelationshipStage.objects.create(relationship=relationship, stage=Stage.ACTIVE)
        if number % 3:
            add_claims(relationship, number)
        made.append(relationship)
    return made


def add_claims(relationship, number):
    """Sources' claims: about the kind (another kind, or the same), the level (one the
    record may lack), and each step's date (a year later: a disagreement; the same year to
    the day: agreement; on an undated step, two years: a disagreement of the sources)."""
    kinds = RelationshipKind.values
    other_kind = kinds[(kinds.index(relationship.kind) + number) % len(kinds)]
    Claim.objects.create(relationship=relationship, subject=ClaimSubject.KIND, value=other_kind)
    Claim.objects.create(
        relationship=relationship,
        subject=ClaimSubject.LEVEL,
        value=HoldingLevel.MUNICIPAL,
        claimant=Claimant.NATIONAL_ROLL,
    )
    for index, step in enumerate(relationship.stages.order_by("pk")):
        claimant = [Claimant.PARTNER, Claimant.OTHER][index % 2]
        if step.date_year is None:
            for year in (2015, 2016):
                Claim.objects.create(
                    relationship=relationship, step=step, date_year=year, claimant=claimant
                )
        elif (number + index) % 2:
            Claim.objects.create(relationship=relationship, step=step, date_year=step.date_year + 1)
        else:
            Claim.objects.create(
                relationship=relationship,
                step=step,
                date_year=step.date_year,
                date_month=step.date_month or 6,
                date_day=step.date_day or 15,
                claimant=claimant,
            )


@pytest.fixture
def odd_countries(world):
    """Relationships of the test city with foreign places whose country code is empty, or
    one the list of countries does not hold (written past validation, as old imports
    did)."""
    made = []
    for number, code in enumerate(["", "XX", "jp"]):
        partner = Place.objects.create(
            slug=f"test-odd-country-{number}",
            name_zh=f"测试国别{number}市",
            name_en=f"Odd country {number}",
            level="city",
            country="JP",
        )
        Place.objects.filter(pk=partner.pk).update(country=code)
        made.append(
            Relationship.objects.create(
                chinese_place=world.home,
                foreign_place=partner,
                kind=RelationshipKind.values[0],
                stage=Stage.INTENT,
            )
        )
    return made
