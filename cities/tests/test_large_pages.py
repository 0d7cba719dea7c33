"""Pages that stay small at any size: a city with hundreds of partners shows one page of
them (at most 50: each is also drawn in the timeline and on the map) with counts of every
group and links that reach every partner; its exchanges come 25 to a page and a
relationship's 50; the map's endpoint answers the area in view, detailed or clustered,
capped. Real HTTP through the test client, in both languages, with the same number of
queries for one row as for many."""

import re
from urllib.parse import urljoin

import pytest

from cities import maps, statistics, views
from cities.models import Place, Relationship
from exchanges.choices import ExchangeKind
from exchanges.models import Exchange
from tests.builders import add_rows, chinese_test_place
from utilities import generation
from utilities.testing.pages import in_english, page
from utilities.testing.queries import count_queries

pytestmark = pytest.mark.django_db

CITY = "/places/test-site-city/"
PARTNER_LINK = re.compile(r'<a class="partner" href="(/(?:en/)?relationships/\d+/)"')
NEXT = re.compile(r'<a href="([^"]+)" rel="next">')


def section(body, element_id):
    start = body.index(f'<section id="{element_id}"')
    end = body.find("\n<section", start + 1)
    return body[start:] if end < 0 else body[start:end]


def walk(client, url, element_id):
    """Every page of a section, following its "next" links from ``url``: [(url, html)]."""
    pages = []
    while url and len(pages) < 20:
        body = page(client, url)
        pages.append((url, body))
        match = NEXT.search(section(body, element_id))
        url = urljoin(url, match.group(1).replace("&amp;", "&")) if match else None
    return pages


def test_a_city_with_many_partners_shows_one_page_and_links_that_reach_every_partner(client):
    add_rows(230)
    relationships = Relationship.objects.filter(chinese_place=chinese_test_place())
    every = {relationship.get_absolute_url() for relationship in relationships}
    in_display_order = [
        relationship.get_absolute_url()
        for relationship in relationships.order_by(
            *statistics.display_order(), "foreign_place__country", "foreign_place__name_en", "pk"
        )
    ]
    assert len(every) == 230
    for language, url in (("zh", CITY), ("en", in_english(CITY))):
        pages = walk(client, url, "partners")
        assert len(pages) == 5, [u for u, _body in pages]
        seen = []
        for page_url, body in pages:
            links = PARTNER_LINK.findall(section(body, "partners"))
            assert 0 < len(links) <= 50, (page_url, len(links))
            seen += links
            # Counts of the whole city, not of the page: 115 sister and 115 friendly.
            assert re.search(
                r'存续</span> <span class="count">115</span>|Active</span> <span class="count">115</span>',
                body,
            )
            if language == "en":
                assert page_url.startswith("/en/") and 'lang="en"' in body
        if language == "en":
            seen = [link.removeprefix("/en") for link in seen]
        assert len(seen) == 230 and set(seen) == every, "each partner once, on some page"
        # In the page's order across its pages (each page's keys are sorted first).
        assert seen == in_display_order
    # A page past the end shows the last page; a bad number the first.
    assert PARTNER_LINK.findall(page(client, CITY + "?partners=99")) == PARTNER_LINK.findall(
        page(client, CITY + "?partners=5")
    )
    assert "测试伙伴" in page(client, CITY + "?partners=abc")


def test_a_small_city_looks_as_before_without_page_links(client):
    body = page(client, "/places/wuhan/")
    partners = section(body, "partners")
    assert 'class="pagination section-pages"' not in partners
    assert (
        len(PARTNER_LINK.findall(partners))
        == Relationship.objects.filter(
            chinese_place__in=Place.objects.within(Place.objects.get(slug="wuhan"))
        ).count()
        >= 15
    )


def test_the_city_page_makes_the_same_queries_for_one_partner_as_for_hundreds(client):
    add_rows(1)
    one, response = count_queries(client, CITY)
    assert "测试伙伴0" in response.content.decode()
    add_rows(249, start=1)
    many, response = count_queries(client, CITY)
    body = response.content.decode()
    assert len(PARTNER_LINK.findall(body)) == 50
    assert one == many, f"{one} queries for 1 partner, {many} for 250"
    # Each count after a write, so the place's picture (kept for a generation) is made in
    # each: like is compared with like.
    generation.bump()
    later, response = count_queries(client, CITY, {"partners": 3, "exchanges": 2})
    assert later == many


