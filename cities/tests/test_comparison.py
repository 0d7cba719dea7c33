"""Reported vs recorded counts a city's records and those of the places inside it."""

import pytest

from cities.choices import FigureMetric, HoldingLevel, PlaceLevel, RelationshipKind, Stage
from cities.models import Place, Relationship, ReportedFigure
from utilities.quantities import Qualifier


@pytest.fixture
def city(wuhan):
    county = Place.objects.create(
        slug="test-county", name_zh="测试县", level=PlaceLevel.COUNTY, country="CN", parent=wuhan
    )
    partners = [
        Place.objects.create(slug=f"test-partner-{n}", name_zh=f"伙伴{n}", level="city", country=c)
        for n, c in enumerate(["JP", "JP", "FR", "DE", "RU"])
    ]
    rows = [
        (wuhan, partners[0], RelationshipKind.SISTER, Stage.ACTIVE, HoldingLevel.MUNICIPAL),
        (county, partners[1], RelationshipKind.SISTER, Stage.ACTIVE, HoldingLevel.COUNTY),
        (wuhan, partners[2], RelationshipKind.FRIENDLY, Stage.ACTIVE, HoldingLevel.MUNICIPAL),
        (wuhan, partners[3], RelationshipKind.SISTER, Stage.INTENT, HoldingLevel.MUNICIPAL),
        (wuhan, partners[4], RelationshipKind.SISTER, Stage.ENDED, HoldingLevel.MUNICIPAL),
    ]
    for chinese, foreign, kind, stage, level in rows:
        Relationship.objects.create(
            chinese_place=chinese, foreign_place=foreign, kind=kind, stage=stage, level=level
        )
    return wuhan


def figure(place, metric, value, qualifier=Qualifier.EXACT):
    return ReportedFigure.objects.create(
        chinese_place=place, metric=metric, value=value, qualifier=qualifier, as_of_year=2017
    )


def test_recorded_counts_include_subordinate_places(city, django_assert_num_queries):
    figure(city, FigureMetric.SISTER_CITIES, 23)
    figure(city, FigureMetric.FRIENDLY_CITIES, 76)
    figure(city, FigureMetric.COUNTRIES, 20, Qualifier.ODD)
    figure(city, FigureMetric.INTENTS, 6)
    figure(city, FigureMetric.COUNTY_SISTER_CITIES, 1)
    figure(city, FigureMetric.PARTNERS, 100, Qualifier.ABOUT)
    with django_assert_num_queries(3):
        rows = {row.figure.metric: row for row in city.reported_vs_recorded()}
    assert rows[FigureMetric.SISTER_CITIES].recorded == 2  # intent and ended not counted
    assert rows[FigureMetric.SISTER_CITIES].missing == 21
    assert rows[FigureMetric.FRIENDLY_CITIES].recorded == 1
    assert rows[FigureMetric.COUNTRIES].recorded == 2  # JP twice, FR once
    assert rows[FigureMetric.COUNTRIES].missing == 18  # at least: "20多个"
    assert rows[FigureMetric.COUNTRIES].display_reported("zh-hans") == "20多"
    assert rows[FigureMetric.INTENTS].recorded == 1
    assert rows[FigureMetric.COUNTY_SISTER_CITIES].complete
    assert rows[FigureMetric.PARTNERS].missing is None  # "about 100" gives no exact gap
