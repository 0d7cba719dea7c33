"""``BriefRelatedField`` without a serializer: the brief form and the choices come from the
model field it serializes, so an app embeds a record of an app above it with that app's
one brief serializer (a report's Chinese place)."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from rest_framework.exceptions import ValidationError
from rest_framework.test import APIRequestFactory

from cities.api.briefs import PlaceBriefSerializer
from cities.models import Place
from sources.api.serializers import SourceReportSerializer
from sources.models import SourceReport
from utilities.api.fields import brief_serializer_for

pytestmark = pytest.mark.django_db


def test_a_model_s_brief_serializer_is_the_one_its_app_declares():
    assert brief_serializer_for(Place) is PlaceBriefSerializer


def test_a_model_without_a_brief_serializer_is_a_configuration_error():
    with pytest.raises(ImproperlyConfigured, match="GroupBriefSerializer"):
        brief_serializer_for(Group)


def test_a_report_embeds_its_place_with_the_place_brief():
    report = SourceReport.objects.select_related("chinese_place").get(slug="wuhan-2017-09-15")
    request = APIRequestFactory().get("/api/source-reports/")
    serializer = SourceReportSerializer(report, context={"request": request})
    field = serializer.fields["chinese_place"]
    assert field.brief_serializer is PlaceBriefSerializer
    place = serializer.data["chinese_place"]
    assert place["slug"] == "wuhan" and place["name_zh"] == "武汉市"
    assert set(place) == set(PlaceBriefSerializer.Meta.fields)


def test_a_report_takes_any_place_by_id_and_refuses_an_unknown_one():
    field = SourceReportSerializer().fields["chinese_place"]
    wuhan = Place.objects.get(slug="wuhan")
    assert field.to_internal_value(wuhan.pk) == wuhan
    assert field.to_internal_value({"id": wuhan.pk}) == wuhan
    unknown = Place.objects.order_by("-pk").first().pk + 1
    with pytest.raises(ValidationError):
        field.to_internal_value(unknown)
