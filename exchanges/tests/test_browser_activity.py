"""In Chromium, in Chinese and English, on a desktop (1280 px) and a phone (390 px): the
relationship page's activity chart, the national ranking and the partner-seeking notices
list are drawn, fit the screen and load nothing from another host. Screenshots go to
``test-artifacts/`` for a person to look at."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone

from cities.models import CooperationField, Place, Relationship
from notices.models import Notice
from utilities.testing.browser import recorded_page

pytestmark = [pytest.mark.browser]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def post_notices():
    jinzhong = Place.objects.get(slug="jinzhong")
    notice = Notice.objects.create(
        chinese_place=jinzhong,
        title_zh="晋中市寻找中东欧历史文化名城",
        title_en="Jinzhong seeks a historic city in Central and Eastern Europe",
        countries=["HU", "CZ", "PL"],
        regions="中东欧",
        population_min=100000,
        population_max=800000,
        contact="晋中市外事办公室",
        until=timezone.localdate() + datetime.timedelta(days=200),
    )
    notice.fields.set(CooperationField.objects.filter(slug__in=["culture", "tourism"]))
    Notice.objects.create(
        chinese_place=Place.objects.get(slug="wuhan"),
        title_zh="武汉市寻找北欧科技创新城市",
        title_en="Wuhan seeks a Nordic innovation city",
        kind="sister",
        countries=["SE", "FI"],
        contact="武汉市外办",
        until=timezone.localdate() + datetime.timedelta(days=90),
    )


def fits(page):
    """Nothing wider than the window (no sideways scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_activity_and_notices_pages(browser, live_server, live_registry):
    post_notices()
    oita = Relationship.objects.get(chinese_place__slug="wuhan", foreign_place__slug="oita")
    ARTIFACTS.mkdir(exist_ok=True)
    pages = {
        "relationship": f"/relationships/{oita.pk}/",
        "ranking": "/exchanges/activity/",
        "notices": "/notices/",
    }
    with recorded_page(browser, live_server.url) as page:
        for language, prefix in (("zh", ""), ("en", "/en")):
            for size, viewport in SIZES.items():
                page.set_viewport_size(viewport)
                for name, path in pages.items():
                    page.goto(page.base + prefix + path)
                    assert fits(page), (language, size, name)
                    if name == "relationship":
                        chart = page.locator("#activity-chart svg")
                        chart.scroll_into_view_if_needed()
                        box = chart.bounding_box()
                        assert box and 0 < box["width"] <= viewport["width"]
                        assert page.locator("#activity-chart .bar").count() == 4
                        page.locator("#activity").screenshot(
                            path=ARTIFACTS / f"activity-{name}-{language}-{size}.png"
                        )
                    elif name == "ranking":
                        assert page.locator("table.ranking tbody tr").count() >= 5
                    else:
                        assert page.locator(".notice-list .notice").count() == 2
                    page.screenshot(
                        path=ARTIFACTS / f"activity-{name}-page-{language}-{size}.png",
                        full_page=name != "relationship",
                    )
        # The partner's population is a number of any size: 900,000 leaves out Jinzhong's
        # notice (100,000–800,000) and keeps Wuhan's (no size given).
        page.goto(page.base + "/notices/")
        page.fill("#filter-population", "900000")
        with page.expect_navigation():
            page.locator("form.filters button[type=submit]").click()
        page.screenshot(path=ARTIFACTS / "activity-notices-population.png", full_page=True)
        assert "population=900000" in page.url, page.url
        titles = page.locator(".notice-list .notice h2").all_inner_texts()
        assert titles == ["武汉市寻找北欧科技创新城市"]
