"""The map's country borders: the vendored Natural Earth boundaries draw none between Taiwan
(or Hong Kong and Macao) and the mainland, and none across the world at the antimeridian;
in Chromium the borders are drawn thin and light under the dots, from the local server only,
in Chinese on a desktop and in English on a phone."""

import json
from pathlib import Path

import pytest
from django.conf import settings

from utilities.testing.browser import recorded_page

ATLAS = Path(settings.BASE_DIR) / "static" / "vendor" / "world-atlas"


def vertices(path):
    """Every (lng, lat) of a GeoJSON file, ring by ring (or line by line)."""
    rings = []
    for feature in json.loads((ATLAS / path).read_text())["features"]:
        geometry = feature["geometry"]
        coordinates = geometry["coordinates"]
        if geometry["type"] in ("Polygon", "MultiLineString"):
            rings += coordinates
        elif geometry["type"] == "MultiPolygon":
            rings += [ring for polygon in coordinates for ring in polygon]
        else:
            rings.append(coordinates)
    return rings


def near(rings, west, east, south, north):
    return [
        (lng, lat)
        for ring in rings
        for lng, lat in ring
        if west <= lng <= east and south <= lat <= north
    ]


def test_borders_draw_china_with_taiwan_hong_kong_and_macao():
    borders = vertices("borders-110m.geojson")
    # Taiwan and the strait: land (the island is drawn) but no border line at all.
    assert near(vertices("land-110m.geojson"), 120, 122.2, 21.8, 25.4)
    assert not near(borders, 118.5, 123, 21, 26)
    # Hong Kong and Macao: no line round them either.
    assert not near(borders, 113.3, 114.6, 21.9, 22.7)
    # China's land borders are drawn: with Mongolia, with Vietnam, with Kazakhstan.
    assert near(borders, 105, 119, 41.5, 46)
    assert near(borders, 103, 108, 21.5, 23.5)
    assert near(borders, 80, 87, 42, 49)


def test_no_ring_or_line_jumps_across_the_world():
    """A flat map joins consecutive points with a straight line: a jump from 180° to -180°
    would draw a sliver across the whole map. Only Antarctica's ring, round the pole, closes
    along its southern edge."""
    for name in ("land-110m.geojson", "borders-110m.geojson"):
        jumping = [
            ring
            for ring in vertices(name)
            if any(abs(a[0] - b[0]) > 180 for a, b in zip(ring, ring[1:], strict=False))
        ]
        assert all(max(lat for _lng, lat in ring) < -60 for ring in jumping), name
        assert len(jumping) <= 1, name


def test_files_stay_small():
    assert (ATLAS / "borders-110m.geojson").stat().st_size < 60_000
    assert (ATLAS / "land-110m.geojson").stat().st_size < 100_000


BORDERS = "#map path.country-border"


def drawn_borders(page):
    page.wait_for_selector("#map[data-outlines='true']")
    assert page.locator(BORDERS).count() == 3  # the world and its copies east and west
    return page.evaluate(
        """selector => {
            const paths = [...document.querySelectorAll(selector)];
            const path = paths[0];
            const style = getComputedStyle(path);
            const all = [...document.querySelectorAll('#map .leaflet-overlay-pane path')];
            // Leaflet clips lines to the view: the copy in view is the biggest.
            const box = paths.map(p => p.getBoundingClientRect())
                .sort((a, b) => b.width * b.height - a.width * a.height)[0];
            return {
                width: parseFloat(style.strokeWidth),
                stroke: style.stroke,
                fill: style.fill,
                below: all.indexOf(path) < all.findIndex(p => p.matches('.place-chinese, .place-foreign')),
                visible: box.width > 100 && box.height > 50,
            };
        }""",
        BORDERS,
    )


def light(colour):
    """An rgb(...) colour far lighter than the text (#1b1f24), darker than the land."""
    red, green, blue = (int(part) for part in colour[4:-1].split(","))
    return 120 <= (red + green + blue) / 3 <= 220


@pytest.mark.browser
def test_borders_are_drawn_thin_light_and_local(browser, live_server, live_registry):
    with recorded_page(browser, live_server.url) as page:
        page.goto(page.base + "/places/wuhan/")
        border = drawn_borders(page)
        assert border["width"] <= 1 and light(border["stroke"]) and border["fill"] == "none"
        assert border["below"] and border["visible"]

        # English on a phone: the whole map page, borders included.
        page.context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": page.base}]
        )
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(page.base + "/map/")
        assert page.get_by_role("heading", level=1).inner_text()
        assert page.locator("html").get_attribute("lang") == "en"
        border = drawn_borders(page)
        assert border["width"] <= 1 and light(border["stroke"]) and border["visible"]
        assert page.locator("#map").bounding_box()["width"] <= 390
    for name in ("land-110m.geojson", "borders-110m.geojson"):
        assert any(url.endswith(f"/static/vendor/world-atlas/{name}") for url in page.requests)
