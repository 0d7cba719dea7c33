"""One place tree of any depth: a park inside a development zone inside a district inside a
city inside a province counts for its zone, district, city and province everywhere — the
queryset, the public pages and directories, the API's filters, the comparisons (site and
API), the office dashboard and the office rule (admin and API). Runs on SQLite and
PostgreSQL alike (the tree is one recursive query)."""

import datetime

import pytest
from django.db.models import F, Func, OuterRef, Subquery
from django.urls import reverse
from rest_framework.test import APIClient

from cities.choices import FigureMetric, PlaceLevel, RelationshipKind, Stage
from cities.models import Place, Relationship, RelationshipStage, ReportedFigure
from dashboard.views import anniversaries, quiet_partners
from exchanges.choices import ExchangeKind
from exchanges.models import Exchange
from offices.rules import can_change
from tests.builders import cite, office_user
from utilities.testing.admin import change_url

pytestmark = pytest.mark.django_db

LEVELS = [
    ("province", "深测省", PlaceLevel.PROVINCE),
    ("city", "深测市", PlaceLevel.PREFECTURE_CITY),
    ("district", "深测区", PlaceLevel.DISTRICT),
    ("zone", "深测开发区", PlaceLevel.DEVELOPMENT_ZONE),
    ("park", "深测科技园", PlaceLevel.DEVELOPMENT_ZONE),
]


@pytest.fixture
def tree():
    """province → city → district → development zone → a park inside the zone, with a
    partner of the park (signed on 1 June 2016), an exchange and a figure for the city."""
    nodes, parent = {}, None
    for key, name, level in LEVELS:
        parent = nodes[key] = Place.objects.create(
            slug=f"test-deep-{key}",
            name_zh=name,
            name_en=f"Deeptest {key.title()}",
            level=level,
            country="CN",
            parent=parent,
        )
    partner = Place.objects.create(
        slug="test-deep-partner",
        name_zh="深测伙伴市",
        name_en="Deeptest Partner",
        level=PlaceLevel.CITY,
        country="JP",
    )
    relationship = Relationship.objects.create(
        chinese_place=nodes["park"],
        foreign_place=partner,
        kind=RelationshipKind.SISTER,
        stage=Stage.AGREEMENT,
    )
    relationship.citations.set([cite(nodes["city"])])
    RelationshipStage.objects.create(
        relationship=relationship, stage=Stage.AGREEMENT, date_year=2016, date_month=6, date_day=1
    )
    Exchange.objects.create(
        title_zh="深测交流周",
        kind=ExchangeKind.EVENT,
        chinese_place=nodes["park"],
        relationship=relationship,
        start_year=2017,
    )
    ReportedFigure.objects.create(
        chinese_place=nodes["city"], metric=FigureMetric.SISTER_CITIES, value=1, as_of_year=2020
    )
    return {**nodes, "partner": partner, "relationship": relationship}


ABOVE_THE_PARK = ["province", "city", "district", "zone", "park"]


@pytest.mark.parametrize("key", ABOVE_THE_PARK)
def test_the_park_is_within_every_place_above_it(tree, key):
    inside = Place.objects.within(tree[key])
    assert tree["park"] in inside
    assert Relationship.objects.filter(chinese_place__in=inside).get() == tree["relationship"]


def test_a_place_is_not_within_a_place_inside_it(tree):
    assert tree["zone"] not in Place.objects.within(tree["park"])
    assert set(Place.objects.within(tree["district"])) == {
        tree["district"],
        tree["zone"],
        tree["park"],
    }


def test_within_several_places(tree):
    both = Place.objects.within(tree["zone"], tree["partner"])
    assert set(both) == {tree["zone"], tree["park"], tree["partner"]}


def test_within_starts_at_the_place_and_reads_its_branch_only(tree, django_assert_num_queries):
    inside = Place.objects.within(tree["zone"])
    # The branch is followed down from the zone, not built from every root of the tree.
    assert "__tree" not in str(inside.query)
    with django_assert_num_queries(1):
        assert set(inside) == {tree["zone"], tree["park"]}


def test_within_an_outer_place_counts_the_places_inside_each(tree):
    # The outer reference is to the same table as the recursive query's own rows.
    inside = (
        Place.objects.within(OuterRef("pk"))
        .order_by()
        .annotate(n=Func(F("pk"), function="COUNT"))
        .values("n")
    )
    counts = dict(
        Place.objects.filter(slug__startswith="test-deep-")
        .annotate(n=Subquery(inside))
        .values_list("slug", "n")
    )
    assert counts == {
        "test-deep-province": 5,
        "test-deep-city": 4,
        "test-deep-district": 3,
        "test-deep-zone": 2,
        "test-deep-park": 1,
        "test-deep-partner": 1,
    }


def test_paths_climb_from_each_node_to_its_root(tree, django_assert_num_queries):
    keys = [key for key, _name, _level in LEVELS]
    with django_assert_num_queries(1):
        paths = Place.objects.filter(slug__in=["test-deep-park", "test-deep-city"]).paths()
    assert paths == {
        tree["park"].pk: [tree[key].pk for key in keys],
        tree["city"].pk: [tree["province"].pk, tree["city"].pk],
    }
    assert Place.objects.none().paths() == {}
    assert Place.objects.filter(pk=tree["partner"].pk).paths() == {
        tree["partner"].pk: [tree["partner"].pk]
    }


