"""``generation.raised_once`` outside a transaction: refused, since the one raise at the end
would come after the block's writes were already visible (see operations' read-cache tests
for what it does inside one)."""

import pytest
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from utilities import generation


def test_raised_once_needs_a_transaction():
    with pytest.raises(TransactionManagementError, match="needs a transaction"):
        with generation.raised_once():
            pass


@pytest.mark.django_db
def test_current_reads_every_raise_from_a_query_compiled_once(compilations):
    """Every request reads the generation: its query is compiled once per database, and
    each read still finds the raises made since (one query each, the tables' too)."""
    model = generation.generation_model()
    first = generation.current()
    with transaction.atomic():
        generation.bump(tables={"cities_place"})
    compilations.clear()
    with CaptureQueriesContext(connection) as queries:
        after = generation.current()
    assert len(queries) == 1 and compilations == []
    assert after.value == first.value + 1
    assert after.tables_stamp({"cities_place"}) != first.tables_stamp({"cities_place"})
    assert after.tables_stamp({"cities_relationship"}) == first.tables_stamp(
        {"cities_relationship"}
    )
    stored = dict(model._base_manager.values_list("table", "changed"))
    assert after.changed == stored[generation.REGISTRY]


def test_current_reads_the_database_it_is_given(monkeypatch):
    """Given a database, the generation is read there, not where the router would send it."""
    asked = []
    monkeypatch.setattr(
        generation.KeptQuery, "read", lambda query, using, parameters: asked.append(using) or []
    )
    assert generation.current("replica").value == 0
    assert asked == ["replica"]
