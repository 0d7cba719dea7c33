"""Serializers for places, relationships and their stages, reported figures, fields of
cooperation, the reported-vs-recorded comparison and the anniversaries feed."""

from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cities.choices import HoldingLevel
from cities.comparison import RECORDED
from cities.models import (
    EDITOR_ADDABLE_FIELDS,
    Claim,
    CooperationField,
    Place,
    Relationship,
    RelationshipStage,
    ReportedFigure,
    ReportedStatement,
    RuleAcknowledgement,
)
from cities.national_rules import relationship_warnings, warnings_of
from sources.api.briefs import CitationBriefSerializer
from sources.api.fields import citations_field
from utilities.api.fields import (
    BlankAsNullChoiceField,
    BriefRelatedField,
    CountryField,
    PartialDateField,
    PrecisionField,
)
from utilities.api.serializers import (
    BriefSerializer,
    PlannedReading,
    RecordURLField,
    RegistrySerializer,
    absolute_url,
)
from utilities.api.strict_fields import CountField as StrictCountField

from .briefs import (
    CooperationFieldBriefSerializer,
    PlaceBriefSerializer,
    RelationshipBriefSerializer,
    RelationshipStageBriefSerializer,
)
from .comparisons import comparison
from .relationship_values import dispute_records

# How the computed dates below appear in the schema: like the stored ones.
PARTIAL_DATE = PartialDateField("date", read_only=True)
PRECISION = PrecisionField("date")


def point(place):
    if place is None or place.latitude is None or place.longitude is None:
        return None
    return [float(place.longitude), float(place.latitude)]


def line(start, end):
    """A line between two points; one that crosses the antimeridian (China to the
    Americas across the Pacific) is cut in two there, as RFC 7946 asks."""
    (lon1, lat1), (lon2, lat2) = start, end
    if abs(lon2 - lon1) <= 180:
        return {"type": "LineString", "coordinates": [start, end]}
    shifted = lon2 + 360 if lon2 < lon1 else lon2 - 360
    edge = 180.0 if shifted > lon1 else -180.0
    latitude = lat1 + (lat2 - lat1) * (edge - lon1) / (shifted - lon1)
    return {
        "type": "MultiLineString",
        "coordinates": [[start, [edge, latitude]], [[-edge, latitude], end]],
    }


class GeometryMixin:
    """Adds ``geometry`` to the record when GeoJSON is being rendered (the renderer moves it
    out of the properties)."""

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        renderer = getattr(request, "accepted_renderer", None)
        if getattr(renderer, "format", None) == "geojson":
            data["geometry"] = self.get_geometry(instance)
        return data


class PlaceSerializer(GeometryMixin, RegistrySerializer):
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    country = CountryField()
    parent = BriefRelatedField(
        PlaceBriefSerializer, queryset=Place.objects.all(), allow_null=True, required=False
    )
    latitude = serializers.DecimalField(
        max_digits=8,
        decimal_places=5,
        min_value=Decimal(-90),
        max_value=Decimal(90),
        allow_null=True,
        required=False,
        coerce_to_string=False,
    )
    longitude = serializers.DecimalField(
        max_digits=8,
        decimal_places=5,
        min_value=Decimal(-180),
        max_value=Decimal(180),
        allow_null=True,
        required=False,
        coerce_to_string=False,
    )
    aliases = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    editor_added_fields = serializers.ListField(
        child=serializers.ChoiceField(choices=sorted(EDITOR_ADDABLE_FIELDS)),
        required=False,
        help_text="Fields the editors added where no report states them.",
    )

    class Meta:
        model = Place
        fields = [
            "id", "url", "display", "slug", "name_zh", "name_en", "name_local", "level",
            "level_display", "country", "parent", "latitude", "longitude", "wikidata_id",
            "aliases", "editor_added_fields", "notes", "created", "last_updated",
        ]  # fmt: skip

    def get_geometry(self, place):
        coordinates = point(place)
        return {"type": "Point", "coordinates": coordinates} if coordinates else None


