"""The home page, the 404 page and the language switch, in Chinese and English, on the
loaded registry (a report's page: ``sources/tests/test_report_pages.py``)."""

import pytest

from sources.models import SourceReport
from utilities.testing.pages import EN, page

pytestmark = pytest.mark.django_db


def test_home_shows_the_national_picture(client):
    body = page(client, "/")
    assert "按类别与阶段" in body and "友好城市" in body and "友好交流城市" in body
    assert body.count('<svg role="group"') == 2  # by country, by decade: groups of links
    assert "日本" in body and "1980年代" in body
    assert 'href="/relationships/?country=JP"' in body  # a bar links to the directory
    assert 'href="/relationships/?year_min=1990&amp;year_max=1999"' in body
    newest = body[body.index('id="newest-heading"') :]
    assert "科莫省" in newest and "2019年10月28日" in newest
    assert "近期交流" in body
    for report in SourceReport.objects.all():
        assert f'href="{report.get_absolute_url()}"' in body


def test_home_in_english(client):
    body = page(client, "/", **EN)
    assert "By kind and stage" in body and "By decade" in body
    assert "1980s" in body and "Japan" in body
    assert "28 October 2019" in body


@pytest.mark.parametrize(
    "url",
    [
        "/places/atlantis/",
        "/relationships/99999999/",
        "/reports/nope/",
        "/exchanges/0/",
        "/awards/7777777/",
        "/nowhere/",
    ],
)
def test_unknown_addresses_give_a_friendly_404_in_the_page_language(client, url):
    chinese = page(client, url, status=404)
    assert "找不到页面" in chinese and 'role="search"' in chinese
    english = page(client, url, status=404, **EN)
    assert "Page not found" in english and "找不到页面" not in english


def test_chinese_by_default_english_by_browser_or_by_choice(client):
    assert 'lang="zh-Hans"' in page(client, "/")
    assert 'lang="en"' in page(client, "/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/places/jinan/"})
    assert response.status_code == 302 and response["Location"] == "/places/jinan/"
    body = page(client, "/places/jinan/")
    assert 'lang="en"' in body and '<h1><span class="primary">Jinan</span>' in body
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert 'lang="zh-Hans"' in page(client, "/", **EN)  # the choice beats the browser


def test_every_page_has_the_switch_the_search_box_and_landmarks(client):
    for url in ("/", "/relationships/", "/places/wuhan/", "/map/", "/search/?q=x"):
        body = page(client, url)
        assert 'action="/i18n/setlang/"' in body
        assert 'role="search"' in body
        assert "<main" in body and "<nav" in body and "<header" in body and "<footer" in body
        assert 'class="skip-link"' in body
