"""The tables' generations (``utilities.generation``): a figure kept for the tables it
reads is made again after a write to one of them, and only then: an exchange's save keeps
the relationships' order and counts the exchanges again; a relationship's save, a link
change, a delete's cascade and a write whose table sits in a subquery reach what read
them; a write that names no table (``bump()``) reaches every figure; ``raised_once``
raises each table written once; a rolled-back write raises nothing. And every table a
registry record's save, edit or delete writes is raised (the writes' SQL read back)."""

import re

import pytest
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.db.models.deletion import ProtectedError
from django.test.utils import CaptureQueriesContext

from cities.models import Place, PlaceAlias, Relationship
from exchanges.models import Exchange
from tests.builders import EDITS, FACTORIES, new_exchange
from utilities import generation
from utilities.generation import registry_tables
from utilities.pagination import remembered_count, whole_list_ids

pytestmark = pytest.mark.django_db


def computed(figure):
    """Whether ``figure()`` ran a query of its own (a figure made again, not kept)."""
    with CaptureQueriesContext(connection) as captured:
        figure()
    return any(
        "operations_registrygeneration" not in query["sql"] for query in captured.captured_queries
    )


def relationships_order():
    return whole_list_ids(Relationship.objects.order_by("chinese_place__name_en", "pk"))


def exchanges_count():
    return remembered_count(Exchange.objects.filter(start_year__gte=1900))


def sister_exchanges_count():
    """An exchanges' count that reads the relationships' table (a join)."""
    return remembered_count(Exchange.objects.filter(relationship__kind="sister"))


def places_holding_relationships():
    """A places' count that reads the relationships' table only in ``EXISTS``."""
    holds = Relationship.objects.filter(chinese_place=OuterRef("pk"))
    return remembered_count(Place.objects.filter(Exists(holds)))


def relationships_in_field(field):
    """A relationships' count that reads their link table to the fields."""
    return remembered_count(Relationship.objects.filter(fields=field))


def kept(*figures):
    """Make each figure once: the next read of each is kept."""
    for figure in figures:
        figure()
        assert not computed(figure)


@pytest.fixture
def exchange(world):
    return new_exchange(world.home)


def test_an_exchange_save_keeps_the_relationships_order_and_counts_exchanges_again(world, exchange):
    kept(relationships_order, exchanges_count, places_holding_relationships)
    exchange.title_en = "Saved"
    exchange.save()
    assert not computed(relationships_order)
    assert not computed(places_holding_relationships)
    assert computed(exchanges_count)


def test_a_relationship_save_makes_both_again(world, exchange):
    kept(relationships_order, sister_exchanges_count, exchanges_count)
    world.relationship.notes = "Saved"
    world.relationship.save()
    assert computed(relationships_order)
    assert computed(sister_exchanges_count)
    assert not computed(exchanges_count)


def test_a_write_to_a_table_read_only_in_a_subquery_makes_the_figure_again(world):
    before = places_holding_relationships()
    kept(places_holding_relationships)
    Relationship.objects.create(
        chinese_place=world.away, foreign_place=world.partner_b, kind="friendly"
    )
    assert places_holding_relationships() == before + 1


def test_a_link_change_makes_again_what_reads_the_link_table(world):
    def in_field():
        return relationships_in_field(world.field)

    assert in_field() == 0
    kept(in_field)
    world.relationship.fields.add(world.field)
    assert in_field() == 1
    # From the other side: the link table is written all the same.
    world.field.relationships.remove(world.relationship)
    assert in_field() == 0


def test_a_delete_makes_again_what_reads_the_rows_its_cascade_deletes(world):
    world.relationship.fields.add(world.field)
    links = Relationship.fields.through.objects.filter(relationship_id=world.relationship.pk)
    assert remembered_count(links) == 1
    kept(lambda: remembered_count(links))
    world.relationship.delete()  # its link rows go in bulk, with no signal of their own
    assert remembered_count(links) == 0


