"""The admin's lists on the loaded registry: every model listed, partial dates at their own
precision, kind and stage as labels, search by simplified, traditional, English, pinyin or
alias, the filters staff ask for, Chinese by default, and the same number of queries for a
list of one row as for a list of many."""

import pytest
from django.contrib import admin
from django.urls import reverse

from cities.models import Place, Relationship
from tests.builders import FACTORIES, office_user, superuser
from utilities.testing.queries import count_queries

pytestmark = pytest.mark.django_db

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


@pytest.fixture
def staff(client):
    user = office_user("test-lists-staff", "jinzhong")
    client.force_login(user)
    return user


def changelist(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def listed(client, model=Relationship, **params):
    response = client.get(changelist(model), params)
    assert response.status_code == 200
    return response


def relationship_rows(response):
    return {str(row) for row in response.context["cl"].result_list}


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_every_list_opens_for_a_superuser(client, model):
    client.force_login(superuser())
    listed(client, model)


@pytest.mark.parametrize(
    "model",
    [
        m
        for m in REGISTERED
        if m._meta.app_label in ("cities", "exchanges", "awards", "sources")
        and m._meta.label != "cities.Office"
    ],
    ids=lambda model: model._meta.label,
)
def test_every_registry_list_opens_for_an_office(client, staff, model):
    listed(client, model)


class TestColumns:
    def test_partial_dates_at_their_precision(self, client, staff):
        page = listed(client, chinese_place=Place.objects.get(slug="zhenjiang").pk).content.decode()
        assert "1997年10月" in page and "1984年" in page
        assert "1997年10月1日" not in page and "1997-10-01" not in page

    def test_partial_dates_in_english(self, client, staff):
        zhenjiang = Place.objects.get(slug="zhenjiang")
        page = client.get(
            changelist(Relationship), {"chinese_place": zhenjiang.pk}, HTTP_ACCEPT_LANGUAGE="en"
        )
        text = page.content.decode()
        assert 'lang="en"' in text
        assert "October 1997" in text

    def test_kind_and_stage_are_labels(self, client, staff):
        page = listed(client, chinese_place=Place.objects.get(slug="jinzhong").pk).content.decode()
        assert '<span class="registry-label registry-label-sister">友好城市</span>' in page
        assert '<span class="registry-label registry-label-intent">意向/备忘录</span>' in page

    def test_chinese_is_the_default_language(self, client, staff):
        page = client.get(reverse("admin:index")).content.decode()
        assert 'lang="zh-hans"' in page
        assert "登记册管理" in page and "打开外办工作台" in page


class TestSearch:
    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("镇江", "镇江市 – 津市"),
            ("鎮江", "镇江市 – 津市"),  # traditional characters
            ("Zhenjiang", "镇江市 – 津市"),  # English
            ("zhen jiang", "镇江市 – 津市"),  # pinyin with a space
            ("Tsu", "镇江市 – 津市"),  # the partner's English name
            ("曼姆", "镇江市 – 曼海姆市"),  # an alias a report uses
            ("Oita", "武汉市 – 大分市"),
            ("博伦厄", "武汉市 – 博朗厄市"),  # alias
            ("Borlange", "武汉市 – 博朗厄市"),  # without the accent
        ],
    )
    def test_relationships_by_any_name_of_either_side(self, client, staff, query, expected):
        assert expected in relationship_rows(listed(client, q=query))

    def test_places_by_traditional_characters_and_alias(self, client, staff):
        found = {str(p) for p in listed(client, Place, q="濟南").context["cl"].result_list}
        assert "济南市" in found
        found = {str(p) for p in listed(client, Place, q="曼姆").context["cl"].result_list}
        assert found == {"曼海姆市"}

    def test_citations_by_simplified_text_of_a_traditional_report(self, client, staff):
        from sources.models import Citation

        jinan = [
            c for c in Citation.objects.filter(report__slug="jinan-2019-10-18") if "關" in c.quote
        ]
        if not jinan:
            pytest.skip("Jinan citations not loaded yet")
        word = jinan[0].quote[jinan[0].quote.index("關") : jinan[0].quote.index("關") + 1]
        results = listed(client, Citation, q="关").context["cl"].result_list
        assert word == "關" and any("關" in c.quote for c in results)


class TestFilters:
    def test_a_city_includes_the_places_inside_it(self, client, staff):
        jinzhong = Place.objects.get(slug="jinzhong")
        rows = relationship_rows(listed(client, chinese_place=jinzhong.pk))
        assert "平遥县 – 普罗万市" in rows and "晋中市 – 科莫省" in rows
        assert not any(row.startswith("镇江") for row in rows)

    @pytest.mark.parametrize(
        ("params", "included", "excluded"),
        [
            ({"stage__exact": "intent"}, "平遥县 – 恰克图市", "晋中市 – 科莫省"),
            ({"kind__exact": "friendly"}, "晋中市 – 比肯菲尔德市", "晋中市 – 科莫省"),
            ({"country": "IT"}, "晋中市 – 科莫省", "镇江市 – 津市"),
            ({"signed": "1997"}, "镇江市 – 仓敷市", "镇江市 – 津市"),
            ({"level__exact": "county"}, "平遥县 – 普罗万市", "晋中市 – 科莫省"),
            ({"editable": "mine"}, "平遥县 – 普罗万市", "镇江市 – 津市"),
        ],
    )
    def test_relationship_filters(self, client, staff, params, included, excluded):
        rows = relationship_rows(listed(client, **params))
        assert included in rows and excluded not in rows

    def test_field_of_cooperation(self, client, staff):
        from cities.models import CooperationField

        education = CooperationField.objects.get(slug="education")
        rows = relationship_rows(listed(client, fields__id__exact=education.pk))
        assert "晋中市 – 科莫省" in rows
        assert all(
            r.fields.filter(pk=education.pk).exists()
            for r in listed(client, fields__id__exact=education.pk).context["cl"].result_list
        )

    def test_exchanges_by_year_and_city(self, client, staff):
        from exchanges.models import Exchange

        jinzhong = Place.objects.get(slug="jinzhong")
        results = (
            listed(client, Exchange, year="2019", chinese_place=jinzhong.pk)
            .context["cl"]
            .result_list
        )
        assert results
        assert all(e.start_year == 2019 and e.chinese_place.is_chinese for e in results)


class TestQueryCounts:
    """A list page makes the same number of queries for one row as for many."""

    @pytest.mark.parametrize("model", list(FACTORIES), ids=lambda model: model.__name__)
    def test_one_row_or_many(self, client, staff, model):
        jinzhong = Place.objects.get(slug="jinzhong")
        one = FACTORIES[model](jinzhong)
        url = changelist(model)
        client.get(url)  # warm caches (content types, sessions)
        single, response = count_queries(
            client, url, {"id__exact": one.pk} if model is not Place else {"q": one.name_zh}
        )
        assert len(response.context["cl"].result_list) >= 1
        for _ in range(5):
            FACTORIES[model](jinzhong)
        many, response = count_queries(client, url)
        assert len(response.context["cl"].result_list) > 5
        assert many <= single + 1, response.queries
