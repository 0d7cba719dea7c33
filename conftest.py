"""Shared pytest fixtures.

The whole registry (every fixture built from the five reports) is loaded into the test
database once per session, so tests ask their questions of the real data. Tests that run on
a live server (transactional: the database is emptied after each) load it themselves with
``live_registry``. Small stand-alone records for invariant tests use ``test-`` slugs.
"""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import translation

from cities.choices import PlaceLevel
from cities.models import Place
from sources.models import Citation, SourceReport
from tests.builders import build_world, staff_user, token_client

WUHAN_TEXT = (
    "1979年武汉与日本大分市以钢铁为媒(武钢与大分制铁所技术合作)联姻,两市缔结正式友城关系。"
    "瑞典博伦厄市自2008年至今,积极申请瑞典国际发展署项目经费。"
)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_registry", verbosity=0)


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
def chinese_by_default():
    """Every test starts in the site's default language, as a request would."""
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def hubei(db):
    return Place.objects.create(
        slug="test-hubei",
        name_zh="湖北省",
        name_en="Hubei",
        level=PlaceLevel.PROVINCE,
        country="CN",
    )


@pytest.fixture
def wuhan(hubei):
    return Place.objects.create(
        slug="test-wuhan",
        name_zh="武汉市",
        name_en="Wuhan",
        level=PlaceLevel.PREFECTURE_CITY,
        country="CN",
        parent=hubei,
    )


@pytest.fixture
def oita(db):
    return Place.objects.create(
        slug="test-oita",
        name_zh="大分市",
        name_en="Oita",
        name_local="大分市 (Ōita)",
        level=PlaceLevel.CITY,
        country="JP",
    )


@pytest.fixture
def borlange(db):
    return Place.objects.create(
        slug="test-borlange",
        name_zh="博朗厄市",
        name_en="Borlänge",
        level=PlaceLevel.CITY,
        country="SE",
    )


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
