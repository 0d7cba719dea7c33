"""The places group's order: exact names first, then names that start with the query, then
the rest; within a rank Chinese places before foreign ones, each by English then Chinese
name. On PostgreSQL each rank's Chinese and foreign places are read apart
(``first_places``), in the order of the whole group sorted at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cities.choices import PlaceLevel
from cities.models import Place
from search.selectors import search

pytestmark = pytest.mark.django_db


def new_place(slug, name_zh, name_en, country):
    level = PlaceLevel.PREFECTURE_CITY if country == "CN" else PlaceLevel.CITY
    return Place.objects.create(
        slug=slug, name_zh=name_zh, name_en=name_en, level=level, country=country
    )


@pytest.fixture
def places():
    """Places holding 甲, in the expected order: exact (甲市 CN, 甲 JP), starting with 甲
    (the Chinese ones by English name, then the foreign ones, whose English names sort
    before the Chinese), and holding 甲 further in (乙甲市, 丙甲)."""
    return [
        new_place("t-exact-cn", "甲市", "Zed", "CN"),
        new_place("t-exact-jp", "甲", "Aaa", "JP"),
        new_place("t-starts-cn-1", "甲乙市", "Mid", "CN"),
        new_place("t-starts-cn-2", "甲丙市", "Mic", "CN"),
        new_place("t-starts-cn-3", "甲丁市", "Top", "CN"),
        new_place("t-starts-fr", "甲戊", "Abc", "FR"),
        new_place("t-starts-us", "甲己", "Abd", "US"),
        new_place("t-inside-cn", "乙甲市", "Zzz", "CN"),
        new_place("t-inside-de", "丙甲", "Aab", "DE"),
    ]


def test_places_are_ranked_then_chinese_first_then_by_name(places):
    by_name = {place.slug: place.pk for place in places}
    expected = [
        by_name["t-exact-cn"],
        by_name["t-exact-jp"],
        by_name["t-starts-cn-2"],
        by_name["t-starts-cn-1"],
        by_name["t-starts-cn-3"],
        by_name["t-starts-fr"],
        by_name["t-starts-us"],
        by_name["t-inside-cn"],
        by_name["t-inside-de"],
    ]
    for size in (1, 2, 3, 6, 8, 1000):
        results = search("甲", limit=size)
        assert [place.pk for place in results.places.rows] == expected[:size]
        assert results.places.total == len(expected)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a UNION of limited parts")
def test_the_chinese_and_foreign_places_of_a_rank_are_read_apart(places):
    with CaptureQueriesContext(connection) as queries:
        search("甲")
    chinese = '"cities_place"."country" = \'CN\''
    # One part for the Chinese places and one for the foreign ones, in each rank.
    assert any(query["sql"].count(chinese) >= 6 for query in queries.captured_queries)
