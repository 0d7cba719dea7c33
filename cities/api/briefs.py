"""Brief forms of places, relationships, stages and fields of cooperation: how they appear
inside other records (id, url, display, Chinese and English names, country)."""

from rest_framework import serializers

from cities.models import (
    CooperationField,
    Place,
    Relationship,
    RelationshipStage,
    relationship_display,
)
from utilities.api.fields import CountryField, PartialDateField, PrecisionField
from utilities.api.serializers import BriefSerializer


class PlaceBriefSerializer(BriefSerializer):
    country = CountryField(read_only=True)

    class Meta:
        model = Place
        fields = ["id", "url", "display", "slug", "name_zh", "name_en", "country"]


class RelationshipBriefSerializer(BriefSerializer):
    chinese_place = PlaceBriefSerializer(read_only=True)
    foreign_place = PlaceBriefSerializer(read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Relationship
        fields = ["id", "url", "display", "kind", "kind_display", "chinese_place", "foreign_place"]


class RelationshipStageBriefSerializer(BriefSerializer):
    stage_display = serializers.CharField(source="get_stage_display", read_only=True)
    date = PartialDateField("date", read_only=True)
    date_precision = PrecisionField("date")

    class Meta:
        model = RelationshipStage
        fields = [
            "id",
            "url",
            "display",
            "stage",
            "stage_display",
            "date",
            "date_precision",
            "document",
        ]


class CooperationFieldBriefSerializer(BriefSerializer):
    class Meta:
        model = CooperationField
        fields = ["id", "url", "display", "slug", "name_zh", "name_en"]


# --- The same records from plain values (``utilities.api.briefs``) ------------------------

# The values a place's brief is made of, in ``PlaceBriefs.brief``'s order.
PLACE_VALUES = ("id", "slug", "name_zh", "name_en", "country")
# A relationship's: its own, then its Chinese and its foreign place's.
RELATIONSHIP_VALUES = (
    "id",
    "kind",
    *(f"chinese_place__{name}" for name in PLACE_VALUES),
    *(f"foreign_place__{name}" for name in PLACE_VALUES),
)
COOPERATION_FIELD_VALUES = ("id", "slug", "name_zh", "name_en")


def related_values(prefix, names):
    """The names of a related record's values read through ``prefix``
    (``related_values("relationship__", RELATIONSHIP_VALUES)``)."""
    return [f"{prefix}{name}" for name in names]


class NamedBriefs:
    """Brief records of a named record (id, url, display, slug, Chinese and English names:
    ``CooperationFieldBriefSerializer``'s, a region's) at ``view_name``'s addresses, from
    ``COOPERATION_FIELD_VALUES``; each made once per request: shared, so never written."""

    def __init__(self, values, view_name):
        self.values = values
        self.url = values.url_pattern(view_name)
        self.made = {}

    def named(self, pk, slug, name_zh, name_en):
        start, end = self.url
        return {
            "id": pk,
            "url": f"{start}{pk}{end}",
            "display": self.values.name(name_zh, name_en),
            "slug": slug,
            "name_zh": name_zh,
            "name_en": name_en,
        }

    def brief(self, pk, slug, name_zh, name_en):
        found = self.made.get(pk)
        if found is None:
            found = self.made[pk] = self.named(pk, slug, name_zh, name_en)
        return found


class CooperationFieldBriefs(NamedBriefs):
    """``CooperationFieldBriefSerializer``'s records."""

    def __init__(self, values):
        super().__init__(values, "api:cooperationfield-detail")


class PlaceBriefs(NamedBriefs):
    """``PlaceBriefSerializer``'s records from ``PLACE_VALUES``: a named record's and the
    country; each place's made once per request (a page names a city many times)."""

    def __init__(self, values):
        super().__init__(values, "api:place-detail")

    def brief(self, pk, slug, name_zh, name_en, country):
        found = self.made.get(pk)
        if found is None:
            found = self.made[pk] = self.named(pk, slug, name_zh, name_en)
            found["country"] = self.values.country(country)
        return found


class RelationshipBriefs:
    """``RelationshipBriefSerializer``'s records from ``RELATIONSHIP_VALUES`` (or from the
    relationship's own values and its places' briefs)."""

    def __init__(self, values, places=None):
        self.places = places or PlaceBriefs(values)
        self.url = values.url_pattern("api:relationship-detail")
        self.kinds = values.labels(Relationship, "kind")
        self.made = {}

    def brief(self, pk, kind, chinese_place, foreign_place):
        """A relationship's brief, given its places' (``PlaceBriefs.brief``)."""
        start, end = self.url
        return {
            "id": pk,
            "url": f"{start}{pk}{end}",
            "display": relationship_display(chinese_place["display"], foreign_place["display"]),
            "kind": kind,
            "kind_display": self.kinds.get(kind, kind),
            "chinese_place": chinese_place,
            "foreign_place": foreign_place,
        }

    def row(self, row):
        """The brief of a ``RELATIONSHIP_VALUES`` tuple, made once per relationship and
        request: shared, so never written."""
        found = self.made.get(row[0])
        if found is None:
            place = self.places.brief
            found = self.made[row[0]] = self.brief(
                row[0], row[1], place(*row[2:7]), place(*row[7:12])
            )
        return found
