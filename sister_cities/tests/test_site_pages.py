"""The home page, the 404 page and the language switch, in Chinese and English, on the
loaded registry (a report's page: ``sources/tests/test_report_pages.py``)."""

import pytest

from sources.models import SourceReport
from utilities.testing.pages import EN, in_english, page

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
    body = page(client, "/en/")
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
    english = page(client, in_english(url), status=404)
    assert "Page not found" in english and "找不到页面" not in english


def test_chinese_by_default_english_by_address_or_by_choice(client):
    """The address names the language: a new visitor gets Chinese at the unprefixed
    address whatever their browser asks (the page a Chinese link shows), English under
    /en/. The switch leads to the same page in the chosen language and remembers it: a
    returning English visitor opening an unprefixed address is sent to its /en/ one."""
    assert 'lang="zh-Hans"' in page(client, "/")
    assert 'lang="zh-Hans"' in page(client, "/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert 'lang="en"' in page(client, "/en/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/en/places/jinan/"})
    assert response.status_code == 302 and response["Location"] == "/en/places/jinan/"
    body = page(client, "/en/places/jinan/")
    assert 'lang="en"' in body and '<h1><span class="primary">Jinan</span>' in body
    back = client.get("/places/jinan/?page=2")  # the choice is remembered
    assert back.status_code == 302 and back["Location"] == "/en/places/jinan/?page=2"
    assert "Cookie" in back["Vary"]
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/places/jinan/"})
    assert response["Location"] == "/places/jinan/"
    assert 'lang="zh-Hans"' in page(client, "/places/jinan/", **EN)  # the choice beats the browser
    assert 'lang="en"' in page(client, "/en/places/jinan/")  # an English link stays English


def test_the_switch_leads_to_this_page_in_the_other_language(client):
    chinese = page(client, "/relationships/?country=JP&page=1")
    assert (
        '<input type="hidden" name="next" value="/en/relationships/?country=JP&amp;page=1">'
        in chinese
    )
    english = page(client, "/en/places/wuhan/")
    assert '<input type="hidden" name="next" value="/places/wuhan/">' in english
    # Following the Chinese button of an English page reaches the Chinese page.
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/places/wuhan/"})
    assert response["Location"] == "/places/wuhan/"
    assert 'lang="zh-Hans"' in page(client, response["Location"])


def test_admin_and_api_keep_choosing_by_browser_and_are_not_prefixed(client):
    assert client.get("/en/admin/").status_code == 404
    assert client.get("/en/api/places/").status_code == 404
    login = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert 'lang="en"' in login.content.decode()
    assert 'lang="zh-hans"' in client.get("/admin/login/").content.decode().lower()


def test_every_page_has_the_switch_the_search_box_and_landmarks(client):
    for url in ("/", "/relationships/", "/places/wuhan/", "/map/", "/search/?q=x"):
        body = page(client, url)
        assert 'action="/i18n/setlang/"' in body
        assert 'role="search"' in body
        assert "<main" in body and "<nav" in body and "<header" in body and "<footer" in body
        assert 'class="skip-link"' in body
