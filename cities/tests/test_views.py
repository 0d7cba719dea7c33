"""Place, relationship and map pages on the loaded registry, in Chinese and English."""

import json
import re

import pytest

from cities.models import Place, Relationship
from tests.builders import new_relationship
from utilities.testing.pages import in_english

pytestmark = pytest.mark.django_db


def page(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, url
    return response.content.decode()


def section(body, element_id):
    """The HTML from one top-level <section id=…> of the page to the next one."""
    start = body.index(f'<section id="{element_id}"')
    end = body.find("\n<section", start + 1)
    return body[start:] if end < 0 else body[start:end]


def map_data(body):
    match = re.search(r'<script id="map-data" type="application/json">(.*?)</script>', body, re.S)
    return json.loads(match.group(1))


def test_chinese_city_groups_partners_by_kind_and_stage_with_its_county(client):
    body = page(client, "/places/jinzhong/")
    partners = section(body, "partners")
    sister = partners[partners.index("友好城市") : partners.index("友好交流城市")]
    # Six active sister cities, Pingyao County's Provins among them, and one intent.
    assert re.search(r"存续</span> <span class=\"count\">6</span>", sister)
    assert "科莫省" in sister and "普罗万市" in sister
    assert "由平遥县结好" in sister
    assert "意向/备忘录" in sister and "恰克图市" in sister
    friendly = partners[partners.index("友好交流城市") :]
    assert "比肯菲尔德市" in friendly and "科莫省" not in friendly


def test_chinese_city_timeline_shows_dates_at_source_precision(client):
    timeline = section(page(client, "/places/jinzhong/"), "timeline")
    assert "2019年2月" in timeline  # the letter of intent with Kyakhta
    assert "2019年10月28日" in timeline  # the agreement with Como
    assert "2019-10-28" not in timeline
    assert timeline.index("2019年2月") < timeline.index("2019年10月28日")


def test_chinese_city_reported_vs_recorded_and_what_is_missing(client):
    figures = section(page(client, "/places/jinzhong/"), "figures")
    assert "市级友好城市" in figures and "齐全" in figures  # 5 municipal, all recorded
    assert "缺 4 个" in figures  # 6 letters of intent reported, 2 recorded
    wuhan = section(page(client, "/places/wuhan/"), "figures")
    assert "99" in wuhan and "23" in wuhan and "76" in wuhan
    assert "20多" in wuhan  # "20多个民间组织": the qualifier stays


def test_chinese_city_exchanges_awards_and_map(client):
    body = page(client, "/places/wuhan/")
    assert "黄鹤友谊奖" in section(body, "awards")
    assert "19个国家的154人" in section(body, "awards")
    data = map_data(body)
    names = {place["name"] for place in data["places"].values()}
    assert {"武汉市", "大分市", "波尔多市"} <= names
    assert data["links"], "lines from Wuhan to its partners"
    jinzhong = page(client, "/places/jinzhong/")
    assert "意大利伦巴第大区科莫省政府代表团访问晋中市" in section(jinzhong, "exchanges")


def test_the_map_data_names_only_the_flags_that_hold(client):
    """The map reads a missing flag as false: the page writes the city (Chinese, the
    focus) with its flags and each partner with none, in compact JSON."""
    body = page(client, "/places/wuhan/")
    script = re.search(r'<script id="map-data" type="application/json">(.*?)</script>', body)
    assert "false" not in script.group(1) and '", "' not in script.group(1)
    places = {place["name"]: place for place in map_data(body)["places"].values()}
    assert places["武汉市"]["chinese"] is True and places["武汉市"]["focus"] is True
    assert places["大分市"]["alt"] == "Oita"
    assert not {"chinese", "focus", "fit"} & set(places["大分市"])


def test_chinese_city_page_in_english(client):
    body = page(client, in_english("/places/jinzhong/"))
    assert re.search(
        r'<span class="primary">Jinzhong</span> <span class="alt" lang="zh-Hans">晋中市', body
    )
    assert "held by Pingyao County" in body
    assert "28 October 2019" in body and "February 2019" in body
    assert "4 missing" in body
    assert "Sister city" in body and "Friendly-exchange city" in body
    data = map_data(body)
    assert "Province of Como" in {place["name"] for place in data["places"].values()}


def test_foreign_place_shows_its_chinese_partner_and_the_history(client):
    body = page(client, "/places/oita/")
    assert re.search(r'<span class="primary">大分市</span> <span class="alt" lang="en">Oita', body)
    partners = section(body, "partners")
    assert "武汉市" in partners and "1979年" in partners and "签署协议" in partners
    assert "对华友好城市交流合作奖" in body
    english = page(client, in_english("/places/oita/"))
    assert "Wuhan" in english and "Agreement signed" in english and "1979" in english


def test_foreign_place_history_with_exchanges(client):
    partners = section(page(client, "/places/como-province/"), "partners")
    assert "2019年10月28日" in partners and "《建立国际友好城市协议书》" in partners
    assert "晋中市职业技术学院与科莫省旅游院校校际交流" in partners


def test_relationship_page_has_kind_stages_level_fields_and_citations(client):
    como = Relationship.objects.get(
        chinese_place__slug="jinzhong", foreign_place__slug="como-province"
    )
    body = page(client, como.get_absolute_url())
    assert "友好城市" in body and "存续" in body and "市级" in body
    for field in ("经贸", "文化", "教育", "旅游"):
        assert field in body
    assert f'id="stage-{como.stages.get().pk}"' in body
    assert "2019年10月28日" in body
    citation = como.citations.first()
    assert citation.quote in body
    assert f'href="/reports/jinzhong-2019-10-30/#citation-{citation.pk}"' in body
    assert "意大利伦巴第大区科莫省政府代表团访问晋中市" in body  # its exchanges

    english = page(client, in_english(como.get_absolute_url()))
    assert "Sister city" in english and "Municipal" in english
    assert "28 October 2019" in english and "Trade and economy" in english
    assert citation.quote in english  # quotes stay verbatim


def test_relationship_page_of_an_intent_only(client):
    kyakhta = Relationship.objects.get(foreign_place__slug="kyakhta")
    body = page(client, kyakhta.get_absolute_url())
    assert "平遥县" in body and "恰克图市" in body
    assert "意向/备忘录" in body and "2019年2月" in body


def test_award_to_a_pair_and_exchange_pages(client):
    body = page(client, "/awards/?recipient_kind=pair")
    match = re.search(r'href="(/awards/\d+/)"><span class="primary">中美友好城市文化交流奖', body)
    award = page(client, match.group(1))
    assert "镇江市 – 坦佩市" in award and "2013年" in award
    assert "/reports/zhenjiang-2018-interview/#citation-" in award
    exchanges = page(client, "/exchanges/?q=中国园")
    match = re.search(
        r'href="(/exchanges/\d+/)"><span class="primary">德国曼海姆市“中国园”', exchanges
    )
    exchange = page(client, in_english(match.group(1)))
    assert "The Chinese Garden in Mannheim" in exchange and "2001" in exchange
    assert "Mannheim" in exchange


def test_map_page_draws_every_located_relationship_without_outside_urls(client):
    body = page(client, "/map/")
    data = map_data(body)
    located = Relationship.objects.filter(
        chinese_place__latitude__isnull=False, foreign_place__latitude__isnull=False
    ).count()
    assert len(data["links"]) == located > 0
    assert "/static/vendor/leaflet/leaflet.js" in body
    assert "/static/vendor/world-atlas/land-110m.geojson" in body
    # The canonical and hreflang links name this site's own addresses in full.
    assert not re.search(r'(src|href)="(https?:)?//(?!testserver/)', body), (
        "nothing loads from another host"
    )


def test_map_page_shows_a_new_relationship_at_once(client):
    """The map's world view and counts are kept for the generation: a write shows."""

    def lead(body):
        return re.search(r'<p class="lead">(.*?)</p>', body, re.S).group(1)

    before = page(client, "/map/")
    links = len(map_data(before)["links"])
    count = Relationship.objects.count()
    assert f"登记册中的 {count} 对友好关系" in lead(before)
    jinzhong = Place.objects.get(slug="jinzhong")
    located = new_relationship(jinzhong)
    located.foreign_place.latitude, located.foreign_place.longitude = 35.0, 139.0
    located.foreign_place.save()
    new_relationship(jinzhong)  # its partner has no coordinates
    after = page(client, "/map/")
    assert f"登记册中的 {count + 2} 对友好关系" in lead(after)
    assert len(map_data(after)["links"]) == links + 1
    unlocated = Relationship.objects.filter(foreign_place__latitude__isnull=True).count()
    assert f"其中 {unlocated} 个外方地方暂无坐标" in lead(after)
