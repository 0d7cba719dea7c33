"""Serializer fields worked out from the model once per class and language
(``BriefSerializer.build_field``) are the fields DRF works out for each serializer: the
same kinds, the same arguments, messages in the request's language."""

import copy
import gc
import weakref

import pytest
from django.utils import translation
from django_countries.serializer_fields import CountryField as BaseCountryField
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory
from rest_framework.validators import UniqueValidator

from cities.api.serializers import PlaceSerializer, RelationshipSerializer
from cities.models import Place, Relationship
from exchanges.api.serializers import ExchangeSerializer
from utilities.api.fields import CountryField
from utilities.api.selection import minimal_brief

pytestmark = pytest.mark.django_db


def unique_messages(serializer):
    return {
        name: str(validator.message)
        for name, field in serializer.fields.items()
        for validator in field.validators
        if isinstance(validator, UniqueValidator)
    }


def drf_built(serializer_class):
    """The serializer as DRF alone builds it, field by field."""

    class Plain(serializer_class):
        def build_field(self, *args):
            return serializers.ModelSerializer.build_field(self, *args)

    return Plain()


@pytest.mark.parametrize(
    "serializer_class", [PlaceSerializer, RelationshipSerializer, ExchangeSerializer]
)
@pytest.mark.parametrize("languages", [("zh-hans", "en"), ("en", "zh-hans")])
def test_fields_are_drfs_in_each_language(serializer_class, languages):
    for language in [*languages, *languages]:
        with translation.override(language):
            built, plain = serializer_class(), drf_built(serializer_class)
            assert repr(built).split("\n")[1:] == repr(plain).split("\n")[1:]
            assert unique_messages(built) == unique_messages(plain)


def test_unique_messages_follow_the_language():
    with translation.override("en"):
        english = unique_messages(PlaceSerializer())
    with translation.override("zh-hans"):
        chinese = unique_messages(PlaceSerializer())
    assert english["slug"] != chinese["slug"]
    assert english["slug"].isascii() and not chinese["slug"].isascii()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_country_choices_are_django_countries_in_the_language(language):
    """The country field indexes its choices when first asked (a copy, as DRF makes for
    each serializer, included): the same choices, named in the active language."""
    with translation.override(language):
        ours, theirs = CountryField(), BaseCountryField(country_dict=True)
        copied = copy.deepcopy(CountryField())
        for field in (ours, copied):
            assert list(field.choices.items()) == list(theirs.choices.items())
            assert list(field.grouped_choices.items()) == list(theirs.grouped_choices.items())
            assert field.choice_strings_to_values == theirs.choice_strings_to_values
        assert ours.run_validation("jp") == "JP"


def test_a_serializer_class_made_for_one_request_is_not_kept():
    """``?brief=1`` on a list without a brief form makes its serializer class per request:
    the fields worked out for it go with it."""
    serializer_class = minimal_brief(Place)
    assert list(serializer_class().fields) == ["id", "url", "display"]
    kept = weakref.ref(serializer_class)
    del serializer_class
    gc.collect()
    assert kept() is None


def pure_drf_fields(serializer):
    """The fields DRF alone gives ``serializer`` (no kept prototype, no kept build)."""

    class Plain(type(serializer)):
        def build_field(self, *args):
            return serializers.ModelSerializer.build_field(self, *args)

    return serializers.ModelSerializer.get_fields(Plain())


@pytest.mark.parametrize(
    "serializer_class", [PlaceSerializer, RelationshipSerializer, ExchangeSerializer]
)
def test_kept_fields_are_drfs_serializer_after_serializer(serializer_class):
    for language in ["zh-hans", "en", "zh-hans"]:
        with translation.override(language):
            for _ in range(2):
                kept = serializer_class().get_fields()
                drf = pure_drf_fields(serializer_class())
                assert list(kept) == list(drf)
                for name, field in kept.items():
                    assert repr(field) == repr(drf[name]), name
                    assert type(field) is type(drf[name])
                    assert [str(v.message) for v in field.validators if hasattr(v, "message")] == [
                        str(v.message) for v in drf[name].validators if hasattr(v, "message")
                    ]


def relationship_with_fields():
    return (
        Relationship.objects.filter(fields__isnull=False)
        .select_related("chinese_place", "foreign_place")
        .prefetch_related("fields")
        .first()
    )


def test_each_serializer_has_fields_of_its_own():
    """Two serializers (two requests) share no field, no list of validators, and each
    field, a relation's child included, answers to its own serializer and context."""
    first = RelationshipSerializer(context={"request": "first"})
    second = RelationshipSerializer(context={"request": "second"})
    for name, field in first.fields.items():
        other = second.fields[name]
        assert field is not other and field.parent is first and other.parent is second
        assert field.validators is not other.validators or not field.validators
        assert field.context["request"] == "first" and other.context["request"] == "second"
    many = first.fields["fields"]
    assert many.child_relation is not second.fields["fields"].child_relation
    assert many.child_relation.parent is many
    assert many.child_relation.context["request"] == "first"
    assert second.fields["fields"].child_relation.context["request"] == "second"
    first.fields.pop("notes")
    assert "notes" in RelationshipSerializer().fields


def test_embedded_records_carry_each_requests_address():
    """A request's embedded records link to its own host, request after request."""
    relationship = relationship_with_fields()
    for host in ["localhost", "127.0.0.1", "localhost"]:
        request = Request(APIRequestFactory().get("/api/", HTTP_HOST=host))
        data = RelationshipSerializer(context={"request": request}).to_representation(relationship)
        embedded = [data["chinese_place"], data["foreign_place"], *data["fields"]]
        assert data["fields"]
        assert all(item["url"].startswith(f"http://{host}/api/") for item in embedded)