def test_ancestors_from_the_root_down(tree, django_assert_num_queries):
    keys = [key for key, _name, _level in LEVELS]
    with django_assert_num_queries(2):
        assert list(Place.objects.ancestors(tree["park"])) == [tree[key] for key in keys[:-1]]
    assert list(Place.objects.ancestors(tree["zone"].pk, include_self=True)) == [
        tree[key] for key in keys[:-1]
    ]
    with django_assert_num_queries(0):
        assert list(Place.objects.ancestors(tree["province"])) == []
    assert list(Place.objects.ancestors(tree["province"], include_self=True)) == [tree["province"]]


def test_a_cycle_written_past_the_checks_ends_the_walks(tree):
    # The parent checks refuse a cycle on every write path; a query that bypasses them
    # must still not make the tree's queries loop.
    Place.objects.filter(pk=tree["province"].pk).update(parent=tree["park"])
    assert set(Place.objects.within(tree["zone"])) == {tree[key] for key, _name, _level in LEVELS}
    assert tree["zone"].pk in Place.objects.filter(pk=tree["zone"].pk).paths()[tree["zone"].pk]


@pytest.mark.parametrize("key", ["province", "city"])
def test_place_page_lists_the_parks_partner(client, tree, key):
    page = client.get(reverse("cities:place", args=[tree[key].slug])).content.decode()
    assert "深测伙伴市" in page
    assert "深测交流周" in page


def test_the_parks_page_shows_every_place_above_it(client, tree):
    page = client.get(reverse("cities:place", args=[tree["park"].slug])).content.decode()
    breadcrumbs = page.split('class="breadcrumbs"')[1].split("</p>")[0]
    order = [breadcrumbs.index(name) for _key, name, _level in LEVELS[:4]]
    assert order == sorted(order)


@pytest.mark.parametrize("key", ["province", "city", "district", "zone"])
def test_site_directories_filter_by_any_place_above(client, tree, key):
    for url in ("/relationships/", "/exchanges/"):
        page = client.get(url, {"chinese_place": tree[key].slug}).content.decode()
        assert "深测伙伴市" in page or "深测交流周" in page, url


@pytest.mark.parametrize("key", ["province", "city", "zone"])
def test_api_filters_by_any_place_above(tree, key):
    api = APIClient()
    for endpoint in ("relationships", "relationship-stages", "exchanges"):
        for name, value in (("chinese_place", tree[key].slug), ("chinese_place_id", tree[key].pk)):
            rows = api.get(f"/api/{endpoint}/", {name: value}).json()["results"]
            assert len(rows) == 1, (endpoint, name)
    figures = api.get("/api/reported-figures/", {"chinese_place": tree["province"].slug}).json()
    assert [row["value"] for row in figures["results"]] == [1]


def test_the_city_comparison_counts_the_park_on_the_site_and_in_the_api(tree):
    (comparison,) = tree["city"].reported_vs_recorded()
    assert (comparison.recorded, comparison.missing) == (1, 0)
    row = APIClient().get(f"/api/comparisons/{tree['city'].pk}/").json()
    assert [(f["recorded"], f["missing"]) for f in row["figures"]] == [(1, 0)]


@pytest.mark.parametrize("key", ["province", "city"])
def test_the_dashboard_counts_the_park(tree, key):
    quiet = quiet_partners(tree[key], years=3, today=datetime.date(2019, 1, 1))
    assert [row.relationship for row in quiet] == []  # the 2017 exchange is recent
    quiet = quiet_partners(tree[key], years=3, today=datetime.date(2025, 1, 1))
    assert [row.relationship for row in quiet] == [tree["relationship"]]
    coming = anniversaries(tree[key], today=datetime.date(2026, 1, 1))
    assert [(row.relationship, row.years) for row in coming] == [(tree["relationship"], 10)]


def test_the_city_office_keeps_the_park_and_a_new_place_inside_it(client, tree):
    staff = office_user("test-deep-staff", tree["city"].slug)
    assert can_change(staff, tree["relationship"])
    assert can_change(staff, tree["park"])
    # A place not saved yet, below the park: judged by its parents held in memory.
    square = Place(slug="test-deep-square", name_zh="深测广场", country="CN", parent=tree["park"])
    nested = Place(slug="test-deep-corner", name_zh="深测角", country="CN", parent=square)
    assert can_change(staff, nested)
    other = office_user("test-deep-other", "zhenjiang")
    assert not can_change(other, tree["relationship"])
    assert not can_change(other, nested)

    client.force_login(staff)
    page = client.get(change_url(tree["relationship"])).content.decode()
    assert 'name="_save"' in page
    api = APIClient()
    api.force_authenticate(staff)
    url = f"/api/relationships/{tree['relationship'].pk}/"
    assert api.patch(url, {"notes": "深测"}, format="json").status_code == 200
    api.force_authenticate(other)
    assert api.patch(url, {"notes": "越权"}, format="json").status_code == 403


def test_an_exchange_of_the_city_may_belong_to_the_parks_relationship(tree):
    exchange = Exchange(
        title_zh="深测市代表团",
        kind=ExchangeKind.DELEGATION,
        chinese_place=tree["city"],
        relationship=tree["relationship"],
        start_year=2018,
    )
    exchange.full_clean()
    exchange.chinese_place = Place.objects.get(slug="zhenjiang")
    with pytest.raises(Exception, match="该关系的中方不是这个地方"):
        exchange.full_clean()