class CooperationFieldSerializer(RegistrySerializer):
    class Meta:
        model = CooperationField
        fields = ["id", "url", "display", "slug", "name_zh", "name_en", "created", "last_updated"]


class ClaimBriefSerializer(PlannedReading, serializers.Serializer):
    """One source's word inside a relationship or a step: who, what value, which passages."""

    id = serializers.IntegerField(read_only=True)
    subject = serializers.CharField(read_only=True)
    claimant = serializers.CharField(read_only=True)
    claimant_display = serializers.CharField(source="get_claimant_display", read_only=True)
    value = serializers.CharField(read_only=True)
    display_value = serializers.CharField(read_only=True)
    date = PartialDateField("date", read_only=True)
    date_precision = PrecisionField("date")
    citations = CitationBriefSerializer(many=True, read_only=True)


class SideSerializer(serializers.Serializer):
    """One side of a disagreement: who says it and what (as shown on the page)."""

    claimant = serializers.CharField(read_only=True)
    value = serializers.CharField(read_only=True)


class DisputeSerializer(serializers.Serializer):
    """A fact the sources disagree about: the kind, the level, or a step (by its label)."""

    subject = serializers.CharField(read_only=True)
    sides = SideSerializer(many=True, read_only=True)


class RelationshipStageWithClaimsSerializer(RelationshipStageBriefSerializer):
    """A dated step inside a relationship, with every source's claim about its date."""

    claims = ClaimBriefSerializer(many=True, read_only=True)
    disputed = serializers.BooleanField(read_only=True)

    class Meta(RelationshipStageBriefSerializer.Meta):
        fields = [*RelationshipStageBriefSerializer.Meta.fields, "claims", "disputed"]


class RuleWarningSerializer(serializers.Serializer):
    """A national rule the relationship breaks (not acknowledged): a warning, never a refusal."""

    rule = serializers.CharField()
    rule_display = serializers.CharField()
    message = serializers.CharField()


