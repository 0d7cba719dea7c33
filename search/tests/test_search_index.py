"""Search with an index: on PostgreSQL the places' stored keys and the exchanges' and
relationships' texts carry pg_trgm GIN indexes that the ``q`` filters' queries, as Django
writes them, can read; on SQLite the same queries scan. Either way the search finds a place
by simplified or traditional characters, pinyin, English or an alias (two-character names
included), and exchanges by their place, their title or a place they involve; the results
page stays bounded however many records match. Run with ``DATABASE_URL`` for PostgreSQL."""

import re

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from awards.filtersets import AwardFilterSet
from awards.models import Award
from cities.filtersets import RelationshipFilterSet
from cities.models import Place, Relationship
from exchanges.filtersets import ExchangeFilterSet
from exchanges.models import Exchange
from search.selectors import RESULTS_PER_GROUP, PlaceMatches, rank, ranked_places, search
from tests.builders import add_rows
from utilities.filtersets import key_q
from utilities.search import query_key
from utilities.testing.queries import index_plan as plan

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigram indexes exist on PostgreSQL only"
)

INDEXES = {
    "cities_place_search_trgm": "(search_text gin_trgm_ops)",
    "search_exchange_title_zh_trgm": "(upper((title_zh)::text) gin_trgm_ops)",
    "search_exchange_title_en_trgm": "(upper((title_en)::text) gin_trgm_ops)",
    "search_exchange_description_trgm": "(upper(description) gin_trgm_ops)",
    "search_relationship_wording_trgm": "(upper((wording)::text) gin_trgm_ops)",
    "search_relationship_notes_trgm": "(upper(notes) gin_trgm_ops)",
}


@on_postgresql
def test_the_trigram_indexes_exist():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname = ANY(%s)",
            [list(INDEXES)],
        )
        found = dict(cursor.fetchall())
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone()
    assert set(found) == set(INDEXES)
    for name, definition in found.items():
        # A short pending list: a lookup never reads thousands of unmerged rows.
        ending = f"{INDEXES[name]} WITH (gin_pending_list_limit='64')"
        assert "USING gin" in definition and definition.endswith(ending), definition


@on_postgresql
def test_the_queries_as_django_writes_them_read_the_indexes():
    # As the filters' subqueries read them: unordered (on a few test rows an ordered read
    # may walk the index of the default order instead: the places' (country, name_zh), the
    # exchanges' start date).
    places = Place.objects.filter(search_text__contains="wuhan").order_by()
    assert "cities_place_search_trgm" in plan(places)
    titles = Exchange.objects.filter(title_en__icontains="garden").order_by()
    assert "search_exchange_title_en_trgm" in plan(titles)
    # The filters' own query: the exchange search is an OR of indexed conditions.
    matched = ExchangeFilterSet({"q": "mannheim"}, queryset=Exchange.objects.all()).qs
    text = plan(matched)
    # The titles' branch reads the titles' indexes; no branch reads every exchange. (On a
    # few test rows the planner may read the places by their primary key instead.)
    for name in ("title_zh", "title_en", "description"):
        assert f"search_exchange_{name}_trgm" in text
    assert "Seq Scan" not in text


@on_postgresql
def test_the_exchanges_are_read_in_the_search_pages_order_from_an_index():
    # Newest first, then by id: a query that matches nearly every exchange reads its page
    # from this index and stops, where it sorted a whole year of exchanges by id.
    newest = Exchange.objects.order_by("-start_year", "pk")[:20]
    with connection.cursor() as cursor:
        # On a test database's few rows the planner may, by cost, finish the order of an
        # index on the year alone with an incremental sort: the index that holds the whole
        # order is the one asked about (without it, the plan sorts and the test fails).
        cursor.execute("SET LOCAL enable_incremental_sort = off")
        cursor.execute("SET LOCAL enable_sort = off")
        try:
            assert "search_exchange_year_id" in plan(newest)
        finally:
            cursor.execute("SET LOCAL enable_incremental_sort = on")
            cursor.execute("SET LOCAL enable_sort = on")


def scanned(query):
    """What a plain scan finds for ``query``: each exchange whose title or description
    holds it (any case), or one of whose places has its key; each relationship whose
    wording or notes hold it, or one of whose places has its key."""
    key = query_key(query)
    texts = Q(title_zh__icontains=query) | Q(title_en__icontains=query)
    texts |= Q(description__icontains=query)
    exchanges = Exchange.objects.filter(
        texts
        | Q(chinese_place__search_text__contains=key)
        | Q(relationship__foreign_place__search_text__contains=key)
        | Q(places__search_text__contains=key)
    )
    relationships = Relationship.objects.filter(
        Q(wording__icontains=query)
        | Q(notes__icontains=query)
        | Q(chinese_place__search_text__contains=key)
        | Q(foreign_place__search_text__contains=key)
    )
    return set(exchanges.values_list("pk", flat=True)), set(
        relationships.values_list("pk", flat=True)
    )


