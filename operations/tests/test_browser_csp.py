"""In Chromium, no page of the site, the admin or the API docs breaks its
Content-Security-Policy: no `securitypolicyviolation` event, no CSP console error, and the
pages still work (the map draws, Swagger UI and Redoc render, the admin's language switch
submits)."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.management import call_command

from utilities.testing.browser import launch_chromium

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI + " " + event.sourceFile);
});
"""


def in_chromium(check, base_url):
    """Runs ``check(page)`` in a Chromium of its own, in a thread of its own: Playwright's
    sync API cannot start where another browser fixture keeps its event loop running."""

    def run():
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
            context.add_init_script(LISTEN)
            page = context.new_page()
            page.set_default_timeout(20_000)
            page.errors = []
            page.on(
                "console",
                lambda m: "Content Security Policy" in m.text and page.errors.append(m.text),
            )
            page.base = base_url
            try:
                check(page)
            finally:
                browser.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(run).result()


@pytest.fixture
def site(live_server, django_user_model):
    call_command("load_registry", verbosity=0)
    django_user_model.objects.create_superuser("csp-admin", "c@example.org", "Pw-csp-admin-1")
    return live_server.url


def visit(page, path, ready):
    page.goto(page.base + path)
    page.wait_for_selector(ready)
    page.wait_for_load_state("networkidle")
    violations = page.evaluate("window.__cspViolations")
    assert not violations and not page.errors, (path, violations, page.errors)


def test_no_page_breaks_the_content_security_policy(site):
    in_chromium(check_every_page, site)


def check_every_page(page):
    visit(page, "/", "main")
    visit(page, "/map/", "[data-map][data-outlines='true']")
    visit(page, "/places/wuhan/", "[data-map][data-outlines='true']")
    visit(page, "/countries/jp/", "[data-map][data-outlines='true']")
    visit(page, "/places/wuhan/brief/", "#brief-partners")
    visit(page, "/relationships/", "main table")
    visit(page, "/api/docs/", ".swagger-ui .opblock")
    visit(page, "/api/redoc/", "[role=menuitem], .menu-content")
    visit(page, "/api/relationships/", ".response-info")
    visit(page, "/admin/login/", "#id_username")
    page.fill("#id_username", "csp-admin")
    page.fill("#id_password", "Pw-csp-admin-1")
    page.click("input[type=submit]")
    visit(page, "/admin/", "#registry-start")
    visit(page, "/admin/dashboard/", ".dashboard-grid")
    visit(page, "/admin/cities/relationship/", "#result_list")
    page.click("#result_list tbody tr a[href*='/change/']")
    page.wait_for_selector("#content-main form .submit-row")
    page.wait_for_load_state("networkidle")
    assert not page.evaluate("window.__cspViolations") and not page.errors
    visit(page, "/admin/cities/relationship/import/", "#registry-import-help")
    # The language switch (a static script now, not an onchange attribute) still works.
    with page.expect_navigation():
        page.select_option("#registry-language-select", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert not page.evaluate("window.__cspViolations") and not page.errors
