"""One definition of when a relationship began (``Relationship.began``: its agreement,
else its earliest letter of intent, memorandum or "active" step; planned steps never),
read alike by the relationship's page, the directory's year filter, the API and the
anniversaries."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from cities.models import Relationship
from utilities.partial_dates import PartialDate

pytestmark = pytest.mark.django_db

DIRECTORY = reverse("cities:relationship_list")


def step(relationship, citation, stage, year, month=None, planned=False):
    row = relationship.stages.create(stage=stage, date_year=year, date_month=month, planned=planned)
    row.citations.set([citation])
    return row


@pytest.fixture
def intent_then_agreement(world):
    """Intent in 2018, agreement in 2020: it began in 2020, with its agreement."""
    relationship = Relationship.objects.create(
        chinese_place=world.home, foreign_place=world.partner_b, kind="sister"
    )
    relationship.citations.set([world.citation])
    step(relationship, world.citation, "intent", 2018, 3)
    step(relationship, world.citation, "agreement", 2020)
    return relationship


@pytest.fixture
def memorandum_only(world):
    """A friendly-exchange relationship established by a memorandum (no agreement)."""
    relationship = Relationship.objects.create(
        chinese_place=world.county, foreign_place=world.partner_c, kind="friendly"
    )
    relationship.citations.set([world.citation])
    step(relationship, world.citation, "intent", 2012, 6)
    step(relationship, world.citation, "ended", 2014)
    relationship.stage = "ended"
    relationship.save()
    return relationship


def directory_names(client, **params):
    response = client.get(DIRECTORY, {"chinese_place": "test-province", **params})
    return {str(row) for row in response.context["object_list"]}


def test_the_agreement_dates_the_beginning(intent_then_agreement):
    relationship = Relationship.objects.prefetch_related("stages").get(pk=intent_then_agreement.pk)
    assert relationship.began == PartialDate(2020)


def test_else_the_earliest_intent_and_never_the_end(memorandum_only):
    assert Relationship.objects.get(pk=memorandum_only.pk).began == PartialDate(2012, 6)


def test_the_annotation_and_the_property_agree_everywhere(
    intent_then_agreement, memorandum_only, world
):
    planned = Relationship.objects.create(
        chinese_place=world.away, foreign_place=world.partner_b, kind="friendly"
    )
    step(planned, world.citation, "intent", 2017, 5)
    step(planned, world.citation, "agreement", 2030, planned=True)  # not yet signed
    annotated = {r.pk: r.began for r in Relationship.objects.with_began()}
    prefetched = {r.pk: r.began for r in Relationship.objects.prefetch_related("stages")}
    assert annotated == prefetched
    assert annotated[planned.pk] == PartialDate(2017, 5)
    # The loaded registry has relationships that began with an agreement and with an intent.
    assert sum(1 for date in annotated.values() if date) >= 10


def test_page_and_year_filter_agree(client, intent_then_agreement):
    page = client.get(intent_then_agreement.get_absolute_url()).content.decode()
    assert "<dd>2020年</dd>" in page
    name = str(intent_then_agreement)
    assert name in directory_names(client, year_min=2020, year_max=2020)
    assert name not in directory_names(client, year_min=2018, year_max=2018)
    assert name not in directory_names(client, year_min=2018, year_max=2019)


def test_the_directory_shows_and_sorts_by_the_same_year(client, intent_then_agreement):
    response = client.get(DIRECTORY, {"chinese_place": "test-province", "sort": "year"})
    rows = {str(row): row.established for row in response.context["object_list"]}
    assert rows[str(intent_then_agreement)] == PartialDate(2020)


def test_the_api_gives_the_same_beginning_and_filters_by_it(anonymous_api, intent_then_agreement):
    url = f"/api/relationships/{intent_then_agreement.pk}/"
    data = anonymous_api.get(url).json()
    assert (data["began"], data["began_precision"]) == ("2020", "year")
    assert (data["intent_date"], data["agreement_date"]) == ("2018-03", "2020")
    ids = {
        row["id"]
        for row in anonymous_api.get(
            "/api/relationships/", {"year_min": 2020, "year_max": 2020, "limit": 500}
        ).json()["results"]
    }
    assert intent_then_agreement.pk in ids


def test_the_api_gives_the_memorandum_beginning(anonymous_api, memorandum_only):
    data = anonymous_api.get(f"/api/relationships/{memorandum_only.pk}/").json()
    assert (data["began"], data["began_precision"]) == ("2012-06", "month")


@pytest.fixture
def anonymous_api():
    return APIClient()


def test_the_directory_shows_when_each_began_as_its_page_does(
    client, intent_then_agreement, memorandum_only, world
):
    # The directory reads its rows' beginning steps as values, not as prefetched steps: it
    # must choose the same step (the agreement before an earlier intent; no planned step).
    planned = Relationship.objects.create(
        chinese_place=world.away, foreign_place=world.partner_b, kind="friendly"
    )
    step(planned, world.citation, "intent", 2017, 5)
    step(planned, world.citation, "agreement", 2030, planned=True)
    step(planned, world.citation, "agreement", 2035, 1, planned=True)
    shown = {}
    for page in range(1, 20):
        response = client.get(DIRECTORY, {"page": page})
        shown.update({row.pk: row.established for row in response.context["object_list"]})
        if not response.context["page_obj"].has_next():
            break
    expected = {r.pk: r.began for r in Relationship.objects.prefetch_related("stages")}
    assert shown == expected
    assert shown[intent_then_agreement.pk] == PartialDate(2020)
    assert shown[memorandum_only.pk] == PartialDate(2012, 6)
    assert shown[planned.pk] == PartialDate(2017, 5)
