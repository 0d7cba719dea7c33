"""The registry map at any size: what one view of the map (a bounding box at a zoom level)
shows, counted and clustered in the database so that an answer stays a few hundred
features however many relationships the registry holds.

- When the view holds at most ``DETAIL_LIMIT`` located places that take part in a
  relationship, the answer is those places with their names and pages, and the lines of
  their relationships (at most ``LINK_LIMIT``; the far side of a line is sent too).
- Otherwise the answer is clusters: the places grouped on a grid whose cells shrink as the
  zoom grows (``Floor(latitude / cell)``, computed in SQL), each with its number of places,
  of Chinese places, and its mean position; at most ``CLUSTER_LIMIT`` cells, the fullest.

Longitudes may come shifted by ±360 (the map draws partners across the Pacific east of
China); a box that crosses the antimeridian is read as two ranges.
"""

from dataclasses import dataclass

from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Floor
from django.urls import reverse

from utilities.countries import CHINA
from utilities.languages import page_and_other

from .models import Place, Relationship

DETAIL_LIMIT = 300
LINK_LIMIT = 300
CLUSTER_LIMIT = 400
# A cluster cell is about this many pixels wide on the screen (256-pixel tiles).
CELL_PIXELS = 48
# A box is cut into at most this many cells across, whatever the zoom it claims.
MAX_CELLS_ACROSS = 32
MIN_ZOOM, MAX_ZOOM = 0, 20
WORLD = (-180.0, -90.0, 180.0, 90.0)


class BadView(ValueError):
    """A bounding box or zoom that cannot be read; the message names the parameter."""


@dataclass(frozen=True)
class View:
    west: float
    south: float
    east: float
    north: float
    zoom: float

    @classmethod
    def parse(cls, bbox, zoom):
        """``bbox=west,south,east,north`` (degrees) and ``zoom`` as the map sends them."""
        try:
            values = [float(part) for part in (bbox or "").split(",")]
        except ValueError:
            raise BadView("bbox") from None
        if len(values) != 4 or any(value != value for value in values):  # NaN
            raise BadView("bbox")
        west, south, east, north = values
        if not (-90 <= south <= north <= 90 and -540 <= west <= east <= 540):
            raise BadView("bbox")
        try:
            zoom = float(zoom)
        except (TypeError, ValueError):
            raise BadView("zoom") from None
        if not MIN_ZOOM <= zoom <= MAX_ZOOM:
            raise BadView("zoom")
        return cls(west, south, east, north, zoom)

    def condition(self, prefix=""):
        """The places inside the box."""
        lat, lng = f"{prefix}latitude", f"{prefix}longitude"
        inside = Q(**{f"{lat}__gte": self.south, f"{lat}__lte": self.north})
        if self.east - self.west >= 360:
            return inside
        west = (self.west + 180) % 360 - 180
        east = west + (self.east - self.west)
        if east <= 180:
            return inside & Q(**{f"{lng}__gte": west, f"{lng}__lte": east})
        return inside & (Q(**{f"{lng}__gte": west}) | Q(**{f"{lng}__lte": east - 360}))

    @property
    def cell(self):
        """The side of a cluster cell in degrees."""
        by_zoom = 360 * CELL_PIXELS / (256 * 2**self.zoom)
        span = max(min(self.east - self.west, 360), self.north - self.south)
        return max(by_zoom, span / MAX_CELLS_ACROSS)


def mapped_places():
    """Located places that take part in at least one relationship."""
    return Place.objects.filter(latitude__isnull=False, longitude__isnull=False).filter(
        Exists(Relationship.objects.filter(chinese_place=OuterRef("pk")))
        | Exists(Relationship.objects.filter(foreign_place=OuterRef("pk")))
    )


class Urls:
    """A place's and a relationship's address without a ``reverse`` per row: the pattern
    is reversed once (in the request's language) and filled in."""

    def __init__(self):
        self.place = reverse("cities:place", args=["SLUG"]).replace("SLUG", "{}")
        self.relationship = reverse("cities:relationship", args=[0]).replace("/0/", "/{}/")


