"""Serializers for award types (named as conferred) and the awards granted."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from awards import services
from awards.choices import AwardTypeStatus
from awards.models import Award, AwardType
from cities.api.briefs import PlaceBriefSerializer, RelationshipBriefSerializer
from cities.models import Place, Relationship
from sources.api.fields import citations_field
from utilities.api.fields import BriefRelatedField, PartialDateField, PrecisionField
from utilities.api.serializers import RegistrySerializer, stamp_history

from .briefs import AwardTypeBriefSerializer


class AwardTypeSerializer(RegistrySerializer):
    """An award type. An office may create one: it is saved as ``proposed`` whatever the
    body says (``awards.services.prepare_award_type``); a superuser confirms it (``status``),
    renames it (the old name stays in ``aliases``) or merges it (``POST …/merge/``)."""

    level_display = serializers.CharField(source="get_level_display", read_only=True)
    status = serializers.ChoiceField(choices=AwardTypeStatus.choices, required=False)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    aliases = serializers.ListField(
        source="alias_names",
        child=serializers.CharField(max_length=200),
        required=False,
        help_text=_("Other spellings of the award in the reports."),
    )
    predecessor = BriefRelatedField(
        AwardTypeBriefSerializer,
        queryset=AwardType.objects.all(),
        allow_null=True,
        required=False,
    )

    class Meta:
        model = AwardType
        fields = [
            "id", "url", "display", "name_zh", "name_en", "aliases", "status", "status_display",
            "conferred_by_zh", "conferred_by_en", "description_zh", "description_en",
            "level", "level_display", "predecessor", "notes", "created", "last_updated",
        ]  # fmt: skip

    def validate(self, attrs):
        aliases = attrs.pop("alias_names", None)
        user = self.context["request"].user
        if self.instance is None and not user.is_superuser:
            attrs["status"] = AwardTypeStatus.PROPOSED
        elif "status" in attrs and not user.is_superuser:
            raise serializers.ValidationError({"status": [str(services.SUPERUSERS_ONLY)]})
        attrs = super().validate(attrs)
        if aliases is not None:
            name = attrs.get("name_zh", getattr(self.instance, "name_zh", ""))
            errors = services.alias_errors(self.instance, name, aliases)
            if errors:
                raise serializers.ValidationError({"aliases": errors})
            attrs["alias_names"] = aliases
        return attrs

    def create(self, validated_data):
        aliases = validated_data.pop("alias_names", None)
        user = self.context["request"].user
        instance = services.prepare_award_type(AwardType(**validated_data), user)
        stamp_history(instance, self.context["request"])
        instance.save()
        if aliases:
            services.set_aliases(instance, aliases, user)
        return instance

    def update(self, instance, validated_data):
        aliases = validated_data.pop("alias_names", None)
        old_name = instance.name_zh
        user = self.context["request"].user
        instance = super().update(instance, validated_data)
        if aliases is not None:
            services.set_aliases(instance, aliases, user)
        if instance.name_zh != old_name:
            services.keep_old_name(instance, old_name, user)
        return instance


class MergeSerializer(serializers.Serializer):
    into = serializers.PrimaryKeyRelatedField(
        queryset=AwardType.objects.all(),
        help_text=_("The award type this one is merged into."),
    )


class AwardSerializer(RegistrySerializer):
    award_type = BriefRelatedField(AwardTypeBriefSerializer, queryset=AwardType.objects.all())
    chinese_place = BriefRelatedField(PlaceBriefSerializer, queryset=Place.objects.all())
    recipient_kind_display = serializers.CharField(
        source="get_recipient_kind_display", read_only=True
    )
    place = BriefRelatedField(
        PlaceBriefSerializer, queryset=Place.objects.all(), allow_null=True, required=False
    )
    relationship = BriefRelatedField(
        RelationshipBriefSerializer,
        queryset=Relationship.objects.all(),
        allow_null=True,
        required=False,
    )
    recipient = serializers.CharField(source="recipient_display", read_only=True)
    conferred = PartialDateField("conferred")
    conferred_precision = PrecisionField("conferred")
    citations = citations_field()

    class Meta:
        model = Award
        fields = [
            "id", "url", "display", "award_type", "chinese_place", "recipient_kind",
            "recipient_kind_display", "recipient", "place", "relationship", "person_name",
            "person_count", "country_count", "conferred", "conferred_precision", "notes",
            "editors_note", "citations", "created", "last_updated",
        ]  # fmt: skip
