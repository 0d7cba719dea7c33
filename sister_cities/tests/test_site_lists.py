"""The public directory's list pages: filters in the URL, sorting, pagination, clear
messages for malformed values (never a 500), both languages, and the same number of
database queries for one row as for a hundred."""

import re

import pytest

from tests.builders import MARKER, add_rows
from utilities.testing.queries import count_queries

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
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
    ],
)
def test_a_page_makes_the_same_queries_for_one_row_as_for_a_hundred(client, url):
    add_rows(1)
    one, _response = count_queries(client, url)
    add_rows(99, start=1)
    hundred, _response = count_queries(client, url)
    assert one == hundred, f"{url}: {one} queries for 1 row, {hundred} for 100"


def test_relationship_directory_filters_by_country_and_kind(client):
    response = client.get("/relationships/?country=JP&kind=sister")
    body = text(response)
    assert response.status_code == 200
    assert "津市" in body and "仓敷市" in body  # Zhenjiang's Japanese sister cities
    assert "科莫省" not in body  # Italy
    assert "日本" in body
    # The form shows the filter state from the URL.
    assert re.search(r'<option value="JP" selected>', body)
    assert re.search(r'<option value="sister" selected>', body)


def test_relationship_directory_chinese_place_includes_counties(client):
    body = text(client.get("/relationships/?chinese_place=jinzhong"))
    assert "科莫省" in body and "普罗万市" in body  # Provins is Pingyao County's partner
    assert "津市" not in body


def test_relationship_directory_year_range_and_field(client):
    body = text(client.get("/relationships/?year_min=1990&year_max=1999"))
    assert "仓敷市" in body and "1997年10月" in body  # shown at the source's precision
    assert "津市" not in body
    assert "科莫省" in text(client.get("/relationships/?field=tourism"))


def test_relationship_directory_in_english(client):
    body = text(client.get("/relationships/?country=JP", **EN))
    assert "Relationships" in body
    assert "Kurashiki" in body and "October 1997" in body
    assert "Japan" in body
    assert "Sister city" in body


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
    for headers, heading in (({}, "以下筛选条件无效，已忽略"), (EN, "not valid")):
        response = client.get(url, **headers)
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
    english = text(client.get(url, **EN))
    assert 'lang="zh-Hans"' in chinese and "筛选" in chinese
    assert 'lang="en"' in english and "Filter" in english and "筛选" not in english


def test_place_directory(client):
    body = text(client.get("/places/?side=foreign&country=IT"))
    assert "科莫省" in body and "伦巴第大区" in body
    assert "晋中市" not in body
    body = text(client.get("/places/?q=濟南", **EN))
    assert "Jinan" in body


def test_exchange_directory(client):
    body = text(client.get("/exchanges/?chinese_place=zhenjiang&kind=project"))
    assert "中国园" in body and "2001年" in body
    english = text(client.get("/exchanges/?q=Mannheim", **EN))
    assert "The Chinese Garden in Mannheim" in english and "2001" in english


def test_award_directory(client):
    body = text(client.get("/awards/?country=US"))
    assert "中美友好城市文化交流奖" in body and "2013年" in body
    assert "芝加哥市" in body
    english = text(client.get("/awards/?place=mannheim", **EN))
    assert "Mannheim" in english and "2016" in english


def test_report_directory(client):
    body = text(client.get("/reports/"))
    for title in ("武汉市国际友好城市交流工作概述", "晋中市外事办发布全市对外交往交流情况"):
        assert title in body
    wuhan = text(client.get("/reports/?chinese_place=wuhan"))
    assert "/reports/wuhan-2017-09-15/" in wuhan
    assert "/reports/jinzhong-2019-10-30/" not in wuhan
