"""The relationships' CSV in flat rows (``cities.api.exports``) is the serializer's CSV, byte
for byte: for the loaded registry and for relationships of every kind, stage and level,
with dated, partly dated, planned and repeated steps, formula-like text, a partner without
an English name, long quotes, sources' claims that agree and that disagree (about the kind,
the level, a dated and an undated step); in Chinese and in English; filtered and ordered;
for anonymous readers and for staff (who see the national rules' warnings)."""

import threading

import pytest
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from rest_framework.test import APIClient

from awards.models import Award
from cities.api import exports
from cities.api.views import RelationshipViewSet
from cities.models import Relationship
from exchanges.models import Exchange
from tests.builders import build_world
from utilities.api import flat_rows, views
from utilities.testing.queries import content, count_queries, flat_and_serialized

pytestmark = pytest.mark.django_db

URL = "/api/relationships/"


@pytest.fixture
def client():
    return APIClient()


def both(client, monkeypatch, params, language="zh-hans"):
    """``(flat rows' CSV, serializer's CSV)`` of the same request."""
    return flat_and_serialized(client, monkeypatch, URL, RelationshipViewSet, params, language)


def test_the_loaded_registry_in_both_languages(client, monkeypatch):
    for language in ("zh-hans", "en"):
        fast, slow = both(client, monkeypatch, {}, language)
        assert fast == slow
        assert fast.count(b"\r\n") == Relationship.objects.count() + 1


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(
    "params",
    [
        {"chinese_place": "test-home"},
        {"chinese_place": "test-home", "ordering": "-kind,stage"},
        {"q": "测试导出"},
    ],
)
def test_every_kind_stage_level_and_date(client, monkeypatch, varied, params, language):
    fast, slow = both(client, monkeypatch, params, language)
    assert fast == slow
    assert fast.count(b"\r\n") >= 9  # the header and the eight of every kind and stage
    text = fast.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'-市长" in text and "'@note" in text
    assert "1984-03-12,day" in text  # the earliest agreement of two, to the day
    assert '""subject"": ""' in text  # the sources' disagreements
    assert '""value"": ""None""' in text  # about an undated step


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_cells_made_again_after_their_cache_is_emptied(client, monkeypatch, varied, language):
    """Chunks of two rows and caches emptied past one entry: every place and list of
    fields is made again many times, the same."""
    monkeypatch.setattr(flat_rows, "CACHED_CELLS", 1)
    monkeypatch.setattr(views, "EXPORT_CHUNK_SIZE", 2)
    forgotten = []
    forget_cells = exports.RelationshipRows.forget_cells

    def counted(rows):
        forgotten.append(len(rows.places))
        forget_cells(rows)

    monkeypatch.setattr(exports.RelationshipRows, "forget_cells", counted)
    fast, slow = both(client, monkeypatch, {"chinese_place": "test-home"}, language)
    assert fast == slow
    assert len(forgotten) >= 4 and max(forgotten) > 1


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_staff_see_the_same_warnings(insider, monkeypatch, varied, language):
    fast, slow = both(insider, monkeypatch, {"chinese_place": "test-home"}, language)
    assert fast == slow
    header, *rows = fast.decode("utf-8-sig").splitlines()
    assert header.split(",")[-1] == "warnings"
    assert "active_without_agreement" in fast.decode("utf-8-sig")


def test_the_flat_rows_make_as_many_queries_for_one_row_as_for_many(client, varied):
    one, _response = count_queries(client, URL, {"format": "csv", "q": "测试导出1市"})
    many, response = count_queries(client, URL, {"format": "csv", "q": "测试导出"})
    assert content(response).count(b"\r\n") >= 9
    assert one == many, response.queries


def test_a_city_of_up_to_two_and_a_half_chunks_is_read_in_one(client, monkeypatch, varied):
    """The first chunk holds two and a half chunks' rows: five rows in chunks of two make
    the queries of one row (rather than three chunks' queries of their related records)."""
    monkeypatch.setattr(views, "EXPORT_CHUNK_SIZE", 2)
    Exchange.objects.all().delete()  # they protect their relationships
    Award.objects.all().delete()
    kept = list(Relationship.objects.order_by("pk").values_list("pk", flat=True)[:5])
    Relationship.objects.exclude(pk__in=kept).delete()
    five, response = count_queries(client, URL, {"format": "csv"})
    assert content(response).count(b"\r\n") == 1 + 5
    Relationship.objects.exclude(pk=kept[0]).delete()
    one, _response = count_queries(client, URL, {"format": "csv"})
    assert five == one, response.queries


