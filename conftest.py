"""Shared pytest fixtures.

The whole registry (every fixture built from the five reports) is loaded into the test
database once per session, so tests ask their questions of the real data. Tests that run on
a live server (transactional: the database is emptied after each) load it themselves with
``live_registry``. Small stand-alone records for invariant tests use ``test-`` slugs.
Browser tests, wherever they live, share one headless Chromium (``browser``).
"""

import os

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import translation

from cities.choices import PlaceLevel
from operations import warming
from search.selectors import KEPT_READS
from sources.models import Citation, SourceReport
from tests.builders import build_world, new_place, office_user, staff_user, token_client
from utilities.testing.browser import launch_chromium

WUHAN_TEXT = (
    "1979年武汉与日本大分市以钢铁为媒(武钢与大分制铁所技术合作)联姻,两市缔结正式友城关系。"
    "瑞典博伦厄市自2008年至今,积极申请瑞典国际发展署项目经费。"
)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_registry", verbosity=0)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright, one for the session's browser tests."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the tests' own database
    # calls are synchronous and safe.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def live_registry(transactional_db):
    """The registry loaded for a live-server (transactional) test."""
    call_command("load_registry", verbosity=0)


@pytest.fixture(autouse=True)
def fresh_throttles():
    """Throttle counts (the API's anonymous limit, the token endpoint's attempts) live in
    the cache: each test starts without those of the tests before it."""
    cache.clear()


@pytest.fixture(autouse=True)
def fresh_search_reads():
    """Each test starts with no search's compiled reads kept (``search.selectors.KeptReads``):
    a test that watches how a search is built sees it built."""
    KEPT_READS.clear()


@pytest.fixture(autouse=True)
def no_pages_made_after_writes(monkeypatch, settings):
    """No pages made again after a write (``operations.warming``) but where a test asks
    for them (``operations/tests/test_warming.py``): a live server would still be making
    them, after its answer, as the test that wrote ends. Each test starts with none left to
    make, whatever the test before it wrote, and free to make them at once (the turn to
    make them is in the cache, which ``fresh_throttles`` empties)."""
    settings.WARM_AFTER_WRITE = []
    monkeypatch.setattr(warming, "_pending", None)


@pytest.fixture
def no_read_cache(settings):
    """Every request answered by the view (a test comparing two ways of answering, or
    counting a request's queries, needs the view's own answer, not a kept one)."""
    settings.READ_CACHE = False


@pytest.fixture(autouse=True)
def chinese_by_default():
    """Every test starts in the site's default language, as a request would."""
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def hubei(db):
    return new_place("test-hubei", "湖北省", PlaceLevel.PROVINCE, "CN", name_en="Hubei")


@pytest.fixture
def wuhan(hubei):
    return new_place(
        "test-wuhan", "武汉市", PlaceLevel.PREFECTURE_CITY, "CN", parent=hubei, name_en="Wuhan"
    )


@pytest.fixture
def oita(db):
    return new_place(
        "test-oita", "大分市", PlaceLevel.CITY, "JP", name_en="Oita", name_local="大分市 (Ōita)"
    )


@pytest.fixture
def borlange(db):
    return new_place("test-borlange", "博朗厄市", PlaceLevel.CITY, "SE", name_en="Borlänge")


@pytest.fixture
def wuhan_report(wuhan):
    return SourceReport.objects.create(
        slug="test-wuhan-report",
        title="武汉市国际友好城市交流工作概述",
        chinese_place=wuhan,
        published_year=2017,
        published_month=9,
        published_day=15,
        text=WUHAN_TEXT,
    )


@pytest.fixture
def oita_citation(wuhan_report):
    return Citation.objects.create(report=wuhan_report, quote="1979年武汉与日本大分市以钢铁为媒")


@pytest.fixture
def staff(client):
    """A Jinzhong office account (made with the command staff use), signed in on the test
    client: the loaded registry's Jinzhong records are its office's."""
    user = office_user("test-jinzhong-clerk", "jinzhong")
    client.force_login(user)
    return user


# The API test mixin's world (utilities.testing.api) and its clients -----------------------


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def insider(world):
    return token_client(staff_user("test-insider", world.home))


@pytest.fixture
def outsider(world):
    return token_client(staff_user("test-outsider", world.away))


@pytest.fixture
def superuser(world):
    return token_client(staff_user("test-superuser", superuser=True))


@pytest.fixture
def member(world):
    """Signed in, with the office and permissions, but not staff."""
    return token_client(staff_user("test-member", world.home, staff=False))