class RelationshipSerializer(GeometryMixin, RegistrySerializer):
    chinese_place = BriefRelatedField(PlaceBriefSerializer, queryset=Place.objects.all())
    foreign_place = BriefRelatedField(PlaceBriefSerializer, queryset=Place.objects.all())
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    stage_display = serializers.CharField(source="get_stage_display", read_only=True)
    level = BlankAsNullChoiceField(choices=HoldingLevel.choices, label=_("中方层级"))
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    fields = BriefRelatedField(
        CooperationFieldBriefSerializer,
        many=True,
        queryset=CooperationField.objects.all(),
        required=False,
    )
    intent_date = serializers.SerializerMethodField()
    intent_date_precision = serializers.SerializerMethodField()
    agreement_date = serializers.SerializerMethodField()
    agreement_date_precision = serializers.SerializerMethodField()
    began = serializers.SerializerMethodField()
    began_precision = serializers.SerializerMethodField()
    stages = RelationshipStageWithClaimsSerializer(many=True, read_only=True)
    claims = serializers.SerializerMethodField()
    disputes = serializers.SerializerMethodField()
    citations = citations_field()
    warnings = serializers.SerializerMethodField(
        help_text=(
            "The national rules the relationship breaks and no one has acknowledged (a "
            "partner level that does not match, a partner of the same kind in the same "
            "province, a country without diplomatic relations, active with no agreement "
            "step), for staff; empty for other readers. They never refuse a write; "
            "acknowledge one with a reason at /api/rule-acknowledgements/."
        )
    )

    class Meta:
        model = Relationship
        fields = [
            "id", "url", "display", "chinese_place", "foreign_place", "kind", "kind_display",
            "wording", "stage", "stage_display", "level", "level_display", "fields",
            "intent_date", "intent_date_precision", "agreement_date",
            "agreement_date_precision", "began", "began_precision", "stages", "claims",
            "disputes", "signatories", "notes", "editors_note", "citations", "created",
            "last_updated", "warnings",
        ]  # fmt: skip
        # Dates and stages are the relationship's dated stages, written there.
        read_only_hints = dict.fromkeys(
            [
                "intent_date", "intent_date_precision", "agreement_date",
                "agreement_date_precision", "began", "began_precision", "stages",
            ],
            "/api/relationship-stages/",
        ) | dict.fromkeys(["claims", "disputes"], "/api/claims/")  # fmt: skip

    @extend_schema_field(ClaimBriefSerializer(many=True))
    def get_claims(self, relationship):
        """Claims about the relationship's kind and level (a step's are under the step)."""
        claims = [claim for claim in relationship.claims.all() if claim.step_id is None]
        if not claims:
            return []  # most relationships: no serializer built for an empty list
        # One claim serializer per answer, not one per relationship.
        child = self.__dict__.get("_claim_serializer")
        if child is None:
            child = self._claim_serializer = ClaimBriefSerializer(context=self.context)
        return [child.to_representation(claim) for claim in claims]

    @extend_schema_field(DisputeSerializer(many=True))
    def get_disputes(self, relationship):
        """What the sources disagree about, each side as the page shows it (empty when they
        agree)."""
        return dispute_records(relationship.disputes())

    @extend_schema_field(RuleWarningSerializer(many=True))
    def get_warnings(self, obj):
        """Staff only. A list is judged at once (``relationship_warnings`` in a fixed
        number of queries); one record as it is now (after a write, as saved)."""
        request = self.context.get("request")
        if request is None or not (request.user.is_authenticated and request.user.is_staff):
            return []
        batch = getattr(self.parent, "instance", None)
        if batch is None:
            return [warning.as_dict() for warning in warnings_of(obj)]
        cache = self.context.setdefault("rule_warnings", {})
        if obj.pk not in cache:
            cache.update(relationship_warnings(list(batch)))
        return [warning.as_dict() for warning in cache.get(obj.pk, [])]

    def to_representation(self, instance):
        self._dates = (instance, {})  # each representation works its dates out afresh
        return super().to_representation(instance)

    def _date(self, relationship, name):
        """``relationship.<name>`` (a date worked out from its stages), worked out once for
        the date and its precision."""
        kept = self.__dict__.get("_dates")
        if kept is None or kept[0] is not relationship:
            kept = self._dates = (relationship, {})
        if name not in kept[1]:
            kept[1][name] = getattr(relationship, name)
        return kept[1][name]

    @extend_schema_field(PARTIAL_DATE)
    def get_intent_date(self, relationship):
        value = self._date(relationship, "intent_date")
        return value.isoformat() if value else None

    @extend_schema_field(PRECISION)
    def get_intent_date_precision(self, relationship):
        value = self._date(relationship, "intent_date")
        return str(value.precision) if value else None

    @extend_schema_field(PARTIAL_DATE)
    def get_agreement_date(self, relationship):
        value = self._date(relationship, "agreement_date")
        return value.isoformat() if value else None

    @extend_schema_field(PRECISION)
    def get_agreement_date_precision(self, relationship):
        value = self._date(relationship, "agreement_date")
        return str(value.precision) if value else None

    @extend_schema_field(PARTIAL_DATE)
    def get_began(self, relationship):
        """When the relationship began: its agreement, else its earliest letter of intent,
        memorandum or "active" step (the date the pages, filters and anniversaries use)."""
        value = self._date(relationship, "began")
        return value.isoformat() if value else None

    @extend_schema_field(PRECISION)
    def get_began_precision(self, relationship):
        value = self._date(relationship, "began")
        return str(value.precision) if value else None

    def get_geometry(self, relationship):
        start, end = point(relationship.chinese_place), point(relationship.foreign_place)
        if start is None or end is None:
            return None
        return line(start, end)


