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
from rest_framework.validators import UniqueValidator

from cities.api.serializers import PlaceSerializer, RelationshipSerializer
from cities.models import Place
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
