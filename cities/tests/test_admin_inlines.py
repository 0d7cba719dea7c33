"""Inlines where staff expect them: on a relationship's page its stages, its exchanges
and the awards to the pair (new rows take the relationship's Chinese side); aliases on a
place's page; counts on an exchange's page."""

import pytest
from django.test import Client

from awards.models import Award, AwardType
from cities.models import Place, Relationship
from exchanges.models import Exchange
from sources.models import Citation, SourceReport
from tests.builders import superuser
from utilities.testing.admin import change_url, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def como():
    return Relationship.objects.get(
        chinese_place__slug="jinzhong", foreign_place__slug="como-province"
    )


@pytest.fixture
def news(como):
    """A 2026 report of the office that states the new rows (every one cites a passage)."""
    text = "2026年4月，科莫省职业院校师生来访。科莫省与晋中市获授测试友谊奖。"
    report = SourceReport.objects.create(
        slug="test-jinzhong-2026",
        title="晋中市外事工作简报（测试）",
        chinese_place=como.chinese_place,
        published_year=2026,
        published_month=5,
        text=text,
    )
    return Citation.objects.create(report=report, quote=text[:17])


def add_row(data, prefix, **values):
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    data.setdefault(f"{prefix}-INITIAL_FORMS", "0")
    for name, value in values.items():
        data[f"{prefix}-{index}-{name}"] = value
    return data


def test_an_exchange_added_on_the_relationship_page(client, staff, como, news):
    data = add_row(
        form_data(client.get(change_url(como))),
        "exchanges",
        title_zh="测试：科莫省职业院校师生来访",
        kind="delegation",
        start_year="2026",
        start_month="4",
        citations=[str(news.pk)],
    )
    response = client.post(change_url(como), data)
    assert response.status_code == 302
    exchange = Exchange.objects.get(title_zh="测试：科莫省职业院校师生来访")
    assert exchange.relationship == como
    assert exchange.chinese_place.slug == "jinzhong"
    assert str(exchange.start) == "2026年4月"
    assert exchange.history.first().history_user == staff


def test_an_award_to_the_pair_added_on_the_relationship_page(client, staff, como, news):
    award_type = AwardType.objects.order_by("pk").first()
    data = add_row(
        form_data(client.get(change_url(como))),
        "awards",
        award_type=str(award_type.pk),
        conferred_year="2026",
        citations=[str(news.pk)],
    )
    response = client.post(change_url(como), data)
    assert response.status_code == 302
    award = Award.objects.get(relationship=como, conferred_year=2026)
    assert award.recipient_kind == "pair"
    assert award.chinese_place.slug == "jinzhong"


def test_an_alias_added_on_a_place_page(client, staff):
    como_province = Place.objects.get(slug="como-province")
    data = add_row(form_data(client.get(change_url(como_province))), "aliases", name="科摩省")
    assert client.post(change_url(como_province), data).status_code == 302
    assert como_province.aliases.filter(name="科摩省").exists()
    assert "|科摩省|" in Place.objects.get(pk=como_province.pk).search_text


def test_an_alias_cannot_be_added_to_another_offices_city(client, staff):
    zhenjiang = Place.objects.get(slug="zhenjiang")
    boss = Client()
    boss.force_login(superuser())
    data = add_row(form_data(boss.get(change_url(zhenjiang))), "aliases", name="京口")
    assert client.post(change_url(zhenjiang), data).status_code == 403
    assert not zhenjiang.aliases.filter(name="京口").exists()


def test_a_count_added_on_an_exchange_page(client, staff):
    exchange = Exchange.objects.filter(chinese_place__slug="jinzhong").first()
    data = add_row(
        form_data(client.get(change_url(exchange))),
        "counts",
        value="30",
        qualifier="odd",
        unit_zh="名师生",
    )
    assert client.post(change_url(exchange), data).status_code == 302
    assert exchange.counts.get(unit_zh="名师生").display() == "30多名师生"
