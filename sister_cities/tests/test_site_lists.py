"""The public directory's list pages: filters in the URL, sorting, pagination, clear
messages for malformed values (never a 500), both languages, and the same number of
database queries for one row as for a hundred: what every directory page shares (the list
view of ``utilities.views``), tried on all of them or on the relationships. What one
directory shows is tested in its app (``cities/tests/test_site_lists.py``…)."""

import pytest

from tests.builders import MARKER, add_rows
from utilities.testing.pages import in_english
from utilities.testing.queries import count_queries

pytestmark = pytest.mark.django_db

LIST_PAGES = ["/relationships/", "/places/", "/exchanges/", "/awards/", "/reports/"]


def text(response):
    return response.content.decode()


def rows(response):
    """The rows of the page's list table."""
    body = text(response)
    table = body[body.index('<table class="list">') :]
    return table.count("<tr>") - 1  # minus the header row


@pytest.mark.parametrize(
    "url",
    [
        f"/relationships/?q={MARKER}",
        f"/places/?q={MARKER}",
        f"/exchanges/?q={MARKER}",
        f"/awards/?q={MARKER}",
        "/reports/?q=test-site-report",
        "/",
        "/map/",
        f"/search/?q={MARKER}",
        "/places/test-site-city/",
        "/en/places/test-site-city/",
        "/feeds/relationships/",
        "/en/feeds/exchanges/",
        "/places/test-site-city/feeds/relationships/",
        "/places/test-site-city/feeds/exchanges/",
        "/sitemap.xml",
        "/sitemap-places.xml",
        "/sitemap-relationships.xml",
        "/sitemap-exchanges.xml",
        "/sitemap-awards.xml",
    ],
)
def test_a_page_makes_the_same_queries_for_one_row_as_for_a_hundred(client, url):
    add_rows(1)
    one, _response = count_queries(client, url)
    add_rows(99, start=1)
    hundred, _response = count_queries(client, url)
    assert one == hundred, f"{url}: {one} queries for 1 row, {hundred} for 100"


@pytest.mark.parametrize(
    "url, shown",
    [
        ("/relationships/?year_min=abc", "year_min"),
        ("/relationships/?country=XX&kind=sister", "XX"),
        ("/relationships/?chinese_place=atlantis", "atlantis"),
        ("/relationships/?chinese_place_id=99999999999999999999999", "99999999999999999999999"),
        ("/places/?level=planet", "planet"),
        ("/exchanges/?year_max=1e5", "1e5"),
        ("/awards/?award_type_id=nine", "nine"),
        ("/reports/?chinese_place=como-province", "como-province"),
    ],
)
def test_malformed_filters_give_the_page_with_a_message(client, url, shown):
    for address, heading in ((url, "以下筛选条件无效，已忽略"), (in_english(url), "not valid")):
        response = client.get(address)
        assert response.status_code == 200
        body = text(response)
        assert 'role="alert"' in body
        assert heading in body
        if shown != "year_min":
            assert shown in body


def test_malformed_filter_keeps_the_valid_ones(client):
    body = text(client.get("/relationships/?country=JP&year_min=abc"))
    assert "津市" in body and "科莫省" not in body


def test_bad_sort_and_page_fall_back(client):
    response = client.get("/relationships/?sort=bogus&page=zz")
    assert response.status_code == 200
    assert "不能按此排序" in text(response)
    response = client.get("/relationships/?page=999")
    assert response.status_code == 200
    assert rows(response) > 0  # the last page


def test_sorting_by_year(client):
    body = text(client.get("/relationships/?sort=year"))
    assert body.index("津市") < body.index("仓敷市") < body.index("科莫省")  # 1984, 1997, 2019
    body = text(client.get("/relationships/?sort=-year"))
    assert body.index("科莫省") < body.index("仓敷市") < body.index("津市")


def test_pagination_keeps_the_filter_state(client):
    add_rows(60)
    response = client.get(f"/relationships/?q={MARKER}&kind=sister&sort=foreign")
    body = text(response)
    assert rows(response) == 30  # 60 rows, half sister cities: one page
    response = client.get(f"/relationships/?q={MARKER}")
    body = text(response)
    assert rows(response) == 50
    assert f"?q={MARKER}&amp;page=2" in body
    second = client.get(f"/relationships/?q={MARKER}&page=2")
    assert rows(second) == 10


@pytest.mark.parametrize("url", LIST_PAGES)
def test_every_list_page_in_both_languages(client, url):
    chinese = text(client.get(url))
    english = text(client.get(in_english(url)))
    assert 'lang="zh-Hans"' in chinese and "筛选" in chinese
    assert 'lang="en"' in english and "Filter" in english and "筛选" not in english
