"""Partner-seeking notices: an office posts one (admin and API), another office cannot
change it, the public list and page (zh and en), the shared filters, the Atom feed, the
sitemap, and a notice closing itself after its end date (no job: a date query)."""

import datetime

import pytest
from django.utils import timezone

from cities.models import CooperationField, Place
from notices.models import Notice
from tests.builders import staff_user, token_client
from utilities.testing.admin import admin_url, change_url, form_data
from utilities.testing.queries import count_queries

pytestmark = pytest.mark.django_db


def place(slug):
    return Place.objects.get(slug=slug)


def later(days):
    return timezone.localdate() + datetime.timedelta(days=days)


def new_notice(slug="jinzhong", until_days=30, **extra):
    values = {
        "chinese_place": place(slug),
        "title_zh": f"测试{slug}寻找友城",
        "contact": "测试外办",
        "until": later(until_days),
        "posted": later(min(until_days, 0) - 1),
        **extra,
    }
    fields = values.pop("fields", [])
    notice = Notice.objects.create(**values)
    notice.fields.set(fields)
    return notice


@pytest.fixture
def jinzhong_api(db):
    return token_client(staff_user("test-notice-jinzhong", place("jinzhong")))


@pytest.fixture
def wuhan_api(db):
    return token_client(staff_user("test-notice-wuhan", place("wuhan")))


class TestOfficeWrites:
    def test_an_office_posts_a_notice_in_the_admin(self, client, staff):
        culture = CooperationField.objects.get(slug="culture")
        page = client.get(admin_url(Notice, "add"))
        data = form_data(page)
        assert data["chinese_place"] == str(place("jinzhong").pk)  # the office's own city
        data.update(
            {
                "title_zh": "测试：晋中市寻找中东欧文化城市",
                "countries": ["HU", "CZ"],
                "population_min": "100000",
                "population_max": "800000",
                "fields": [str(culture.pk)],
                "contact": "晋中市外办",
                "posted": str(timezone.localdate()),
                "until": str(later(90)),
            }
        )
        response = client.post(admin_url(Notice, "add"), data)
        assert response.status_code == 302, response.context and response.context.get("errors")
        notice = Notice.objects.get(title_zh="测试：晋中市寻找中东欧文化城市")
        assert list(notice.countries) and [f.slug for f in notice.fields.all()] == ["culture"]
        assert notice.history.first().history_user == staff

    def test_an_office_cannot_post_for_another_city_in_the_admin(self, client, staff):
        data = {
            "chinese_place": place("wuhan").pk,
            "title_zh": "测试越权",
            "kind": "friendly",
            "contact": "x",
            "posted": str(timezone.localdate()),
            "until": str(later(10)),
        }
        client.post(admin_url(Notice, "add"), data)
        assert not Notice.objects.filter(title_zh="测试越权").exists()

    def test_another_office_cannot_change_it_in_the_admin(self, client):
        notice = new_notice("wuhan")
        client.force_login(staff_user("test-notice-admin-jz", place("jinzhong")))
        page = client.get(change_url(notice))
        assert 'name="_save"' not in page.content.decode()  # read-only for Jinzhong

    def test_end_date_before_posting_is_refused(self, client, staff):
        data = form_data(client.get(admin_url(Notice, "add")))
        data.update(
            {"title_zh": "测试倒置", "contact": "x", "posted": "2026-05-01", "until": "2026-04-01"}
        )
        response = client.post(admin_url(Notice, "add"), data)
        assert response.status_code == 200
        assert not Notice.objects.filter(title_zh="测试倒置").exists()

    def test_an_office_posts_through_the_api_and_another_cannot_change_it(
        self, jinzhong_api, wuhan_api
    ):
        body = {
            "chinese_place": place("pingyao").pk,  # inside Jinzhong: its office's
            "title_zh": "测试：平遥县寻找古城",
            "kind": "sister",
            "countries": ["IT"],
            "regions": "地中海沿岸",
            "population_max": 200000,
            "fields": [CooperationField.objects.get(slug="tourism").pk],
            "contact": "平遥县外办",
            "until": str(later(60)),
        }
        created = jinzhong_api.post("/api/notices/", body, format="json")
        assert created.status_code == 201, created.content
        data = created.json()
        assert data["is_open"] is True and data["countries"][0]["code"] == "IT"
        url = f"/api/notices/{data['id']}/"
        refused = wuhan_api.patch(url, {"regions": "测试"}, format="json")
        assert refused.status_code == 403
        assert wuhan_api.delete(url).status_code == 403
        assert wuhan_api.post("/api/notices/", body, format="json").status_code == 403
        assert jinzhong_api.patch(url, {"regions": "意大利"}, format="json").status_code == 200
        bad = jinzhong_api.post(
            "/api/notices/",
            {**body, "population_min": 500000, "population_max": 1000},
            format="json",
        )
        assert bad.status_code == 400

    def test_anonymous_clients_read_but_do_not_write(self, client):
        new_notice()
        assert client.get("/api/notices/").status_code == 200
        assert client.post("/api/notices/", {}, content_type="application/json").status_code in (
            401,
            403,
        )


