"""The admin's lists of relationships and places on the loaded registry: partial dates at
their own precision, kind and stage as labels, search by simplified, traditional, English,
pinyin or alias, and the filters staff ask for (a city includes the places inside it)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cities.admin import RelationshipAdmin
from cities.models import CooperationField, Place, Relationship
from utilities.testing.admin import admin_url, listed

pytestmark = pytest.mark.django_db


def relationship_rows(response):
    return {str(row) for row in response.context["cl"].result_list}


class TestColumns:
    def test_partial_dates_at_their_precision(self, client, staff):
        page = listed(
            client, Relationship, chinese_place=Place.objects.get(slug="zhenjiang").pk
        ).content.decode()
        assert "1997年10月" in page and "1984年" in page
        assert "1997年10月1日" not in page and "1997-10-01" not in page

    def test_partial_dates_in_english(self, client, staff):
        zhenjiang = Place.objects.get(slug="zhenjiang")
        page = client.get(
            admin_url(Relationship, "changelist"),
            {"chinese_place": zhenjiang.pk},
            HTTP_ACCEPT_LANGUAGE="en",
        )
        text = page.content.decode()
        assert 'lang="en"' in text
        assert "October 1997" in text

    def test_kind_and_stage_are_labels(self, client, staff):
        page = listed(
            client, Relationship, chinese_place=Place.objects.get(slug="jinzhong").pk
        ).content.decode()
        assert '<span class="registry-label registry-label-sister">友好城市</span>' in page
        assert '<span class="registry-label registry-label-intent">意向/备忘录</span>' in page


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
        assert expected in relationship_rows(listed(client, Relationship, q=query))

    def test_places_by_traditional_characters_and_alias(self, client, staff):
        found = {str(p) for p in listed(client, Place, q="濟南").context["cl"].result_list}
        assert "济南市" in found
        found = {str(p) for p in listed(client, Place, q="曼姆").context["cl"].result_list}
        assert found == {"曼海姆市"}


class TestFilters:
    def test_a_city_includes_the_places_inside_it(self, client, staff):
        jinzhong = Place.objects.get(slug="jinzhong")
        rows = relationship_rows(listed(client, Relationship, chinese_place=jinzhong.pk))
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
        rows = relationship_rows(listed(client, Relationship, **params))
        assert included in rows and excluded not in rows

    def test_field_of_cooperation(self, client, staff):
        education = CooperationField.objects.get(slug="education")
        rows = relationship_rows(listed(client, Relationship, fields__id__exact=education.pk))
        assert "晋中市 – 科莫省" in rows
        assert all(
            r.fields.filter(pk=education.pk).exists()
            for r in listed(client, Relationship, fields__id__exact=education.pk)
            .context["cl"]
            .result_list
        )


class TestPageCounts:
    """The count columns (exchanges of a relationship, relationships of a place) are read
    for the page's rows only, and annotated on the list when it is sorted by them: the
    same numbers either way, in a number of queries that does not grow with the page."""

    def test_exchange_counts_match_the_records(self, client, staff):
        rows = listed(client, Relationship).context["cl"].result_list
        assert rows
        for row in rows:
            assert row.n_exchanges == row.exchanges.count()

    def test_sorted_by_exchange_count(self, client, staff):
        changelist = listed(client, Relationship).context["cl"]
        index = changelist.list_display.index("exchange_count")
        rows = listed(client, Relationship, o=f"-{index}").context["cl"].result_list
        counts = [row.n_exchanges for row in rows]
        assert counts == sorted(counts, reverse=True)
        assert counts[0] == max(r.exchanges.count() for r in Relationship.objects.all())

    def test_place_partner_counts(self, client, staff):
        rows = listed(client, Place).context["cl"].result_list
        for row in rows:
            assert row.chinese_count == Relationship.objects.filter(chinese_place=row).count()
            assert row.foreign_count == Relationship.objects.filter(foreign_place=row).count()

    def test_same_queries_for_a_short_or_a_full_page(self, client, staff, monkeypatch):
        counts = []
        for per_page in (2, 40):
            monkeypatch.setattr(RelationshipAdmin, "list_per_page", per_page)
            with CaptureQueriesContext(connection) as queries:
                rows = listed(client, Relationship).context["cl"].result_list
            assert len(rows) == min(per_page, Relationship.objects.count())
            counts.append(len(queries))
        assert counts[0] == counts[1]
