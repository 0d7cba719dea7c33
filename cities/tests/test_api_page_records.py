"""The relationships' JSON list pages built from plain values (``cities.api.records``) are
the serializer's, byte for byte: for the loaded registry's pages and for relationships of
every kind, stage and level, with dated, partly dated, planned and undated steps, sources'
claims that agree and that disagree (about the kind, the level, a dated and an undated
step) with their citations, no level, foreign places whose country code is empty or not in
the list; in Chinese and in English; offset pages, filtered and ordered lists; for
anonymous readers and for staff (who see the national rules' warnings). Every other form
of the list still goes through the serializer."""

import json

import pytest
from rest_framework.test import APIClient

from cities.api import serializers
from cities.api.views import RelationshipViewSet
from cities.choices import ClaimSubject, Stage
from cities.models import Claim, RelationshipStage
from sources.models import Citation
from utilities.testing.queries import content, count_queries, records_and_serialized

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_read_cache")]

URL = "/api/relationships/"


@pytest.fixture
def client():
    return APIClient()


def both(client, monkeypatch, params, language="zh-hans"):
    """``(page records' answer, serializer's answer)`` of the same request."""
    return records_and_serialized(client, monkeypatch, URL, RelationshipViewSet, params, language)


def results(content):
    return json.loads(content)["results"]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(
    "params",
    [{}, {"offset": 20}, {"limit": 7, "offset": 3}, {"format": "json", "ordering": "-stage"}],
)
def test_the_loaded_registry_in_both_languages(client, monkeypatch, params, language):
    fast, slow = both(client, monkeypatch, params, language)
    assert fast == slow
    assert results(fast)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(
    "params",
    [
        {"chinese_place": "test-home"},
        {"chinese_place": "test-home", "ordering": "-kind,stage"},
        {"q": "测试导出", "limit": 4, "offset": 3},
        {"q": "测试导出", "offset": 1000},  # past the end: no records
    ],
)
def test_every_kind_stage_level_and_claim(client, monkeypatch, varied, params, language):
    fast, slow = both(client, monkeypatch, params, language)
    assert fast == slow
    if "offset" in params and params["offset"] >= 1000:
        assert results(fast) == []
        return
    assert results(fast)
    if "limit" not in params:
        text = fast.decode()
        assert '"disputed":true' in text and '"disputed":false' in text
        assert '"value":"None"' in text  # the sources' dates of an undated step
        assert '"level":null' in text


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_country_code_outside_the_list(client, monkeypatch, odd_countries, language):
    fast, slow = both(client, monkeypatch, {"q": "测试国别"}, language)
    assert fast == slow
    countries = [record["foreign_place"]["country"] for record in results(fast)]
    assert sorted(countries, key=str) == sorted(["", "", countries[-1]], key=str)
    assert {"code": "JP", "name": "日本" if language == "zh-hans" else "Japan"} in countries


@pytest.fixture
def cited_claims(world, varied):
    """``varied`` with its claims cited: quotes of 40 characters (shown whole) and of 41
    (shortened), one claim with several citations and one with none; a claim's value
    outside its choices; an undated step beside a dated one."""
    report = world.citation.report
    longer = Citation.objects.create(report=report, quote="长" * 41)
    exact = Citation.objects.create(report=report, quote="x" * 40)
    choices = [[world.citation, longer], [exact], [longer, exact, world.citation], []]
    for number, claim in enumerate(Claim.objects.order_by("pk")):
        claim.citations.set(choices[number % 4])
    Claim.objects.filter(relationship=varied[5], subject=ClaimSubject.KIND).update(value="bogus")
    RelationshipStage.objects.create(relationship=varied[5], stage=Stage.ACTIVE)
    return varied


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_claims_with_their_citations(client, insider, monkeypatch, cited_claims, language):
    assert Claim.objects.filter(citations__isnull=False).exists()
    for reader in (client, insider):
        fast, slow = both(reader, monkeypatch, {"chinese_place": "test-home"}, language)
        assert fast == slow
        claims = [
            claim
            for record in results(fast)
            for claim in [*record["claims"], *(c for s in record["stages"] for c in s["claims"])]
        ]
        assert any(claim["citations"] for claim in claims)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_staff_see_the_same_warnings(insider, monkeypatch, varied, language):
    fast, slow = both(insider, monkeypatch, {"chinese_place": "test-home"}, language)
    assert fast == slow
    assert "active_without_agreement" in fast.decode()


def test_the_page_records_make_as_many_queries_for_one_row_as_for_many(client, varied):
    one, _response = count_queries(client, URL, {"q": "测试导出1市"})
    many, response = count_queries(client, URL, {"q": "测试导出"})
    assert len(results(response.content)) >= 9
    assert one == many, response.queries


def test_staff_page_records_make_as_many_queries_for_one_row_as_for_many(insider, varied):
    one, _response = count_queries(insider, URL, {"q": "测试导出1市"})
    many, response = count_queries(insider, URL, {"q": "测试导出"})
    assert one == many, response.queries


@pytest.fixture
def represented(monkeypatch):
    """How many records ``RelationshipSerializer`` has represented."""
    calls = []
    to_representation = serializers.RelationshipSerializer.to_representation

    def counted(serializer, instance):
        calls.append(instance.pk)
        return to_representation(serializer, instance)

    monkeypatch.setattr(serializers.RelationshipSerializer, "to_representation", counted)
    return calls


def test_a_json_page_is_built_without_the_serializer(client, varied, represented):
    response = client.get(URL, {"chinese_place": "test-home"})
    assert response.status_code == 200 and results(response.content)
    assert represented == []


def test_a_geojson_export_is_built_without_the_serializer(client, varied, represented):
    """The same records, with their lines (``RelationshipFeatures``,
    ``test_api_geojson_records``)."""
    response = client.get(URL, {"format": "geojson", "chinese_place": "test-home"})
    assert response.status_code == 200 and content(response)
    assert represented == []


@pytest.mark.parametrize(
    "params",
    [
        {"fields": "id,display"},
        {"format": "geojson", "chinese_place": "test-home", "fields": "id,display"},
        {"format": "api", "chinese_place": "test-home"},
    ],
)
def test_other_forms_go_through_the_serializer(client, varied, represented, params):
    response = client.get(URL, params)
    assert response.status_code == 200 and content(response)  # a stream is read as sent
    assert represented
