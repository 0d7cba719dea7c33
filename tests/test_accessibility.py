"""axe-core (vendored from npm, injected by the test only: no page loads it) checks every kind
of public page, in Chinese and in English, against the WCAG 2.1 A and AA rules, in Debian's
Chromium on one live server. Any violation fails the test, listed page by page."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from awards.models import Award
from cities.models import Relationship
from exchanges.models import Exchange
from sources.models import SourceReport
from utilities.testing.browser import recorded_page

pytestmark = [pytest.mark.browser]

AXE = Path(settings.BASE_DIR) / "static" / "vendor" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RUN_AXE = """tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})
    .then(result => ({
        passes: result.passes.length,
        violations: result.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
            nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html,
                                      summary: n.failureSummary})),
        })),
    }))"""


def public_pages():
    """(label, path, status) for every kind of public page, on the loaded registry."""
    relationship = Relationship.objects.get(chinese_place__slug="wuhan", foreign_place__slug="oita")
    return [
        ("home", reverse("home"), 200),
        ("relationships", reverse("cities:relationship_list"), 200),
        ("places", reverse("cities:place_list"), 200),
        ("exchanges", reverse("exchanges:exchange_list"), 200),
        ("awards", reverse("awards:award_list"), 200),
        ("reports", reverse("sources:sourcereport_list"), 200),
        ("Chinese place", reverse("cities:place", args=["wuhan"]), 200),
        ("foreign place", reverse("cities:place", args=["oita"]), 200),
        ("relationship", relationship.get_absolute_url(), 200),
        ("exchange", Exchange.objects.order_by("pk").first().get_absolute_url(), 200),
        ("award", Award.objects.order_by("pk").first().get_absolute_url(), 200),
        ("report", SourceReport.objects.get(slug="wuhan-2017-09-15").get_absolute_url(), 200),
        ("search", reverse("search") + "?q=oita", 200),
        ("map", reverse("cities:map"), 200),
        ("country", reverse("cities:country", args=["jp"]), 200),
        ("province", reverse("cities:place", args=["liaoning"]), 200),
        ("brief", reverse("cities:place_brief", args=["zhenjiang"]), 200),
        ("activity ranking", reverse("exchanges:activity_ranking"), 200),
        ("notices", reverse("notices:notice_list"), 200),
        ("404", "/places/no-such-place/", 404),
    ]


def check(page, tags=WCAG_21_AA):
    """Run axe-core on the page as it is now; its result with the violations listed."""
    page.add_script_tag(content=page.axe_source)
    return page.evaluate(RUN_AXE, tags)


def readable(failures):
    lines = []
    for language, label, path, violation in failures:
        lines.append(
            f"[{language}] {label} {path}: {violation['id']} ({violation['impact']}): "
            f"{violation['help']} <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            lines.append(f"    {node['target']}\n      {node['html'][:200]}")
            lines.append("      " + node["summary"].replace("\n", "\n      "))
    return "\n".join(lines)


def test_every_public_page_passes_wcag_21_aa_in_both_languages(browser, live_server, live_registry):
    pages = public_pages()
    axe_source = AXE.read_text(encoding="utf-8")
    failures = []
    for language, html_lang in (("zh-hans", "zh-Hans"), ("en", "en")):
        with recorded_page(browser, live_server.url, inject_scripts=True) as page:
            page.axe_source = axe_source
            page.context.add_cookies(
                [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": page.base}]
            )
            for label, path, status in pages:
                response = page.goto(page.base + path)
                assert response.status == status, (language, path)
                assert page.locator("html").get_attribute("lang") == html_lang, (language, path)
                if page.locator("[data-map]").count():
                    # Check the map as drawn: outline, borders, dots and lines.
                    page.wait_for_selector("[data-map][data-outlines='true']")
                result = check(page)
                assert result["passes"] > 10, f"axe-core ran no rules on {path}"
                failures += [(language, label, path, v) for v in result["violations"]]
                if label == "home":
                    # The charts' bars stay links a screen reader reaches (not hidden in an img).
                    chart = page.locator("#chart-country").get_by_role("group")
                    assert chart.get_by_role("link").count() >= 5
    if failures:
        pytest.fail("WCAG 2.1 AA violations found by axe-core:\n" + readable(failures), False)


def test_the_axe_check_reports_a_violation_it_is_shown(browser, live_server, transactional_db):
    """The harness can fail: an image without a text alternative and a low-contrast
    paragraph, added to the 404 page, are both reported."""
    with recorded_page(browser, live_server.url, inject_scripts=True) as page:
        page.axe_source = AXE.read_text(encoding="utf-8")
        page.goto(page.base + "/places/no-such-place/")
        page.evaluate(
            """() => {
                const main = document.querySelector('main');
                const image = document.createElement('img');
                image.src = 'data:image/gif;base64,R0lGODlhAQABAAAAACw=';
                main.append(image);
                const faint = document.createElement('p');
                faint.textContent = '浅灰色的字';
                faint.style.color = '#dddddd';
                main.append(faint);
            }"""
        )
        found = {violation["id"] for violation in check(page)["violations"]}
    assert {"image-alt", "color-contrast"} <= found
