"""What makes the public site findable and shareable, on the loaded registry: the sitemap
(every public page, both languages, each answering 200), robots.txt, the Atom feeds of
new relationships and exchanges (a city's includes the places inside it), and each page's
canonical address, hreflang alternates and Open Graph / Twitter card."""

import re
import xml.etree.ElementTree as ET
from html import unescape

import pytest
from django.utils import timezone, translation

from awards.models import Award
from cities.models import Place, Relationship
from exchanges.models import Exchange
from notices.models import Notice
from sources.models import SourceReport
from utilities.countries import NOT_PARTNER_COUNTRIES
from utilities.testing.pages import in_english, page

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
ATOM = "{http://www.w3.org/2005/Atom}"
ORIGIN = "http://testserver"


def url_of(record):
    """A record's Chinese (unprefixed) address, whatever the last request left active."""
    with translation.override("zh-hans"):
        return record.get_absolute_url()


def xml(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return ET.fromstring(response.content)


def sitemap_urls(client):
    """``{address: {hreflang: address}}`` of every section of the sitemap index."""
    urls = {}
    for section in xml(client, "/sitemap.xml").iter(f"{SITEMAP}loc"):
        assert section.text.startswith(f"{ORIGIN}/sitemap-")
        for entry in xml(client, section.text.removeprefix(ORIGIN)).iter(f"{SITEMAP}url"):
            alternates = {
                link.get("hreflang"): link.get("href") for link in entry.iter(f"{XHTML}link")
            }
            urls[entry.find(f"{SITEMAP}loc").text] = alternates
    return urls


def test_the_sitemap_lists_every_public_page_in_both_languages(client):
    urls = sitemap_urls(client)
    records = [
        *Place.objects.all(),
        *Relationship.objects.all(),
        *Exchange.objects.all(),
        *Award.objects.all(),
        *SourceReport.objects.all(),
    ]
    pages = ["/", "/relationships/", "/places/", "/exchanges/", "/awards/", "/reports/", "/map/"]
    pages += ["/notices/", "/exchanges/activity/"]
    pages += [url_of(record) for record in records]
    pages += [url_of(notice) for notice in Notice.objects.open()]
    codes = set(Place.objects.values_list("country", flat=True)) - NOT_PARTNER_COUNTRIES
    pages += [f"/countries/{code.lower()}/" for code in codes]
    assert "/places/wuhan/" in pages and "/places/oita/" in pages
    assert "/countries/jp/" in pages and "/countries/cn/" not in pages
    expected = {ORIGIN + path for path in pages} | {ORIGIN + in_english(path) for path in pages}
    assert set(urls) == expected
    for address, alternates in urls.items():
        chinese = address.replace(f"{ORIGIN}/en/", f"{ORIGIN}/")
        assert alternates == {
            "zh-hans": chinese,
            "en": chinese.replace(ORIGIN, f"{ORIGIN}/en", 1),
            "x-default": chinese,
        }


def test_every_sitemap_address_answers_in_its_language(client):
    for address in sitemap_urls(client):
        path = address.removeprefix(ORIGIN)
        body = page(client, path)
        language = "en" if path.startswith("/en/") else "zh-Hans"
        assert f'<html lang="{language}">' in body, path
        assert f'<link rel="canonical" href="{address}">' in body, path


def test_robots_allows_the_site_and_names_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Allow: /" in lines
    assert {"Disallow: /admin/", "Disallow: /api/"} <= set(lines)
    assert not any(line in ("Disallow: /", "Disallow: /en/") for line in lines)
    assert f"Sitemap: {ORIGIN}/sitemap.xml" in lines


def feed(client, url):
    root = xml(client, url)
    assert root.tag == f"{ATOM}feed"
    entries = [
        {
            "title": entry.find(f"{ATOM}title").text,
            "link": entry.find(f"{ATOM}link").get("href"),
            "summary": entry.find(f"{ATOM}summary").text,
        }
        for entry in root.iter(f"{ATOM}entry")
    ]
    return root, entries


def test_the_feeds_of_new_relationships_and_exchanges_in_both_languages(client):
    newest = Relationship.objects.order_by("-created", "-pk").first()
    root, chinese = feed(client, "/feeds/relationships/")
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh-hans"
    assert root.find(f"{ATOM}title").text == "新的友好关系 · 国际友好城市登记册"
    assert chinese[0]["link"] == ORIGIN + url_of(newest)
    assert chinese[0]["title"] == f"{newest.chinese_place.name_zh} – {newest.foreign_place.name_zh}"
    root, english = feed(client, "/en/feeds/relationships/")
    assert root.find(f"{ATOM}title").text == "New relationships · Sister Cities Registry"
    assert english[0]["link"] == ORIGIN + in_english(url_of(newest))
    assert english[0]["title"] == f"{newest.chinese_place.name_en} – {newest.foreign_place.name_en}"
    assert "stage:" in english[0]["summary"]
    assert len(chinese) == len(english) == min(50, Relationship.objects.count())

    mannheim = Exchange.objects.get(title_zh="德国曼海姆市“中国园”")
    _root, chinese = feed(client, "/feeds/exchanges/")
    _root, english = feed(client, "/en/feeds/exchanges/")
    newest = Exchange.objects.order_by("-created", "-pk")[:50]
    assert [entry["link"] for entry in english] == [
        ORIGIN + in_english(url_of(exchange)) for exchange in newest
    ]
    if mannheim in newest:
        assert mannheim.title_zh in {entry["title"] for entry in chinese}
        assert mannheim.title_en in {entry["title"] for entry in english}


def test_a_city_feed_includes_the_places_inside_it(client):
    pingyao = Place.objects.get(slug="pingyao")
    assert pingyao.parent.slug == "jinzhong"
    _root, entries = feed(client, "/places/jinzhong/feeds/relationships/")
    links = {entry["link"] for entry in entries}
    inside = Relationship.objects.filter(
        chinese_place__in=Place.objects.within(pingyao.parent)
    ).order_by()
    assert links == {ORIGIN + url_of(relationship) for relationship in inside}
    kyakhta = Relationship.objects.get(chinese_place=pingyao, foreign_place__slug="kyakhta")
    assert ORIGIN + url_of(kyakhta) in links
    assert not Relationship.objects.filter(chinese_place__slug="wuhan").filter(
        pk__in=[int(link.rstrip("/").rsplit("/", 1)[1]) for link in links]
    )
    root, english = feed(client, "/en/places/jinzhong/feeds/exchanges/")
    assert root.find(f"{ATOM}title").text.startswith("Jinzhong: new exchanges")
    exchanges = Exchange.objects.filter(chinese_place__in=Place.objects.within(pingyao.parent))
    assert {entry["link"] for entry in english} == {
        ORIGIN + in_english(url_of(exchange)) for exchange in exchanges
    }
    # Only a Chinese place has a feed.
    assert client.get("/places/oita/feeds/relationships/").status_code == 404


def meta(body):
    """``{property or name: [content, …]}`` of the page's <meta> tags, and its <link>s."""
    tags = {}
    for key, value in re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)"', body):
        tags.setdefault(key, []).append(unescape(value))
    links = re.findall(r'<link rel="([^"]+)"(?: hreflang="([^"]+)")?(?: type="([^"]+)")?', body)
    return tags, body, links


