"""The anniversaries' list at national scale: an export (CSV, iCalendar) reads its
relationships a chunk at a time while the file is sent, and a JSON page reads only its
own, in the whole list's order across chunks and pages. (Read at once, the export of
50,000 relationships held some 230 MB: thousands of anniversaries, each with its
relationship, places and agreement steps.)"""

import csv
import datetime
import io
import math

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from cities.anniversaries import UpcomingAnniversaries, may_fall_in_window
from cities.models import Place, Relationship, RelationshipStage
from utilities.api import views
from utilities.testing.api import days_from_today

pytestmark = pytest.mark.django_db

URL = "/api/anniversaries/"
COUNTY = "test-home-county"
CHUNK = 5
# A SELECT of relationships themselves (their steps' table is "cities_relationshipstage").
READS_RELATIONSHIPS = 'FROM "cities_relationship"'


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()  # each request reads the list, not a kept answer
    yield
    cache.clear()


def make(world, index, year, month=None, day=None, stage="active"):
    partner = Place.objects.create(
        slug=f"test-anniversary-{index}",
        name_zh=f"测试周年{index}市",
        name_en=f"Anniversary {index}",
        level="city",
        country="JP",
    )
    relationship = Relationship.objects.create(
        chinese_place=world.county, foreign_place=partner, kind="sister", stage=stage
    )
    RelationshipStage.objects.create(
        relationship=relationship,
        stage="agreement",
        date_year=year,
        date_month=month,
        date_day=day,
    )
    return relationship


@pytest.fixture
def listed(world):
    """Twelve relationships of the test county with a round anniversary in the next twelve
    months (on a day, in a month, in next year), made in an order unlike their
    anniversaries', and two without one. Their ids, soonest anniversary first."""
    starts = {}
    for index, (days, years) in enumerate(
        [(300, 10), (10, 20), (200, 5), (50, 30), (120, 40), (30, 15), (250, 25), (5, 50),
         (90, 10), (160, 20)]
    ):  # fmt: skip
        day = days_from_today(days)
        day = day.replace(day=min(day.day, 28))  # a day every year has
        made = make(world, index, day.year - years, day.month, day.day)
        starts[made.pk] = day
    month = days_from_today(140)
    made = make(world, 10, month.year - 20, month.month)
    starts[made.pk] = month.replace(day=1)
    next_year = days_from_today(0).year + 1
    made = make(world, 11, next_year - 25)
    starts[made.pk] = datetime.date(next_year, 1, 1)
    make(world, 12, days_from_today(60).year - 48, 1, 1)  # 48 years: not a round number
    ended = days_from_today(60)
    make(world, 13, ended.year - 10, ended.month, ended.day, stage="ended")
    return sorted(starts, key=lambda pk: (starts[pk], pk))


def relationship_ids(fmt, body):
    """The relationships of an export's anniversaries, in the file's order."""
    if fmt == "csv":
        rows = csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline=""))
        return [int(row["relationship.id"]) for row in rows]
    return [int(line.split(b":")[1].split(b"-")[0]) for line in body.splitlines() if line.startswith(b"UID:")]  # fmt: skip


def without_stamps(body):
    """An iCalendar without its DTSTAMP lines (the time it was made)."""
    return b"\r\n".join(line for line in body.split(b"\r\n") if not line.startswith(b"DTSTAMP:"))


@pytest.mark.parametrize("fmt", ["csv", "ics"])
def test_an_export_reads_its_relationships_a_chunk_at_a_time_while_sent(listed, monkeypatch, fmt):
    monkeypatch.setattr(views, "EXPORT_CHUNK_SIZE", CHUNK)
    response = APIClient().get(URL, {"chinese_place": COUNTY, "format": fmt})
    assert response.status_code == 200 and response.streaming
    with CaptureQueriesContext(connection) as sent:
        body = b"".join(response.streaming_content)
    reads = [query["sql"] for query in sent.captured_queries]
    reads = [sql for sql in reads if READS_RELATIONSHIPS in sql]
    assert len(reads) == math.ceil(len(listed) / CHUNK) == 3
    assert relationship_ids(fmt, body) == listed

    # Read in one chunk, the same file.
    cache.clear()
    monkeypatch.setattr(views, "EXPORT_CHUNK_SIZE", 1000)
    whole = APIClient().get(URL, {"chinese_place": COUNTY, "format": fmt})
    assert without_stamps(b"".join(whole.streaming_content)) == without_stamps(body)


def test_a_page_reads_only_its_own_relationships(listed):
    built = []

    def count(sender, instance, **kwargs):
        built.append(instance.pk)

    post_init.connect(count, sender=Relationship)
    try:
        page = APIClient().get(URL, {"chinese_place": COUNTY, "limit": CHUNK, "offset": CHUNK})
    finally:
        post_init.disconnect(count, sender=Relationship)
    assert page.status_code == 200
    assert page.json()["count"] == len(listed)
    assert [item["relationship"]["id"] for item in page.json()["results"]] == listed[5:10]
    assert sorted(built) == sorted(listed[5:10])


def queries_of_page(limit):
    cache.clear()
    with CaptureQueriesContext(connection) as read:
        page = APIClient().get(URL, {"chinese_place": COUNTY, "limit": limit})
    assert len(page.json()["results"]) == limit
    return len(read.captured_queries)


def test_a_page_makes_as_many_queries_for_one_anniversary_as_for_twelve(listed):
    assert queries_of_page(1) == queries_of_page(12)


def test_a_slice_is_read_in_the_lists_order_only(world, listed):
    today = datetime.date.today()
    relationships = Relationship.objects.with_began()
    found = UpcomingAnniversaries(
        may_fall_in_window(relationships, today), relationships.select_related(), today
    )
    with pytest.raises(ValueError):
        found[::-1]
