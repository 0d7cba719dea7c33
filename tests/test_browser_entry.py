"""A new office enters its own report, from its passages to cited records (headless
Chromium).

The foreign-affairs office of a city no fixture names (咸宁市) registers a report written
for this test (a range, an approximate figure, dates relative to 今年, awards of a known
type, of a known type in a second spelling and of a new type), then in the report's reader
selects each sentence, cites it and opens the form it states: a relationship with its dated
stage (the partner city, new to the registry, is created from the form's offer), an exchange
with its counts, a reported figure and three awards (the new type proposed from the form's
offer), each prefilled from its passage and saved after the clerk has seen it. The
dashboard then shows the report fully entered.

With ``ENTRY_SCREENSHOTS=<dir>`` the reader, a prefilled form and "what's left" are saved
as screenshots in Chinese and English, desktop (1280 px) and phone (390 px) wide.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from awards.models import Award, AwardType
from cities.models import Place, Relationship, ReportedFigure
from exchanges.models import Exchange
from sources.models import Citation, SourceReport
from sources.reading import whats_left

pytestmark = [pytest.mark.browser]

PASSWORD = "Xianning-office-2026!"
TITLE = "咸宁市外事办公室2026年友城工作简报"
SENTENCES = [
    "今年3月，咸宁市与法国维希市签署《缔结友好城市关系协议书》，两市正式结为国际友好城市。",
    "今年5月，维希市代表团一行约30人来访，双方互派1—2个青年团。",
    "截至今年9月，咸宁市已与20多个国家的城市建立友好关系。",
    "2025年，维希市获得“对华友好城市交流合作奖”。",
    "2024年，维希市获得全国友协“国际友城战略发展奖”。",
    "今年，咸宁市荣获“长江友城合作奖”。",
]
# Two columns run together, as the clerk's copy of the report has them.
REPORT = TITLE + "\n\n" + "\n".join(SENTENCES) + "\n"

# Selects a phrase of the reader's text as a person does with the mouse: a DOM Range over
# the text nodes (a phrase may run across highlighted and plain parts).
SELECT = """(phrase) => {
  const root = document.getElementById("reader-text");
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const nodes = [];
  let text = "";
  while (walker.nextNode()) { nodes.push([walker.currentNode, text.length]); text += walker.currentNode.data; }
  const start = text.indexOf(phrase);
  if (start < 0) throw new Error("not in the text: " + phrase);
  const end = start + phrase.length;
  const at = (offset) => {
    for (const [node, base] of nodes) {
      if (offset <= base + node.data.length) return [node, offset - base];
    }
  };
  const range = document.createRange();
  range.setStart(...at(start));
  range.setEnd(...at(end));
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  root.dispatchEvent(new MouseEvent("mouseup", {bubbles: true}));
}"""


@pytest.fixture
def office(live_registry):
    xianning = Place.objects.create(
        slug="test-xianning",
        name_zh="咸宁市",
        name_en="Xianning",
        level="prefecture_city",
        country="CN",
        parent=Place.objects.get(slug="hubei"),
    )
    call_command(
        "create_office_user",
        "test-xn-browser",
        city="test-xianning",
        password=PASSWORD,
        verbosity=0,
    )
    return xianning


@pytest.fixture
def page(browser, live_server, office):
    from utilities.testing.browser import recorded_page

    with recorded_page(browser, live_server.url) as page:
        yield page


def save(page, selector="input[name=_save]"):
    with page.expect_navigation():
        page.click(selector)
    errors = page.locator(".errornote, .errorlist")
    assert errors.count() == 0, errors.all_inner_texts()


def selected(page, field):
    """The text of an autocomplete (select2) field's choice (without the "×" that clears
    an optional one)."""
    return page.locator(f"#select2-id_{field}-container").inner_text().strip().split("\n")[-1]


def chosen(page, field):
    """The text of a plain select's chosen option (the award-type picker, which shows
    each type's status, spellings and conferring body)."""
    return page.locator(f"#id_{field} option:checked").inner_text().strip()


def cite(page, reader_url, sentence):
    page.goto(reader_url)
    assert page.locator("#cite-button").is_disabled()
    page.evaluate(SELECT, sentence)
    assert page.locator("#cite-preview").inner_text() == f"“{sentence}”"
    with page.expect_navigation():
        page.click("#cite-button")
    assert page.locator(".reader-quote").inner_text() == sentence


def open_form(page, record):
    with page.expect_navigation():
        page.click(f"a[data-record={record}]")
    assert "已按所选原文预填" in page.locator(".messagelist").inner_text()