def test_an_alias_reaches_what_reads_its_places_search_keys(world):
    """An alias's save rewrites its place's search keys with an UPDATE of the places'
    table that sends no signal (``PlaceAlias.save``)."""

    def named():
        return remembered_count(Place.objects.filter(search_text__contains="zzqq"))

    assert named() == 0
    PlaceAlias.objects.create(place=world.home, name="Zzqq")
    assert named() == 1


def test_a_write_that_names_no_table_makes_every_figure_again(world, exchange):
    kept(relationships_order, exchanges_count, places_holding_relationships)
    generation.bump()
    assert computed(relationships_order)
    assert computed(exchanges_count)
    assert computed(places_holding_relationships)


def test_raised_once_raises_each_table_written_once_and_the_registry_once(world, exchange):
    before = generation.current()
    with transaction.atomic(), generation.raised_once():
        for title in ("One", "Two"):
            exchange.title_en = title
            exchange.save()
        world.relationship.notes = "Once"
        world.relationship.save()
        assert generation.current() == before  # held back until the block ends
    after = generation.current()
    assert after.value == before.value + 1
    raised = {
        table: after.tables[table][0] - before.tables.get(table, (0, None))[0]
        for table in after.tables
        if after.tables[table] != before.tables.get(table)
    }
    assert raised == {"exchanges_exchange": 1, "cities_relationship": 1}


def test_a_rolled_back_write_raises_nothing(world, exchange):
    before = generation.current()
    with pytest.raises(RuntimeError), transaction.atomic():
        exchange.title_en = "Rolled back"
        exchange.save()
        assert generation.current() != before
        raise RuntimeError("rolled back")
    assert generation.current() == before


def test_every_write_changes_the_registrys_stamp(world, exchange):
    """The read cache keys on the registry's generation: any write changes it."""
    stamps = {generation.current().stamp}
    exchange.title_en = "Seen"
    exchange.save()
    stamps.add(generation.current().stamp)
    world.relationship.fields.add(world.field)
    stamps.add(generation.current().stamp)
    assert len(stamps) == 3


def test_a_figure_named_by_models_is_kept_under_their_tables(world, exchange):
    calls = []

    def figure():
        calls.append(1)
        return len(calls)

    assert generation.remembered("test.figure", figure, tables=[Relationship]) == 1
    exchange.title_en = "Elsewhere"
    exchange.save()
    assert generation.remembered("test.figure", figure, tables=["cities_relationship"]) == 1
    world.relationship.notes = "Here"
    world.relationship.save()
    assert generation.remembered("test.figure", figure, tables=[Relationship]) == 2


# Every registry table a write's SQL writes is raised ------------------------------------

WRITE = re.compile(r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"(\w+)"', re.I)


def tables_raised(before, after):
    changed = {t for t in after.tables if after.tables[t] != before.tables.get(t)}
    return set(registry_tables()[1]) if generation.EVERY_TABLE in changed else changed


def check_raises_what_it_writes(write):
    before = generation.current()
    with CaptureQueriesContext(connection) as captured:
        write()
    written = {
        match[1] for query in captured.captured_queries if (match := WRITE.match(query["sql"]))
    } & registry_tables()[1]
    assert written, "the write wrote no registry table"
    assert written <= tables_raised(before, generation.current())


@pytest.mark.parametrize("model", list(FACTORIES), ids=lambda model: model.__name__)
def test_a_records_create_edit_and_delete_raise_every_table_they_write(world, model):
    record = None

    def create():
        nonlocal record
        record = FACTORIES[model](world.home)

    check_raises_what_it_writes(create)
    name, value = EDITS[model]

    def edit():
        setattr(record, name, value)
        record.save()

    check_raises_what_it_writes(edit)

    def delete():
        try:
            with transaction.atomic():
                record.delete()
        except ProtectedError:
            pytest.skip("protected")

    check_raises_what_it_writes(delete)
