"""In Chromium: the registry map opens on clusters when it holds many places and loads the
places of the area in view as the reader zooms in; a city with many partners is read a
page at a time on a phone, in Chinese and in English. ``SCREENSHOTS_DIR`` keeps
screenshots of both (1280 and 390 pixels wide) for a person to look at."""

import os
import re
from pathlib import Path

import pytest

from cities import maps
from tests.builders import add_rows
from utilities.testing.browser import recorded_page

pytestmark = pytest.mark.browser


def screenshot(page, name, top=None):
    """The window (scrolled to ``top``, a selector) as a PNG in ``SCREENSHOTS_DIR``."""
    folder = os.environ.get("SCREENSHOTS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        if top:
            page.locator(top).first.evaluate("element => element.scrollIntoView()")
        page.screenshot(path=str(Path(folder) / f"{name}.png"))


def test_the_map_loads_the_places_in_view_when_zoomed(
    browser, live_server, live_registry, monkeypatch
):
    add_rows(150)  # test partners spread over Africa, Europe and Asia
    monkeypatch.setattr(maps, "DETAIL_LIMIT", 40)
    with recorded_page(browser, live_server.url) as page:
        page.goto(page.base + "/map/")
        page.wait_for_selector("#map[data-ready='true']")
        assert page.locator("#map").get_attribute("data-mode") == "clusters"
        assert page.locator("#map path.place-cluster").count() > 3
        assert page.locator("#map path.place-foreign").count() == 0
        screenshot(page, "map-zh-1280-clusters")
        # Click a cluster: the map zooms in on it and asks for that area, until it shows
        # the places themselves.
        for _ in range(6):
            if page.locator("#map").get_attribute("data-mode") == "places":
                break
            loads = int(page.locator("#map").get_attribute("data-loads"))
            page.locator("#map path.place-cluster").first.click(force=True)
            page.wait_for_selector(f"#map[data-ready='true'][data-loads='{loads + 1}']")
        assert page.locator("#map").get_attribute("data-mode") == "places"
        assert page.locator("#map path.place-foreign").count() > 0
        assert 0 < int(page.locator("#map").get_attribute("data-markers")) <= 40 + maps.LINK_LIMIT
        asked = [url for url in page.requests if "/map/features/?" in url]
        assert asked and all(
            re.search(r"bbox=[-\d.]+,[-\d.]+,[-\d.]+,[-\d.]+&zoom=", u) for u in asked
        )
        screenshot(page, "map-zh-1280-zoomed")

        # English on a phone: clusters again, and the answer is English.
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(page.base + "/en/map/")
        page.wait_for_selector("#map[data-ready='true']")
        assert page.locator("#map").bounding_box()["width"] <= 390
        screenshot(page, "map-en-390")


def test_a_city_with_many_partners_is_paged_on_a_phone(browser, live_server, live_registry):
    add_rows(130)
    with recorded_page(browser, live_server.url) as page:
        page.goto(page.base + "/places/test-site-city/")
        partners = page.locator("#partners a.partner")
        assert partners.count() == 50
        screenshot(page, "city-zh-1280", top="#partners")
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(page.base + "/en/places/test-site-city/")
        assert page.locator("html").get_attribute("lang") == "en"
        first_page = set(partners.all_inner_texts())
        pages = page.get_by_role("navigation", name="Pages of partners").first
        assert pages.is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        screenshot(page, "city-en-390", top="#partners")
        pages.get_by_role("link", name="Next").click()
        page.wait_for_url(re.compile(r"/en/places/test-site-city/\?partners=2#partners$"))
        assert partners.count() == 50
        second_page = set(partners.all_inner_texts())
        assert not first_page & second_page and len(first_page | second_page) == 100
        assert "51–100 of 130" in page.locator("#partners").inner_text()
        # The summary's links jump to the page where a group starts.
        summary = page.locator("#partners .group-counts a")
        assert summary.count() == 2
        screenshot(page, "city-en-390-page-2", top="#partners")
        page.goto(page.base + "/places/test-site-city/?exchanges=2")
        screenshot(page, "city-zh-390-exchanges", top="#exchanges .section-pages")
