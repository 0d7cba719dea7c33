"""The benchmark's searches of a shape no search had asked before: each must be of a shape of
its own, or its reads would be kept from an earlier one and the figure would flatter."""

import pytest

from benchmarks.management.commands.benchmark_registry import new_shape_queries
from search.selectors import query_kinds

pytestmark = pytest.mark.django_db


def test_each_new_shape_query_is_of_a_shape_of_its_own():
    asked = ["武汉市", "济南市"]
    queries = new_shape_queries(asked, 10)
    assert len(queries) == 10
    shapes = [query_kinds(query) for query in queries]
    assert None not in shapes
    assert len(set(shapes)) == 10
    assert not set(shapes) & {query_kinds(query) for query in asked}


def test_fewer_when_the_registry_has_fewer_shapes():
    assert len(new_shape_queries([], 10_000)) < 10_000
