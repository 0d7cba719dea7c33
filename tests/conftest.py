"""Fixtures for the cross-app tests: one headless Chromium for every browser test."""

import os
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps trying outside hosts.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (which must never download a browser).
    A missing Chromium fails the browser tests: `make test` installs it."""
    assert os.path.exists(CHROMIUM), f"{CHROMIUM} is missing: run `make test`, which installs it"
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the tests' own database
    # calls are synchronous and safe.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}


@contextmanager
def recorded_page(browser, base_url, inject_scripts=False):
    """A fresh Chinese-language page (desktop size) on the live server. Every request of
    its context (pop-ups included) is recorded, and on leaving none may have gone to
    another host. ``inject_scripts`` lets a test add its own script (axe-core) to pages
    whose Content-Security-Policy rightly forbids inline scripts; the CSP itself is
    checked by ``operations/tests/test_browser_csp.py``."""
    context = browser.new_context(
        bypass_csp=inject_scripts,
        locale="zh-CN",
        extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9"},
        viewport={"width": 1280, "height": 900},
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.requests = []
    context.on("request", lambda request: page.requests.append(request.url))
    page.base = base_url
    yield page
    outside = [
        url
        for url in page.requests
        if urlsplit(url).scheme not in ("data", "blob", "about")
        and urlsplit(url).hostname not in LOCAL_HOSTS
    ]
    context.close()
    assert page.requests, "the browser made requests"
    assert not outside, f"requests left localhost: {outside}"


def choose(page, field, text):
    """Pick an option in an autocomplete (select2) field by typing part of its name."""
    page.click(f"#id_{field} + .select2-container .select2-selection")
    page.fill(".select2-container--open .select2-search__field", text)
    page.click(f".select2-results__option:has-text('{text}')")