def place_feature(row, urls):
    primary, other = page_and_other(row["name_zh"], row["name_en"])
    return {
        "name": primary,
        "alt": other,
        "lat": float(row["latitude"]),
        "lng": float(row["longitude"]),
        "url": urls.place.format(row["slug"]),
        "chinese": row["country"] == CHINA,
        "focus": False,
        "fit": False,
    }


PLACE_FIELDS = ("pk", "slug", "name_zh", "name_en", "country", "latitude", "longitude")


def features(view):
    """What the map shows in ``view``: ``{"mode": "places" | "clusters", "total", "places",
    "links", "clusters", "truncated"}``. One query for a view of clusters, four at most,
    whatever the registry holds."""
    in_view = mapped_places().filter(view.condition())
    # Every cell of the view's grid at once (at most MAX_CELLS_ACROSS squared, about a
    # thousand): their counts add up to the number of places in view, so a view of
    # clusters reads its places once, not once to count them and again to group them.
    cells = grid_cells(in_view, view)
    total = sum(cell["count"] for cell in cells)
    answer = {"mode": "places", "total": total, "places": {}, "links": [], "clusters": []}
    if total > DETAIL_LIMIT:
        answer.update(mode="clusters", clusters=fullest(cells))
        answer["truncated"] = len(answer["clusters"]) >= CLUSTER_LIMIT
        return answer
    urls = Urls()
    rows = list(in_view.order_by("pk").values(*PLACE_FIELDS))
    places = {row["pk"]: place_feature(row, urls) for row in rows}
    located = Q(chinese_place__latitude__isnull=False, foreign_place__latitude__isnull=False)
    ids = list(places)
    relationships = list(
        Relationship.objects.filter(located)
        .filter(Q(chinese_place__in=ids) | Q(foreign_place__in=ids))
        .order_by("pk")
        .values("pk", "kind", "chinese_place_id", "foreign_place_id")[: LINK_LIMIT + 1]
    )
    answer["truncated"] = len(relationships) > LINK_LIMIT
    relationships = relationships[:LINK_LIMIT]
    far = {
        pk
        for row in relationships
        for pk in (row["chinese_place_id"], row["foreign_place_id"])
        if pk not in places
    }
    if far:
        for row in Place.objects.filter(pk__in=far).values(*PLACE_FIELDS):
            places[row["pk"]] = place_feature(row, urls)
    answer["places"] = places
    answer["links"] = [
        {
            "from": row["chinese_place_id"],
            "to": row["foreign_place_id"],
            "kind": row["kind"],
            "url": urls.relationship.format(row["pk"]),
        }
        for row in relationships
    ]
    return answer


def grid_cells(places, view):
    """The places on a grid of ``view.cell`` degrees: one row per non-empty cell, with its
    number of places, of Chinese places, and its mean position."""
    cell = view.cell
    return list(
        places.order_by()
        .annotate(
            cell_y=grid("latitude", cell),
            cell_x=grid("longitude", cell),
        )
        .values("cell_y", "cell_x")
        .annotate(
            count=Count("pk"),
            chinese=Sum(
                Case(
                    When(country=CHINA, then=Value(1)),
                    default=Value(0),
                    output_field=IntegerField(),
                )
            ),
            lat=Avg("latitude"),
            lng=Avg("longitude"),
        )
    )


def fullest(cells):
    """The clusters the map draws: at most ``CLUSTER_LIMIT`` cells, the fullest first."""
    cells = sorted(cells, key=lambda row: (-row["count"], row["cell_y"], row["cell_x"]))
    return [
        {
            "lat": round(float(row["lat"]), 4),
            "lng": round(float(row["lng"]), 4),
            "count": row["count"],
            "chinese": row["chinese"],
        }
        for row in cells[:CLUSTER_LIMIT]
    ]


def grid(field, cell):
    """The cell index of a coordinate column on a grid of ``cell`` degrees."""
    return Floor(Cast(F(field), FloatField()) / Value(float(cell), output_field=FloatField()))