class TestPublic:
    def test_list_shows_open_notices_in_both_languages(self, client):
        open_one = new_notice("jinzhong", title_en="Test Jinzhong seeks a partner")
        closed = new_notice("wuhan", until_days=-1)
        html = client.get("/notices/").content.decode()
        assert open_one.title_zh in html and closed.title_zh not in html
        english = client.get("/en/notices/").content.decode()
        assert "Test Jinzhong seeks a partner" in english and "Partner-seeking notices" in english
        page = client.get(open_one.get_absolute_url())
        assert page.status_code == 200 and "测试外办" in page.content.decode()
        # A closed notice keeps its page, marked closed.
        assert "这条启事已截止" in client.get(f"/notices/{closed.pk}/").content.decode()

    def test_a_notice_closes_itself_after_its_end_date(self, client):
        notice = new_notice(until_days=0)  # open through today
        assert notice in Notice.objects.open()
        assert notice not in Notice.objects.open(today=later(1))
        assert notice in Notice.objects.closed(today=later(1))
        Notice.objects.filter(pk=notice.pk).update(until=later(-1))
        ids = [row["id"] for row in client.get("/api/notices/").json()["results"]]
        assert notice.pk not in ids
        closed = client.get("/api/notices/", {"status": "closed"}).json()["results"]
        assert notice.pk in [row["id"] for row in closed] and closed[0]["is_open"] is False
        assert notice.pk in [
            r["id"] for r in client.get("/api/notices/?status=all").json()["results"]
        ]

    def test_filters_are_shared_by_the_page_and_the_api(self, client):
        culture = CooperationField.objects.get(slug="culture")
        europe = new_notice(
            "jinzhong", countries=["HU"], population_min=100000, population_max=500000,
            fields=[culture],
        )  # fmt: skip
        anywhere = new_notice("wuhan", kind="sister")

        def api(**params):
            return {row["id"] for row in client.get("/api/notices/", params).json()["results"]}

        def page(**params):
            return set(client.get("/notices/", params).context["object_list"])

        # A country the notice names, or any country when it names none.
        assert api(country="HU") >= {europe.pk, anywhere.pk}
        assert europe.pk not in api(country="JP") and anywhere.pk in api(country="JP")
        assert europe.pk in api(population=300000) and europe.pk not in api(population=900000)
        assert api(field="culture") == {europe.pk}
        assert api(kind="sister") == {anywhere.pk} == {n.pk for n in page(kind="sister")}
        assert (
            api(chinese_place="shanxi")
            == {europe.pk}
            == {n.pk for n in page(chinese_place="shanxi")}
        )
        assert europe.pk in api(q="晋中")
        assert client.get("/api/notices/", {"population": "many"}).status_code == 400

    def test_feed_lists_open_notices(self, client):
        open_one = new_notice("jinzhong")
        closed = new_notice("wuhan", until_days=-3)
        feed = client.get("/notices/feed/")
        assert feed["Content-Type"].startswith("application/atom+xml")
        text = feed.content.decode()
        assert open_one.title_zh in text and closed.title_zh not in text
        assert "Partner-seeking notices" in client.get("/en/notices/feed/").content.decode()

    def test_sitemap_lists_open_notices(self, client):
        open_one = new_notice("jinzhong")
        closed = new_notice("wuhan", until_days=-3)
        text = client.get("/sitemap-notices.xml").content.decode()
        assert f"/notices/{open_one.pk}/" in text and f"/notices/{closed.pk}/" not in text
        assert "/notices/" in client.get("/sitemap-directories.xml").content.decode()

    def test_list_queries_do_not_grow_with_rows(self, client):
        new_notice("jinzhong", fields=list(CooperationField.objects.all()[:2]))
        before = {url: count_queries(client, url)[0] for url in ("/notices/", "/api/notices/")}
        for index in range(6):
            new_notice(
                "wuhan", title_en=f"x{index}", fields=list(CooperationField.objects.all()[:3])
            )
        for url, queries in before.items():
            assert count_queries(client, url)[0] == queries
