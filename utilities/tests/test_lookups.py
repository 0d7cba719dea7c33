"""``__among``: a long list of ids as one parameter, with the same meaning as ``__in``."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cities.models import CooperationField, Relationship, RelationshipStage
from utilities.lookups import Among  # noqa: F401 (registers ``__among``)

pytestmark = pytest.mark.django_db


def test_among_finds_what_in_finds_with_one_parameter():
    ids = set(Relationship.objects.values_list("pk", flat=True)[:25])
    ids.add(10**12)  # no such relationship
    with CaptureQueriesContext(connection) as queries:
        found = set(Relationship.objects.filter(pk__among=ids).values_list("pk", flat=True))
    assert found == set(Relationship.objects.filter(pk__in=ids).values_list("pk", flat=True))
    assert len(found) == 25
    assert len(queries) == 1


def test_among_through_a_foreign_key_and_a_many_to_many():
    relationships = list(Relationship.objects.filter(fields__isnull=False).distinct()[:10])
    ids = {relationship.pk for relationship in relationships}
    steps = RelationshipStage.objects.filter(relationship__id__among=ids)
    assert set(steps) == set(RelationshipStage.objects.filter(relationship__in=ids))
    fields = CooperationField.objects.filter(relationships__id__among=ids).values_list(
        "relationships", "pk"
    )
    expected = {(r.pk, field.pk) for r in relationships for field in r.fields.all()}
    assert set(fields) == expected and expected


def test_among_nothing_is_nothing():
    assert not Relationship.objects.filter(pk__among=set()).exists()


def test_among_refuses_what_is_not_an_integer():
    with pytest.raises(TypeError):
        list(Relationship.objects.filter(pk__among={"1; DROP TABLE"}))
