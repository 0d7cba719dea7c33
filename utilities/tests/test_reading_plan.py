"""The serializers' reading plan (``utilities.api.serializers.reading_plan``) gives what
DRF's own ``Serializer.to_representation`` gives, field for field: method fields, partial
dates and their precisions (read from the whole record) included."""

import json

import pytest
from django.utils import timezone, translation
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory
from rest_framework.utils.encoders import JSONEncoder

from cities.api.serializers import (
    ClaimBriefSerializer,
    PlaceSerializer,
    RelationshipSerializer,
    RelationshipStageSerializer,
)
from cities.api.views import PlaceViewSet, RelationshipStageViewSet, RelationshipViewSet
from cities.models import Claim, Place, RelationshipStage
from exchanges.api.serializers import ExchangeCountSerializer, ExchangeSerializer
from exchanges.api.views import ExchangeViewSet
from exchanges.models import Exchange, ExchangeCount
from tests.builders import add_rows, new_exchange

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


def exactly(value):
    """The JSON text of a value: ``1`` and ``"1"``, ``[]`` and ``None`` differ."""
    return json.dumps(value, cls=JSONEncoder, ensure_ascii=False)


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "UTC", "America/Los_Angeles"])
def test_the_plan_writes_numbers_moments_and_countries_as_drf_does(world, zone):
    """Ids and counts as numbers, the record's times in the active time zone, a list of
    countries with their names, an exchange's counts and a step's claims (serializers that
    are not brief forms) read through the plan too."""
    add_rows(3)
    exchange = new_exchange(world.away)
    exchange.countries = ["IS", "JP", "IS"]
    exchange.save()
    ExchangeCount.objects.create(exchange=exchange, value=300, qualifier="odd", unit_zh="人")
    stage = RelationshipStage.objects.filter(date_year__isnull=False).first()
    Claim.objects.create(
        relationship=stage.relationship,
        subject="date",
        step=stage,
        date_year=1999,
        claimant="partner",
    )
    request = Request(APIRequestFactory().get("/api/"))
    cases = [
        (ExchangeSerializer, ExchangeViewSet.queryset.all()),
        (ExchangeCountSerializer, ExchangeCount.objects.all()),
        (ClaimBriefSerializer, Claim.objects.prefetch_related("citations")),
        (PlaceSerializer, PlaceViewSet.queryset.all()),
        (RelationshipSerializer, RelationshipViewSet.queryset.all()),
    ]
    with timezone.override(zone), translation.override("en"):
        for serializer_class, records in cases:
            planned = serializer_class(context={"request": request})
            drf = serializer_class(context={"request": request})
            for record in records:
                assert exactly(planned.to_representation(record)) == exactly(
                    serializers.Serializer.to_representation(drf, record)
                ), serializer_class
    codes = [country["code"] for country in planned_countries(request, exchange)]
    assert sorted(codes) == ["IS", "JP"]


def planned_countries(request, exchange):
    record = ExchangeViewSet.queryset.get(pk=exchange.pk)
    return ExchangeSerializer(context={"request": request}).to_representation(record)["countries"]


def assert_exchanges_and_places_read_as_drf_reads_them(exchanges, places, language):
    request = Request(APIRequestFactory().get("/api/"))
    cases = [
        (ExchangeSerializer, ExchangeViewSet.queryset.filter(pk__in=[e.pk for e in exchanges])),
        (PlaceSerializer, places),
    ]
    with translation.override(language):
        for serializer_class, records in cases:
            planned = serializer_class(context={"request": request})
            drf = serializer_class(context={"request": request})
            for record in records.order_by("pk"):
                assert exactly(planned.to_representation(record)) == exactly(
                    serializers.Serializer.to_representation(drf, record)
                ), serializer_class


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_countries_read_by_their_stored_codes_are_drfs(world, language):
    """The plan keeps a country's form by the code the record stores, so the second record
    with a country reads it without the model's ``Country`` object: the same answer."""
    stored = [["JP", "US"], [], ["US", "JP", "FR"], ["JP"]]
    exchanges = [new_exchange(world.away) for _ in stored]
    for exchange, countries in zip(exchanges, stored, strict=True):
        exchange.countries = countries
        exchange.save()
    places = PlaceViewSet.queryset.all()
    assert_exchanges_and_places_read_as_drf_reads_them(exchanges, places, language)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_codes_no_country_list_knows_read_as_drf_reads_them(world, language):
    """A code the country list leaves out (TW, refused on entry, or any stray code) that
    reached the table past validation reads as DRF reads it, alone or in a list, first or
    after a known code: never as an empty object."""
    exchanges = [new_exchange(world.away) for _ in range(3)]
    for exchange, countries in zip(exchanges, ["JP,TW", "TW", "XQ,JP"], strict=True):
        Exchange.objects.filter(pk=exchange.pk).update(countries=countries)
    Place.objects.filter(pk=world.away.pk).update(country="TW")
    places = PlaceViewSet.queryset.filter(pk=world.away.pk)
    assert_exchanges_and_places_read_as_drf_reads_them(exchanges, places, language)


def test_country_names_kept_between_requests_follow_the_language(world):
    """A country's name is kept from one request to the next, by language: a request in
    English after one in Chinese names the same countries in English."""
    exchange = new_exchange(world.away)
    exchange.countries = ["JP", "FR"]
    exchange.save()
    record = ExchangeViewSet.queryset.get(pk=exchange.pk)
    names = {}
    for language in ["zh-hans", "en", "zh-hans"]:
        request = Request(APIRequestFactory().get("/api/"))
        with translation.override(language):
            planned = ExchangeSerializer(context={"request": request}).to_representation(record)
            drf = serializers.Serializer.to_representation(
                ExchangeSerializer(context={"request": request}), record
            )
        assert exactly(planned) == exactly(drf)
        names[language] = [country["name"] for country in planned["countries"]]
    assert sorted(names["en"]) == ["France", "Japan"]
    assert names["zh-hans"] != names["en"]
