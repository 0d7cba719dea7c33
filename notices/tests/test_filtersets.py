"""The notice FilterSet, one test per filter (``FilterSetTests`` checks none is missing)."""

import datetime

import pytest
from django.utils import timezone

from cities.models import CooperationField, Place
from notices.filtersets import NoticeFilterSet
from notices.models import Notice
from utilities.testing.filtersets import FilterSetTests, covers, refused, run

pytestmark = pytest.mark.django_db


def notice(slug, days=30, **extra):
    fields = extra.pop("fields", [])
    made = Notice.objects.create(
        chinese_place=Place.objects.get(slug=slug),
        title_zh=f"测试{slug}启事",
        contact="x",
        posted=timezone.localdate() - datetime.timedelta(days=60),
        until=timezone.localdate() + datetime.timedelta(days=days),
        **extra,
    )
    made.fields.set(fields)
    return made


def found(**params):
    return set(run(NoticeFilterSet, **params))


class TestNoticeFilterSet(FilterSetTests):
    filterset = NoticeFilterSet

    @pytest.fixture(autouse=True)
    def notices(self, db):
        culture = CooperationField.objects.get(slug="culture")
        return {
            "jinzhong": notice(
                "jinzhong", countries=["HU"], population_min=100000, fields=[culture]
            ),
            "wuhan": notice("wuhan", kind="sister", population_max=50000),
            "closed": notice("zhenjiang", days=-1),
        }

    def test_q(self, notices):
        assert found(q="晋中") == {notices["jinzhong"]}
        assert found(q="!!!") == set()

    def test_status(self, notices):
        assert found() == {notices["jinzhong"], notices["wuhan"]}
        assert found(status="closed") == {notices["closed"]}
        assert found(status="all") == set(notices.values())
        assert refused(NoticeFilterSet, status="expired")

    def test_kind(self, notices):
        assert found(kind="sister") == {notices["wuhan"]}

    def test_country(self, notices):
        assert found(country="HU") == {notices["jinzhong"], notices["wuhan"]}
        assert found(country="JP") == {notices["wuhan"]}

    @covers("field_id")
    def test_field(self, notices):
        culture = CooperationField.objects.get(slug="culture")
        assert found(field="culture") == {notices["jinzhong"]} == found(field_id=culture.pk)

    def test_population(self, notices):
        assert found(population=200000) == {notices["jinzhong"]}
        assert found(population=20000) == {notices["wuhan"]}
        assert refused(NoticeFilterSet, population="many")

    @covers("chinese_place_id")
    def test_chinese_place(self, notices):
        assert found(chinese_place="shanxi") == {notices["jinzhong"]}
        jinzhong = Place.objects.get(slug="jinzhong")
        assert found(chinese_place_id=jinzhong.pk) == {notices["jinzhong"]}
