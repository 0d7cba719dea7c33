"""A Chinese place's page and brief keep what they count over all the place's records for the
generation of the tables each figure reads (``sister_cities.pages.place_figures``,
``sister_cities.briefs.brief_records``): a write on any path shows on the very next page,
and a write to a table a figure does not read keeps it.
The read cache is off, so that only the kept figures are tried."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from awards.choices import RecipientKind
from awards.models import Award
from cities.models import Place, Relationship, RelationshipStage
from exchanges.models import Exchange
from sister_cities.briefs import brief_records
from sister_cities.pages import place_awards, place_figures
from tests.builders import new_exchange, new_relationship
from utilities.testing.pages import in_english, page

pytestmark = pytest.mark.django_db

HOME = "/places/test-home/"
BRIEF = "/places/test-home/brief/"


@pytest.fixture(autouse=True)
def read_cache_off(settings):
    settings.READ_CACHE = False


def section(body, element_id):
    start = body.index(f'<section id="{element_id}"')
    return body[start : body.index("</section>", start)]


def heading_count(body, element_id):
    """The count in a section's heading (友好伙伴 3, 交流项目 2)."""
    heading = re.search(r"<h2[^>]*>.*?</h2>", section(body, element_id), re.S).group(0)
    return int(re.search(r'<span class="count"[^>]*>(\d+)</span>', heading).group(1))


def test_a_places_page_counts_every_write_at_once(client, world):
    body = page(client, HOME)
    partners, exchanges = heading_count(body, "partners"), heading_count(body, "exchanges")

    # A partner of the county inside the city: counted in the city's page, held by it.
    relationship = new_relationship(world.county)
    RelationshipStage.objects.create(relationship=relationship, stage="agreement", date_year=2001)
    exchange = new_exchange(world.home)
    body = page(client, HOME)
    assert heading_count(body, "partners") == partners + 1
    assert heading_count(body, "exchanges") == exchanges + 1
    assert relationship.foreign_place.name_zh in section(body, "partners")
    assert exchange.title_zh in section(body, "exchanges")
    assert "测试县" in section(body, "holders")

    # An update moves the partner out of the established count; a delete takes it away.
    Relationship.objects.get(pk=relationship.pk).stages.all().delete()
    relationship.refresh_from_db()
    relationship.stage = "intent"
    relationship.save()
    body = page(client, HOME)
    assert heading_count(body, "partners") == partners
    assert "另有 1 对处于意向" in body
    relationship.delete()
    exchange.delete()
    body = page(client, HOME)
    assert heading_count(body, "partners") == partners
    assert heading_count(body, "exchanges") == exchanges
    assert relationship.foreign_place.name_zh not in body


def test_a_brief_lists_every_write_at_once_in_both_languages(client, world):
    brief = section(page(client, BRIEF), "brief-partners")
    assert "测试乙市" not in brief

    relationship = Relationship.objects.create(
        chinese_place=world.county, foreign_place=world.partner_b, kind="friendly"
    )
    relationship.citations.set([world.citation])
    RelationshipStage.objects.create(relationship=relationship, stage="agreement", date_year=1999)
    exchange = new_exchange(world.home)
    exchange.start_year = 2099
    exchange.save()
    body = page(client, BRIEF)
    # Held by the county: its note says so, with the country and the year it began.
    assert '测试乙市<span class="meta">（美国，1999年，测试县）</span>' in body
    assert exchange.title_zh in section(body, "brief-exchanges")
    english = page(client, in_english(BRIEF))
    assert re.search(
        r"Testb<span class=\"meta\"> \(United States[^,]*, 1999, Test County\)</span>", english
    )

    world.partner_b.name_zh = "测试乙市新名"
    world.partner_b.save()
    exchange.delete()
    body = page(client, BRIEF)
    assert "测试乙市新名" in section(body, "brief-partners")
    assert exchange.title_zh not in body


def test_a_place_moved_into_a_city_brings_its_exchanges_and_partners_at_once(client, world):
    """The counts over a city's tree learn the places' table with the tree: a county moved
    under the city (a write to the places alone) brings its records to the city's page."""
    county = Place.objects.create(
        slug="test-moved-county", name_zh="迁入县", level="county", country="CN", parent=world.away
    )
    new_exchange(county)
    new_relationship(county)
    body = page(client, HOME)
    partners, exchanges = heading_count(body, "partners"), heading_count(body, "exchanges")
    county.parent = world.home
    county.save()
    body = page(client, HOME)
    assert heading_count(body, "exchanges") == exchanges + 1
    assert heading_count(body, "partners") == partners + 1
    assert "迁入县" in section(body, "holders")


def figures_read(figures):
    """The SQL ``figures()`` ran."""
    with CaptureQueriesContext(connection) as captured:
        figures()
    return " ".join(query["sql"] for query in captured.captured_queries)


def test_an_exchanges_save_counts_the_exchanges_again_and_keeps_the_partners(world):
    """After an exchange's save, a city's figures read the exchanges alone again: the
    partners' order and counts over thousands of relationships are kept, and so are the
    brief's partners."""
    place_figures(world.home)
    brief_records(world.home)
    new_exchange(world.home)
    read = figures_read(lambda: place_figures(world.home))
    assert "exchanges_exchange" in read
    assert "cities_relationship" not in read
    in_city = Place.objects.within(world.home)
    count = Exchange.objects.filter(chinese_place__in=in_city).count()
    assert place_figures(world.home)["exchanges"] == count
    read = figures_read(lambda: brief_records(world.home))
    assert "exchanges_exchange" in read
    assert "cities_relationship" not in read


def test_an_awards_save_counts_the_awards_again_and_nothing_else(world):
    place_figures(world.home)
    Award.objects.create(
        award_type=world.award_type,
        chinese_place=world.home,
        recipient_kind=RecipientKind.PLACE,
        place=world.partner_a,
        conferred_year=2020,
    )
    read = figures_read(lambda: place_figures(world.home))
    assert "awards_award" in read
    assert "exchanges_exchange" not in read
    assert 'FROM "cities_relationship"' not in read  # joined by the awards' count only
    assert (
        place_figures(world.home)["awards"]
        == place_awards(
            world.home, list(Place.objects.within(world.home).values_list("pk", flat=True))
        ).count()
    )
