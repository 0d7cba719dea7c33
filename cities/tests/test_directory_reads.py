"""The directory's reads at national scale give what the plain reads gave: a page read as
"the ids of the page, then their rows" is the plain slice, on the directory, the API and a
DISTINCT list alike; search ranks by the matching places' ids exactly as by their keys."""

import re

import pytest
from django.db.models import F

from cities.models import Relationship
from cities.selectors import TableRow, table_rows_by_ids
from cities.statistics import began_dates
from cities.views import RelationshipListView
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


def page_html(response):
    """A page's HTML without what differs between any two answers (the masked CSRF
    token, the CSP nonce)."""
    return re.sub(r'(csrfmiddlewaretoken" value|nonce)="[^"]*"', "", response.content.decode())


@pytest.mark.parametrize("path", ["/relationships/", "/en/relationships/"])
def test_the_directory_writes_its_plain_value_rows_as_it_writes_model_rows(
    client, monkeypatch, settings, path
):
    """A page of the whole list (its order kept) is read as plain values
    (``table_rows_by_ids``): every sort and page reads the same as from model rows."""
    settings.READ_CACHE = False  # each page is written twice, by the two readers
    add_rows(60)
    asked = [{}, {"page": 2}, {"sort": "year"}, {"sort": "-year", "page": 2}, {"sort": "country"},
             {"sort": "-foreign", "page": 3}, {"sort": "kind"}]  # fmt: skip
    plain = [client.get(path, query) for query in asked]
    assert all(type(row) is TableRow for row in plain[1].context["object_list"])
    monkeypatch.setattr(RelationshipListView, "page_rows_by_ids", None)
    for query, answer in zip(asked, plain, strict=True):
        from_models = client.get(path, query)
        assert isinstance(from_models.context["object_list"][0], Relationship)
        assert answer.status_code == from_models.status_code == 200
        assert page_html(answer) == page_html(from_models), query


def test_a_relationship_deleted_after_the_pages_ids_were_read_is_left_out():
    rows = list(Relationship.objects.filter(exchanges=None).order_by("pk")[:3])
    ids = [row.pk for row in rows]
    Relationship.objects.filter(pk=ids[1]).delete()
    found = table_rows_by_ids(ids)
    assert [row.pk for row in found] == [ids[0], ids[2]]
    assert found[0].foreign_place.country == rows[0].foreign_place.country
    assert found[0].chinese_place.name_zh == rows[0].chinese_place.name_zh


def test_a_page_without_rows_reads_no_rows(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert table_rows_by_ids([]) == []
        assert began_dates([]) == {}
