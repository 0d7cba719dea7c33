"""The FilterSet test mixin notices a filter with no test."""

import django_filters
import pytest

from utilities.testing.filtersets import FilterSetTests, covers, filter_named_by


class TwoFilters(django_filters.FilterSet):
    place = django_filters.CharFilter()
    place_id = django_filters.NumberFilter()
    year_min = django_filters.NumberFilter()


class HalfTested(FilterSetTests):
    filterset = TwoFilters

    def test_place_includes_places_inside_it(self):
        pass


class FullyTested(HalfTested):
    @covers("year_min")
    def test_place_id(self):
        pass


def test_a_filter_without_a_test_fails():
    with pytest.raises(AssertionError, match="place_id, year_min"):
        HalfTested().test_missing_filters()


def test_named_and_covered_filters_pass():
    FullyTested().test_missing_filters()


def test_the_longest_filter_name_wins():
    names = {"place", "place_id"}
    assert filter_named_by("test_place_id", names) == "place_id"
    assert filter_named_by("test_place_id_accepts_numbers", names) == "place_id"
    assert filter_named_by("test_place_includes", names) == "place"
    assert filter_named_by("test_placement", names) is None