def test_a_new_office_enters_its_report_from_passages_to_records(page, office):
    base = page.base
    page.goto(base + "/admin/")
    page.fill("#id_username", "test-xn-browser")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("input[type=submit]")

    # The report, registered in one step: pasted, with its metadata; no slug typed.
    shots = Shots(page)
    shots.take("report-add", base + "/admin/sources/sourcereport/add/")
    page.goto(base + "/admin/sources/sourcereport/add/")
    assert selected(page, "chinese_place") == "咸宁市"
    page.fill("#id_title", TITLE)
    page.fill("#id_title_en", "Xianning Foreign Affairs Office: partner-city work in 2026")
    page.fill("#id_publisher", "咸宁市人民政府外事办公室")
    page.fill("#id_published_year", "2026")
    page.fill("#id_published_month", "10")
    page.fill("#id_text", REPORT)
    save(page)
    report = SourceReport.objects.get(title=TITLE)
    assert report.slug == "test-xianning-2026-10"
    assert report.text == REPORT

    # Registering it again is refused, naming the report.
    page.goto(base + "/admin/sources/sourcereport/add/")
    page.fill("#id_title", "咸宁市友城工作")
    page.fill("#id_text", REPORT)
    page.click("input[name=_save]")
    page.wait_for_selector(".errorlist")
    assert "test-xianning-2026-10" in page.locator(".errorlist").first.inner_text()

    # The reader, from the report's list.
    page.goto(base + "/admin/sources/sourcereport/?q=" + TITLE)
    with page.expect_navigation():
        page.click(f"a[href='/admin/sources/sourcereport/{report.pk}/read/']")
    reader = page.url
    shots.take("reader-empty", reader)

    # 1. The relationship and its dated stage. The partner city is new: the form offers it.
    cite(page, reader, SENTENCES[0])
    shots.take("reader-passage", page.url)
    open_form(page, "relationship")
    warning = page.locator(".messagelist .warning")
    assert "原文中的“维希市”不在登记册中" in warning.inner_text()
    with page.expect_popup() as popup_info:
        warning.locator("a").click()
    place_page = popup_info.value
    place_page.wait_for_load_state()
    assert place_page.input_value("#id_name_zh") == "维希市"
    assert place_page.input_value("#id_country") == "FR"
    place_page.fill("#id_slug", "test-vichy")
    place_page.fill("#id_name_en", "Vichy")
    place_page.select_option("#id_level", "city")
    save(place_page)
    place_page.close()
    # Opened again, the form now recognises the partner.
    page.reload()
    assert selected(page, "chinese_place") == "咸宁市"
    assert selected(page, "foreign_place") == "维希市"
    assert page.input_value("#id_kind") == "sister"
    assert page.input_value("#id_stage") == "active"
    assert page.input_value("#id_stages-0-stage") == "agreement"
    assert page.input_value("#id_stages-0-date_year") == "2026"
    assert page.input_value("#id_stages-0-date_month") == "3"
    assert page.input_value("#id_stages-0-document") == "《缔结友好城市关系协议书》"
    assert SENTENCES[0][:10] in page.locator("div.field-citations").inner_text()
    shots.take("form-relationship", page.url)
    assert not Relationship.objects.filter(chinese_place=office).exists()  # nothing unseen
    page.select_option("#id_level", "municipal")  # what the passage does not say
    save(page)
    # Saved, the clerk is back at the passage, which now lists its records.
    assert page.url.startswith(reader + "?citation=")
    assert "咸宁市 – 维希市" in page.locator(".reader-passage").inner_text()
    relationship = Relationship.objects.get(chinese_place=office)
    first = Citation.objects.get(report=report, quote=SENTENCES[0])
    assert relationship.foreign_place.slug == "test-vichy"
    assert list(relationship.citations.all()) == [first]
    stage = relationship.stages.get()
    assert (stage.stage, stage.date_year, stage.date_month) == ("agreement", 2026, 3)
    assert list(stage.citations.all()) == [first]

    # 2. The exchange with its counts: an approximate number and a range.
    cite(page, reader, SENTENCES[1])
    open_form(page, "exchange")
    assert page.input_value("#id_title_zh") == "维希市代表团一行约30人来访"
    assert page.input_value("#id_kind") == "delegation"
    assert selected(page, "relationship") == str(relationship)
    assert (page.input_value("#id_start_year"), page.input_value("#id_start_month")) == (
        "2026",
        "5",
    )
    assert page.input_value("#id_counts-0-value") == "30"
    assert page.input_value("#id_counts-0-qualifier") == "about"
    assert page.input_value("#id_counts-1-value") == "1"
    assert page.input_value("#id_counts-1-value_max") == "2"
    assert page.input_value("#id_counts-1-unit_zh") == "个青年团"
    save(page)
    exchange = Exchange.objects.get(chinese_place=office)
    assert exchange.relationship == relationship
    assert sorted((c.value, c.value_max, c.qualifier) for c in exchange.counts.all()) == [
        (1, 2, "exact"),
        (30, None, "about"),
    ]

    # 3. The reported figure: "20多个国家", as of 今年9月.
    cite(page, reader, SENTENCES[2])
    open_form(page, "reportedfigure")
    assert page.input_value("#id_metric") == "countries"
    assert page.input_value("#id_value") == "20"
    assert page.input_value("#id_qualifier") == "odd"
    assert (page.input_value("#id_as_of_year"), page.input_value("#id_as_of_month")) == (
        "2026",
        "9",
    )
    save(page)
    figure = ReportedFigure.objects.get(chinese_place=office)
    assert (figure.value, figure.qualifier, figure.as_of_year) == (20, "odd", 2026)

    # 4. The award of a known type, to the partner city.
    cite(page, reader, SENTENCES[3])
    open_form(page, "award")
    assert chosen(page, "award_type").startswith("对华友好城市交流合作奖")
    assert page.input_value("#id_recipient_kind") == "place"
    assert selected(page, "place") == "维希市"
    assert page.input_value("#id_conferred_year") == "2025"
    shots.take("form-award", page.url)
    save(page)
    award = Award.objects.get(chinese_place=office)
    assert award.place.slug == "test-vichy"

    # 5. A second spelling of a known award: Wuhan's word order finds CPAFFC's type
    # through its alias; the citation keeps the report's wording.
    cite(page, reader, SENTENCES[4])
    open_form(page, "award")
    assert chosen(page, "award_type").startswith("国际友城发展战略奖")
    assert page.input_value("#id_conferred_year") == "2024"
    save(page)
    spelled = Award.objects.get(chinese_place=office, conferred_year=2024)
    assert spelled.award_type.name_zh == "国际友城发展战略奖"
    assert "国际友城战略发展奖" in spelled.award_type.aliases.values_list("name", flat=True)
    assert [c.quote for c in spelled.citations.all()] == [SENTENCES[4]]

    # 6. An award type the registry does not know: the clerk proposes it from the
    # warning's link (a new window), then records the award with it.
    cite(page, reader, SENTENCES[5])
    open_form(page, "award")
    assert "长江友城合作奖" in page.locator(".messagelist").inner_text()
    with page.expect_popup() as opened:
        page.click(".messagelist a[href*='/admin/awards/awardtype/add/']")
    proposal = opened.value
    proposal.wait_for_load_state()
    assert proposal.input_value("#id_name_zh") == "长江友城合作奖"
    proposal.fill("#id_name_en", "Yangtze Partner City Cooperation Award")
    proposal.select_option("#id_level", "provincial")
    save(proposal)
    proposal.close()
    new_type = AwardType.objects.get(name_zh="长江友城合作奖")
    assert new_type.is_proposed
    page.reload()
    assert chosen(page, "award_type").startswith("长江友城合作奖（待确认）")
    assert selected(page, "place") == "咸宁市"
    save(page)
    proposed = Award.objects.get(chinese_place=office, award_type=new_type)
    assert proposed.conferred_year == 2026

    # The dashboard's reported-vs-recorded view links the report: fully entered.
    page.goto(base + "/admin/dashboard/")
    shots.take("dashboard", page.url)
    row = page.locator(f"#reports-left a[data-report='{report.slug}']")
    assert row.inner_text().strip() == "已全部录入"
    with page.expect_navigation():
        row.click()
    assert page.locator("#left-status").inner_text().startswith("这份报告已全部录入")
    assert whats_left(report).done
    shots.take("left-done", page.url)
    shots.take("reader-done", reader)


class Shots:
    """Screenshots in Chinese and English, desktop and phone, when asked for."""

    def __init__(self, page):
        self.page = page
        folder = os.environ.get("ENTRY_SCREENSHOTS")
        self.folder = Path(folder) if folder else None

    def take(self, name, url):
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        context = self.page.context
        for language in ("zh-hans", "en"):
            context.add_cookies(
                [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": self.page.base}]
            )
            shot = context.new_page()
            for width, height in ((1280, 900), (390, 844)):
                shot.set_viewport_size({"width": width, "height": height})
                shot.goto(url)
                shot.screenshot(path=self.folder / f"{name}-{language}-{width}.png", full_page=True)
            shot.close()
        context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "zh-hans", "url": self.page.base}]
        )
