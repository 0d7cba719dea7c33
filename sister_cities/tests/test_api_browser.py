"""The API documentation in headless Chromium (Debian's /usr/bin/chromium through
Playwright): Swagger UI and Redoc render every endpoint of the live schema, and no request
leaves the local server."""

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache

pytestmark = [pytest.mark.browser]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def page(browser, live_server):
    cache.clear()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    requests, blocked = [], set()
    page.on("request", lambda request: requests.append(request.url))
    # A request the page's Content-Security-Policy refuses never leaves the browser.
    page.on(
        "requestfailed",
        lambda request: "csp" in (request.failure or "").lower() and blocked.add(request.url),
    )
    page.base = live_server.url
    yield page
    local = urlsplit(live_server.url).netloc
    outside = [
        url
        for url in requests
        if urlsplit(url).scheme in ("http", "https")
        and urlsplit(url).netloc != local
        and url not in blocked
    ]
    context.close()
    assert not outside, outside


def test_swagger_ui_renders_every_endpoint(page):
    page.goto(f"{page.base}/api/docs/")
    page.wait_for_selector(".opblock-summary-path")
    paths = {
        element.inner_text().replace("\u200b", "")
        for element in page.query_selector_all(".opblock-summary-path")
    }
    for expected in (
        "/api/places/",
        "/api/relationships/{id}/",
        "/api/anniversaries/",
        "/api/comparisons/",
    ):
        assert expected in paths
    assert (
        page.query_selector(".information-container .title")
        .inner_text()
        .startswith("Sister Cities Registry API")
    )
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "api-swagger-ui.png")


def test_redoc_renders(page):
    page.goto(f"{page.base}/api/redoc/")
    page.wait_for_selector("text=/api/relationships/", state="attached")
    assert "Sister Cities Registry API" in page.content()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "api-redoc.png")
