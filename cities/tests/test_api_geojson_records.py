"""The relationships' GeoJSON export from plain values (``cities.api.records.RelationshipFeatures``)
is the serializer's GeoJSON, byte for byte: for the loaded registry and for relationships of
every kind, stage and level, with steps, claims and disputes; with lines that cross the
antimeridian, and without a line where a place has no coordinates; in Chinese and in
English; filtered and ordered; for anonymous readers and for staff (warnings)."""

import gc
import json
import sys
from decimal import Decimal

import pytest
from django.db import connection
from django.test import RequestFactory
from rest_framework.request import Request
from rest_framework.test import APIClient

from cities.api import exports, records, serializers
from cities.api.views import RelationshipViewSet
from cities.models import Place, Relationship
from utilities.api import flat_rows, views
from utilities.testing.queries import content, count_queries

pytestmark = pytest.mark.django_db

URL = "/api/relationships/"


@pytest.fixture
def client():
    return APIClient()


def both(client, monkeypatch, params, language="zh-hans"):
    """``(GeoJSON from the records, GeoJSON from the serializer)`` of the same request;
    the first made without the serializer."""
    query = {"format": "geojson", **params}
    represented = []
    to_representation = serializers.RelationshipSerializer.to_representation
    with monkeypatch.context() as patch:
        patch.setattr(
            serializers.RelationshipSerializer,
            "to_representation",
            lambda serializer, instance: (
                represented.append(instance.pk) or to_representation(serializer, instance)
            ),
        )
        built = client.get(URL, query, HTTP_ACCEPT_LANGUAGE=language)
        assert built.status_code == 200 and built.streaming
        content(built)  # made as it is sent
    assert represented == []
    with monkeypatch.context() as patch:
        patch.setattr(RelationshipViewSet, "stream_record_classes", {})
        serialized = client.get(URL, query, HTTP_ACCEPT_LANGUAGE=language)
    assert serialized.status_code == 200 and serialized.streaming
    return content(built), content(serialized)


@pytest.fixture
def mapped(world, varied):
    """The test city and county and some of the varied partners on the map: one across the
    Pacific (its line is cut at the antimeridian), one in Europe, one in Japan; the rest
    have no coordinates (no line)."""
    Place.objects.filter(pk__in=[world.home.pk, world.county.pk]).update(
        latitude=Decimal("30.59"), longitude=Decimal("114.3")
    )
    Place.objects.filter(slug="test-export-0").update(
        latitude=Decimal("37.77"), longitude=Decimal("-122.42")
    )
    Place.objects.filter(slug="test-export-2").update(
        latitude=Decimal("48.86"), longitude=Decimal("2.35")
    )
    Place.objects.filter(slug="test-export-4").update(
        latitude=Decimal("35.68"), longitude=Decimal("139.69")
    )
    return varied


def geometries(body):
    return [feature["geometry"] for feature in json.loads(body)["features"]]


def test_the_loaded_registry_in_both_languages(client, monkeypatch):
    for language in ("zh-hans", "en"):
        built, serialized = both(client, monkeypatch, {}, language)
        assert built == serialized
        assert len(geometries(built)) == Relationship.objects.count()
        assert any(geometry and geometry["type"] == "LineString" for geometry in geometries(built))


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(
    "params",
    [
        {"chinese_place": "test-home"},
        {"chinese_place": "test-home", "ordering": "-kind,stage"},
        {"q": "测试导出"},
    ],
)
def test_every_kind_stage_level_claim_and_line(client, monkeypatch, mapped, params, language):
    built, serialized = both(client, monkeypatch, params, language)
    assert built == serialized
    kinds = [geometry and geometry["type"] for geometry in geometries(built)]
    assert None in kinds  # a partner without coordinates
    if params.get("chinese_place") == "test-home" or "q" in params:
        assert "MultiLineString" in kinds or "LineString" in kinds
    text = built.decode()
    assert '"disputes": [{' in text  # the sources' disagreements


def test_lines_across_the_pacific_are_cut_as_the_serializer_cuts_them(client, monkeypatch, mapped):
    built, serialized = both(client, monkeypatch, {"q": "测试导出"})
    assert built == serialized
    kinds = {geometry["type"] for geometry in geometries(built) if geometry}
    assert kinds == {"LineString", "MultiLineString"}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_staff_see_the_same_warnings(insider, monkeypatch, mapped, language):
    built, serialized = both(insider, monkeypatch, {"chinese_place": "test-home"}, language)
    assert built == serialized
    assert "active_without_agreement" in built.decode()


def test_briefs_made_again_after_they_are_let_go(client, monkeypatch, mapped):
    """Chunks of two relationships and briefs let go past one: every place and citation is
    made again many times, the same."""
    monkeypatch.setattr(flat_rows, "CACHED_CELLS", 1)
    monkeypatch.setattr(views, "EXPORT_CHUNK_SIZE", 2)
    let_go = []
    made = records.RelationshipRecords.records

    def counted(builder, ids):
        let_go.append(len(builder.places.made))
        return made(builder, ids)

    monkeypatch.setattr(records.RelationshipRecords, "records", counted)
    built, serialized = both(client, monkeypatch, {"chinese_place": "test-home"})
    assert built == serialized
    # Each chunk's records were made with at most the last chunk's places kept.
    assert len(let_go) >= 4 and max(let_go) <= 2


def test_as_many_queries_for_one_relationship_as_for_many(client, mapped):
    one, _response = count_queries(client, URL, {"format": "geojson", "q": "测试导出1市"})
    many, response = count_queries(client, URL, {"format": "geojson", "q": "测试导出"})
    assert len(geometries(content(response))) >= 8
    assert one == many, response.queries


def test_a_selection_goes_through_the_serializer(client, mapped):
    """``?fields=`` keeps its own properties (the records are only the full record)."""
    response = client.get(URL, {"format": "geojson", "fields": "id,display"})
    feature = json.loads(content(response))["features"][0]
    assert set(feature["properties"]) == {"id", "display"}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="server-side cursors")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("export", ["geojson", "csv"])
def test_an_export_left_mid_file_closes_its_cursor_in_its_snapshot(varied, monkeypatch, export):
    """A client that goes away mid-file: the export's server-side cursor is closed inside
    the snapshot's transaction (closed after it, the cursor was gone: an error was written
    to the log), and no transaction is left open."""
    unraisable = []
    monkeypatch.setattr(sys, "unraisablehook", lambda raised: unraisable.append(raised))
    request = Request(RequestFactory().get(URL, {"format": export}))
    relationships = Relationship.objects.order_by("pk")
    if export == "geojson":
        made = views.built_records(relationships, records.RelationshipFeatures(request), 2)
    else:
        made = exports.RelationshipRows(request, 2).rows(relationships)
    next(made)
    assert connection.in_atomic_block
    made.close()
    gc.collect()
    assert not connection.in_atomic_block
    assert [repr(raised.exc_value) for raised in unraisable] == []