class RelationshipStageSerializer(RegistrySerializer):
    relationship = BriefRelatedField(
        RelationshipBriefSerializer, queryset=Relationship.objects.all()
    )
    stage_display = serializers.CharField(source="get_stage_display", read_only=True)
    date = PartialDateField("date")
    date_precision = PrecisionField("date")
    citations = citations_field()

    class Meta:
        model = RelationshipStage
        fields = [
            "id", "url", "display", "relationship", "stage", "stage_display", "date",
            "date_precision", "planned", "document", "citations", "created", "last_updated",
        ]  # fmt: skip


class ClaimSerializer(RegistrySerializer):
    relationship = BriefRelatedField(
        RelationshipBriefSerializer, queryset=Relationship.objects.all()
    )
    step = BriefRelatedField(
        RelationshipStageBriefSerializer,
        queryset=RelationshipStage.objects.all(),
        required=False,
        allow_null=True,
    )
    subject_display = serializers.CharField(source="get_subject_display", read_only=True)
    claimant_display = serializers.CharField(source="get_claimant_display", read_only=True)
    date = PartialDateField("date", required=False, allow_null=True)
    date_precision = PrecisionField("date")
    display_value = serializers.CharField(read_only=True)
    citations = citations_field()

    class Meta:
        model = Claim
        fields = [
            "id", "url", "display", "relationship", "subject", "subject_display", "step",
            "date", "date_precision", "value", "display_value", "claimant",
            "claimant_display", "note", "citations", "created", "last_updated",
        ]  # fmt: skip


class ReportedFigureSerializer(RegistrySerializer):
    chinese_place = BriefRelatedField(PlaceBriefSerializer, queryset=Place.objects.all())
    metric_display = serializers.CharField(source="get_metric_display", read_only=True)
    qualifier_display = serializers.CharField(source="get_qualifier_display", read_only=True)
    display_value = serializers.CharField(read_only=True)
    value = StrictCountField(min_value=0)
    value_max = StrictCountField(
        min_value=0,
        required=False,
        allow_null=True,
        help_text="The upper bound when the report gives a range (1–2); null otherwise.",
    )
    as_of = PartialDateField("as_of")
    as_of_precision = PrecisionField("as_of")
    citations = citations_field()

    class Meta:
        model = ReportedFigure
        fields = [
            "id", "url", "display", "chinese_place", "metric", "metric_display", "wording", "value",
            "value_max", "qualifier", "qualifier_display", "display_value", "as_of",
            "as_of_precision",
            "editors_note", "citations", "created", "last_updated",
        ]  # fmt: skip


class ReportedStatementSerializer(RegistrySerializer):
    chinese_place = BriefRelatedField(PlaceBriefSerializer, queryset=Place.objects.all())
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    as_of = PartialDateField("as_of")
    as_of_precision = PrecisionField("as_of")
    citations = citations_field()

    class Meta:
        model = ReportedStatement
        fields = [
            "id", "url", "display", "chinese_place", "kind", "kind_display", "statement_zh",
            "statement_en", "as_of", "as_of_precision", "editors_note", "citations",
            "created", "last_updated",
        ]  # fmt: skip


class RecordedCountsSerializer(serializers.Serializer):
    """The registry's own counts for a Chinese city and the places inside it."""

    def get_fields(self):
        return {
            str(metric): serializers.IntegerField(source=f"recorded_{metric}", read_only=True)
            for metric in RECORDED
        }


