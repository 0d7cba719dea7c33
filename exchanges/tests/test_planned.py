"""An exchange does not start after the report that cites it, nor after today, unless it is
marked planned (a report's "未来" section announces plans); its end may lie later (a
programme's term). The same refusal, keyed to the start, on the API and the admin form."""

import pytest

from exchanges.models import Exchange
from tests.builders import staff_user
from utilities.testing.admin import admin_url

pytestmark = pytest.mark.django_db

EXCHANGES = "/api/exchanges/"


def exchange_data(world, **values):
    return {
        "title_zh": "测试市代表团访问测试甲市",
        "kind": "delegation",
        "chinese_place": world.home.pk,
        "relationship": world.relationship.pk,
        "citations": [world.citation.pk],
        **values,
    }


def test_api_refuses_a_start_after_the_cited_report(insider, world):
    # The cited report was published in October 2019.
    response = insider.post(EXCHANGES, exchange_data(world, start="2021-03"), format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "start": [
            "日期晚于所引报告的发布日期（2019年10月）：报告所说的计划请勾选“计划中”，"
            "已发生的事请引用较新的报告。"
        ]
    }


def test_api_refuses_a_start_after_today_in_english(insider, world):
    response = insider.post(
        EXCHANGES,
        exchange_data(world, start="2099"),
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json()["start"] == [
        "The date is later than today: tick “planned” for what has not happened yet."
    ]


def test_api_accepts_a_planned_exchange(insider, world):
    response = insider.post(
        EXCHANGES,
        exchange_data(world, start="2023", end="2025", planned=True),
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["planned"] is True


def test_an_ongoing_programme_may_end_after_its_report(insider, world):
    response = insider.post(
        EXCHANGES, exchange_data(world, start="2018", end="2022"), format="json"
    )
    assert response.status_code == 201, response.content


def test_admin_form_refuses_a_start_after_the_cited_report(client, world):
    client.force_login(staff_user("test-planned-staff", world.home))
    data = {
        "title_zh": "测试：来访",
        "kind": "delegation",
        "chinese_place": world.home.pk,
        "start_year": "2021",
        "citations": [world.citation.pk],
        "counts-TOTAL_FORMS": "0",
        "counts-INITIAL_FORMS": "0",
    }
    response = client.post(admin_url(Exchange, "add"), data)
    assert response.status_code == 200
    assert "日期晚于所引报告的发布日期（2019年10月）" in " ".join(
        response.context["adminform"].form.errors["start_year"]
    )
    data["planned"] = "on"
    assert client.post(admin_url(Exchange, "add"), data).status_code == 302
    assert Exchange.objects.get(title_zh="测试：来访").planned
