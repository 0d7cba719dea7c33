"""Exchanges the API tests share: ``varied``, every kind of exchange the test city has."""

import pytest

from cities.models import CooperationField, Place, Relationship
from exchanges.models import Exchange, ExchangeCount, Region
from sources.models import Citation

KINDS = ["project", "event", "delegation", "training", "office", "conference"]


@pytest.fixture
def varied(world):
    """Exchanges of the test city (and its county) of every kind, with every precision of
    date, with and without a relationship, places, countries, regions, fields, counts and
    citations, and formula-like text."""
    fields = [
        world.field,
        CooperationField.objects.create(slug="test-field-2", name_zh="测试领域二"),
        CooperationField.objects.create(slug="test-field-3", name_zh="=测试", name_en="-Field"),
    ]
    regions = [
        Region.objects.create(slug="test-region", name_zh="测试地区", name_en="Test region"),
        Region.objects.create(slug="test-region-2", name_zh="测试地区二", countries=["DE"]),
    ]
    partners = [world.partner_a, world.partner_b, world.partner_c]
    partners.append(
        Place.objects.create(slug="-test-odd", name_zh="+测试丁市", level="city", country="KR")
    )
    long_quote = Citation.objects.create(
        report=world.report, quote=world.report.text[:60]
    ) if len(world.report.text) >= 60 else world.citation  # fmt: skip
    no_english = Relationship.objects.create(
        chinese_place=world.county, foreign_place=partners[3], kind="friendly"
    )
    dates = [(None, None, None), (2019, None, None), (1997, 10, None), (1984, 3, 12)]
    countries = [[], ["JP"], ["DE", "FR", "US", "GB", "IT", "ES", "BR", "ZA"], ["KR"]]
    made = []
    for number in range(16):
        start = dates[number % 4]
        end = dates[(number + 1) % 4] if number % 3 == 0 and start[0] else (None, None, None)
        if end[0] is not None and start[0] is not None and end[0] < start[0]:
            end = (None, None, None)
        exchange = Exchange.objects.create(
            title_zh="=HYPERLINK(\"测试交流\")" if number == 1 else f"测试交流{number}",
            title_en="" if number % 3 == 0 else f"@Exchange {number}" if number == 2 else f"Exchange {number}",
            kind=KINDS[number % len(KINDS)],
            chinese_place=world.county if number % 5 == 4 else world.home,
            relationship=[None, world.relationship, no_english][number % 3]
            if number % 5 != 4 else (no_english if number % 2 else None),
            countries=countries[number % 4],
            description=f'内容 {number}\n第二行, "引号"' if number % 2 else "-内容",
            start_year=start[0],
            start_month=start[1],
            start_day=start[2],
            end_year=end[0],
            end_month=end[1],
            end_day=end[2],
            planned=number == 5,
            editors_note="@note" if number == 3 else "",
        )  # fmt: skip
        exchange.places.set(partners[: number % 5])
        exchange.regions.set(regions[: number % 3])
        exchange.fields.set(fields[: number % 4])
        exchange.citations.set([world.citation, long_quote][: number % 3])
        for index in range(number % 4):
            ExchangeCount.objects.create(
                exchange=exchange,
                value=10 * (index + 1) + number,
                value_max=None if index != 1 else 100 + number,
                qualifier=["exact", "odd", "over", "about"][(number + index) % 4],
                unit_zh="名嘉宾",
                unit_en="" if index == 2 else "guests",
            )
        made.append(exchange)
    return made
