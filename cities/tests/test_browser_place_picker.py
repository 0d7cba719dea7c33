"""In Chromium: the directories' Chinese-place picker. One types a name in any spelling,
picks a suggestion with the mouse or the keyboard, and the list is filtered by that place
(``?chinese_place=<slug>``), in Chinese and in English, on a desktop and on a phone.
``SCREENSHOTS_DIR`` keeps screenshots for a person to look at."""

import os
import re
from pathlib import Path

import pytest

from utilities.testing.browser import recorded_page

pytestmark = pytest.mark.browser


def screenshot(page, name):
    folder = os.environ.get("SCREENSHOTS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.locator(".filters").scroll_into_view_if_needed()
        page.screenshot(path=str(Path(folder) / f"{name}.png"))


@pytest.fixture
def page(browser, live_server, live_registry):
    with recorded_page(browser, live_server.url) as page:
        yield page


def suggestions(page):
    listbox = page.get_by_role("listbox")
    listbox.get_by_role("option").first.wait_for()
    return listbox


def test_type_a_traditional_name_pick_it_and_the_directory_filters(page):
    page.goto(page.base + "/relationships/")
    box = page.get_by_role("combobox", name="中方省市")
    assert box.get_attribute("aria-expanded") == "false"
    box.press_sequentially("濟南", delay=30)
    listbox = suggestions(page)
    assert box.get_attribute("aria-expanded") == "true"
    screenshot(page, "picker-zh-1280-suggestions")
    listbox.get_by_role("option", name=re.compile("济南市")).click()
    assert box.input_value() == "济南市"
    assert listbox.is_hidden()
    page.get_by_role("button", name="筛选", exact=True).click()
    page.wait_for_url(re.compile(r"/relationships/\?.*chinese_place=jinan(&|$)"))
    rows = page.locator("table.list tbody tr")
    assert rows.count() >= 1
    assert all("济南市" in text for text in rows.all_inner_texts())
    # The chosen place is shown by name, and the address carries its slug.
    assert page.get_by_role("combobox", name="中方省市").input_value() == "济南市"
    screenshot(page, "picker-zh-1280-filtered")

    # On a phone, the exchange directory has the same picker.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(page.base + "/exchanges/")
    box = page.get_by_role("combobox", name="中方省市")
    box.press_sequentially("wuhan", delay=30)
    suggestions(page).get_by_role("option", name=re.compile("武汉市")).click()
    screenshot(page, "picker-zh-390-exchanges-picked")
    page.get_by_role("button", name="筛选", exact=True).click()
    page.wait_for_url(re.compile(r"/exchanges/\?.*chinese_place=wuhan(&|$)"))
    assert page.get_by_role("combobox", name="中方省市").input_value() == "武汉市"


def test_the_keyboard_alone_in_english(page):
    page.goto(page.base + "/en/relationships/")
    box = page.get_by_role("combobox", name="Chinese province or city")
    box.focus()
    box.press_sequentially("jin zhong", delay=30)
    listbox = suggestions(page)
    screenshot(page, "picker-en-1280-suggestions")
    box.press("ArrowDown")
    active = box.get_attribute("aria-activedescendant")
    assert active and page.locator(f"#{active}").get_attribute("aria-selected") == "true"
    assert "Jinzhong" in page.locator(f"#{active}").inner_text()
    box.press("Enter")  # picks, does not submit
    assert box.input_value() == "Jinzhong"
    assert listbox.is_hidden() and "chinese_place" not in page.url
    # Escape closes the suggestions without changing the choice.
    box.press("Backspace")
    suggestions(page)
    box.press("Escape")
    assert listbox.is_hidden() and box.get_attribute("aria-expanded") == "false"
    box.fill("")
    box.press_sequentially("jinzhong", delay=30)
    suggestions(page)
    box.press("ArrowDown")
    box.press("Enter")
    box.press("Enter")  # the list is closed: Enter submits the form
    page.wait_for_url(re.compile(r"/en/relationships/\?.*chinese_place=jinzhong(&|$)"))
    table = page.locator("table.list").inner_text()
    assert "Pingyao" in table  # a county inside Jinzhong is included
    assert "Jinan" not in table

    page.set_viewport_size({"width": 390, "height": 844})
    box = page.get_by_role("combobox", name="Chinese province or city")
    box.fill("")
    box.press_sequentially("Wu", delay=30)
    suggestions(page)
    screenshot(page, "picker-en-390-suggestions")


def test_without_javascript_a_typed_name_is_resolved(browser, live_server, live_registry):
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    page.goto(live_server.url + "/relationships/")
    page.get_by_label("中方省市").fill("武漢市")
    page.get_by_role("button", name="筛选", exact=True).click()
    page.wait_for_url(re.compile(r"chinese_place=wuhan"))
    assert page.get_by_label("中方省市").input_value() == "武汉市"
    context.close()
