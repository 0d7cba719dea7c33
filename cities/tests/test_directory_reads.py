"""The directory's reads at national scale give what the plain reads gave: a page read as
"the ids of the page, then their rows" is the plain slice, on the directory, the API and a
DISTINCT list alike; search ranks by the matching places' ids exactly as by their keys."""

import pytest
from django.db.models import F

from cities.models import Relationship
from exchanges.models import Exchange
from search.selectors import rank
from tests.builders import add_rows
from utilities.pagination import page_rows
from utilities.search import query_key

pytestmark = pytest.mark.django_db


def ordered_relationships():
    return Relationship.objects.select_related("chinese_place", "foreign_place").order_by(
        "chinese_place__name_en", "foreign_place__name_en", "kind", "pk"
    )


def test_a_page_read_by_its_ids_is_the_plain_slice():
    add_rows(30)
    queryset = ordered_relationships()
    total = queryset.count()
    for start in (0, 7, 25, total - 3):
        rows = list(page_rows(queryset, start, start + 10))
        assert [row.pk for row in rows] == [row.pk for row in queryset[start : start + 10]]
        assert all(row.chinese_place.name_zh for row in rows)  # the joins are still there
    # A DISTINCT list keeps the plain slice.
    distinct = queryset.filter(fields__isnull=False).distinct()
    assert list(page_rows(distinct, 2, 6)) == list(distinct[2:6])
    # An order by an annotation reads the same page too.
    annotated = Relationship.objects.annotate(name=F("foreign_place__name_zh")).order_by(
        "-name", "pk"
    )
    assert list(page_rows(annotated, 3, 9)) == list(annotated[3:9])


def test_the_directory_and_the_api_page_as_the_whole_list_orders(client):
    add_rows(60)
    whole = client.get("/api/relationships/", {"limit": 500}).json()["results"]
    page = client.get("/api/relationships/", {"limit": 20, "offset": 30}).json()["results"]
    assert [row["id"] for row in page] == [row["id"] for row in whole[30:50]]
    view = client.get("/relationships/", {"page": 2, "sort": "foreign"})
    rows = list(view.context["object_list"])
    expected = list(
        Relationship.objects.order_by("foreign_place__name_en", "chinese_place__name_en")[50:100]
    )
    assert len(rows) == len(expected) > 0
    assert [row.foreign_place.name_en for row in rows] == [
        row.foreign_place.name_en for row in expected
    ]


@pytest.mark.parametrize("query", ["大分", "oita", "wuhan", "武汉", "jin", "mannheim"])
def test_search_ranks_by_place_ids_as_by_place_keys(query):
    key = query_key(query)
    paths = ("chinese_place", "foreign_place")
    by_keys = Relationship.objects.annotate(rank=rank(key, *paths)).order_by("rank", "pk")
    by_ids = Relationship.objects.annotate(rank=rank(key, *paths, model=Relationship)).order_by(
        "rank", "pk"
    )
    assert list(by_ids.values_list("pk", "rank")) == list(by_keys.values_list("pk", "rank"))
    paths = ("chinese_place", "relationship__foreign_place")
    by_keys = Exchange.objects.annotate(rank=rank(key, *paths)).order_by("rank", "pk")
    by_ids = Exchange.objects.annotate(rank=rank(key, *paths, model=Exchange)).order_by(
        "rank", "pk"
    )
    assert list(by_ids.values_list("pk", "rank")) == list(by_keys.values_list("pk", "rank"))
    if query != "jin":  # a whole name: some place is exactly it
        assert 0 in set(by_ids.values_list("rank", flat=True))
