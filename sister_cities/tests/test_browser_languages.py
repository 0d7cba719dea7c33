"""The language in the address, as a person meets it in Chromium: an English link opened
by a new visitor shows English, and the switch keeps the page (Chinese → its /en/ address
→ back), remembering the choice for the unprefixed addresses."""

import pytest

from utilities.testing.browser import recorded_page

pytestmark = pytest.mark.browser


def test_an_english_link_opens_in_english_for_a_new_visitor(browser, live_server, live_registry):
    with recorded_page(browser, live_server.url) as page:  # Chinese browser, no cookie
        assert not page.context.cookies()
        page.goto(page.base + "/en/places/wuhan/")
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.get_by_role("heading", level=1).inner_text().startswith("Wuhan")
        assert page.get_by_role("link", name="Relationships", exact=True).is_visible()
        # The same page at its unprefixed address is Chinese for this new visitor.
        page.goto(page.base + "/places/wuhan/")
        assert page.locator("html").get_attribute("lang") == "zh-Hans"
        assert page.get_by_role("heading", level=1).inner_text().startswith("武汉市")


def test_the_switch_keeps_the_page(browser, live_server, live_registry):
    with recorded_page(browser, live_server.url) as page:
        page.goto(page.base + "/relationships/?country=JP")
        page.get_by_role("button", name="English").click()
        page.wait_for_url("**/en/relationships/?country=JP")
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.get_by_role("heading", level=1).inner_text() == "Relationships"
        assert page.get_by_role("button", name="English").get_attribute("aria-current") == "true"

        # The choice is remembered: an unprefixed link now opens the English page.
        page.goto(page.base + "/places/jinan/")
        assert page.url == page.base + "/en/places/jinan/"
        assert page.get_by_role("heading", level=1).inner_text().startswith("Jinan")

        page.get_by_role("button", name="中文").click()
        page.wait_for_url(page.base + "/places/jinan/")
        assert page.locator("html").get_attribute("lang") == "zh-Hans"
        assert page.get_by_role("heading", level=1).inner_text().startswith("济南市")
        page.goto(page.base + "/relationships/")
        assert page.url == page.base + "/relationships/"
        assert page.locator("html").get_attribute("lang") == "zh-Hans"
