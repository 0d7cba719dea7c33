"""The office dashboard on the loaded registry: partners with no exchange in the last N
years, round anniversaries in the next twelve months, reported vs recorded totals with what
is missing, and intents that have not become agreements."""

import datetime

import pytest
from django.urls import reverse

from cities.models import Place, Relationship
from dashboard.views import anniversaries, pending_intents, quiet_partners
from tests.builders import FACTORIES, new_exchange, office_user
from utilities.testing.queries import count_queries

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("office-dashboard")


@pytest.fixture
def jinzhong():
    return Place.objects.get(slug="jinzhong")


@pytest.fixture
def zhenjiang():
    return Place.objects.get(slug="zhenjiang")


def names(rows):
    return {str(row.relationship) for row in rows}


class TestQuietPartners:
    def test_a_recent_exchange_keeps_a_partner_off_the_list(self, jinzhong):
        rows = quiet_partners(jinzhong, years=3, today=datetime.date(2021, 1, 1))
        assert "晋中市 – 科莫省" not in names(rows)  # delegation of 29 October 2019
        assert {"晋中市 – 会安市", "平遥县 – 普罗万市"} <= names(rows)  # no exchange recorded

    def test_years_later_it_is_quiet_with_its_last_exchange(self, jinzhong):
        rows = quiet_partners(jinzhong, years=3, today=datetime.date(2026, 11, 22))
        como = next(row for row in rows if str(row.relationship) == "晋中市 – 科莫省")
        assert str(como.last_date) == "2019年10月29日"
        assert como.years == 7
        assert rows[0].last_date is None  # never-recorded partners first

    def test_intents_are_not_partners_yet(self, jinzhong):
        rows = quiet_partners(jinzhong, years=3, today=datetime.date(2026, 11, 22))
        assert "平遥县 – 恰克图市" not in names(rows)

    def test_a_longer_window_finds_the_exchange(self, jinzhong):
        rows = quiet_partners(jinzhong, years=10, today=datetime.date(2026, 11, 22))
        assert "晋中市 – 科莫省" not in names(rows)


class TestAnniversaries:
    def test_a_fifth_anniversary_at_the_day(self, jinzhong):
        [row] = [
            r for r in anniversaries(jinzhong, today=datetime.date(2024, 6, 1)) if r.years == 5
        ]
        assert str(row.relationship) == "晋中市 – 科莫省"
        assert str(row.date) == "2024年10月28日"

    def test_an_anniversary_just_past_is_not_coming(self, jinzhong):
        assert not anniversaries(jinzhong, today=datetime.date(2024, 10, 29))

    def test_a_month_precision_signing(self, zhenjiang):
        rows = anniversaries(zhenjiang, today=datetime.date(2026, 11, 22))
        kurashiki = next(r for r in rows if str(r.relationship) == "镇江市 – 仓敷市")
        assert (kurashiki.years, str(kurashiki.date)) == (30, "2027年10月")

    def test_a_year_precision_signing_and_only_round_years(self, zhenjiang):
        rows = anniversaries(zhenjiang, today=datetime.date(2033, 6, 1))
        tsu = next(r for r in rows if str(r.relationship) == "镇江市 – 津市")
        assert (tsu.years, str(tsu.date)) == (50, "2034年")
        rows = anniversaries(zhenjiang, today=datetime.date(2028, 11, 1))
        assert "镇江市 – 津市" not in names(rows)  # 45 years is not celebrated


class TestIntents:
    def test_letters_of_intent_without_agreement(self, jinzhong):
        rows = pending_intents(jinzhong, today=datetime.date(2026, 11, 22))
        assert [(str(r.relationship), str(r.intent), r.years) for r in rows] == [
            ("平遥县 – 恰克图市", "2019年2月", 7),
            ("晋中市 – 比肯菲尔德市", "2019年8月", 7),
        ]


class TestPage:
    @pytest.fixture
    def staff(self, client):
        user = office_user("test-dashboard-staff", "jinzhong")
        client.force_login(user)
        return user

    def test_the_office_sees_its_own_dashboard(self, client, staff):
        response = client.get(DASHBOARD)
        assert response.status_code == 200
        page = response.content.decode()
        assert "晋中市外办工作台" in page
        assert "平遥县 – 恰克图市" in page and "2019年2月" in page  # intent not signed
        assert "晋中市 – 会安市" in page  # quiet partner
        reported = {c.figure.metric: c for c, _query in response.context["comparisons"]}
        assert (reported["intents"].figure.value, reported["intents"].recorded) == (6, 2)
        assert "缺 4 条" in page  # six intents reported, two recorded
        assert reported["municipal_sister_cities"].complete

    def test_another_office_can_be_chosen(self, client, staff, zhenjiang):
        page = client.get(DASHBOARD, {"place": zhenjiang.pk, "years": 10}).content.decode()
        assert "镇江市外办工作台" in page

    def test_it_is_linked_from_the_admin_index(self, client, staff):
        assert DASHBOARD in client.get(reverse("admin:index")).content.decode()

    def test_it_is_for_staff_only(self, client):
        response = client.get(DASHBOARD)
        assert response.status_code == 302 and "login" in response["Location"]

    def test_same_queries_for_few_or_many_rows(self, client, staff, jinzhong):
        client.get(DASHBOARD)
        few, _response = count_queries(client, DASHBOARD)
        for _ in range(5):
            relationship = FACTORIES[Relationship](jinzhong)
            exchange = new_exchange(jinzhong)
            exchange.relationship = relationship
            exchange.save()
        # The first read after a write makes the figures kept for the generation again.
        client.get(DASHBOARD)
        many, response = count_queries(client, DASHBOARD)
        assert many == few, response.queries


