"""``__among``: a long list of ids as one parameter, with the same meaning as ``__in``."""

import threading
import time

import pytest
from django.db import connection, connections
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext

from cities.models import CooperationField, Relationship, RelationshipStage
from sources.models import Citation
from utilities.lookups import EACH_SET, AmongQuery

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


def steps(ids):
    return (
        RelationshipStage.objects.filter(relationship__id__among=ids)
        .order_by("date_year", "pk")
        .values_list("relationship", "pk", "stage", "date_year", "planned")
    )


def test_an_among_query_reads_each_set_as_its_queryset_does(compilations):
    """Read for set after set of ids, one query each, compiled once: the same rows as the
    queryset with those ids, with its values' converters (``planned`` a bool on SQLite
    too)."""
    pks = list(Relationship.objects.filter(stages__isnull=False).values_list("pk", flat=True))
    sets = [set(pks[:3]), set(pks[3:9]), {10**12}, set(pks)]
    expected = [list(steps(ids)) for ids in sets]
    assert expected[0] and expected[1] and not expected[2]
    compilations.clear()  # the expected rows' own
    compiled = compilations
    query = AmongQuery(steps(EACH_SET))
    for ids, rows in zip(sets, expected, strict=True):
        with CaptureQueriesContext(connection) as queries:
            assert query.rows(ids) == rows
        assert len(queries) == 1
    assert len(compiled) == 1
    assert {type(row[4]) for row in expected[3]} == {bool}


def test_an_among_query_refuses_what_is_not_an_integer():
    with pytest.raises(TypeError):
        AmongQuery(steps(EACH_SET)).rows({"1; DROP TABLE"})


def test_an_among_query_compiled_in_one_thread_reads_on_anothers_connection(
    live_registry, compilations
):
    """A query kept for the process (``functools.cache``) is compiled once, by whichever
    thread reads it first; a threaded server's other threads run it on their own
    connections, and read the rows there are when they run it."""
    pks = list(Relationship.objects.filter(stages__isnull=False).values_list("pk", flat=True))
    query = AmongQuery(steps(EACH_SET))
    assert query.rows(set(pks[:3])) == list(steps(set(pks[:3])))
    compiled = compilations
    found, errors = [], []

    def read():
        try:
            found.append(query.rows(set(pks)))
        except Exception as error:  # noqa: BLE001 (reported by the assertion below)
            errors.append(error)
        finally:
            connections.close_all()

    RelationshipStage.objects.filter(relationship__in=pks[:1]).delete()
    compiled.clear()
    thread = threading.Thread(target=read)
    thread.start()
    thread.join()
    assert compiled == []
    assert errors == []
    assert found == [list(steps(set(pks)))]
    assert pks[0] not in {row[0] for row in found[0]}


def test_two_threads_reading_a_query_not_yet_compiled_compile_it_once(live_registry, monkeypatch):
    """Compiling adds joins to a query and takes them out again: one thread compiles (a
    copy), the other waits for its SQL."""
    pks = set(Relationship.objects.filter(stages__isnull=False).values_list("pk", flat=True))
    expected = list(steps(pks))
    query = AmongQuery(steps(EACH_SET))
    compiled = []
    as_sql = SQLCompiler.as_sql

    def slow(compiler, *args, **kwargs):
        compiled.append(compiler)
        time.sleep(0.3)  # the other thread asks meanwhile
        return as_sql(compiler, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", slow)
    both = threading.Barrier(2)
    found, errors = [], []

    def read():
        try:
            both.wait()
            found.append(query.rows(pks))
        except Exception as error:  # noqa: BLE001 (reported by the assertion below)
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=read) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert found == [expected, expected]
    assert len(compiled) == 1


def test_compiling_an_among_query_leaves_its_queryset_as_it_was():
    """A citation's ordering joins its report while the SQL is written: the kept queryset
    is not the one compiled."""
    citations = Citation.objects.filter(relationships__id__among=EACH_SET).values_list(
        "relationships", "quote"
    )
    aliases = dict(citations.query.alias_refcount)
    query = AmongQuery(citations)
    sql = query.compiled_for(connection.alias)[1]
    assert "sources_sourcereport" in sql
    assert dict(citations.query.alias_refcount) == aliases
    assert "sources_sourcereport" not in citations.query.alias_map
