"""An API page lets go of its records once it is answered: no record of it is left in a
reference cycle (its prefetched rows pointing back at it), which only Python's full
garbage collection would free, walking every such cycle of every request."""

import gc
from collections import deque
from types import FunctionType, ModuleType

import pytest
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from cities.api.serializers import RelationshipSerializer
from cities.api.views import RelationshipViewSet
from exchanges.api.serializers import ExchangeSerializer
from exchanges.api.views import ExchangeViewSet
from utilities.api.pagination import RegistryPagination

pytestmark = pytest.mark.django_db


def in_a_cycle(record, limit=50_000):
    """Whether ``record`` can reach itself through the objects it refers to (classes,
    modules and functions, shared by everything, left out)."""
    seen, queue = set(), deque(gc.get_referents(record))
    while queue and len(seen) < limit:
        item = queue.popleft()
        if item is record:
            return True
        if id(item) in seen or isinstance(item, (type, ModuleType, FunctionType)):
            continue
        seen.add(id(item))
        queue.extend(gc.get_referents(item))
    return False


@pytest.mark.parametrize(
    "viewset, serializer_class",
    [(RelationshipViewSet, RelationshipSerializer), (ExchangeViewSet, ExchangeSerializer)],
)
def test_an_answered_page_leaves_no_record_in_a_cycle(viewset, serializer_class):
    request = Request(APIRequestFactory().get("/api/", {"limit": "20"}))
    paginator = RegistryPagination()
    records = paginator.paginate_queryset(viewset.queryset.all(), request)
    assert records
    assert any(in_a_cycle(record) for record in records)  # prefetched rows point back
    data = serializer_class(records, many=True, context={"request": request}).data
    response = paginator.get_paginated_response(data)
    assert len(response.data["results"]) == len(records)
    assert not any(in_a_cycle(record) for record in records)
