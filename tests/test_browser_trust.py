"""An office's first records survive the registry's own operations (headless Chromium).

The foreign-affairs office of a city that no fixture names (宜昌市) registers its first
report (the text arrives with Windows line endings, as a browser submits every textarea),
adds its partner city, and records the relationship with its dated stage and a citation
that spans a line of the report. Then the five reports' fixtures are loaded again, as an
operator would after an update: nothing the office entered may change, and no history row
may be written for it.
"""

import pytest
from django.core.management import call_command
from django.forms.models import model_to_dict

from cities.models import Place, Relationship, RelationshipStage
from sources.models import Citation, SourceReport
from utilities.testing.browser import choose, recorded_page

pytestmark = [pytest.mark.browser]

PASSWORD = "Yichang-office-2026!"
REPORT_LINES = [
    "宜昌市人民政府外事办公室2025年工作总结",
    "",
    "2025年10月，宜昌市与法国维希市签署《缔结友好城市关系协议书》，",
    "两市正式结为国际友好城市。",
    "双方将在水电、旅游和教育领域开展交流合作。",
]
# Copied across the line break, as a clerk selects it in the report.
QUOTE = "签署《缔结友好城市关系协议书》，\n两市正式结为国际友好城市"


@pytest.fixture
def office(live_registry):
    """A city the fixtures do not name, inside a province they do, with its office account."""
    yichang = Place.objects.create(
        slug="test-yichang",
        name_zh="宜昌市",
        name_en="Yichang",
        level="prefecture_city",
        country="CN",
        parent=Place.objects.get(slug="hubei"),
    )
    call_command(
        "create_office_user", "test-yc-browser", city="test-yichang", password=PASSWORD, verbosity=0
    )
    return yichang


@pytest.fixture
def page(browser, live_server, office):
    with recorded_page(browser, live_server.url) as page:
        yield page


def save(page, selector="input[name=_save]"):
    with page.expect_navigation():
        page.click(selector)
    errors = page.locator(".errornote, .errorlist")
    assert errors.count() == 0, errors.all_inner_texts()


def snapshot(office_place):
    """Every record of the office's first report, as stored, with its history count."""
    report = SourceReport.objects.get(slug="test-yichang-2025")
    relationship = Relationship.objects.get(chinese_place=office_place)
    records = [
        report,
        Place.objects.get(slug="test-vichy"),
        relationship,
        *RelationshipStage.objects.filter(relationship=relationship),
        *Citation.objects.filter(report=report),
    ]
    return {
        f"{type(record).__name__}:{record.pk}": (
            model_to_dict(record),
            record.history.count(),
            record.last_updated,
        )
        for record in records
    }


def test_an_office_first_report_survives_a_reload_of_the_fixtures(page, office):
    base = page.base
    page.goto(base + "/admin/")
    page.fill("#id_username", "test-yc-browser")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("input[type=submit]")
    assert "宜昌市" in page.locator("#user-tools").inner_text()

    # The office's first report, pasted as a whole.
    page.goto(base + "/admin/sources/sourcereport/add/")
    page.fill("#id_title", "宜昌市人民政府外事办公室2025年工作总结")
    page.fill("#id_slug", "test-yichang-2025")
    if "宜昌市" not in page.locator("#select2-id_chinese_place-container").inner_text():
        choose(page, "chinese_place", "宜昌")
    page.fill("#id_published_year", "2025")
    page.fill("#id_published_month", "12")
    page.fill("#id_text", "\n".join(REPORT_LINES))
    save(page)
    report = SourceReport.objects.get(slug="test-yichang-2025")
    assert report.chinese_place == office

    # The partner city, new to the registry.
    page.goto(base + "/admin/cities/place/add/")
    page.fill("#id_slug", "test-vichy")  # first: an edited slug is not prepopulated again
    page.fill("#id_name_zh", "维希市")
    page.fill("#id_name_en", "Vichy")
    page.select_option("#id_level", "city")
    page.select_option("#id_country", "FR")
    save(page)

    # The relationship, its citation added in the pop-up, and its dated stage.
    page.goto(base + "/admin/cities/relationship/add/")
    assert page.locator("#select2-id_chinese_place-container").inner_text().strip() == "宜昌市"
    choose(page, "foreign_place", "维希")
    page.select_option("#id_kind", "sister")
    page.select_option("#id_stage", "active")
    page.select_option("#id_level", "municipal")
    page.fill("#id_wording", "国际友好城市")
    with page.expect_popup() as popup_info:
        page.click("#add_id_citations")
    popup = popup_info.value
    popup.wait_for_load_state()
    if "宜昌市人民政府外事办公室" not in popup.locator("#id_report").inner_text():
        choose(popup, "report", "宜昌市人民政府外事办公室")
    popup.fill("#id_quote", QUOTE)
    popup.click("input[name=_save]")
    popup.wait_for_event("close")
    assert "签署《缔结友好城市关系协议书》" in page.locator("div.field-citations").inner_text()
    page.select_option("#id_stages-0-stage", "agreement")
    page.fill("#id_stages-0-date_year", "2025")
    page.fill("#id_stages-0-date_month", "10")
    page.fill("#id_stages-0-document", "《缔结友好城市关系协议书》")
    # The stage cites the same passage (autocomplete over the office's citations).
    page.click("#id_stages-0-citations + .select2-container .select2-selection")
    page.fill(".select2-container--open .select2-search__field", "两市正式结为")
    page.click(".select2-results__option:has-text('两市正式结为')")
    save(page)

    relationship = Relationship.objects.get(chinese_place=office)
    assert relationship.foreign_place.slug == "test-vichy"
    citation = relationship.citations.get()
    assert citation.report == report
    # The quote spans a line of the report and is found in it as stored.
    assert "\r" not in report.text
    assert citation.quote.replace("\r", "") in report.text
    stage = relationship.stages.get()
    assert (stage.date_year, stage.date_month) == (2025, 10)
    assert list(stage.citations.all()) == [citation]

    # The public page shows the office's work.
    page.goto(base + office.get_absolute_url())
    assert "维希市" in page.locator("main").inner_text()

    # The operator reloads the five reports' fixtures: nothing of the office's changes.
    before = snapshot(office)
    call_command("load_registry", verbosity=0)
    assert snapshot(office) == before
    assert Place.objects.filter(slug="test-yichang").get().parent.slug == "hubei"
