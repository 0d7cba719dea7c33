"""The activity picture (exchanges.activity), checked by hand on the loaded registry: the
expected figures are counted from the fixtures in the comments, never by calling the code
under test. Also its API, its pages and the national ranking's constant query count."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cities.choices import Stage
from cities.models import CooperationField, Place, Relationship, RelationshipStage
from exchanges.activity import DEPTH_KINDS, place_activity, ranking, relationship_activity
from exchanges.choices import ExchangeKind
from exchanges.models import Exchange
from loader.keys import fixture_object
from tests.builders import new_exchange, new_place, new_relationship, staff_user, token_client
from utilities import generation
from utilities.partial_dates import PartialDate
from utilities.testing.queries import count_queries

pytestmark = pytest.mark.django_db

# A fixed "today": the length and the rate do not change with the year the suite runs in.
TODAY = datetime.date(2029, 6, 1)


def picture_of(key):
    relationship = fixture_object(key)
    return relationship_activity(Relationship.objects.filter(pk=relationship.pk), TODAY)[
        relationship.pk
    ]


def test_every_exchange_kind_counts_for_one_depth_kind():
    assert set(DEPTH_KINDS) == set(ExchangeKind)


def test_wuhan_oita_by_hand():
    # fixtures/wuhan.yaml, cities.relationship:3001 (Wuhan–Oita):
    # - one stage, agreement 1979 -> began 1979, length 2029 - 1979 = 50 years;
    # - its own fields [1, 2, 3, 5, 6, 7, 8, 9, 12, 14, 15] (11) and its ten exchanges'
    #   fields 3001 [4, 15], 3015 [1], 3027 [1], 3031 [17], 3032 [1], 3033 [2, 6],
    #   3061 [12], 3062 [17], 3067 [9, 13]: new ones 4, 13, 17 -> breadth 14;
    # - kinds: delegation 3014, 3031 + event 3067 = 3 visits; project 3001, 3015, 3032,
    #   3033 = 4 projects; office 3027 = 1; training 3061 + experts 3062 = 2 training
    #   -> depth 4 of 4, 10 exchanges, 10 / 50 = 0.2 a year; none is dated -> no last one.
    picture = picture_of("cities.relationship:3001")
    assert picture.began == PartialDate(1979)
    assert picture.length == 50
    assert picture.breadth == 14
    fixture_fields = {1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 13, 14, 15, 17}
    expected = {fixture_object(f"cities.cooperationfield:{pk}").pk for pk in fixture_fields}
    assert {field.pk for field in picture.fields} == expected
    assert picture.depth_counts == {"visits": 3, "projects": 4, "offices": 1, "training": 2}
    assert picture.depth == 4
    assert picture.exchanges == 10
    assert picture.per_year == 0.2
    assert picture.last is None


def test_jinzhong_beaconsfield_frequency_and_last_exchange():
    # fixtures/jinzhong.yaml, cities.relationship:2007 (Jinzhong–Beaconsfield): intent
    # 2019-08 -> began 2019-08, length 10; fields [1] and exchanges 2001 (delegation,
    # 2019-08, [1]) and 2004 (delegation, 2019-10-22, [1, 15, 8, 3]) -> breadth 4, depth 1
    # (visits 2), 2 exchanges, 0.2 a year, the last on 2019-10-22 (to the day).
    picture = picture_of("cities.relationship:2007")
    assert picture.began == PartialDate(2019, 8)
    assert (picture.length, picture.breadth, picture.depth) == (10, 4, 1)
    assert picture.depth_counts["visits"] == 2
    assert (picture.exchanges, picture.per_year) == (2, 0.2)
    assert picture.last == PartialDate(2019, 10, 22)


def test_a_planned_exchange_does_not_count():
    relationship = fixture_object("cities.relationship:2007")
    Exchange.objects.create(
        title_zh="测试计划交流",
        kind=ExchangeKind.OFFICE,
        chinese_place=relationship.chinese_place,
        relationship=relationship,
        start_year=2031,
        planned=True,
    )
    picture = picture_of("cities.relationship:2007")
    assert (picture.exchanges, picture.depth_counts["offices"]) == (2, 0)
    assert picture.last == PartialDate(2019, 10, 22)


def test_jinzhong_city_gathers_pingyao():
    # fixtures/jinzhong.yaml: Jinzhong (cities.place:12) holds six relationships and
    # Pingyao County (cities.place:2000, inside it) two; the earliest dated step is the
    # Pingyao–Kyakhta intent of 2019-02 -> began 2019-02, length 10. Its twenty
    # exchanges (2000–2019, none planned): projects 2003 only, the rest visits
    # (delegations 2000, 2001, 2002, 2004, 2016, 2018; events 2005–2012, 2015, 2019;
    # conferences 2013, 2014; exhibition 2017) -> depth 2; 20 / 10 = 2.0 a year; the
    # last is 2019-10-28 (exchange 2002). Fields of relationships and exchanges:
    # 1, 2, 3, 8, 9, 15, 16, 17 -> breadth 8.
    jinzhong = fixture_object("cities.place:12")
    picture = place_activity([jinzhong], TODAY)[jinzhong.pk]
    assert picture.relationships == 8
    assert picture.began == PartialDate(2019, 2)
    assert picture.exchanges == 20
    assert picture.depth_counts == {"visits": 19, "projects": 1, "offices": 0, "training": 0}
    assert (picture.depth, picture.breadth, picture.per_year) == (2, 8, 2.0)
    assert picture.last == PartialDate(2019, 10, 28)


def new_field(slug):
    return CooperationField.objects.create(slug=slug, name_zh=slug, name_en=slug)


def exchange_with_fields(place, *fields, planned=False):
    exchange = new_exchange(place)
    if planned:
        Exchange.objects.filter(pk=exchange.pk).update(planned=True)
    exchange.fields.add(*fields)
    return exchange


def test_a_place_picture_gathers_the_fields_of_its_records_and_of_the_places_inside():
    """Breadth from the place's relationships and counted exchanges and from those of
    the places inside it, each field once; not from a planned exchange nor a place
    beside it; none for a place without records."""
    province = new_place("test-fields-province", "测试领域省", "province", "CN")
    city = new_place("test-fields-city", "测试领域市", "prefecture_city", "CN", province)
    county = new_place("test-fields-county", "测试领域县", "county", "CN", city)
    beside = new_place("test-fields-beside", "测试邻市", "prefecture_city", "CN", province)
    quiet = new_place("test-fields-quiet", "测试无交流市", "prefecture_city", "CN", province)
    own, shared, second, inner, planned, other = (
        new_field(f"test-field-{name}")
        for name in ("own", "shared", "second", "inner", "planned", "other")
    )
    new_relationship(city).fields.add(own, shared)
    exchange_with_fields(city, shared, second)
    exchange_with_fields(city, second)
    exchange_with_fields(county, inner)
    exchange_with_fields(city, planned, planned=True)
    exchange_with_fields(beside, other)
    new_exchange(quiet)  # an exchange without fields

    pictures = place_activity([city, county, beside, quiet, province], TODAY)

    def fields(place):
        return [field.slug for field in pictures[place.pk].fields]

    assert fields(city) == ["test-field-own", "test-field-shared", "test-field-second",
                            "test-field-inner"]  # fmt: skip
    assert fields(county) == ["test-field-inner"]
    assert fields(beside) == ["test-field-other"]
    assert fields(quiet) == [] and pictures[quiet.pk].breadth == 0
    assert pictures[province.pk].breadth == 5
    assert (pictures[city.pk].exchanges, pictures[city.pk].breadth) == (3, 4)


def began_on(relationship, stage, *parts):
    year, month, day = (*parts, None, None)[:3]
    RelationshipStage.objects.create(
        relationship=relationship, stage=stage, date_year=year, date_month=month, date_day=day
    )


def test_a_place_picture_begins_with_the_earliest_relationship_inside_it():
    """Each relationship begins with its agreement, else its earliest intent or "active"
    step; a place with the earliest of its own and its inner places' (a year alone
    before the days inside it); none when no step is dated."""
    city = new_place("test-began-city", "测试开始市", "prefecture_city", "CN")
    county = new_place("test-began-county", "测试开始县", "county", "CN", city)
    undated = new_place("test-began-undated", "测试无日期市", "prefecture_city", "CN")
    new_relationship(city)
    new_relationship(undated)
    agreed = new_relationship(city)
    began_on(agreed, Stage.INTENT, 1999)
    began_on(agreed, Stage.AGREEMENT, 2003, 5)  # its agreement, not its earlier intent
    began_on(new_relationship(county), Stage.INTENT, 2001, 4, 2)
    began_on(new_relationship(county), Stage.AGREEMENT, 2001)

    pictures = place_activity([city, county, undated], TODAY)

    assert (pictures[city.pk].relationships, pictures[city.pk].began) == (4, PartialDate(2001))
    assert (pictures[county.pk].relationships, pictures[county.pk].began) == (
        2,
        PartialDate(2001),
    )
    assert (pictures[undated.pk].relationships, pictures[undated.pk].began) == (1, None)


def test_the_last_exchange_is_the_latest_of_every_kind():
    """Counts by kind and the latest date come from one grouped pass: the latest is
    taken across the kinds, a year alone before the days inside it, an undated exchange
    counted but not dated, a planned one neither."""
    city = new_place("test-last-city", "测试最近市", "prefecture_city", "CN")
    relationship = new_relationship(city)
    dates = {
        ExchangeKind.PROJECT: (2021, 3, 9),
        ExchangeKind.DELEGATION: (2021, None, None),
        ExchangeKind.OFFICE: (None, None, None),
        ExchangeKind.TRAINING: (2019, 12, 1),
    }
    for kind, (year, month, day) in dates.items():
        exchange = new_exchange(city)
        Exchange.objects.filter(pk=exchange.pk).update(
            kind=kind, relationship=relationship, start_year=year, start_month=month,
            start_day=day,
        )  # fmt: skip
    planned = new_exchange(city)
    Exchange.objects.filter(pk=planned.pk).update(
        relationship=relationship, start_year=2030, planned=True
    )

    place = place_activity([city], TODAY)[city.pk]
    by_relationship = relationship_activity(Relationship.objects.filter(pk=relationship.pk), TODAY)[
        relationship.pk
    ]
    for picture in (place, by_relationship):
        assert picture.last == PartialDate(2021, 3, 9)
        assert picture.exchanges == 4
        assert picture.depth_counts == {"visits": 1, "projects": 1, "offices": 1, "training": 1}


def test_a_place_picture_makes_the_same_queries_for_many_records():
    city = new_place("test-queries-city", "测试查询市", "prefecture_city", "CN")
    exchange_with_fields(city, new_field("test-queries-first"))

    def queries():
        with CaptureQueriesContext(connection) as captured:
            place_activity([city], TODAY)
        return len(captured)

    before = queries()
    county = new_place("test-queries-county", "测试查询县", "county", "CN", city)
    for index in range(3):
        fields = [new_field(f"test-queries-{index}-{n}") for n in range(2)]
        exchange_with_fields(county if index else city, *fields)
        new_relationship(city).fields.add(fields[0])
    assert queries() == before


def test_api_relationship_and_place_activity(client):
    relationship = fixture_object("cities.relationship:2007")
    data = client.get(f"/api/relationships/{relationship.pk}/activity/").json()
    assert data["began"] == "2019-08" and data["began_precision"] == "month"
    assert (data["breadth"], data["depth"], data["exchanges"]) == (4, 1, 2)
    assert data["last"] == "2019-10-22" and data["last_precision"] == "day"
    assert data["depth_counts"][0] == {"kind": "visits", "label": "互访与活动", "count": 2}
    jinzhong = fixture_object("cities.place:12")
    data = client.get(f"/api/places/{jinzhong.pk}/activity/").json()
    assert (data["exchanges"], data["relationships"], data["breadth"]) == (20, 8, 8)
    # A foreign place has no picture of its own.
    como = fixture_object("cities.place:2002")
    assert client.get(f"/api/places/{como.pk}/activity/").status_code == 404
    assert client.get("/api/relationships/999999/activity/").status_code == 404
    assert client.get("/api/places/999999/activity/?city=x").status_code == 400


def test_api_ranking_is_sorted_and_paged(client):
    data = client.get("/api/activity/").json()
    # Wuhan's report records by far the most exchanges (78 counted, plans excluded).
    first = data["results"][0]
    assert first["rank"] == 1 and first["place"]["slug"] == "wuhan"
    exchanges = [row["exchanges"] for row in data["results"]]
    assert exchanges == sorted(exchanges, reverse=True)
    # Jinan has no relationship yet but records exchanges: it is ranked, with no length.
    jinan = next(row for row in data["results"] if row["place"]["slug"] == "jinan")
    assert jinan["length"] is None and jinan["exchanges"] > 0
    by_breadth = client.get("/api/activity/", {"sort": "breadth"}).json()["results"]
    breadths = [row["breadth"] for row in by_breadth]
    assert breadths == sorted(breadths, reverse=True)
    page = client.get("/api/activity/", {"limit": 2, "offset": 2}).json()
    assert [row["rank"] for row in page["results"]] == [3, 4]
    assert page["count"] == data["count"]
    wuhan = client.get(f"/api/activity/{first['place']['id']}/").json()
    assert wuhan["rank"] == 1 and wuhan["exchanges"] == first["exchanges"]
    oita = Place.objects.get(slug="oita")
    assert client.get(f"/api/activity/{oita.pk}/").status_code == 404
    refused = client.get("/api/activity/", {"sort": "fame"})
    assert refused.status_code == 400 and "sort" in refused.json()["errors"]


@pytest.mark.parametrize("output", ["json", "csv"])
@pytest.mark.parametrize(
    "params",
    [{"limit": "true"}, {"limit": "0"}, {"limit": "501"}, {"offset": "-1"}, {"offset": "x"},
     {"city": "wuhan"}],
)  # fmt: skip
def test_api_ranking_refuses_malformed_paging_and_unknown_parameters(client, output, params):
    """Strict like every list: the whole ranking in CSV ignores paging, but a malformed
    ``limit`` or ``offset`` is a 400 in every format."""
    refused = client.get("/api/activity/", {"format": output, **params})
    assert refused.status_code == 400
    assert refused["Content-Type"] == "application/json"
    assert set(refused.json()["errors"]) == set(params)
    whole = client.get("/api/activity/", {"format": output, "limit": "2", "offset": "1"})
    assert whole.status_code == 200


def add_active_city(index):
    city = new_place(f"test-activity-city-{index}", f"测试活跃市{index}", "prefecture_city", "CN")
    relationship = new_relationship(city)
    for _ in range(index + 1):
        exchange = new_exchange(city)
        exchange.relationship = relationship
        exchange.save()
    return city


def test_ranking_queries_do_not_grow_with_cities(client):
    add_active_city(0)
    counts = {
        url: count_queries(client, url)[0] for url in ("/api/activity/", "/exchanges/activity/")
    }
    for index in range(1, 8):
        add_active_city(index)
    for url, before in counts.items():
        after, response = count_queries(client, url)
        assert after == before, (url, response.queries)
    assert "测试活跃市7" in count_queries(client, "/exchanges/activity/")[1].content.decode()


def test_relationship_page_draws_the_picture(client):
    relationship = fixture_object("cities.relationship:3001")
    html = client.get(relationship.get_absolute_url()).content.decode()
    assert 'id="activity-chart"' in html and 'id="depth-chart"' in html
    # The four bars: 47 years or more (by the year the suite runs), 14 fields, 4 of 4 kinds.
    assert "交往年限" in html and "14/" in html and "4/4" in html
    english = client.get("/en" + relationship.get_absolute_url()).content.decode()
    assert "Activity" in english and "Length" in english


def test_place_page_and_ranking_page(client):
    html = client.get("/places/jinzhong/").content.decode()
    assert 'id="activity-chart"' in html and "2019年10月28日" in html
    ranking = client.get("/exchanges/activity/", {"sort": "breadth"}).content.decode()
    assert ranking.index("武汉市") < ranking.index("晋中市")
    assert client.get("/en/exchanges/activity/").status_code == 200


def test_schema_documents_the_activity_endpoints(client):
    paths = client.get("/api/schema/", {"format": "json"}).json()["paths"]
    assert "/api/activity/" in paths
    assert "/api/relationships/{id}/activity/" in paths or any(
        path.startswith("/api/relationships/") and path.endswith("/activity/") for path in paths
    )
    assert any(path.startswith("/api/places/") and path.endswith("/activity/") for path in paths)


def test_ranking_skips_places_without_records():
    quiet = new_place("test-quiet-city", "测试安静市", "prefecture_city", "CN")
    assert quiet.pk not in {place.pk for place, _picture in ranking()}
    assert Place.objects.filter(pk=quiet.pk).exists()


# The national figures are kept for a generation of the registry (``national_pictures``).


def ranked_row(client, place):
    rows = client.get("/api/activity/", {"limit": 500}).json()["results"]
    return next((row for row in rows if row["place"]["id"] == place.pk), None)


def test_the_national_figures_are_kept_for_a_generation(client, settings):
    settings.READ_CACHE = False
    first = count_queries(client, "/api/activity/")[0]
    kept, _response = count_queries(client, "/api/activity/")
    assert kept < first  # the pass over every relationship and exchange is not made again
    generation.bump()
    assert count_queries(client, "/api/activity/")[0] == first


def add_training_through_the_api(world):
    """A training exchange of the home city's relationship (October 2019), added by a
    superuser through the API."""
    api = token_client(staff_user("test-activity-admin", superuser=True))
    body = {
        "title_zh": "测试市代表团访问测试甲市",
        "kind": "training",
        "chinese_place": world.home.pk,
        "relationship": world.relationship.pk,
        "start": "2019-10",
        "citations": [world.citation.pk],
    }
    response = api.post("/api/exchanges/", body, format="json")
    assert response.status_code == 201, response.content
    return Exchange.objects.get(pk=response.json()["id"])


def test_a_write_changes_the_ranking_at_once(client, settings, world):
    """Through the API and the ORM (the admin, the import and the loader save through
    it); the read cache off, so that only the kept figures are tried."""
    settings.READ_CACHE = False
    assert ranked_row(client, world.home)["exchanges"] == 0  # its one relationship only
    exchange = add_training_through_the_api(world)
    row = ranked_row(client, world.home)
    assert row["exchanges"] == 1 and row["last"] == "2019-10" and row["depth"] == 1
    exchange.delete()
    assert ranked_row(client, world.home)["exchanges"] == 0
    Exchange.objects.filter(chinese_place=world.away).delete()
    assert ranked_row(client, world.away) is None
    new_relationship(world.away)
    assert ranked_row(client, world.away)["relationships"] == 1


def test_a_write_changes_a_place_picture_at_once(client, settings, world):
    """A place's picture (its page and ``/api/places/<id>/activity/``) is kept for a
    generation: an exchange added through the API, a field linked to it and a
    delete through the ORM are in the next read; the read cache off."""
    settings.READ_CACHE = False
    url = f"/api/places/{world.home.pk}/activity/"
    before = client.get(url).json()
    exchange = add_training_through_the_api(world)
    after = client.get(url).json()
    assert after["exchanges"] == before["exchanges"] + 1 and after["last"] == "2019-10"
    world.field.exchanges.add(exchange)
    assert client.get(url).json()["breadth"] == max(before["breadth"], 1)
    page = client.get(f"/places/{world.home.slug}/")
    assert page.context["activity"].exchanges == before["exchanges"] + 1
    exchange.delete()
    assert client.get(url).json()["exchanges"] == before["exchanges"]
