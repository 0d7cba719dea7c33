"""The serializers' reading plan (``utilities.api.serializers.reading_plan``) gives what
DRF's own ``Serializer.to_representation`` gives, field for field: method fields, partial
dates and their precisions (read from the whole record) included."""

import pytest
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from cities.api.serializers import RelationshipSerializer, RelationshipStageSerializer
from cities.api.views import RelationshipStageViewSet, RelationshipViewSet
from exchanges.api.serializers import ExchangeSerializer
from exchanges.api.views import ExchangeViewSet

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "viewset, serializer_class",
    [
        (RelationshipViewSet, RelationshipSerializer),
        (RelationshipStageViewSet, RelationshipStageSerializer),
        (ExchangeViewSet, ExchangeSerializer),
    ],
)
def test_the_plan_reads_what_drf_reads(viewset, serializer_class):
    request = Request(APIRequestFactory().get("/api/"))
    records = list(viewset.queryset.all()[:200])
    assert records
    planned = serializer_class(context={"request": request})
    drf = serializer_class(context={"request": request})
    for record in records:
        assert planned.to_representation(record) == serializers.Serializer.to_representation(
            drf, record
        )


class LabelOfRecord(serializers.CharField):
    """Reads the whole record its own way (an overridden ``get_attribute``)."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def get_attribute(self, instance):
        return f"#{instance.pk}"


def test_a_field_that_reads_the_record_its_own_way_goes_through_drf():
    class Labelled(RelationshipStageSerializer):
        label = LabelOfRecord()

        class Meta(RelationshipStageSerializer.Meta):
            fields = [*RelationshipStageSerializer.Meta.fields, "label"]

    request = Request(APIRequestFactory().get("/api/"))
    stage = RelationshipStageViewSet.queryset.first()
    assert Labelled(context={"request": request}).to_representation(stage)["label"] == (
        f"#{stage.pk}"
    )
