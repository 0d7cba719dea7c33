"""The admin's pickers and tables in Chromium, in Chinese and English, on a desktop and a
phone: the award-type select whose labels tell look-alike names apart (status, other
spellings, conferring body), the searchable country picker of an exchange, the file input
in the page's language, the fields-of-cooperation ticks, and the stage-date table, which
stays inside a 390-pixel screen. Screenshots go to test-artifacts/."""

from pathlib import Path

import pytest
from django.core.management import call_command

from awards.models import AwardType
from cities.models import Relationship

pytestmark = [pytest.mark.browser]

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
PASSWORD = "Jinzhong-office-2026!"
SIZES = {"desktop": (1280, 900), "phone": (390, 844)}
LANGUAGES = {"zh": "zh-CN,zh;q=0.9", "en": "en"}


@pytest.fixture
def office(live_registry):
    call_command(
        "create_office_user", "test-jz-browser", city="jinzhong", password=PASSWORD, verbosity=0
    )
    AwardType.objects.create(
        name_zh="国际友城合作创新奖",
        level="national",
        status="proposed",
        conferred_by_zh="中国人民对外友好协会（全国友协）",
        description_zh="测试：外办提议的奖项类型。",
    )


def signed_in(browser, live_server, language, size):
    width, height = SIZES[size]
    context = browser.new_context(
        locale="en-US" if language == "en" else "zh-CN",
        extra_http_headers={"Accept-Language": LANGUAGES[language]},
        viewport={"width": width, "height": height},
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.errors = []
    page.on("console", lambda message: page.errors.append(message.text))
    page.on("response", lambda r: page.errors.append(r.url) if r.status >= 400 else None)
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "test-jz-browser")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("input[type=submit]")
    return context, page


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)


def overflow(page):
    """How far the page is wider than the screen, in pixels."""
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_pickers_and_tables(browser, live_server, office, language, size):
    context, page = signed_in(browser, live_server, language, size)
    try:
        # The award-type picker: each label says what the type is.
        page.goto(live_server.url + "/admin/awards/award/add/")
        labels = page.locator("#id_award_type option").all_inner_texts()
        proposed = "（待确认）" if language == "zh" else "(proposed)"
        assert any(label.startswith("国际友城合作创新奖") and proposed in label for label in labels)
        also = "又作" if language == "zh" else "also written"
        assert any("国际友城发展战略奖" in label and also in label for label in labels)
        # A native drop-down is not drawn open in a screenshot: show it as a list box.
        assert overflow(page) <= 1, "the award-type picker widens the page"
        page.evaluate(
            "(select => { select.size = 13; select.style.height = 'auto'; })"
            "(document.querySelector('#id_award_type'))"
        )
        page.locator("#id_award_type").scroll_into_view_if_needed()
        shot(page, f"award-type-picker-{language}-{size}")
        page.evaluate(
            "(select => { select.size = 0; select.style.height = ''; })"
            "(document.querySelector('#id_award_type'))"
        )

        # The exchange's countries: a filter box and two lists, no Taiwan, Hong Kong, Macao.
        page.goto(live_server.url + "/admin/exchanges/exchange/add/")
        page.wait_for_selector("#id_countries_input")  # SelectFilter2's search box
        # SelectFilter2 filters as one types (on key-up).
        page.fill("#id_countries_input", "尼泊" if language == "zh" else "Nepa")
        page.dispatch_event("#id_countries_input", "keyup")
        available = page.locator("#id_countries_from option:not([hidden])").all_inner_texts()
        assert available == (["尼泊尔"] if language == "zh" else ["Nepal"])
        page.fill("#id_countries_input", "")
        page.dispatch_event("#id_countries_input", "keyup")
        everything = page.locator("#id_countries_from option").all_inner_texts()
        for name in ("台湾", "香港", "澳门", "Taiwan", "Hong Kong", "Macao", "Macau"):
            assert not any(name in option for option in everything)
        page.locator("#id_countries_input").scroll_into_view_if_needed()
        shot(page, f"country-picker-{language}-{size}")
        assert overflow(page) <= 1, "the exchange form runs off the screen"

        # A relationship's page: the ticks and the stage-date table fit the screen.
        relationship = Relationship.objects.get(
            chinese_place__slug="jinzhong", foreign_place__name_zh="科莫省"
        )
        page.goto(live_server.url + f"/admin/cities/relationship/{relationship.pk}/change/")
        page.locator("#stages-group tr.add-row a").click()  # a blank row too
        page.locator("#stages-group").scroll_into_view_if_needed()
        shot(page, f"relationship-stages-{language}-{size}")
        assert overflow(page) <= 1, "the stage table runs off the screen"
        boxes = page.locator("div.field-fields input[type=checkbox]")
        rects = [boxes.nth(i).bounding_box() for i in range(boxes.count())]
        labels = page.locator("div.field-fields label:has(input)")
        label_rects = [labels.nth(i).bounding_box() for i in range(labels.count())]
        for i, one in enumerate(label_rects):
            for other in label_rects[i + 1 :]:
                apart = (
                    one["x"] + one["width"] <= other["x"] + 1
                    or other["x"] + other["width"] <= one["x"] + 1
                    or one["y"] + one["height"] <= other["y"] + 1
                    or other["y"] + other["height"] <= one["y"] + 1
                )
                assert apart, f"two fields of cooperation overlap: {one} {other}"
        assert rects

        # The import page's file input speaks the page's language.
        page.goto(live_server.url + "/admin/exchanges/exchange/import/")
        button = page.locator("label.registry-file-button")
        assert button.inner_text() == ("选择文件" if language == "zh" else "Choose file")
        shot(page, f"import-file-{language}-{size}")
    finally:
        context.close()