class TestLongLists:
    """A big city's lists keep their exact count on the dashboard, show their first rows
    and link to the full list, a page at a time."""

    @pytest.fixture
    def staff(self, client):
        user = office_user("test-dashboard-long", "jinzhong")
        client.force_login(user)
        return user

    @staticmethod
    def section(page, html_id):
        start = page.index(f'id="{html_id}"')
        return page[start : page.index("</div>", start)]

    def test_a_list_shows_its_count_its_first_rows_and_a_link(
        self, client, staff, jinzhong, monkeypatch
    ):
        monkeypatch.setattr("dashboard.views.DASHBOARD_ROWS", 1)
        every = names(quiet_partners(jinzhong, years=3))
        assert len(every) > 1
        quiet = self.section(client.get(DASHBOARD).content.decode(), "quiet")
        assert f"（{len(every)}）</caption>" in quiet
        assert sum(name in quiet for name in every) == 1
        assert f'href="/admin/dashboard/quiet/?place={jinzhong.pk}&amp;years=3"' in quiet
        assert f"查看全部 {len(every)} 条" in quiet

    def test_the_full_list_pages_through_every_row(self, client, staff, jinzhong, monkeypatch):
        monkeypatch.setattr("dashboard.views.LIST_ROWS", 2)
        every = names(quiet_partners(jinzhong, years=3))
        url = reverse("office-dashboard-list", args=["quiet"])
        seen = []
        for number in range(1, (len(every) + 1) // 2 + 1):
            page = client.get(url, {"place": jinzhong.pk, "years": 3, "page": number})
            seen += [name for name in every if name in self.section(page.content.decode(), "quiet")]
        assert sorted(seen) == sorted(every)
        assert 'id="anniversaries"' not in page.content.decode()  # one list, not the dashboard

    def test_intents_link_to_the_admin_list_with_the_same_filter(
        self, client, staff, jinzhong, monkeypatch
    ):
        monkeypatch.setattr("dashboard.views.DASHBOARD_ROWS", 1)
        intents = self.section(client.get(DASHBOARD).content.decode(), "intents")
        link = f"/admin/cities/relationship/?chinese_place={jinzhong.pk}&amp;stage__exact=intent"
        assert f'href="{link}"' in intents
        listed = client.get(link.replace("&amp;", "&")).content.decode()
        assert "平遥县 – 恰克图市" in listed and "晋中市 – 比肯菲尔德市" in listed

    def test_rule_warnings_and_anniversaries_have_full_lists(self, client, staff, jinzhong):
        for slug, html_id in [
            ("rule-warnings", "rule-warnings"),
            ("anniversaries", "anniversaries"),
        ]:
            url = reverse("office-dashboard-list", args=[slug])
            response = client.get(url, {"place": jinzhong.pk})
            assert response.status_code == 200 and f'id="{html_id}"' in response.content.decode()
        warnings = client.get(reverse("office-dashboard-list", args=["rule-warnings"]))
        assert "晋中市 – 会安市" in warnings.content.decode()  # active with no agreement step

    def test_other_lists_have_no_page_of_their_own(self, client, staff):
        for slug in ["intents", "reported", "nothing"]:
            url = reverse("office-dashboard-list", args=[slug])
            assert client.get(url).status_code == 404

    def test_a_full_list_makes_the_same_queries_for_few_or_many_rows(self, client, staff, jinzhong):
        url = reverse("office-dashboard-list", args=["quiet"])
        client.get(url)
        few, _response = count_queries(client, url)
        for _ in range(5):
            FACTORIES[Relationship](jinzhong)
        client.get(url)
        many, response = count_queries(client, url)
        assert many == few, response.queries


def test_a_new_exchange_takes_a_partner_off_the_list_at_once(client, jinzhong):
    """The latest exchange dates are kept for the registry's generation: a write is seen
    by the very next read."""
    client.force_login(office_user("test-dashboard-fresh", "jinzhong"))
    url = reverse("office-dashboard-list", args=["quiet"])
    assert "晋中市 – 会安市" in client.get(url, {"years": 3}).content.decode()
    hoi_an = Relationship.objects.get(chinese_place=jinzhong, foreign_place__slug="hoi-an")
    exchange = new_exchange(jinzhong)
    exchange.relationship = hoi_an
    today = datetime.date.today()
    exchange.start_year, exchange.start_month, exchange.start_day = today.year, today.month, 1
    exchange.save()
    assert "晋中市 – 会安市" not in client.get(url, {"years": 3}).content.decode()


def test_a_last_exchange_date_no_calendar_has_is_read_as_its_month():
    # 2025-02-30 can be stored by a path that skips clean(); the partner did meet in
    # February 2025 and is not listed as never met.
    from dashboard.views import date_of_key
    from utilities.partial_dates import partial_date

    assert date_of_key(20250230) == partial_date(2025, 2, None)
    assert date_of_key(20250215) == partial_date(2025, 2, 15)
    assert date_of_key(20250000) == partial_date(2025, None, None)
    assert date_of_key(None) is None
