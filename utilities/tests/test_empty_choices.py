"""A FilterSet given no records to filter by (the usual list: no ``?parent=``, no
``?chinese_place=``) reads no query to learn that the choice is empty, and lists every row."""

from unittest import mock

import pytest
from django.db.models import QuerySet

from awards.filtersets import AwardFilterSet
from cities.filtersets import PlaceFilterSet, RelationshipFilterSet
from exchanges.filtersets import ExchangeFilterSet

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "filterset", [PlaceFilterSet, RelationshipFilterSet, ExchangeFilterSet, AwardFilterSet]
)
def test_no_records_chosen_reads_no_query(filterset):
    rows = filterset._meta.model.objects.all()
    chosen = filterset({}, queryset=rows)
    with mock.patch.object(QuerySet, "_fetch_all", side_effect=AssertionError("a query read")):
        filtered = chosen.qs
    assert str(filtered.query) == str(rows.query)
