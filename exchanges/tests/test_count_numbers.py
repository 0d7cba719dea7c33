"""An exchange's count is a whole number. Typing "1—2" into it used to save 12: the admin's
number input made the browser drop the dash. Now it is refused with a clear message on the
admin form, the inline, the import and in a real browser, and a range ("3至5个国家") is
recorded with its upper bound and shown "3—5" / "3–5" on the exchange's page and in the API."""

import os
from concurrent.futures import ThreadPoolExecutor

import pytest
import tablib
from django.core.management import call_command
from django.utils import translation

from exchanges.models import ExchangeCount
from exchanges.resources import ExchangeCountResource
from tests.builders import office_user
from utilities.testing.admin import change_url, form_data
from utilities.testing.pages import in_english

pytestmark = pytest.mark.django_db

REFUSAL_ZH = "请输入一个整数（只填阿拉伯数字，如 12）"
REFUSAL_EN = "Enter a whole number (digits only, e.g. 12)"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
UNIT = "个国家（中蒙俄）"


@pytest.fixture
def staff_user():
    return office_user("test-count-staff", "jinzhong")


@pytest.fixture
def staff(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def count():
    """A Jinzhong exchange's "3个国家（中蒙俄）"."""
    return ExchangeCount.objects.get(unit_zh=UNIT)


def errors_of(form, field):
    return " ".join(str(message) for message in form.errors.get(field, []))


class TestAdmin:
    def test_a_range_typed_into_a_count_is_refused(self, staff, count):
        data = form_data(staff.get(change_url(count)))
        data["value"] = "1—2"
        response = staff.post(change_url(count), data)
        assert response.status_code == 200
        assert REFUSAL_ZH in errors_of(response.context["adminform"].form, "value")
        count.refresh_from_db()
        assert count.value == 3

    def test_the_refusal_is_english_in_english(self, staff, count):
        data = form_data(staff.get(change_url(count)))
        data["value"] = "1—2"
        response = staff.post(change_url(count), data, **EN)
        with translation.override("en"):
            assert REFUSAL_EN in errors_of(response.context["adminform"].form, "value")

    def test_the_inline_on_the_exchange_refuses_it_too(self, staff, count):
        exchange = count.exchange
        data = form_data(staff.get(change_url(exchange)))
        [key] = [k for k, v in data.items() if k.endswith("-value") and v == "3"]
        data[key] = "1—2"
        response = staff.post(change_url(exchange), data)
        assert response.status_code == 200
        [formset] = [
            inline.formset
            for inline in response.context["inline_admin_formsets"]
            if inline.formset.model is ExchangeCount
        ]
        assert any(REFUSAL_ZH in errors_of(form, "value") for form in formset.forms)
        count.refresh_from_db()
        assert count.value == 3

    def test_a_range_is_recorded_and_shown_in_chinese_and_english(self, staff, client, count):
        data = form_data(staff.get(change_url(count)))
        data.update(value="3", value_max="5")
        assert staff.post(change_url(count), data).status_code == 302
        count.refresh_from_db()
        assert (count.value, count.value_max) == (3, 5)
        page = client.get(count.exchange.get_absolute_url()).content.decode()
        assert f"3—5{UNIT}" in page
        page = client.get(in_english(count.exchange.get_absolute_url())).content.decode()
        assert "3–5 countries (China, Mongolia, Russia)" in page

    def test_a_maximum_below_the_value_is_refused(self, staff, count):
        data = form_data(staff.get(change_url(count)))
        data.update(value="3", value_max="2")
        response = staff.post(change_url(count), data)
        assert response.status_code == 200
        form = response.context["adminform"].form
        assert "最大值不能小于数值。" in errors_of(form, "value_max")


def test_the_api_shows_the_range(client, count):
    count.value_max = 5
    count.save()
    body = client.get(f"/api/exchanges/{count.exchange_id}/").json()
    [shown] = [c for c in body["counts"] if c["id"] == count.pk]
    assert (shown["value"], shown["value_max"], shown["display"]) == (3, 5, f"3—5{UNIT}")
    body = client.get(f"/api/exchanges/{count.exchange_id}/", **EN).json()
    [shown] = [c for c in body["counts"] if c["id"] == count.pk]
    assert shown["display"] == "3–5 countries (China, Mongolia, Russia)"


@pytest.mark.parametrize("typed", ["1—2", "12.5", 12.5])
def test_the_import_refuses_it(staff_user, count, typed):
    dataset = tablib.Dataset(
        [count.pk, typed, "确数", UNIT, "countries"],
        headers=["ID", "数值", "限定", "单位", "英文单位"],
    )
    result = ExchangeCountResource().import_data(dataset, dry_run=True, user=staff_user)
    [invalid] = result.invalid_rows
    assert REFUSAL_ZH in " ".join(invalid.error_dict["数值"])
    count.refresh_from_db()
    assert count.value == 3


# In Chromium ---------------------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "Jinzhong-count-2026!"


def in_chromium(check, base_url):
    """``check(page)`` in a Chromium of its own, in a thread of its own (Playwright's sync
    API cannot start where the suite's session browser keeps its event loop)."""

    def run():
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            try:
                page = browser.new_page(locale="zh-CN")
                page.set_default_timeout(20_000)
                return check(page, base_url)
            finally:
                browser.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def type_a_range_into_the_count(page, base_url, count_pk):
    page.goto(base_url + "/admin/login/")
    page.fill("#id_username", "test-count-browser")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("input[type=submit]")
    page.goto(f"{base_url}/admin/exchanges/exchangecount/{count_pk}/change/")
    page.fill("#id_value", "")
    page.type("#id_value", "1—2")  # key by key, as a clerk types it
    typed = page.input_value("#id_value")
    with page.expect_navigation():
        page.click("input[name=_save]")
    return typed, page.locator(".errorlist").all_inner_texts()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_typing_a_range_in_the_browser_is_refused_not_saved_as_12(live_server, live_registry):
    assert os.path.exists(CHROMIUM), f"{CHROMIUM} is missing: run `make test`"
    call_command(
        "create_office_user", "test-count-browser", city="jinzhong", password=PASSWORD, verbosity=0
    )
    count = ExchangeCount.objects.get(unit_zh=UNIT)
    typed, errors = in_chromium(
        lambda page, base: type_a_range_into_the_count(page, base, count.pk), live_server.url
    )
    assert typed == "1—2"  # what was typed is what the server receives
    assert any(REFUSAL_ZH in error for error in errors), errors
    count.refresh_from_db()
    assert count.value == 3