class ComparisonFigureSerializer(BriefSerializer):
    """One reported total next to the matching recorded count."""

    metric_display = serializers.CharField(source="get_metric_display", read_only=True)
    display_value = serializers.CharField(read_only=True)
    as_of = PartialDateField("as_of", read_only=True)
    as_of_precision = PrecisionField("as_of")
    recorded = serializers.SerializerMethodField()
    difference = serializers.SerializerMethodField()
    missing = serializers.SerializerMethodField()

    class Meta:
        model = ReportedFigure
        fields = [
            "id", "url", "display", "metric", "metric_display", "wording", "value", "value_max",
            "qualifier", "display_value", "as_of", "as_of_precision", "recorded", "difference", "missing",
        ]  # fmt: skip

    def get_recorded(self, figure) -> int | None:
        """The registry's count for the metric (null when it cannot count it)."""
        return comparison(figure).recorded

    def get_difference(self, figure) -> int | None:
        """Recorded minus reported: negative when records are missing (as approximate as
        the reported figure)."""
        recorded = comparison(figure).recorded
        return None if recorded is None else recorded - figure.value

    def get_missing(self, figure) -> int | None:
        """How many records the registry lacks: exact for an exact figure, the lower bound
        for "20多个"/"逾"/"以上", null for "约"/"近" or an uncountable metric."""
        return comparison(figure).missing


class ComparisonSerializer(BriefSerializer):
    url = RecordURLField(view_name="api:comparison-detail")
    chinese_place = PlaceBriefSerializer(source="*", read_only=True)
    recorded = RecordedCountsSerializer(source="*", read_only=True)
    figures = ComparisonFigureSerializer(source="reported_figures", many=True, read_only=True)

    class Meta:
        model = Place
        fields = ["id", "url", "display", "chinese_place", "recorded", "figures"]


class AnniversarySerializer(serializers.Serializer):
    """A round anniversary, in the next twelve months, of when a relationship began
    (``agreement_date`` is that beginning: its agreement, else its letter of intent)."""

    id = serializers.CharField(read_only=True, help_text="relationship id - years")
    url = serializers.SerializerMethodField()
    display = serializers.CharField(read_only=True)
    relationship = RelationshipBriefSerializer(read_only=True)
    years = serializers.IntegerField(read_only=True)
    agreement_date = serializers.SerializerMethodField()
    agreement_date_precision = serializers.SerializerMethodField()
    date = serializers.SerializerMethodField()
    date_precision = serializers.SerializerMethodField()
    exact = serializers.BooleanField(
        read_only=True, help_text="False when the source gives only the year or month."
    )
    starts = serializers.DateField(
        read_only=True, help_text="The first day the anniversary can fall on."
    )
    ends = serializers.DateField(read_only=True, help_text="The last day it can fall on.")
    summary = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)

    def get_url(self, anniversary) -> str:
        """The relationship's address."""
        path = reverse("api:relationship-detail", args=[anniversary.relationship.pk])
        return absolute_url(self.context.get("request"), path)

    @extend_schema_field(PARTIAL_DATE)
    def get_agreement_date(self, anniversary):
        """When the relationship began (``began``): its agreement, else its letter of
        intent or memorandum."""
        return anniversary.began.isoformat()

    @extend_schema_field(PRECISION)
    def get_agreement_date_precision(self, anniversary):
        return str(anniversary.began.precision)

    @extend_schema_field(PARTIAL_DATE)
    def get_date(self, anniversary):
        return anniversary.date.isoformat()

    @extend_schema_field(PRECISION)
    def get_date_precision(self, anniversary):
        return str(anniversary.date.precision)


class RuleAcknowledgementSerializer(RegistrySerializer):
    """Staff accept a national-rule warning on a relationship, with their reason."""

    relationship = BriefRelatedField(
        RelationshipBriefSerializer, queryset=Relationship.objects.all()
    )
    rule_display = serializers.CharField(source="get_rule_display", read_only=True)
    user = serializers.SerializerMethodField(
        help_text="Who acknowledged it (shown to staff only, as in a record's history)."
    )

    class Meta:
        model = RuleAcknowledgement
        fields = [
            "id", "url", "display", "relationship", "rule", "rule_display", "reason", "user",
            "created", "last_updated",
        ]  # fmt: skip

    def get_user(self, obj) -> str | None:
        request = self.context.get("request")
        staff = request is not None and request.user.is_authenticated and request.user.is_staff
        return obj.user.username if staff and obj.user else None

    def create(self, validated_data):
        validated_data["user"] = self.context["request"].user
        return super().create(validated_data)
