"""Helpers for the public-site tests: extra rows (with ``test-`` slugs, so they never clash
with the registry) to compare a list page's queries for one row and for a hundred."""

from awards.choices import AwardLevel, RecipientKind
from awards.models import Award, AwardType
from cities.choices import HoldingLevel, PlaceLevel, RelationshipKind, Stage
from cities.models import CooperationField, Place, Relationship, RelationshipStage
from exchanges.choices import ExchangeKind
from exchanges.models import Exchange, ExchangeCount
from sources.models import Citation, SourceReport
from utilities.search import search_keys

COUNTRIES = ["JP", "FR", "DE", "KR", "US"]
MARKER = "Zyxtest"  # a name no real place has, so ?q= picks only these rows


def chinese_test_place():
    place, _created = Place.objects.get_or_create(
        slug="test-site-city",
        defaults={
            "name_zh": "测试市",
            "name_en": f"{MARKER} City",
            "level": PlaceLevel.PREFECTURE_CITY,
            "country": "CN",
        },
    )
    return place


def add_rows(count, start=0):
    """``count`` foreign places, each with a relationship (a dated stage, two fields, a
    citation), an exchange (fields, a place, a count, a citation) and an award. Written with
    bulk_create so a hundred rows take a moment (search keys are filled in as save() would)."""
    city = chinese_test_place()
    report, _created = SourceReport.objects.get_or_create(
        slug="test-site-report",
        defaults={"title": f"{MARKER} report", "chinese_place": city, "text": "测试报告全文。"},
    )
    citation, _created = Citation.objects.get_or_create(report=report, quote="测试报告全文")
    fields = list(CooperationField.objects.all()[:2])
    award_type, _created = AwardType.objects.get_or_create(
        name_zh="测试奖", defaults={"name_en": f"{MARKER} Award", "level": AwardLevel.MUNICIPAL}
    )
    numbers = range(start, start + count)
    partners = Place.objects.bulk_create(
        Place(
            slug=f"test-site-partner-{number}",
            name_zh=f"测试伙伴{number}",
            name_en=f"{MARKER} Partner {number}",
            level=PlaceLevel.CITY,
            country=COUNTRIES[number % len(COUNTRIES)],
            latitude=10 + number % 50,
            longitude=20 + number % 100,
            search_text=search_keys(f"测试伙伴{number}", f"{MARKER} Partner {number}"),
        )
        for number in numbers
    )
    relationships = Relationship.objects.bulk_create(
        Relationship(
            chinese_place=city,
            foreign_place=partner,
            kind=RelationshipKind.SISTER if number % 2 else RelationshipKind.FRIENDLY,
            stage=Stage.ACTIVE,
            level=HoldingLevel.MUNICIPAL,
        )
        for number, partner in zip(numbers, partners, strict=True)
    )
    stages = RelationshipStage.objects.bulk_create(
        RelationshipStage(relationship=relationship, stage=Stage.AGREEMENT, date_year=1980 + n % 40)
        for n, relationship in zip(numbers, relationships, strict=True)
    )
    exchanges = Exchange.objects.bulk_create(
        Exchange(
            title_zh=f"测试交流{number}",
            title_en=f"{MARKER} exchange {number}",
            kind=ExchangeKind.EVENT,
            chinese_place=city,
            relationship=relationship,
            countries=["JP", "FR"],
            start_year=2000 + number % 20,
        )
        for number, relationship in zip(numbers, relationships, strict=True)
    )
    ExchangeCount.objects.bulk_create(
        ExchangeCount(exchange=exchange, value=number + 1, unit_zh="人")
        for number, exchange in zip(numbers, exchanges, strict=True)
    )
    awards = Award.objects.bulk_create(
        Award(
            award_type=award_type,
            chinese_place=city,
            recipient_kind=RecipientKind.PLACE,
            place=partner,
            conferred_year=2000 + number % 20,
        )
        for number, partner in zip(numbers, partners, strict=True)
    )
    link(Relationship.fields.through, "relationship", relationships, "cooperationfield", fields)
    link(Relationship.citations.through, "relationship", relationships, "citation", [citation])
    link(RelationshipStage.citations.through, "relationshipstage", stages, "citation", [citation])
    link(Exchange.fields.through, "exchange", exchanges, "cooperationfield", fields)
    link(Exchange.citations.through, "exchange", exchanges, "citation", [citation])
    Exchange.places.through.objects.bulk_create(
        Exchange.places.through(exchange=exchange, place=partner)
        for exchange, partner in zip(exchanges, partners, strict=True)
    )
    link(Award.citations.through, "award", awards, "citation", [citation])


def link(through, left, rows, right, targets):
    through.objects.bulk_create(
        through(**{left: row, right: target}) for row in rows for target in targets
    )
