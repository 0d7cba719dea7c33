"""What the relationship directory keeps for a generation of the registry
(``generation.remembered``): the whole list's order and number, the countries of its
partners and the fields of cooperation its select offers. A write changes each at once; a filtered
list is read as it is. The read cache is off, so that only the kept figures are tried."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cities.models import CooperationField, Relationship
from tests.builders import new_place

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def read_cache_off(settings):
    settings.READ_CACHE = False


def directory_pairs(client, query=None):
    """Every row of the directory, page after page: (Chinese place, foreign place, kind)."""
    first = client.get("/relationships/", query or {})
    pages = first.context["paginator"].num_pages
    rows = list(first.context["object_list"])
    for number in range(2, pages + 1):
        rows += client.get("/relationships/", {**(query or {}), "page": number}).context[
            "object_list"
        ]
    assert len(rows) == first.context["paginator"].count
    return [(row.chinese_place.name_en, row.foreign_place.name_en, row.kind) for row in rows]


def plain_pairs(order):
    rows = Relationship.objects.select_related("chinese_place", "foreign_place").order_by(*order)
    return [(row.chinese_place.name_en, row.foreign_place.name_en, row.kind) for row in rows]


def names(pairs):
    """The directory's order (its keys are the places' names; rows that tie on both may
    come in either order)."""
    return [(chinese, foreign) for chinese, foreign, _kind in pairs]


def control(client, name, query=None):
    controls = client.get("/relationships/", query or {}).context["filter_controls"]
    return next(control for control in controls if control.name == name)


def test_the_directory_order_and_number_follow_every_write(client, world):
    by_chinese = ["chinese_place__name_en", "foreign_place__name_en"]
    by_foreign = ["foreign_place__name_en", "chinese_place__name_en"]
    assert names(directory_pairs(client)) == names(plain_pairs(by_chinese))
    added = Relationship.objects.create(
        chinese_place=world.away, foreign_place=world.partner_c, kind="sister"
    )
    pairs = directory_pairs(client)
    assert ("Elsewhere", "Testc", "sister") in pairs
    assert names(pairs) == names(plain_pairs(by_chinese))
    # A renamed place moves its relationships: the order is its new name's.
    world.away.name_en = "Aaaa Elsewhere"
    world.away.save()
    pairs = directory_pairs(client)
    assert pairs[0] == ("Aaaa Elsewhere", "Testc", "sister")
    assert names(pairs) == names(plain_pairs(by_chinese))
    assert names(directory_pairs(client, {"sort": "-foreign"})) == names(
        plain_pairs([f"-{key}" for key in by_foreign])
    )
    added.delete()
    pairs = directory_pairs(client)
    assert ("Aaaa Elsewhere", "Testc", "sister") not in pairs
    assert len(pairs) == Relationship.objects.count()


def test_a_filtered_directory_is_read_as_it_is(client, world):
    Relationship.objects.create(
        chinese_place=world.away, foreign_place=world.partner_c, kind="sister"
    )
    away = {"chinese_place": "test-away"}
    assert directory_pairs(client, away) == [("Elsewhere", "Testc", "sister")]


def test_the_country_select_follows_every_write(client, world):
    def countries(query=None):
        # The select's markup is kept for the generation (``control_markup``).
        markup = str(control(client, "country", query).options_html)
        return set(re.findall(r'<option value="([^"]*)"', markup)), markup

    assert "IS" not in countries()[0]
    reykjavik = new_place("test-kept-reykjavik", "测试雷克雅未克", "city", "IS")
    relationship = Relationship.objects.create(chinese_place=world.away, foreign_place=reykjavik)
    assert "IS" in countries()[0]
    assert '<option value="IS" selected>' in countries({"country": "IS"})[1]
    assert '<option value="IS" selected>' not in countries()[1]
    # A partner moved to another country moves the select's country with it; a place
    # that is no relationship's partner lists no country.
    reykjavik.country = "GL"
    reykjavik.save()
    assert "GL" in countries()[0] and "IS" not in countries()[0]
    new_place("test-kept-oslo", "测试奥斯陆", "city", "NO")
    relationship.delete()
    assert not {"GL", "IS", "NO"} & countries()[0]


def test_the_field_select_is_read_once_and_follows_every_write(client, world):
    def fields(query=None):
        with CaptureQueriesContext(connection) as queries:
            markup = str(control(client, "field", query).options_html)
        read = [q for q in queries if 'FROM "cities_cooperationfield"' in q["sql"]]
        return markup, len(read)

    markup, read = fields()
    assert read == 1 and ">经贸<" in markup
    markup, read = fields()
    assert read == 0 and ">经贸<" in markup, "kept for the generation"
    field = CooperationField.objects.get(slug="trade")
    field.name_zh = "经贸合作"
    field.save()
    markup, read = fields()
    assert ">经贸合作<" in markup and ">经贸<" not in markup
    # A chosen field is marked in the kept markup (its value is checked by a query).
    assert '<option value="trade" selected>' in fields({"field": "trade"})[0]
    assert '<option value="trade" selected>' not in fields()[0]


def api_rows(client, query=None):
    """Every record of the API's list, page after page: (id, Chinese place, foreign place)."""
    rows, offset = [], 0
    while True:
        answer = client.get("/api/relationships/", {**(query or {}), "offset": offset}).json()
        rows += [
            (row["id"], row["chinese_place"]["name_zh"], row["foreign_place"]["name_zh"])
            for row in answer["results"]
        ]
        offset += 50
        if offset >= answer["count"]:
            assert len(rows) == answer["count"]
            return rows


def test_the_api_list_order_and_count_follow_every_write(client, world):
    def plain(*order):
        rows = Relationship.objects.select_related("chinese_place", "foreign_place")
        return [
            (row.chinese_place.name_zh, row.foreign_place.name_zh) for row in rows.order_by(*order)
        ]

    def names(rows):
        return [(chinese, foreign) for _id, chinese, foreign in rows]

    default = ["chinese_place", "foreign_place", "kind"]
    assert names(api_rows(client)) == plain(*default)
    added = Relationship.objects.create(
        chinese_place=world.away, foreign_place=world.partner_c, kind="sister"
    )
    rows = api_rows(client)
    assert added.pk in [pk for pk, _chinese, _foreign in rows]
    assert names(rows) == plain(*default)
    world.partner_c.name_zh = "测试改名丙市"
    world.partner_c.save()
    assert ("别市", "测试改名丙市") in names(api_rows(client))
    ordering = {"ordering": "-foreign_place"}
    assert names(api_rows(client, ordering))[0] == plain("-foreign_place__name_zh")[0]
    added.delete()
    rows = api_rows(client)
    assert added.pk not in [pk for pk, _chinese, _foreign in rows]
    assert len(rows) == Relationship.objects.count()
