"""Deleted records come back: a relationship deleted in the admin (its stages deleted with
it) is restored from the "recover deleted" page by its office or a superuser, with its
stages, their citations and its own citations and fields of cooperation. Another office
may not restore it; the revert page of a deleted record leads to the recover page."""

import pytest
from django.test import Client
from django.urls import reverse

from cities.choices import Stage
from cities.models import CooperationField, Place, Relationship, RelationshipStage
from sources.models import Citation
from tests.builders import REPORT_TEXT, new_relationship, new_report, office_user, superuser

pytestmark = pytest.mark.django_db


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def jinzhong():
    return Place.objects.get(slug="jinzhong")


@pytest.fixture
def deleted(jinzhong):
    """A relationship with two cited stages, citations and fields, deleted in the admin by
    its office; returns (pk, what it had)."""
    relationship = new_relationship(jinzhong)
    citation = Citation.objects.create(report=new_report(jinzhong), quote=REPORT_TEXT[:12])
    relationship.citations.set([citation])
    relationship.fields.set(CooperationField.objects.order_by("pk")[:2])
    stages = [
        RelationshipStage.objects.create(relationship=relationship, stage=stage, date_year=year)
        for stage, year in ((Stage.INTENT, 2018), (Stage.AGREEMENT, 2020))
    ]
    for stage in stages:
        stage.citations.set([citation])
    had = {
        "citations": [citation.pk],
        "fields": sorted(relationship.fields.values_list("pk", flat=True)),
        "stages": sorted((s.pk, s.stage, s.date_year) for s in stages),
    }
    client = logged_in(office_user("test-jinzhong-deleter", "jinzhong"))
    url = reverse("admin:cities_relationship_delete", args=[relationship.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Relationship.objects.filter(pk=relationship.pk).exists()
    assert not RelationshipStage.objects.filter(pk__in=[s.pk for s in stages]).exists()
    return relationship.pk, had


def deletion_row(pk):
    return Relationship.history.filter(id=pk, history_type="-").latest("history_date")


def assert_restored(pk, had):
    relationship = Relationship.objects.get(pk=pk)
    assert list(relationship.citations.values_list("pk", flat=True)) == had["citations"]
    assert sorted(relationship.fields.values_list("pk", flat=True)) == had["fields"]
    stages = relationship.stages.all()
    assert sorted((s.pk, s.stage, s.date_year) for s in stages) == had["stages"]
    for stage in stages:
        assert list(stage.citations.values_list("pk", flat=True)) == had["citations"]
    assert relationship.history.latest("history_date").history_change_reason == "从删除记录恢复"


@pytest.mark.parametrize("who", ["office", "superuser"])
def test_the_owner_restores_a_deleted_relationship_with_its_stages_and_links(deleted, who):
    pk, had = deleted
    user = office_user("test-jinzhong-restorer", "jinzhong") if who == "office" else superuser()
    client = logged_in(user)
    listing = client.get(reverse("admin:cities_relationship_recover_list"))
    assert listing.status_code == 200
    recover = reverse("admin:cities_relationship_recover", args=[deletion_row(pk).history_id])
    assert recover in listing.content.decode()
    assert client.get(recover).status_code == 200
    response = client.post(recover)
    assert response.status_code == 302
    assert_restored(pk, had)


def test_another_office_cannot_restore_it(deleted):
    pk, _had = deleted
    client = logged_in(office_user("test-zhenjiang-restorer", "zhenjiang"))
    recover = reverse("admin:cities_relationship_recover", args=[deletion_row(pk).history_id])
    assert client.post(recover).status_code == 403
    assert not Relationship.objects.filter(pk=pk).exists()


def test_the_revert_of_a_deleted_record_leads_to_its_recovery(deleted):
    pk, _had = deleted
    client = logged_in(superuser())
    version = Relationship.history.filter(id=pk).exclude(history_type="-").latest("history_date")
    url = reverse("admin:cities_relationship_simple_history", args=[pk, version.history_id])
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == reverse(
        "admin:cities_relationship_recover", args=[deletion_row(pk).history_id]
    )
