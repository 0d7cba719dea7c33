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
a slug filter and its ``_id`` twin). Its ``test_timestamps`` covers the ``created`` and
``last_updated`` range filters every FilterSet inherits (``utilities.filtersets``).
"""

import datetime

from django.http import QueryDict
from django.utils.http import urlencode

# Two times long before any record of the test database was saved (Asia/Shanghai, +08:00).
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
EARLIER = datetime.datetime(2020, 1, 1, 10, 0, tzinfo=SHANGHAI)
LATER = datetime.datetime(2020, 1, 2, 10, 0, tzinfo=SHANGHAI)


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

    @covers("created__gte", "created__lte", "last_updated__gte", "last_updated__lte")
    def test_timestamps(self):
        """Records created or changed in a range, given as ISO 8601 times (any offset, an
        unencoded ``+``) or dates (``__lte`` includes the whole day); garbage refused."""
        model = self.filterset._meta.model
        first, second = model.objects.order_by("pk")[:2]
        model.objects.filter(pk=first.pk).update(created=EARLIER, last_updated=EARLIER)
        model.objects.filter(pk=second.pk).update(created=EARLIER, last_updated=LATER)

        def found(**params):
            rows = run(self.filterset, **params).filter(pk__in=[first.pk, second.pk])
            return set(rows.values_list("pk", flat=True))

        assert found(last_updated__lte="2020-01-01") == {first.pk}
        assert found(last_updated__gte="2020-01-02") == {second.pk}
        assert found(last_updated__gte="2020-01-02T02:00:00Z") == {second.pk}
        assert found(last_updated__gte="2020-01-02T02:00:01Z") == set()
        assert found(last_updated__gte="2020-01-01T10:00:01 08:00") == {second.pk}
        assert found(last_updated__lte="2020-01-02T09:59:59") == {first.pk}
        assert found(created__lte="2020-01-01", created__gte="2020-01-01") == {
            first.pk,
            second.pk,
        }
        assert found(created__gte="2020-01-01T10:00:01+08:00") == set()
        # Any offset ISO 8601 allows (PostgreSQL itself takes up to ±15:59).
        assert found(last_updated__lte="2020-01-01T08:00:00-17:00") == {first.pk}
        for garbage in (
            "yesterday",
            "2020-13-01",
            "2020-01-01T25:00",
            "0001-01-01T00:00:00+05:00",  # before year 1 in UTC
            "1" * 5000,
        ):
            filterset = self.filterset(QueryDict(urlencode({"last_updated__gte": garbage})))
            assert not filterset.is_valid(), garbage[:20]
            assert "last_updated__gte" in filterset.errors