def test_a_citys_exchanges_come_twenty_five_to_a_page_in_both_languages(client):
    add_rows(120)
    for url in (CITY, in_english(CITY)):
        pages = walk(client, url, "exchanges")
        titles = []
        for _url, body in pages:
            rows = re.findall(r"测试交流(\d+)|Zyxtest exchange (\d+)", section(body, "exchanges"))
            titles += [a or b for a, b in rows]
        assert [len(section(body, "exchanges").split("<tr>")) - 2 for _u, body in pages] == [
            25,
            25,
            25,
            25,
            20,
        ]
        assert sorted(set(titles), key=int) == [str(n) for n in range(120)]
        # In date order across the pages (exchange n starts in 2000 + n % 20), the page's
        # keys read first and its rows after them.
        in_order = sorted(range(120), key=lambda n: (n % 20, n))
        assert [int(n) for n in dict.fromkeys(titles)] == in_order


def many_exchanges(relationship, count):
    Exchange.objects.bulk_create(
        Exchange(
            title_zh=f"测试项目{number}",
            title_en=f"Zyxtest project {number}",
            kind=ExchangeKind.EVENT,
            chinese_place=relationship.chinese_place,
            relationship=relationship,
            start_year=1990 + number % 30,
        )
        for number in range(count)
    )
    generation.bump()  # bulk_create sends no signal (the read cache must see the rows)


def test_a_relationships_exchanges_are_paged_with_constant_queries(client):
    add_rows(1)
    relationship = Relationship.objects.get(foreign_place__slug="test-site-partner-0")
    url = relationship.get_absolute_url()
    one, response = count_queries(client, url)
    many_exchanges(relationship, 120)
    many, response = count_queries(client, url)
    assert one == many, f"{one} queries for 1 exchange, {many} for 121"
    for address in (url, in_english(url)):
        pages = walk(client, address, "exchanges")
        assert len(pages) == 3
        found = set()
        for _url, body in pages:
            found |= set(re.findall(r"测试项目(\d+)", body))
        assert found == {str(n) for n in range(120)}
    assert '<span class="count">121</span>' in page(client, url)


# The map's endpoint.


def features(client, bbox, zoom=4, language=""):
    response = client.get(f"{language}/map/features/", {"bbox": bbox, "zoom": zoom})
    assert response.status_code == 200, response.content
    return response.json()


def test_map_endpoint_answers_the_places_in_the_box_with_their_lines(client):
    add_rows(100)  # partners at latitude 10..59, longitude 20..119
    data = features(client, "20,10,40,30", zoom=5)
    assert data["mode"] == "places"
    partners = set(Relationship.objects.values_list("chinese_place", flat=True)) | set(
        Relationship.objects.values_list("foreign_place", flat=True)
    )
    inside = {
        str(place.pk)
        for place in Place.objects.filter(latitude__range=(10, 30), longitude__range=(20, 40))
        if place.pk in partners
    }
    assert len(inside) > 20
    returned = {str(pk) for pk in data["places"]}
    # The places in view, and the far side (the test city, unlocated, is not drawn).
    assert inside <= returned
    assert data["total"] == len(inside)
    assert all(str(link["to"]) in inside for link in data["links"])
    english = features(client, "20,10,40,30", zoom=5, language="/en")
    names = {place["name"] for place in english["places"].values()}
    assert any(name.startswith("Zyxtest Partner") for name in names)
    assert all(place["url"].startswith("/en/places/") for place in english["places"].values())


def test_map_endpoint_reads_a_box_across_the_antimeridian(client):
    city = chinese_test_place()
    city.latitude, city.longitude = 30, 114
    city.save()
    add_rows(1)
    pacific = Place.objects.get(slug="test-site-partner-0")
    pacific.latitude, pacific.longitude = -17, -170  # drawn east of China at 190
    pacific.save()
    data = features(client, "170,-30,200,0", zoom=4)
    assert {place["name"] for place in data["places"].values()} >= {"测试伙伴0", "测试市"}
    assert data["total"] == 1  # the partner is in view; the city is its line's far side
    assert features(client, "100,-60,160,-50", zoom=4)["total"] == 0  # open sea