def hrefs(body, rel, hreflang=None):
    pattern = rf'<link rel="{rel}"' + (rf' hreflang="{hreflang}"' if hreflang else "")
    return re.findall(pattern + r' href="([^"]+)"', body)


def page_types():
    relationship = Relationship.objects.get(
        chinese_place__slug="jinzhong", foreign_place__slug="como-province"
    )
    exchange = Exchange.objects.get(title_zh="德国曼海姆市“中国园”")
    award = Award.objects.filter(place__isnull=False).select_related("place").first()
    report = SourceReport.objects.get(slug="jinzhong-2019-10-30")
    return [
        ("/", "中国国际友好城市登记册", "China's international partner cities", None),
        ("/relationships/", "友好关系", "Relationships", None),
        ("/places/wuhan/", "武汉市", "Wuhan", ("20 对友好关系", "20 relationships")),
        ("/places/oita/", "大分市", "Oita", ("大分市（日本）", "Oita (Japan)")),
        (
            url_of(relationship),
            "晋中市 – 科莫省",
            "Jinzhong – Province of Como",
            ("晋中市与科莫省的友好关系", "Jinzhong and Province of Como"),
        ),
        (url_of(exchange), exchange.title_zh, exchange.title_en, ("2001", "2001")),
        (
            url_of(award),
            award.award_type.name_zh,
            award.award_type.name_en,
            (award.place.name_zh, award.place.name_en),
        ),
        (url_of(report), report.title, report.title, (report.title, report.title)),
    ]


