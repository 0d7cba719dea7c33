"""Queries of one or two characters (武汉, 大分, 合): on PostgreSQL they are answered from
n-gram indexes (a trigram index holds nothing for them), and whatever path changes a name
or a title, the next search finds the record by its new text and not by its old one. The
same tests run on SQLite, where the same queries scan. Run with ``DATABASE_URL`` for
PostgreSQL."""

import pytest
from django.db import connection
from django.db.models import Q

from awards.models import Award
from cities.filtersets import PlaceFilterSet, RelationshipFilterSet
from cities.models import Place, Relationship
from exchanges.filtersets import ExchangeFilterSet
from exchanges.models import Exchange
from search.selectors import search
from tests.builders import chinese_test_place, new_exchange, new_foreign_place, new_relationship
from utilities.filtersets import key_q, text_q
from utilities.search import search_keys
from utilities.testing.queries import index_plan as plan

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the n-gram indexes exist on PostgreSQL only"
)

# Characters no real place or title holds, so a query finds the test's records only.
RARE = "鼋鼍"


def found_places(query):
    return set(Place.objects.filter(PlaceFilterSet.search_q(query)).values_list("slug", flat=True))


def found_exchanges(query):
    filterset = ExchangeFilterSet({"q": query}, queryset=Exchange.objects.all())
    return set(filterset.qs.values_list("pk", flat=True))


def test_a_renamed_place_is_found_by_its_new_name_alone():
    partner = new_foreign_place()
    assert partner.slug not in found_places(RARE)
    partner.name_zh = f"{RARE}市"
    partner.save()
    assert partner.slug in found_places(RARE)
    assert partner.slug in found_places(RARE[0])
    assert partner.slug in found_places(RARE[1])
    assert partner.slug in [row.slug for row in search(RARE).places.rows]
    partner.name_zh = "测试伙伴市"
    partner.save()
    assert partner.slug not in found_places(RARE)
    assert partner.slug not in found_places(RARE[0])


def test_keys_written_in_bulk_are_found():
    # A queryset update (as a bulk import or ``refresh_search_text`` writes the keys).
    partner = new_foreign_place()
    Place.objects.filter(pk=partner.pk).update(search_text=search_keys(f"{RARE}湾"))
    assert partner.slug in found_places(RARE)
    assert partner.slug in found_places("湾")
    Place.objects.filter(pk=partner.pk).update(search_text=search_keys("测试伙伴市"))
    assert partner.slug not in found_places(RARE)


def test_an_exchange_is_found_by_one_or_two_characters_of_its_new_title():
    exchange = new_exchange(chinese_test_place())
    assert exchange.pk not in found_exchanges(RARE)
    Exchange.objects.filter(pk=exchange.pk).update(title_zh=f"{RARE}交流", title_en="Qx visit")
    assert exchange.pk in found_exchanges(RARE)
    assert exchange.pk in found_exchanges(RARE[1])
    assert exchange.pk in found_exchanges("qx")  # any case, as icontains
    assert exchange.pk in found_exchanges("QX")
    assert exchange.pk in [row.pk for row in search(RARE).exchanges.rows]
    exchange.title_zh = "测试交流"
    exchange.title_en = "A visit"
    exchange.save()
    assert exchange.pk not in found_exchanges(RARE)
    assert exchange.pk not in found_exchanges("qx")


def test_a_relationship_is_found_by_two_characters_of_its_notes_and_its_partner():
    relationship = new_relationship(chinese_test_place())
    finds = RelationshipFilterSet.search_q
    assert not Relationship.objects.filter(finds(RARE)).exists()
    Relationship.objects.filter(pk=relationship.pk).update(notes=f"据{RARE}报道")
    assert list(Relationship.objects.filter(finds(RARE))) == [relationship]
    relationship.foreign_place.name_zh = "鼋头渚"
    relationship.foreign_place.save()
    assert list(Relationship.objects.filter(finds("鼋头"))) == [relationship]


@on_postgresql
@pytest.mark.parametrize("query", ["武汉", "合"])
def test_short_queries_read_the_ngram_indexes(query):
    assert "search_place_keys_grams" in plan(Place.objects.filter(key_q(query)).order_by())
    titles = Exchange.objects.filter(text_q(query, "title_zh", "title_en")).order_by()
    text = plan(titles)
    assert "search_exchange_title_zh_grams" in text
    assert "search_exchange_title_en_grams" in text
    notes = Relationship.objects.filter(text_q(query, "wording", "notes")).order_by()
    assert "search_relationship_notes_grams" in plan(notes)


@on_postgresql
def test_longer_queries_and_columns_without_ngrams_keep_the_plain_like():
    sql = str(Exchange.objects.filter(text_q("武汉市", "title_zh")).query)
    assert "search_grams" not in sql and "LIKE" in sql
    sql = str(Award.objects.filter(text_q("武汉", "notes")).query)
    assert "search_grams" not in sql and "LIKE" in sql


@on_postgresql
@pytest.mark.parametrize("text", ["", "a", "武汉", "|武汉|wuhan|", "Weiß Straße 7", "a\tb c"])
def test_the_ngrams_are_every_character_and_pair_of_a_text(text):
    with connection.cursor() as cursor:
        cursor.execute("SELECT search_grams(%s)", [text])
        grams = set(cursor.fetchone()[0])
    expected = {text[i : i + n] for n in (1, 2) for i in range(len(text) - n + 1)}
    # The only extra a cut can leave is an empty string, which no query asks for.
    assert grams - {""} == expected


@on_postgresql
def test_the_places_stored_ngrams_follow_their_keys():
    partner = new_foreign_place()
    Place.objects.filter(pk=partner.pk).update(search_text="|ab|")
    with connection.cursor() as cursor:
        cursor.execute("SELECT search_text_grams FROM cities_place WHERE id = %s", [partner.pk])
        grams = set(cursor.fetchone()[0]) - {""}
    assert grams == {"|", "a", "b", "|a", "ab", "b|"}
    # Only the places that hold the key, exactly as the plain LIKE finds them.
    plain = Place.objects.filter(Q(search_text__contains="ab"))
    assert set(Place.objects.filter(key_q("ab"))) == set(plain)
