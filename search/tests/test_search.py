"""The one search box on the loaded registry: simplified and traditional characters,
pinyin with or without tones and spaces, English and local names, aliases, two-character
names, exact matches first; and the search page in both languages."""

import pytest

from search.selectors import search

pytestmark = pytest.mark.django_db

ENGLISH_SEARCH = "/en/search/"


def place_slugs(query):
    return [place.slug for place in search(query).places.rows]


@pytest.mark.parametrize("query", ["濟南", "济南", "jinan", "ji nan", "Jǐnán", "JINAN", "济南市"])
def test_jinan_in_any_script_or_spelling_comes_first(query):
    assert place_slugs(query)[0] == "jinan"


@pytest.mark.parametrize("query", ["oita", "Oita", "大分", "大分市", "dafen"])
def test_oita_by_english_name_short_chinese_name_or_pinyin(query):
    assert place_slugs(query)[0] == "oita"


def test_an_alias_finds_the_place():
    assert "borlange" in place_slugs("博伦厄")  # the report also writes 博朗厄
    assert "borlange" in place_slugs("Borlange")  # without the accent
    assert "mannheim" in place_slugs("曼姆")


def test_exact_matches_rank_before_longer_names():
    # "jinzhong" is a whole name; no other place starts with it, but pinyin "jin" is in many.
    results = place_slugs("jin")
    assert results, "jin matches Jinan, Jinzhong and more"
    assert place_slugs("jinzhong")[0] == "jinzhong"
    assert place_slugs("晋中")[0] == "jinzhong"


def test_relationships_exchanges_and_awards_are_found_through_their_places():
    results = search("oita")
    pairs = {(r.chinese_place.slug, r.foreign_place.slug) for r in results.relationships.rows}
    assert ("wuhan", "oita") in pairs
    assert any(award.place and award.place.slug == "oita" for award in results.awards.rows)
    garden = search("中国园")
    assert any("中国园" in exchange.title_zh for exchange in garden.exchanges.rows)


def test_two_names_find_the_pair():
    pairs = {
        (r.chinese_place.slug, r.foreign_place.slug) for r in search("武汉 大分").relationships.rows
    }
    assert ("wuhan", "oita") in pairs


def test_nothing_for_punctuation_or_an_unknown_name():
    assert search("！？").total == 0
    assert search("Zzyzx Atlantis").total == 0


def test_search_page_shows_grouped_results_with_links(client):
    body = client.get("/search/", {"q": "大分"}).content.decode()
    assert 'href="/places/oita/"' in body
    assert "武汉市 – 大分市" in body
    assert "对华友好城市交流合作奖" in body


def test_search_page_in_english(client):
    body = client.get(ENGLISH_SEARCH, {"q": "jinan"}).content.decode()
    assert 'href="/en/places/jinan/"' in body
    assert "Places" in body and "results found" in body


def test_search_page_says_when_nothing_is_found(client):
    chinese = client.get("/search/", {"q": "Atlantis"}).content.decode()
    assert "没有找到与“Atlantis”相关的记录" in chinese
    english = client.get(ENGLISH_SEARCH, {"q": "Atlantis"}).content.decode()
    assert "Nothing found for “Atlantis”" in english


def test_search_page_survives_odd_input(client):
    for query in ("%", "_", "'; drop table", "x" * 1000, "\\", "|"):
        assert client.get("/search/", {"q": query}).status_code == 200
