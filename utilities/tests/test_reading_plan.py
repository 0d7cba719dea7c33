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
