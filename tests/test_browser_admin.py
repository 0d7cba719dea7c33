"""The staff workspace in headless Chromium (Debian's /usr/bin/chromium through Playwright):
a Jinzhong office account records a newly signed agreement with its citation (added in
the "+" pop-up from a new report), finds it in the list and in its history, edits it and
reverts the edit; no request leaves the local server."""

import pytest
from django.core.management import call_command

from cities.models import Place, Relationship
from sources.models import SourceReport
from utilities.testing.browser import choose, recorded_page

pytestmark = [pytest.mark.browser]

PASSWORD = "Jinzhong-office-2026!"
NEWS = (
    "2026年5月18日，意大利蒙扎市市长率团访问晋中市，双方正式签署《建立国际友好城市协议书》，"
    "两市将在职业教育、文化旅游等领域开展交流。"
)
QUOTE = "双方正式签署《建立国际友好城市协议书》"


@pytest.fixture
def office(live_registry):
    """A Jinzhong office account made with the command, a new report of the signing, and the
    partner city already in the registry."""
    call_command(
        "create_office_user", "test-jz-browser", city="jinzhong", password=PASSWORD, verbosity=0
    )
    jinzhong = Place.objects.get(slug="jinzhong")
    SourceReport.objects.create(
        slug="test-jinzhong-2026-05-18",
        title="晋中市与蒙扎市签署友好城市协议书",
        chinese_place=jinzhong,
        published_year=2026,
        published_month=5,
        published_day=18,
        text=NEWS,
    )
    return Place.objects.create(
        slug="test-monza", name_zh="蒙扎市", name_en="Monza", level="city", country="IT"
    )


@pytest.fixture
def page(browser, live_server, office):
    """A fresh Chinese-language page; no request may leave localhost."""
    with recorded_page(browser, live_server.url) as page:
        yield page


def test_an_office_records_a_new_agreement_and_reverts_an_edit(page):
    base = page.base
    page.goto(base + "/admin/")
    page.fill("#id_username", "test-jz-browser")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("input[type=submit]")
    assert page.locator("#registry-start").is_visible()
    assert "晋中市" in page.locator("#user-tools").inner_text()

    # Record the signing: the office's own city is already the Chinese side.
    page.click("text=记录新签署的友好关系")
    assert page.locator("#select2-id_chinese_place-container").inner_text().strip() == "晋中市"
    choose(page, "foreign_place", "蒙扎")
    page.select_option("#id_kind", "sister")
    page.select_option("#id_stage", "active")
    page.select_option("#id_level", "municipal")
    page.fill("#id_wording", "国际友好城市")

    # The citation is new: add it in the pop-up, quoting the new report.
    with page.expect_popup() as popup_info:
        page.click("#add_id_citations")
    popup = popup_info.value
    popup.wait_for_load_state()
    assert "晋中市与蒙扎市签署友好城市协议书" in popup.locator("#id_report").inner_text()
    popup.fill("#id_quote", QUOTE)
    popup.click("input[name=_save]")
    # Saving runs the quote check: slow when the machine is loaded, seconds when it is not.
    popup.wait_for_event("close", timeout=90_000)
    assert QUOTE[:10] in page.locator("div.field-citations").inner_text()

    # The dated stage, at the precision the report gives.
    page.select_option("#id_stages-0-stage", "agreement")
    page.fill("#id_stages-0-date_year", "2026")
    page.fill("#id_stages-0-date_month", "5")
    page.fill("#id_stages-0-date_day", "18")
    page.fill("#id_stages-0-document", "《建立国际友好城市协议书》")
    choose(page, "stages-0-citations", QUOTE[:8])  # the stage cites its passage too
    with page.expect_navigation():
        page.click("input[name=_save]")

    # It is in the list, with its date at day precision.
    assert page.locator(".messagelist .success").is_visible()
    row = page.locator("#result_list tr", has_text="晋中市 – 蒙扎市")
    assert row.count() == 1
    assert "2026年5月18日" in row.inner_text()
    relationship = Relationship.objects.get(foreign_place__slug="test-monza")
    assert relationship.citations.get().quote == QUOTE

    # Its history names the office account.
    row.locator("a", has_text="晋中市 – 蒙扎市").first.click()
    page.click("a.historylink")
    history = page.locator("#change-history").inner_text()
    assert "test-jz-browser" in history

    # Edit it, then revert the edit from the history.
    page.goto(base + f"/admin/cities/relationship/{relationship.pk}/change/")
    page.fill("#id_wording", "友好城市（误）")
    page.fill("#id_change_reason", "试改用语")
    with page.expect_navigation():
        page.click("input[name=_save]")
    relationship.refresh_from_db()
    assert relationship.wording == "友好城市（误）"

    page.goto(base + f"/admin/cities/relationship/{relationship.pk}/history/")
    assert "试改用语" in page.locator("#change-history").inner_text()
    # The older version is the second row (newest first).
    page.locator("#change-history tbody tr").nth(1).locator("a").first.click()
    assert page.locator("#id_wording").input_value() == "国际友好城市"
    with page.expect_navigation():
        page.click(".submit-row input[name=_save]")
    assert page.locator(".messagelist .success").is_visible()
    assert "还原为" in page.locator("#change-history").inner_text()
    relationship.refresh_from_db()
    assert relationship.wording == "国际友好城市"