@pytest.mark.parametrize("query", ["大分", "南", "友城", "zy", "ZY", "x"])
def test_one_and_two_character_queries_find_what_a_scan_finds(query):
    add_rows(5)
    exchanges, relationships = scanned(query)
    found = ExchangeFilterSet({"q": query}, queryset=Exchange.objects.all()).qs
    assert set(found.values_list("pk", flat=True)) == exchanges
    found = RelationshipFilterSet({"q": query}, queryset=Relationship.objects.all()).qs
    assert set(found.values_list("pk", flat=True)) == relationships
    assert exchanges and relationships  # something to compare


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("济南", "jinan"),  # simplified
        ("濟南", "jinan"),  # traditional
        ("jinan", "jinan"),  # pinyin
        ("Ji Nan", "jinan"),  # pinyin with a space
        ("Oita", "oita"),  # English
        ("大分", "oita"),  # two characters: below a trigram, still found
        ("博伦厄", "borlange"),  # an alias
        ("Borlänge", "borlange"),  # the local name with its accent
    ],
)
def test_the_search_page_and_the_api_find_a_place_every_way(client, query, slug):
    assert slug in [place.slug for place in search(query).places.rows]
    body = client.get("/search/", {"q": query}).content.decode()
    assert f'href="/places/{slug}/"' in body
    api = client.get("/api/places/", {"q": query}).json()
    assert slug in [row["slug"] for row in api["results"]]


def test_exchanges_are_found_by_title_by_place_and_by_a_place_they_involve():
    add_rows(3)
    # By title only (no place is called so): the text branch.
    assert {e.title_en for e in search("Zyxtest exchange 1").exchanges.rows} == {
        "Zyxtest exchange 1"
    }
    # By a place it involves (the many-to-many places) and by its Chinese place.
    involved = search("测试伙伴2").exchanges.rows
    assert [e.title_zh for e in involved] == ["测试交流2"]
    held = {e.title_zh for e in search("测试市").exchanges.rows}
    assert {"测试交流0", "测试交流1", "测试交流2"} <= held
    # One row per exchange, though it matches on several branches.
    rows = search("Zyxtest").exchanges
    assert rows.total == len({e.pk for e in rows.rows}) == 3


def test_the_results_page_stays_bounded_however_many_match(client):
    add_rows(60)
    results = search("Zyxtest")
    assert results.places.total >= 60 and len(results.places.rows) == RESULTS_PER_GROUP
    body = client.get("/search/", {"q": "Zyxtest"}).content.decode()
    assert len(re.findall(r'href="/places/test-site-partner-\d+/"', body)) <= RESULTS_PER_GROUP
    assert "/places/?q=Zyxtest" in body  # the whole list is the directory's, paginated


@pytest.mark.parametrize(
    "query", ["大分", "oita", "wuhan", "武汉", "jin", "Zyxtest", "测试市", "x"]
)
def test_the_places_read_once_find_and_rank_as_their_keys_do(query):
    # The search page reads the matching places once and hands their ids to every group;
    # each group must find and rank exactly what the FilterSets' own subqueries find.
    add_rows(5)
    key = query_key(query)
    places = PlaceMatches.of(list(ranked_places(key, key_q(key)).values_list("pk", "rank")))
    assert places.ids, "something to compare"
    groups = [
        (RelationshipFilterSet, Relationship, ("chinese_place", "foreign_place")),
        (ExchangeFilterSet, Exchange, ("chinese_place", "relationship__foreign_place")),
        (AwardFilterSet, Award, ("place", "relationship__foreign_place")),
    ]
    for filterset, model, paths in groups:
        by_keys = model.objects.filter(filterset.search_q(query))
        by_ids = model.objects.filter(filterset.search_q(query, place_ids=places.ids))
        assert set(by_ids.values_list("pk", flat=True)) == set(by_keys.values_list("pk", flat=True))
        ranked_by_keys = model.objects.annotate(rank=rank(key, *paths, model=model))
        ranked_by_ids = model.objects.annotate(rank=rank(key, *paths, model=model, places=places))
        assert dict(ranked_by_ids.values_list("pk", "rank")) == dict(
            ranked_by_keys.values_list("pk", "rank")
        )


def test_the_search_makes_as_many_queries_for_many_places_as_for_one(
    django_assert_max_num_queries,
):
    add_rows(30)
    with CaptureQueriesContext(connection) as one:
        search("测试伙伴2")
    with django_assert_max_num_queries(len(one)):
        results = search("Zyxtest")
    assert results.places.total >= 30


@pytest.mark.parametrize("query", ["Zyxtest", "测试市", "oita", "jin"])
def test_many_places_are_looked_up_by_key_with_the_same_results(monkeypatch, query):
    add_rows(5)

    def found(results):
        return [
            (group.total, [row.pk for row in group.rows])
            for group in (results.places, results.relationships, results.exchanges, results.awards)
        ]

    by_ids = found(search(query))
    monkeypatch.setattr("search.selectors.PLACES_BY_ID", 0)
    assert found(search(query)) == by_ids
