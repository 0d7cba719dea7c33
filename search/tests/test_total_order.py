"""The search's groups in a total order: each ends with the id, so same-named places, and
relationships between same-named places, come out in id order on every request, not in
whatever order the database happened to read them.

The tied rows below are then rewritten (an edit's UPDATE), as rows of a registry are:
PostgreSQL then reads the rewritten rows after the others, and without the id a sort of
ties keeps that order. Only on PostgreSQL can the id-order tests fail: SQLite rewrites a
row in place and reads a table in id order. The orders themselves are checked on every
database by the last test (each group's order, as the search reads it, ends with the id)."""

import pytest
from django.db.models import F

from cities.choices import RelationshipKind
from cities.models import Place, Relationship
from search import selectors
from search.selectors import search
from tests.builders import same_named_places

pytestmark = pytest.mark.django_db

# Few enough tied rows that PostgreSQL sorts them with a stable insertion sort: what the
# order leaves tied comes out as it was read.
TWINS = 3
# A country no relationship of the loaded registry is with.
TWIN_COUNTRY = "TV"
QUERY = "Twin"


def rewritten(model, rows):
    """``rows`` with their first half written again (the same values), as an edit would:
    on PostgreSQL their new versions are read after the second half's."""
    ids = [row.pk for row in rows]
    model.objects.filter(pk__in=ids[: len(ids) // 2 + 1]).update(last_updated=F("last_updated"))
    return ids


@pytest.fixture
def twin_places():
    """TWINS Chinese cities called 测试同名市 (Twin City) and TWINS foreign towns called
    测试同名岛 (Twin Isle): the ids of each, in the order they were made."""
    chinese, foreign = same_named_places(TWINS, TWINS, TWIN_COUNTRY)
    return rewritten(Place, chinese), rewritten(Place, foreign)


@pytest.fixture
def twin_relationships(twin_places):
    """A sister-city relationship between each twin city and each twin town: every one
    between places of the same two names. Their ids, in the order they were made."""
    chinese, foreign = twin_places
    relationships = [
        Relationship.objects.create(
            chinese_place_id=home, foreign_place_id=partner, kind=RelationshipKind.SISTER
        )
        for home in chinese
        for partner in foreign
    ]
    return rewritten(Relationship, relationships)


def test_same_named_places_come_in_id_order(twin_places):
    # Only on PostgreSQL can this fail without the id in the order (see the module).
    chinese, foreign = twin_places
    assert [place.pk for place in search(QUERY).places.rows] == [*chinese, *foreign]


def test_relationships_of_same_named_places_come_in_id_order(twin_relationships):
    # Only on PostgreSQL can this fail without the id in the order (see the module).
    assert [row.pk for row in search(QUERY).relationships.rows] == twin_relationships


def test_every_group_is_read_in_an_order_that_ends_with_the_id(monkeypatch, twin_relationships):
    orders = []

    def recording(ranked, *args, **kwargs):
        orders.append((ranked.model, ranked.query.order_by))
        return first_ranked(ranked, *args, **kwargs)

    first_ranked = selectors.first_ranked
    monkeypatch.setattr(selectors, "first_ranked", recording)
    search(QUERY)
    # The places, relationships, exchanges and awards: each read once.
    assert len(orders) == 4
    for model, order in orders:
        assert order[-1] == "pk", f"{model.__name__} ordered by {order}"