def test_the_chunks_queries_are_made_once_per_export(client, monkeypatch, varied):
    """Every chunk asks the same queries of its related records with its own ids: they
    are built and compiled once per export (``utilities.lookups.AmongQuery``), so an
    export of many chunks compiles no more SQL than one of a single row."""
    monkeypatch.setattr(views, "EXPORT_CHUNK_SIZE", 2)
    as_sql = SQLCompiler.as_sql
    compiled = []

    def counted(compiler, *args, **kwargs):
        compiled.append(compiler)
        return as_sql(compiler, *args, **kwargs)

    def compiles(params):
        compiled.clear()
        with monkeypatch.context() as patched:
            patched.setattr(SQLCompiler, "as_sql", counted)
            body = content(client.get(URL, {"format": "csv", **params}))
        return len(compiled), body

    compiles({"q": "测试导出1市"})  # what a process reads once
    one, _body = compiles({"q": "测试导出1市"})
    many, body = compiles({"q": "测试导出"})
    assert body.count(b"\r\n") >= 1 + 9  # the header, then rows in three chunks or more
    assert one == many


def test_staff_flat_rows_make_as_many_queries_for_one_row_as_for_many(insider, varied):
    one, _response = count_queries(insider, URL, {"format": "csv", "q": "测试导出1市"})
    many, response = count_queries(insider, URL, {"format": "csv", "q": "测试导出"})
    assert content(response).count(b"\r\n") >= 9
    assert one == many, response.queries


@pytest.mark.parametrize(
    ("params", "columns"),
    [
        ({"fields": "id,display"}, ["id", "display"]),
        ({"brief": "true"}, ["id", "url", "display", "kind", "kind_display"]),
    ],
)
def test_a_selection_goes_through_the_serializer(client, world, params, columns):
    """``?fields=`` and ``?brief=`` give their own columns: the flat rows are only the
    full record's."""
    response = client.get(URL, {"format": "csv", **params})
    header = content(response).decode("utf-8-sig").splitlines()[0].split(",")
    assert header[: len(columns)] == columns
    assert "signatories" not in header


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's snapshots")
def test_a_record_saved_mid_export_is_read_as_it_was_everywhere_in_the_file(transactional_db):
    """A whole export reads one snapshot: a relationship saved while the file is being
    written is in it as it was when the export began, its own columns and the ones read
    per chunk (its fields of cooperation) alike."""
    world = build_world()
    later = Relationship.objects.create(
        chinese_place=world.home, foreign_place=world.partner_b, kind="sister", notes="原来"
    )
    rows = exports.RelationshipRows(None, 1).rows(
        Relationship.objects.filter(chinese_place=world.home).order_by("pk")
    )
    assert next(rows)[0] == str(world.relationship.pk)

    def save_elsewhere():
        # Another request's connection (this thread's is the export's).
        try:
            Relationship.objects.filter(pk=later.pk).update(notes="改了")
            later.fields.add(world.field)
        finally:
            connection.close()

    writer = threading.Thread(target=save_elsewhere)
    writer.start()
    writer.join()
    (row,) = list(rows)
    assert row[0] == str(later.pk)
    assert row[exports.COLUMNS.index("notes")] == "原来"
    assert row[exports.COLUMNS.index("fields")] == ""
    # The next export reads the saved record.
    (_first, row) = exports.RelationshipRows(None, 1).rows(
        Relationship.objects.filter(chinese_place=world.home).order_by("pk")
    )
    assert row[exports.COLUMNS.index("notes")] == "改了"
    assert row[exports.COLUMNS.index("fields")] == world.field.name_zh


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner")
def test_an_export_cursor_is_planned_for_all_its_rows(transactional_db):
    """In the export's snapshot the cursor is planned to be read to the end (a plan for its
    first rows walked an index and filtered as it went: a city's exchanges took four
    times as long), and only there: other cursors keep PostgreSQL's default."""

    def planned_fraction():
        with connection.cursor() as cursor:
            cursor.execute("SHOW cursor_tuple_fraction")
            return float(cursor.fetchone()[0])

    with flat_rows.snapshot(connection.alias):
        assert planned_fraction() == 1
    assert planned_fraction() == pytest.approx(0.1)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_country_code_outside_the_list_as_the_serializer_names_it(
    client, monkeypatch, odd_countries, language
):
    """An empty code, one the list does not hold and one in lower case: the country's
    cells are the country field's (empty, or the code it reads), as in the serializer's
    CSV (the flat rows once failed on a code outside the list)."""
    fast, slow = both(client, monkeypatch, {"q": "测试国别"}, language)
    assert fast == slow
    assert fast.count(b"\r\n") == 4
    assert b",JP," in fast and b",XX," not in fast
