"""The public site in headless Chromium (Debian's /usr/bin/chromium through Playwright):
searching reaches the right pages, the language switch, filtering the directory, the map
of Wuhan's partners; and no request ever leaves the local server."""

import re

import pytest

from utilities.testing.browser import recorded_page

pytestmark = [pytest.mark.browser]


@pytest.fixture
def page(browser, live_server, live_registry):
    """A fresh Chinese-language page; no request may leave localhost."""
    with recorded_page(browser, live_server.url) as page:
        yield page


def search(page, query):
    box = page.get_by_role("search").first.get_by_role("searchbox")
    box.fill(query)
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q="))


def test_search_reaches_oita_its_relationship_with_wuhan_and_jinan(page):
    page.goto(page.base + "/")
    for query in ("oita", "大分"):
        search(page, query)
        page.locator('#results-places ~ ul a[href="/places/oita/"]').first.click()
        page.wait_for_url("**/places/oita/")
        heading = page.get_by_role("heading", level=1)
        assert "大分市" in heading.inner_text()
        page.get_by_role("link", name="查看这对友好关系的详情和出处").click()
        page.wait_for_url(re.compile(r"/relationships/\d+/$"))
        heading = page.get_by_role("heading", level=1).inner_text()
        assert "武汉市" in heading and "大分市" in heading
        assert "1979年" in page.locator("main").inner_text()

    for query in ("濟南", "jinan"):
        search(page, query)
        first = page.locator("#results-places ~ ul li a").first
        assert first.get_attribute("href") == "/places/jinan/"
        first.click()
        page.wait_for_url("**/places/jinan/")
        assert "济南市" in page.get_by_role("heading", level=1).inner_text()


def test_english_directory_filter_and_the_map_of_wuhans_partners(page):
    page.goto(page.base + "/places/jinan/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text().startswith("Jinan")

    # The directory, filtered by country and kind through the form; the state is in the URL.
    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Relationships"
    ).click()
    page.get_by_label("Country").select_option("JP")
    page.get_by_label("Kind", exact=True).select_option("sister")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r"country=JP.*kind=sister|kind=sister.*country=JP"))
    table = page.locator("table.list").inner_text()
    assert "Kurashiki" in table and "Oita" in table and "October 1997" in table
    assert "Province of Como" not in table and "Daejeon" not in table  # Italy; Korea
    assert page.get_by_label("Country").input_value() == "JP"

    # The map of Wuhan's partners: drawn from the bundled outline, one dot per located place.
    page.goto(page.base + "/places/wuhan/")
    page.wait_for_selector("#map[data-ready='true']")
    page.wait_for_function(
        "document.querySelectorAll('#map .leaflet-overlay-pane path').length > 20"
    )
    foreign = page.locator("#map path.place-foreign")
    assert foreign.count() >= 15
    assert page.locator("#map path.place-chinese").count() >= 1
    assert int(page.locator("#map").get_attribute("data-lines")) >= 15
    # Hover a dot that no neighbour covers (Korean partners sit close together).
    page.locator("#map").scroll_into_view_if_needed()
    uncovered = page.evaluate(
        """() => [...document.querySelectorAll('#map path.place-foreign')].findIndex(dot => {
            const box = dot.getBoundingClientRect();
            return document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2) === dot;
        })"""
    )
    assert uncovered >= 0
    foreign.nth(uncovered).hover()
    assert page.locator(".leaflet-tooltip").inner_text().strip()
    assert any(
        url.endswith("/static/vendor/world-atlas/land-110m.geojson") for url in page.requests
    )
