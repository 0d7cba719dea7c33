"""Every FilterSet of every app has a test class built on ``FilterSetTests`` (which in turn
fails when one of its filters has no test)."""

import importlib
import importlib.util
import inspect

import django_filters
from django.apps import apps

from utilities.testing.filtersets import FilterSetTests

PROJECT_APPS = {
    "utilities",
    "offices",
    "sources",
    "cities",
    "exchanges",
    "awards",
    "dashboard",
    "search",
    "loader",
    "operations",
}


def app_modules(suffix):
    for config in apps.get_app_configs():
        name = f"{config.name}.{suffix}"
        if config.name.split(".")[0] in PROJECT_APPS and importlib.util.find_spec(name):
            yield importlib.import_module(name)


def defined_in(module, base):
    return {
        value
        for value in vars(module).values()
        if inspect.isclass(value)
        and issubclass(value, base)
        and value.__module__ == module.__name__
    }


def filtersets():
    found = set()
    for module in app_modules("filtersets"):
        found |= {
            cls
            for cls in defined_in(module, django_filters.FilterSet)
            if getattr(cls._meta, "model", None) is not None
        }
    return found


def filtersets_with_tests():
    return {
        test_class.filterset
        for module in app_modules("tests.test_filtersets")
        for test_class in defined_in(module, FilterSetTests)
    }


def test_every_filterset_has_a_test_class():
    declared = filtersets()
    assert len(declared) >= 9
    untested = sorted(cls.__name__ for cls in declared - filtersets_with_tests())
    assert not untested, f"FilterSets without a FilterSetTests class: {untested}"
