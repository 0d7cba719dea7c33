"""Every FilterSet's form class is made once per class (``RegistryFilterSet.get_form_class``)
and then serves every request, in either language. That holds only while no filter reads
the request or fixes its text when its form field is made: this compares each kept form,
first made in Chinese, with one made afresh in English."""

import importlib

import django_filters
import pytest
from django.apps import apps
from django.utils import translation

from utilities.filtersets import RegistryFilterSet

pytestmark = pytest.mark.django_db


def registry_filtersets():
    for app in apps.get_app_configs():
        module = f"{app.name}.filtersets"
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as missing:
            if missing.name != module:
                raise
    found, waiting = [], [RegistryFilterSet]
    while waiting:
        for subclass in waiting.pop().__subclasses__():
            waiting.append(subclass)
            if subclass._meta.model is not None:
                found.append(subclass)
    return found


def texts(form_class):
    """What a form's fields say: label, help, empty choice, choices, error messages."""
    said = {}
    for name, field in form_class.base_fields.items():
        choices = [] if hasattr(field, "queryset") else getattr(field, "choices", [])
        said[name] = (
            str(field.label),
            str(field.help_text),
            str(getattr(field, "empty_label", "")),
            [(str(value), str(label)) for value, label in choices],
            {key: str(message) for key, message in field.error_messages.items()},
        )
    return said


def test_there_are_filtersets_to_check():
    names = {filterset.__name__ for filterset in registry_filtersets()}
    assert {"PlaceFilterSet", "RelationshipFilterSet", "ExchangeFilterSet"} <= names


@pytest.mark.parametrize("filterset", registry_filtersets(), ids=lambda cls: cls.__name__)
def test_a_kept_filter_form_says_what_a_fresh_one_says_in_the_other_language(filterset):
    with translation.override("zh-hans"):
        kept = filterset().form.__class__
    with translation.override("en"):
        fresh = django_filters.FilterSet.get_form_class(filterset())
        assert texts(kept) == texts(fresh)
        assert kept is filterset().form.__class__
