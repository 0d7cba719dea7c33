"""The country page, the one-page brief and the print stylesheet in Debian's Chromium on a
live server: the country page's map opens on the country, in Chinese on a desktop and in
English on a phone; the brief reads in both languages and its PDF link gives the PDF; a
printed page drops the navigation, the search, the language switch and the map controls and
prints black on white."""

import pytest
from django.conf import settings

from utilities.testing.browser import recorded_page

pytestmark = [pytest.mark.browser]


def in_english(page):
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": page.base}]
    )


def test_country_page_opens_its_map_on_the_country_in_both_languages(
    browser, live_server, live_registry
):
    with recorded_page(browser, live_server.url) as page:
        page.goto(page.base + "/countries/jp/")
        assert page.get_by_role("heading", level=1).inner_text() == "日本的中国友好伙伴"
        page.wait_for_selector("#map[data-ready='true'][data-outlines='true']")
        # Zoomed to Japan (the world map opens at zoom 1–2), its four places drawn.
        assert float(page.locator("#map").get_attribute("data-zoom")) >= 4
        assert page.locator("#map .place-foreign").count() == 4
        jiangsu = page.locator("section.province-group").first
        assert "江苏省" in jiangsu.get_by_role("heading", level=3).inner_text()
        assert "仓敷市" in jiangsu.inner_text() and "津市" in jiangsu.inner_text()
        page.get_by_role("link", name="大分市").first.click()
        assert "大分市的中国伙伴" in page.locator("#partners-heading").inner_text()

        in_english(page)
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(page.base + "/countries/jp/")
        assert page.get_by_role("heading", level=1).inner_text() == "Japan's partners in China"
        page.wait_for_selector("#map[data-ready='true']")
        assert float(page.locator("#map").get_attribute("data-zoom")) >= 3
        assert page.locator("#map").bounding_box()["width"] <= 390
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the page scrolls sideways on a phone: {width}px"


def test_brief_reads_in_both_languages_and_links_its_pdf(browser, live_server, live_registry):
    with recorded_page(browser, live_server.url) as page:
        page.goto(page.base + "/places/zhenjiang/")
        page.get_by_role("link", name="一页简报").click()
        assert page.get_by_role("heading", level=1).inner_text().startswith("镇江市")
        partners = page.locator("#brief-partners").inner_text()
        assert "仓敷市" in partners and "坦佩市" in partners
        pdf = page.request.get(page.get_by_role("link", name="下载 PDF").get_attribute("href"))
        assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
        assert pdf.body().startswith(b"%PDF")

        in_english(page)
        page.reload()
        assert page.get_by_role("heading", level=1).inner_text().startswith("Zhenjiang")
        assert "Kurashiki" in page.locator("#brief-partners").inner_text()
        assert "Latest exchanges" in page.locator("#brief-exchanges").inner_text()
        page.set_viewport_size({"width": 390, "height": 844})
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the brief scrolls sideways on a phone: {width}px"


def test_printed_pages_drop_the_controls_and_print_black_on_white(
    browser, live_server, live_registry
):
    with recorded_page(browser, live_server.url) as page:
        page.goto(page.base + "/countries/jp/")
        page.wait_for_selector("#map[data-ready='true']")
        assert page.locator(".leaflet-control-zoom").is_visible()
        assert page.get_by_role("navigation", name="主导航").is_visible()
        page.emulate_media(media="print")
        for selector in (".site-header nav", ".site-search", ".language", ".on-page",
                         ".leaflet-control-zoom"):  # fmt: skip
            assert not page.locator(selector).first.is_visible(), selector
        colours = page.evaluate(
            """() => ({
                text: getComputedStyle(document.querySelector('main')).color,
                header: getComputedStyle(document.querySelector('.site-header')).backgroundColor,
                link: getComputedStyle(document.querySelector('main a')).color,
            })"""
        )
        assert colours["text"] == "rgb(0, 0, 0)" and colours["link"] == "rgb(0, 0, 0)"
        assert colours["header"] in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)")

        page.goto(page.base + "/places/zhenjiang/brief/")
        assert not page.locator(".brief-actions").is_visible()
        assert page.locator("#brief-partners").is_visible()
