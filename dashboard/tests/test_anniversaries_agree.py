"""The office dashboard and the API's anniversary feed give the same anniversaries for the
same day: one computation (``cities.anniversaries``), one window (today included, the same
day a year later excluded), counted from when each relationship began."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cities.anniversaries import upcoming_anniversaries, years_before
from cities.api.views import AnniversaryViewSet
from cities.models import Place, Relationship
from dashboard.views import anniversaries
from tests.builders import staff_user

pytestmark = pytest.mark.django_db


def feed(place, today):
    """What the API's feed lists for ``?chinese_place=<place>`` on ``today``."""
    queryset = AnniversaryViewSet.queryset.filter(
        chinese_place__in=Place.objects.within(place).values("pk")
    )
    return [(a.relationship.pk, a.years, a.date) for a in upcoming_anniversaries(queryset, today)]


def board(place, today):
    return [(a.relationship.pk, a.years, a.date) for a in anniversaries(place, today)]


@pytest.mark.parametrize("slug", ["zhenjiang", "jinzhong", "wuhan", "shenyang"])
@pytest.mark.parametrize(
    "today",
    [
        datetime.date(2024, 6, 1),
        datetime.date(2024, 10, 28),
        datetime.date(2024, 10, 29),
        datetime.date(2026, 11, 22),
        datetime.date(2027, 12, 31),
        datetime.date(2028, 2, 29),  # the window's end falls on 1 March
        datetime.date(2033, 6, 1),
    ],
)
def test_same_answer_for_the_same_day(slug, today):
    place = Place.objects.get(slug=slug)
    assert board(place, today) == feed(place, today)


def test_some_days_have_anniversaries_to_compare():
    zhenjiang = Place.objects.get(slug="zhenjiang")
    assert board(zhenjiang, datetime.date(2026, 11, 22))
    assert board(zhenjiang, datetime.date(2033, 6, 1))


def test_a_memorandum_counts_and_an_unsigned_intent_does_not(world):
    today = timezone.localdate()
    began = years_before(today, 5) + datetime.timedelta(days=3)
    friendly = Relationship.objects.create(
        chinese_place=world.home, foreign_place=world.partner_b, kind="friendly"
    )
    friendly.stages.create(
        stage="intent", date_year=began.year, date_month=began.month, date_day=began.day
    )
    pending = Relationship.objects.create(
        chinese_place=world.home, foreign_place=world.partner_c, kind="sister", stage="intent"
    )
    pending.stages.create(
        stage="intent", date_year=began.year, date_month=began.month, date_day=began.day
    )
    listed = {pk for pk, _years, _date in feed(world.home, today)}
    assert friendly.pk in listed and pending.pk not in listed
    assert board(world.home, today) == feed(world.home, today)
    [item] = [a for a in upcoming_anniversaries([friendly], today)]
    assert item.description == f"关系始于{began.year}年{began.month}月{began.day}日。"


def test_the_pages_themselves_agree_today(client, world):
    """Over HTTP, on today's date: the dashboard's table and the API's feed."""
    today = timezone.localdate()
    for years, partner in ((10, world.partner_b), (25, world.partner_c)):
        began = years_before(today, years) + datetime.timedelta(days=years)
        relationship = Relationship.objects.create(
            chinese_place=world.home, foreign_place=partner, kind="sister"
        )
        relationship.stages.create(
            stage="agreement", date_year=began.year, date_month=began.month, date_day=began.day
        )
    client.force_login(staff_user("test-anniversary-staff", world.home))
    page = client.get(reverse("office-dashboard"), {"place": world.home.pk})
    on_board = [(row.relationship.pk, row.years) for row in page.context["anniversaries"]]
    api = APIClient().get("/api/anniversaries/", {"chinese_place": "test-home", "limit": 100})
    in_feed = [(row["relationship"]["id"], row["years"]) for row in api.json()["results"]]
    assert len(on_board) >= 2
    assert on_board == in_feed
