"""A partner country's page (``/countries/jp/``) on the loaded registry: its places with
Chinese partners grouped by Chinese province and city with counts, the map zoomed to the
country, the timeline, both languages, one address, and constant queries."""

import json
import re

import pytest

from cities import statistics
from cities.models import Place, Relationship
from tests.builders import add_rows, chinese_test_place
from utilities.testing.pages import in_english, page
from utilities.testing.queries import count_queries

pytestmark = pytest.mark.django_db


def section(body, element_id):
    start = body.index(f'<section id="{element_id}"')
    end = body.find("\n<section id=", start + 1)
    return body[start:] if end < 0 else body[start:end]


def map_data(body):
    match = re.search(r'<script id="map-data" type="application/json">(.*?)</script>', body, re.S)
    return json.loads(match.group(1))


def test_japan_lists_its_places_grouped_by_chinese_province_and_city(client):
    body = page(client, "/countries/jp/")
    assert "<h1>日本的中国友好伙伴</h1>" in body
    places = section(body, "places")
    for name in ("大分市", "仓敷市", "札幌市", "津市"):
        assert name in places
    assert "科莫省" not in body  # Italy's
    partners = section(body, "partners")
    # Jiangsu first (two partners, both Zhenjiang's), then Hubei and Liaoning with one each.
    jiangsu = partners[partners.index("江苏省") : partners.index("湖北省")]
    assert re.search(r'江苏省.*?<span class="count">2</span>', jiangsu, re.S)
    assert "镇江市" in jiangsu and "津市" in jiangsu and "仓敷市" in jiangsu
    assert "1997年10月" in jiangsu and "1984年" in jiangsu
    hubei = partners[partners.index("湖北省") : partners.index("辽宁省")]
    assert "武汉市" in hubei and "大分市" in hubei and "札幌市" not in hubei
    assert "沈阳市" in partners[partners.index("辽宁省") :]


def test_a_county_is_shown_under_its_city_and_province(client):
    partners = section(page(client, "/countries/fr/"), "partners")
    shanxi = partners[partners.index("山西省") :]
    # Provins is Pingyao County's partner: Shanxi › Jinzhong › Pingyao.
    assert re.search(r"晋中市.*?</a> › <a[^>]*>.*?平遥县", shanxi, re.S)
    assert "普罗万市" in shanxi


def test_the_map_opens_on_the_country_and_the_timeline_is_dated(client):
    body = page(client, "/countries/jp/")
    data = map_data(body)
    fitted = {place["name"] for place in data["places"].values() if place.get("fit")}
    assert fitted == {"大分市", "仓敷市", "札幌市", "津市"}
    assert {"武汉市", "镇江市"} <= {place["name"] for place in data["places"].values()}
    assert len(data["links"]) == 4
    timeline = section(body, "timeline")
    assert timeline.index("1979年") < timeline.index("1984年") < timeline.index("1997年10月")


def test_country_page_in_english_reads_from_the_partner_side(client):
    body = page(client, in_english("/countries/jp/"))
    assert "<h1>Japan's partners in China</h1>" in body
    assert "Places in Japan with Chinese partners" in body
    assert "By Chinese province and city" in body
    assert "October 1997" in body and "Zhenjiang" in body
    assert "1 Chinese partner<" in body
    assert "中国友好伙伴" not in body


def test_foreign_place_page_in_english_reads_from_its_side(client):
    assert "Oita's partners in China" in page(client, in_english("/places/oita/"))
    body = page(client, "/places/oita/")
    assert "大分市的中国伙伴" in body
    assert 'href="/countries/jp/"' in body  # the country links to its page


@pytest.mark.parametrize("url", ["/countries/cn/", "/countries/tw/", "/countries/zz/"])
def test_china_unknown_codes_and_countries_without_places_have_no_page(client, url):
    page(client, url, status=404)
    page(client, "/countries/aq/", status=404)  # a real code, no place in the registry


def test_one_address_per_country(client):
    response = client.get("/countries/JP/")
    assert response.status_code == 301 and response["Location"] == "/countries/jp/"


def test_the_country_page_makes_the_same_queries_for_one_partner_as_for_a_hundred(client):
    add_rows(1)  # test partners in JP, FR, DE, KR, US held by one test city…
    # … which lies in a test province, so the grouping reads a real tree.
    province = Place.objects.create(
        slug="test-site-province", name_zh="测试省", name_en="Test Province",
        level="province", country="CN",
    )  # fmt: skip
    city = chinese_test_place()
    city.parent = province
    city.save()
    one, response = count_queries(client, "/countries/jp/")
    assert "测试省" in response.content.decode()
    add_rows(99, start=1)
    hundred, response = count_queries(client, "/countries/jp/")
    assert response.content.decode().count("测试伙伴") >= 20
    assert one == hundred, f"{one} queries for 1 partner, {hundred} for 100"


def test_the_country_page_shows_every_write_at_once(client, settings, world):
    """Its counts and orders, kept for the generation of the registry, follow each write
    (the read cache off, so that only they are tried)."""
    settings.READ_CACHE = False
    body = page(client, "/countries/fr/")
    assert "测试丙市" not in body and "测试县" not in body
    relationship = Relationship.objects.create(
        chinese_place=world.county, foreign_place=world.partner_c, kind="friendly"
    )
    relationship.citations.set([world.citation])
    body = page(client, "/countries/fr/")
    assert "测试丙市" in section(body, "places")
    partners = section(body, "partners")
    assert "测试县" in partners and "测试丙市" in partners
    relationship.delete()
    body = page(client, "/countries/fr/")
    assert "测试丙市" not in section(body, "places")
    assert "测试县" not in body


def test_the_partners_run_holder_by_holder_in_the_groups_order_then_by_name(world):
    """The order of a country's relationships across its pages: each Chinese holder's in
    the order the province groups list the holders, and within a holder by the foreign
    place's name, then kind."""
    names = ("Vik", "Akureyri", "Borgarnes", "Husavik")
    places = [
        Place.objects.create(
            slug=f"test-order-{name.lower()}", name_zh=f"测试{name}", name_en=name,
            level="city", country="IS",
        )
        for name in names
    ]  # fmt: skip
    pairs = [
        (world.away, places[0], "sister"), (world.home, places[0], "friendly"),
        (world.county, places[1], "friendly"), (world.home, places[2], "sister"),
        (world.away, places[3], "friendly"), (world.home, places[3], "sister"),
        (world.away, places[1], "sister"), (world.county, places[2], "sister"),
    ]  # fmt: skip
    for chinese_place, foreign_place, kind in pairs:
        Relationship.objects.create(
            chinese_place=chinese_place, foreign_place=foreign_place, kind=kind
        )
    figures = statistics.country_figures("IS")
    holders = [item["place"].pk for item in figures["holders"]]
    assert set(holders) == {world.home.pk, world.county.pk, world.away.pk}
    rows = Relationship.objects.filter(foreign_place__country="IS").select_related("foreign_place")
    expected = sorted(
        rows,
        key=lambda row: (
            holders.index(row.chinese_place_id),
            row.foreign_place.name_en,
            row.kind,
            row.pk,
        ),
    )
    assert figures["partners"] == [row.pk for row in expected]
