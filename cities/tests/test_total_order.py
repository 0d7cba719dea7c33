"""Every paged list of places and relationships is in a total order: the primary key is its
last key. Places of one country may share their names, and so may two relationships'
places; without the id an ordered page (LIMIT/OFFSET) may show such a tied row twice, on
two pages, and another not at all: PostgreSQL's top-N sort orders ties differently for
different limits and offsets.

The lists here are walked page by page over many tied rows (a dozen same-named Chinese
cities, each a partner of a dozen same-named foreign towns), whole and filtered, and each
row must be seen exactly once. Only on PostgreSQL can a walk fail: SQLite's sort keeps tied
rows as it reads them, the same for every page. The orders themselves are checked on every
database by the last two tests of the module's first part (each ends with the id; the
directory's year sort is made from its list)."""

import pytest

from cities.choices import RelationshipKind
from cities.models import Place, Relationship
from cities.views import PlaceListView, RelationshipListView
from tests.builders import same_named_places

pytestmark = pytest.mark.django_db

TWINS = 12
# Same-named foreign towns, the partners among them first: more than a directory's page.
TWIN_TOWNS = 60
# A country no relationship of the loaded registry is with: the filtered lists below hold
# the tied rows alone.
TWIN_COUNTRY = "TV"
# A page size that no group of ties fills exactly.
API_LIMIT = 7
# The filtered lists walked and the rows each should hold: a filter applied through the
# FilterSet's DISTINCT, a search, a filter that keeps most of the registry.
RELATIONSHIP_FILTERS = {
    f"country={TWIN_COUNTRY}": Relationship.objects.filter(foreign_place__country=TWIN_COUNTRY),
    "q=Twin": Relationship.objects.filter(chinese_place__name_en="Twin City"),
    "kind=sister": Relationship.objects.filter(kind=RelationshipKind.SISTER),
}
PLACE_FILTERS = {
    f"country={TWIN_COUNTRY}": Place.objects.filter(country=TWIN_COUNTRY),
    "q=Twin": Place.objects.filter(name_en__startswith="Twin "),
    "side=foreign": Place.objects.foreign(),
}
# The directories' sorts, some of them backwards too.
RELATIONSHIP_SORTS = ["chinese", "-chinese", "foreign", "country", "year", "-year", "kind"]
PLACE_SORTS = ["name", "-name", "country", "partners"]


@pytest.fixture
def twins(db, no_read_cache):
    """TWINS Chinese cities called 测试同名市 (Twin City), TWIN_TOWNS foreign towns called
    测试同名岛 (Twin Isle), and a sister-city relationship between each of the first and
    each of the first TWINS of the second: every relationship's places have the same
    names. The relationships' ids are returned."""
    chinese, foreign = same_named_places(TWINS, TWIN_TOWNS, TWIN_COUNTRY)
    return [
        Relationship.objects.create(
            chinese_place=home, foreign_place=partner, kind=RelationshipKind.SISTER
        ).pk
        for home in chinese
        for partner in foreign[:TWINS]
    ]


def api_walk(client, url, limit=API_LIMIT):
    """The ids of an API list's rows, page by page (``limit``/``offset``)."""
    separator = "&" if "?" in url else "?"
    seen, offset = [], 0
    while True:
        response = client.get(f"{url}{separator}limit={limit}&offset={offset}")
        assert response.status_code == 200, response.content
        body = response.json()
        seen += [row["id"] for row in body["results"]]
        offset += limit
        if offset >= body["count"]:
            return seen


def directory_walk(client, url):
    """The ids of an HTML directory's rows, page by page (``page``)."""
    separator = "&" if "?" in url else "?"
    seen, number = [], 1
    while True:
        response = client.get(f"{url}{separator}page={number}")
        assert response.status_code == 200
        seen += [row.pk for row in response.context["object_list"]]
        if not response.context["page_obj"].has_next():
            return seen
        number += 1


def assert_each_once(seen, expected):
    assert len(seen) == len(set(seen)), "a row on two pages"
    assert sorted(seen) == sorted(expected)


@pytest.mark.parametrize("model", [Place, Relationship])
def test_default_order_ends_with_primary_key(model):
    assert model._meta.ordering[-1] == "pk"


@pytest.mark.parametrize("view", [PlaceListView, RelationshipListView])
def test_every_directory_sort_ends_with_primary_key(view):
    for _label, fields in view.sort_options.values():
        assert fields[-1] == "pk"


@pytest.mark.parametrize("query", RELATIONSHIP_FILTERS)
def test_api_relationships_filtered_each_once(client, twins, query):
    expected = RELATIONSHIP_FILTERS[query].values_list("pk", flat=True)
    assert_each_once(api_walk(client, f"/api/relationships/?{query}"), expected)


def test_api_relationships_whole_list_each_once(client, twins):
    everything = Relationship.objects.values_list("pk", flat=True)
    assert_each_once(api_walk(client, "/api/relationships/"), everything)


@pytest.mark.parametrize("query", PLACE_FILTERS)
def test_api_places_filtered_each_once(client, twins, query):
    expected = PLACE_FILTERS[query].values_list("pk", flat=True)
    assert_each_once(api_walk(client, f"/api/places/?{query}"), expected)


def test_api_places_whole_list_each_once(client, twins):
    everything = Place.objects.values_list("pk", flat=True)
    assert_each_once(api_walk(client, "/api/places/", limit=97), everything)


# Each sort over the twins alone; the other filters in the default sort.
DIRECTORY_WALKS = [
    *(f"country={TWIN_COUNTRY}&sort={sort}" for sort in RELATIONSHIP_SORTS),
    "q=Twin",
    "kind=sister",
]


@pytest.mark.parametrize("query", DIRECTORY_WALKS)
def test_relationship_directory_filtered_each_once(client, twins, query):
    expected = RELATIONSHIP_FILTERS[query.split("&")[0]].values_list("pk", flat=True)
    assert_each_once(directory_walk(client, f"/relationships/?{query}"), expected)


def test_relationship_directory_whole_list_each_once(client, twins):
    everything = Relationship.objects.values_list("pk", flat=True)
    assert_each_once(directory_walk(client, "/relationships/"), everything)


@pytest.mark.parametrize(
    "query",
    [*(f"country={TWIN_COUNTRY}&sort={sort}" for sort in PLACE_SORTS), "q=Twin", "side=foreign"],
)
def test_place_directory_filtered_each_once(client, twins, query):
    expected = PLACE_FILTERS[query.split("&")[0]].values_list("pk", flat=True)
    assert_each_once(directory_walk(client, f"/places/?{query}"), expected)


def test_place_directory_whole_list_each_once(client, twins):
    everything = Place.objects.values_list("pk", flat=True)
    assert_each_once(directory_walk(client, "/places/"), everything)
