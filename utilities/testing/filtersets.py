"""FilterSet test helpers (after NetBox's ``utilities/testing/filtersets.py``).

``run(filterset_class, **params)`` builds a FilterSet from query parameters as a request
would, asserts that they validate, and returns its queryset; ``refused(filterset_class,
**params)`` asserts that they do not, that the valid rest still runs, and returns the
errors.

``FilterSetTests`` is the mixin of every FilterSet's test class: set ``filterset`` and write
one test per filter. Its ``test_missing_filters`` fails when the FilterSet declares a filter
that no test of the class covers, so a filter added without a test is noticed. A test
covers the filter its name starts with (``test_kind``, ``test_chinese_place_includes_…``:
the longest declared filter name that follows ``test_``), or the filters named with
``@covers(...)`` when one test exercises several (``year_min`` and ``year_max`` together,
a slug filter and its ``_id`` twin).
"""

from django.http import QueryDict
from django.utils.http import urlencode


def run(filterset_class, **params):
    """The queryset of ``filterset_class`` for ``params`` (lists repeat the parameter)."""
    filterset = filterset_class(QueryDict(urlencode(params, doseq=True)))
    assert filterset.is_valid(), filterset.errors
    return filterset.qs


def refused(filterset_class, **params):
    """The form errors of ``params``, which must not validate; the queryset of what is
    valid still runs (a malformed value is a form error, never a database error)."""
    filterset = filterset_class(QueryDict(urlencode(params, doseq=True)))
    assert not filterset.is_valid()
    list(filterset.qs)
    return filterset.errors


def covers(*filter_names):
    """Mark a test as covering the named filters (besides the one its name starts with)."""

    def mark(test):
        test.covered_filters = (*getattr(test, "covered_filters", ()), *filter_names)
        return test

    return mark


def filter_named_by(test_name, filter_names):
    """The longest filter name that ``test_name`` starts with (after ``test_``), or None."""
    rest = test_name.removeprefix("test_")
    named = [name for name in filter_names if rest == name or rest.startswith(f"{name}_")]
    return max(named, key=len, default=None)


class FilterSetTests:
    """Mixin for a FilterSet's test class: ``filterset`` is the class under test."""

    filterset = None

    def filters_with_tests(self):
        declared = set(self.filterset.base_filters)
        covered = set()
        for name in dir(type(self)):
            if not name.startswith("test_") or name == "test_missing_filters":
                continue
            test = getattr(type(self), name)
            covered.update(getattr(test, "covered_filters", ()))
            named = filter_named_by(name, declared)
            if named:
                covered.add(named)
        return covered

    def test_missing_filters(self):
        assert self.filterset is not None, f"{type(self).__name__} sets no filterset"
        missing = sorted(set(self.filterset.base_filters) - self.filters_with_tests())
        assert not missing, (
            f"{self.filterset.__name__} declares filters with no test in "
            f"{type(self).__name__}: {', '.join(missing)}"
        )
