"""Browser-test helpers: Debian's Chromium driven by Playwright (which must never download
a browser), a recorded page that fails when a request leaves the local server, and the
select2 "choose" of the admin's autocomplete fields.

The session's one browser is the ``browser`` fixture of the root ``conftest.py``; a test
that needs a browser of its own (another thread, another event loop) launches it with
:func:`launch_chromium`.
"""

import os
from contextlib import contextmanager
from urllib.parse import urlsplit

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
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}


def launch_chromium(playwright):
    """Debian's Chromium; a missing one fails the browser tests (`make test` installs it)."""
    assert os.path.exists(CHROMIUM), f"{CHROMIUM} is missing: run `make test`, which installs it"
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)


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