def test_each_page_type_has_canonical_hreflang_and_open_graph(client):
    for path, chinese_title, english_title, described in page_types():
        for address, language, title, locale, other in (
            (path, 0, chinese_title, "zh_CN", "en_US"),
            (in_english(path), 1, english_title, "en_US", "zh_CN"),
        ):
            body = page(client, address + "?q=x&page=1" if "/places/" not in address else address)
            tags, body, _links = meta(body)
            assert hrefs(body, "canonical") == [ORIGIN + address], address
            assert hrefs(body, "alternate", "zh-Hans") == [ORIGIN + path]
            assert hrefs(body, "alternate", "en") == [ORIGIN + in_english(path)]
            assert hrefs(body, "alternate", "x-default") == [ORIGIN + path]
            assert tags["og:url"] == [ORIGIN + address]
            assert tags["og:locale"] == [locale] and tags["og:locale:alternate"] == [other]
            assert tags["og:title"] == tags["twitter:title"] == [title], address
            assert tags["twitter:card"] == ["summary"]
            description = tags["description"]
            assert description == tags["og:description"] == tags["twitter:description"]
            assert len(description) == 1 and description[0]
            if described:
                assert described[language] in description[0], (address, description)
            if language:
                assert not re.search(r"[\u4e00-\u9fff]", title + description[0]) or (
                    path.startswith("/reports/")
                ), (address, description)


def test_feeds_are_linked_from_the_pages(client):
    atom = 'type="application/atom+xml"'
    home = page(client, "/")
    assert (
        f'<link rel="alternate" {atom} title="新的友好关系" href="/feeds/relationships/">' in home
    )
    assert f'{atom} title="新的交流项目" href="/feeds/exchanges/">' in home
    jinzhong = page(client, "/en/places/jinzhong/")
    assert (
        f'{atom} title="Jinzhong: new relationships" href="/en/places/jinzhong/feeds/relationships/">'
        in jinzhong
    )
    assert 'href="/en/places/jinzhong/feeds/exchanges/"' in jinzhong
    assert "/places/oita/feeds/" not in page(client, "/places/oita/")


def test_a_section_split_into_pages_lists_each_address_once(client, monkeypatch):
    """The sections read one page of records at a time: with an odd number of addresses to
    a page, a record's Chinese and English addresses fall on two pages, and still every
    address is listed exactly once, in order, and the index dates each section by its
    latest change."""
    from sister_cities.sitemaps import RelationshipSitemap

    monkeypatch.setattr(RelationshipSitemap, "limit", 3)
    relationships = list(Relationship.objects.order_by("pk"))
    pages = -(-2 * len(relationships) // 3)
    listed = []
    for number in range(1, pages + 1):
        root = xml(client, f"/sitemap-relationships.xml?p={number}")
        listed += [entry.text for entry in root.iter(f"{SITEMAP}loc")]
    assert client.get(f"/sitemap-relationships.xml?p={pages + 1}").status_code == 404
    expected = []
    for relationship in relationships:
        expected += [ORIGIN + url_of(relationship), ORIGIN + in_english(url_of(relationship))]
    assert listed == expected

    index = xml(client, "/sitemap.xml")
    sections = [
        entry
        for entry in index.iter(f"{SITEMAP}sitemap")
        if "sitemap-relationships.xml" in entry.find(f"{SITEMAP}loc").text
    ]
    assert len(sections) == pages
    latest = max(relationship.last_updated for relationship in relationships)
    assert {entry.find(f"{SITEMAP}lastmod").text[:19] for entry in sections} == {
        timezone.localtime(latest).strftime("%Y-%m-%dT%H:%M:%S")
    }
