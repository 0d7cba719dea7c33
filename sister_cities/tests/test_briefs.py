"""A Chinese place's one-page brief on the loaded registry, as a page and as a PDF, in both
languages: partners by kind and stage, anniversaries of the next twelve months (the one
computation), the latest exchanges and reported vs recorded; a province's page gathering
its cities' and counties' partners; constant queries."""

import io
import re

import pytest
from django.utils import timezone
from pypdf import PdfReader

from cities.anniversaries import upcoming_anniversaries
from cities.models import Place, Relationship
from tests.builders import add_rows, chinese_test_place
from utilities.testing.pages import in_english, page
from utilities.testing.queries import count_queries

pytestmark = pytest.mark.django_db


def section(body, element_id):
    start = body.index(f'<section id="{element_id}"')
    return body[start : body.index("</section>", start)]


def pdf_text(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def test_brief_has_partners_by_kind_and_stage(client):
    partners = section(page(client, "/places/jinzhong/brief/"), "brief-partners")
    # Seven sister cities (six active, Pingyao's Provins among them; one intent; none
    # pursued or ended) and one friendly-exchange intent: the table's cells, then the
    # names under each group.
    assert re.search(
        r"友好城市</th><td>6</td><td>0</td><td>1</td><td>0</td><td>0</td><td>7</td>", partners
    )
    assert "科莫省" in partners and "（意大利，2019年10月28日）" in partners
    assert "普罗万市" in partners and "平遥县）" in partners  # held by Pingyao County
    assert "恰克图市" in partners and "比肯菲尔德市" in partners


def test_brief_lists_the_anniversaries_the_one_computation_finds(client):
    relationships = Relationship.objects.filter(chinese_place__slug="zhenjiang").prefetch_related(
        "stages"
    )
    expected = upcoming_anniversaries(relationships, timezone.localdate())
    body = section(page(client, "/places/zhenjiang/brief/"), "brief-anniversaries")
    if not expected:
        assert "没有逢五逢十的结好周年" in body
    for anniversary in expected:
        assert str(anniversary.relationship.foreign_place) in body
        assert f"{anniversary.years} 周年" in body


def test_brief_latest_exchanges_newest_first_and_reported_vs_recorded(client):
    body = page(client, "/places/jinzhong/brief/")
    exchanges = section(body, "brief-exchanges")
    assert exchanges.index("2019年10月28日") < exchanges.index("2019年2月")
    figures = section(body, "brief-figures")
    assert "市级友好城市" in figures and "齐全" in figures
    assert "缺 4 个" in figures  # six letters of intent reported, two recorded


def test_brief_in_english(client):
    body = page(client, in_english("/places/jinzhong/brief/"))
    assert "Partner-city brief" in body and "Latest exchanges" in body
    assert "Province of Como" in body and "(Italy, 28 October 2019)" in body
    assert "4 missing" in body
    assert "国际友好城市简报" not in body


def test_a_foreign_place_has_no_brief(client):
    page(client, "/places/oita/brief/", status=404)
    page(client, "/places/oita/brief.pdf", status=404)


def test_the_pdf_holds_the_partners_names_in_each_language(client):
    reader, text = pdf_text(client.get("/places/wuhan/brief.pdf"))
    assert len(reader.pages) == 1
    for name in ("武汉市", "大分市", "波尔多市", "曼彻斯特", "友好城市"):
        assert name in text, name
    fonts = {
        str(font.get_object()["/BaseFont"])
        for font in reader.pages[0]["/Resources"]["/Font"].values()
    }
    assert any("WenQuanYi" in font or "Noto" in font for font in fonts), fonts  # embedded CJK
    _reader, english = pdf_text(client.get(in_english("/places/wuhan/brief.pdf")))
    for name in ("Wuhan", "Oita", "Bordeaux", "Manchester", "Sister city", "Latest exchanges"):
        assert name in english, name
    response = client.get(in_english("/places/wuhan/brief.pdf"))
    assert response["Content-Disposition"] == 'inline; filename="wuhan-brief-en.pdf"'


def test_a_province_gathers_its_cities_and_districts_partners(client):
    body = page(client, "/places/liaoning/")
    holders = section(body, "holders")
    assert "沈阳市" in holders and "沈阳经济技术开发区" in holders
    # Shenyang's own four sister cities (none pursued: 和平区's pursuit is the district's)
    # and its development zone's one friendly partner.
    assert re.search(
        r"沈阳市</span>.*?</th>\s*<td>4</td>\s*<td>0</td>\s*<td>0</td>\s*<td>4</td>", holders, re.S
    )
    assert "巴基斯坦科技特区管理局" in body
    assert 'href="/places/liaoning/brief/"' in body
    brief = page(client, "/places/liaoning/brief/")
    assert "巴基斯坦科技特区管理局" in brief


@pytest.mark.parametrize(
    "url", ["/places/test-site-province/", "/places/test-site-province/brief/"]
)
def test_the_pages_make_the_same_queries_for_one_partner_as_for_a_hundred(client, url):
    province = Place.objects.create(
        slug="test-site-province", name_zh="测试省", name_en="Test Province",
        level="province", country="CN",
    )  # fmt: skip
    city = chinese_test_place()
    city.parent = province
    city.save()
    add_rows(1)
    one, response = count_queries(client, url)
    assert "测试伙伴0" in response.content.decode()
    add_rows(99, start=1)
    hundred, response = count_queries(client, url)
    assert "测试伙伴99" in response.content.decode()
    assert one == hundred, f"{url}: {one} queries for 1 partner, {hundred} for 100"
