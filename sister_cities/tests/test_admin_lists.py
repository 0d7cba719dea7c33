"""The admin's lists on the loaded registry, for every registered model: each opens (for a
superuser, and for an office on the registry's models), the admin is Chinese by default,
and a list makes the same number of queries for one row as for many. What one model's list
shows, finds and filters is tested in its app (``cities/tests/test_admin_lists.py``…)."""

import pytest
from django.contrib import admin
from django.urls import reverse

from cities.models import Place
from tests.builders import FACTORIES, superuser
from utilities.testing.admin import admin_url, listed
from utilities.testing.queries import count_queries

pytestmark = pytest.mark.django_db

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


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


class TestLanguage:
    def test_chinese_is_the_default_language(self, client, staff):
        page = client.get(reverse("admin:index")).content.decode()
        assert 'lang="zh-hans"' in page
        assert "登记册管理" in page and "打开外办工作台" in page


class TestQueryCounts:
    """A list page makes the same number of queries for one row as for many."""

    @pytest.mark.parametrize("model", list(FACTORIES), ids=lambda model: model.__name__)
    def test_one_row_or_many(self, client, staff, model):
        jinzhong = Place.objects.get(slug="jinzhong")
        one = FACTORIES[model](jinzhong)
        url = admin_url(model, "changelist")
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
