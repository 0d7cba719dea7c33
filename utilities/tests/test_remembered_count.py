"""``remembered_count``: a list's number kept for the generation of the registry only when
every table its query reads raises the generation on a write, and nothing in it reads
the clock; any other list is counted every time."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models.functions import Now
from django.test.utils import CaptureQueriesContext

from cities.models import Place, Relationship
from utilities.pagination import remembered_count

pytestmark = pytest.mark.django_db


def counted(queryset):
    """``(count, whether a COUNT query ran)``."""
    with CaptureQueriesContext(connection) as captured:
        number = remembered_count(queryset)
    return number, any("COUNT(" in query["sql"] for query in captured.captured_queries)


def test_a_registry_list_is_counted_once_per_generation(world):
    partners = Relationship.objects.filter(foreign_place__country="JP")
    number = partners.count()
    assert counted(partners) == (number, True)
    assert counted(Relationship.objects.filter(foreign_place__country="JP")) == (number, False)
    Relationship.objects.create(
        chinese_place=world.away,
        foreign_place=Place.objects.filter(country="JP").first(),
        kind="sister",
    )
    assert counted(partners.all()) == (number + 1, True)


def test_a_list_that_reads_accounts_or_the_clock_is_counted_every_time(world):
    staff = get_user_model().objects.filter(is_staff=True)
    assert counted(staff)[1] and counted(staff)[1]
    # A list filtered through the accounts table (not a registry table).
    by_account = Place.objects.filter(offices__user__is_staff=True)
    assert counted(by_account)[1] and counted(by_account)[1]
    recent = Place.objects.filter(created__lte=Now())
    assert counted(recent)[1] and counted(recent)[1]


def test_a_list_that_matches_nothing_is_counted_without_a_query():
    assert counted(Relationship.objects.none()) == (0, False)
    assert counted(Relationship.objects.filter(pk__in=[])) == (0, False)
