"""Regions (a named group of countries, 中东欧) as exchange participants: kept by superusers
in the admin (a searchable country picker, a slug filled from the English name), written
through the API and import, and shown on the exchange's public page."""

import pytest
import tablib
from django.urls import reverse
from django.utils import translation

from exchanges.models import Exchange, Region
from exchanges.resources import ExchangeResource
from tests.builders import office_user, superuser

pytestmark = pytest.mark.django_db

CEE_MEETING = "第五次中国—中东欧国家地方领导人会议全体会议"


@pytest.fixture
def cee():
    return Region.objects.get(slug="central-eastern-europe")


def test_the_loaded_conference_has_its_region(cee):
    meeting = Exchange.objects.get(title_zh=CEE_MEETING)
    assert list(meeting.regions.all()) == [cee]
    assert "HU" in cee.countries and "CN" not in cee.countries


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_exchange_page_shows_the_region(client, language):
    meeting = Exchange.objects.get(title_zh=CEE_MEETING)
    with translation.override(language):
        page = client.get(meeting.get_absolute_url()).content.decode()
    label, name = (
        ("参与地区", "中东欧")
        if language == "zh-hans"
        else ("Participating regions", "Central and Eastern Europe")
    )
    assert label in page and name in page
    assert "?region=central-eastern-europe" in page


def test_the_region_link_lists_its_exchanges(client):
    page = client.get(reverse("exchanges:exchange_list"), {"region": "central-eastern-europe"})
    assert page.status_code == 200
    assert CEE_MEETING in page.content.decode()


def test_a_superuser_adds_a_region_with_the_searchable_picker(client):
    client.force_login(superuser())
    page = client.get(reverse("admin:exchanges_region_add")).content.decode()
    assert 'class="selectfilter"' in page  # the admin's two-list picker with a filter box
    assert "prepopulate" in page  # the slug is filled from the English name
    response = client.post(
        reverse("admin:exchanges_region_add"),
        {"name_zh": "北欧", "name_en": "Nordic countries", "slug": "nordic",
         "countries": ["SE", "NO", "DK", "FI", "IS"], "notes": ""},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    nordic = Region.objects.get(slug="nordic")
    assert sorted(country.code for country in nordic.countries) == ["DK", "FI", "IS", "NO", "SE"]


def test_a_region_cannot_hold_hong_kong(client):
    client.force_login(superuser())
    response = client.post(
        reverse("admin:exchanges_region_add"),
        {"name_zh": "测试", "name_en": "Test", "slug": "test-hk", "countries": ["JP", "HK"]},
    )
    assert response.status_code == 200
    assert "台湾、香港和澳门是中国的一部分" in response.content.decode()


def test_an_office_reads_regions_and_is_told_politely_it_cannot_add_one(client):
    client.force_login(office_user("test-jinzhong-clerk", "jinzhong"))
    assert client.get(reverse("admin:exchanges_region_changelist")).status_code == 200
    response = client.get(reverse("admin:exchanges_region_add"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "没有权限" in page and "系统管理员" in page
    # The admin takes its language from the browser (or the language switch).
    url = reverse("admin:exchanges_region_add")
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Not allowed" in page and "403 Forbidden" not in page


def test_an_exchange_chooses_regions_in_the_admin(client, cee):
    client.force_login(superuser())
    page = client.get(reverse("admin:exchanges_exchange_add")).content.decode()
    assert 'name="regions"' in page
    assert "admin-autocomplete" in page


def test_import_reads_the_regions_column(cee):
    user = superuser()
    headers = ["中方地方", "名称", "类型", "参与地区", "引文报告", "引文"]
    quote = "成功举办“第五次中国—中东欧国家地方领导人会议全体会议”"
    row = ["shenyang", "测试中东欧论坛", "会议", "中东欧", "shenyang-2022-10-19", quote]
    dataset = tablib.Dataset(row, headers=headers)
    result = ExchangeResource().import_data(dataset, dry_run=False, user=user)
    assert not result.has_validation_errors(), [r.error_dict for r in result.invalid_rows]
    assert not result.has_errors()
    assert list(Exchange.objects.get(title_zh="测试中东欧论坛").regions.all()) == [cee]
    row = ["shenyang", "测试论坛二", "会议", "大西洋", "shenyang-2022-10-19", quote]
    unknown = tablib.Dataset(row, headers=headers)
    result = ExchangeResource().import_data(unknown, dry_run=False, user=user)
    assert result.has_validation_errors() or result.has_errors()
    assert not Exchange.objects.filter(title_zh="测试论坛二").exists()
