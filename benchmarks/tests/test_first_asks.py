"""The benchmark's searches of a shape no search had asked before: each must be of a shape of
its own, or its reads would be kept from an earlier one and the figure would flatter."""

import pytest

from benchmarks.management.commands.benchmark_registry import new_shape_queries
from search.selectors import query_shape

pytestmark = pytest.mark.django_db


def test_each_new_shape_query_is_of_a_shape_of_its_own():
    asked = ["武汉市", "济南市"]
    queries = new_shape_queries(asked, 10)
    shapes = [query_shape(query) for query in queries]
    assert queries and None not in shapes
    assert len(set(shapes)) == len(shapes)
    assert not set(shapes) & {query_shape(query) for query in asked}


def test_at_most_as_many_as_asked_for():
    assert len(new_shape_queries([], 1)) == 1