def test_map_endpoint_clusters_and_caps_many_places(client, monkeypatch, settings):
    settings.READ_CACHE = False  # the limits change between reads, the registry does not
    add_rows(100)
    monkeypatch.setattr(maps, "DETAIL_LIMIT", 20)
    monkeypatch.setattr(maps, "CLUSTER_LIMIT", 8)
    data = features(client, "-180,-90,180,90", zoom=1)
    assert data["mode"] == "clusters" and data["places"] == {} and data["links"] == []
    assert 0 < len(data["clusters"]) <= 8 and data["truncated"]
    monkeypatch.setattr(maps, "CLUSTER_LIMIT", 400)
    data = features(client, "-180,-90,180,90", zoom=1)
    assert sum(cluster["count"] for cluster in data["clusters"]) == data["total"] >= 100
    assert not data["truncated"]
    for cluster in data["clusters"]:
        assert -90 <= cluster["lat"] <= 90 and 0 <= cluster["chinese"] <= cluster["count"]
    monkeypatch.setattr(maps, "LINK_LIMIT", 7)
    monkeypatch.setattr(maps, "DETAIL_LIMIT", 300)
    data = features(client, "-180,-90,180,90", zoom=1)
    assert data["mode"] == "places" and len(data["links"]) == 7 and data["truncated"]


def test_map_endpoint_makes_the_same_queries_for_one_place_as_for_many(client):
    add_rows(1)
    one, _response = count_queries(client, "/map/features/", {"bbox": "0,0,180,80", "zoom": 3})
    add_rows(99, start=1)
    many, response = count_queries(client, "/map/features/", {"bbox": "0,0,180,80", "zoom": 3})
    assert len(response.json()["places"]) > 50
    assert one == many, f"{one} queries for 1 place, {many} for 100"


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"bbox": "1,2,3", "zoom": 3},
        {"bbox": "a,b,c,d", "zoom": 3},
        {"bbox": "0,80,10,10", "zoom": 3},  # south above north
        {"bbox": "0,0,10,10", "zoom": 99},
        {"bbox": "0,0,10,10", "zoom": "x"},
        {"bbox": "nan,0,10,10", "zoom": 2},
    ],
)
def test_map_endpoint_refuses_a_box_it_cannot_read(client, query):
    response = client.get("/map/features/", query)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_the_map_page_stays_small_whatever_it_holds(client, monkeypatch):
    add_rows(150)
    monkeypatch.setattr(maps, "DETAIL_LIMIT", 50)
    response = client.get("/map/")
    body = response.content.decode()
    assert 'data-endpoint="/map/features/"' in body
    assert '"mode":"clusters"' in body and "测试伙伴" not in body
    assert len(response.content) < 40_000


def test_a_country_with_many_partners_pages_its_places_and_relationships(client, monkeypatch):
    # Page sizes made small, so a few rows need several pages.
    monkeypatch.setattr(views, "PARTNERS_PER_PAGE", 10)
    monkeypatch.setattr(views, "PLACES_PER_PAGE", 5)
    add_rows(60)  # 12 test partners in Japan, beside the registry's own
    japanese = Relationship.objects.filter(foreign_place__country="JP")
    every = {relationship.get_absolute_url() for relationship in japanese}
    assert len(every) > 15
    for url in ("/countries/jp/", in_english("/countries/jp/")):
        pages = walk(client, url, "partners")
        seen = []
        for _url, body in pages:
            links = PARTNER_LINK.findall(section(body, "partners"))
            assert 0 < len(links) <= 10
            seen += [link.removeprefix("/en") for link in links]
            # The header and the test city's group count every relationship.
            assert (
                f'<a href="/{"en/" if url.startswith("/en") else ""}relationships/?country=JP">{len(every)}</a>'
                in body
            )
        assert sorted(seen) == sorted(every)
        places = walk(client, url, "places")
        names = [
            name
            for _url, body in places
            for name in re.findall(
                r'<span class="partner">(.*?)</span> <span class="meta">', section(body, "places")
            )
        ]
        assert (
            len(places) >= 3
            and len(names) == len(set(names)) == japanese.values("foreign_place").distinct().count()
        )


def test_a_sections_page_links_keep_the_other_sections_and_parameters(client):
    """A section's links change only its own parameter: another section's page and any
    other parameter stay (in a fixed order), and its first page has no parameter."""
    add_rows(120)
    body = page(client, CITY + "?partners=2&exchanges=3&zz=1&aa=2&aa=1")
    exchanges = section(body, "exchanges").replace("&amp;", "&")
    assert 'href="?aa=2&aa=1&exchanges=4&partners=2&zz=1#exchanges" rel="next"' in exchanges
    assert 'href="?aa=2&aa=1&exchanges=2&partners=2&zz=1#exchanges" rel="prev"' in exchanges
    assert 'href="?aa=2&aa=1&partners=2&zz=1#exchanges">1</a>' in exchanges
