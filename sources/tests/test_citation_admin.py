"""A new citation in the admin proposes the office's latest dated report: a report of the
office whose publication date is unknown is not "latest" (on PostgreSQL a plain descending
sort would put it first)."""

import pytest
from django.urls import reverse

from cities.models import Place
from sources.models import SourceReport
from tests.builders import office_user

pytestmark = pytest.mark.django_db


def proposed_report(client):
    response = client.get(reverse("admin:sources_citation_add"))
    assert response.status_code == 200
    return response.context["adminform"].form.initial.get("report")


def test_the_latest_dated_report_of_the_office_is_proposed(client):
    client.force_login(office_user("test-citation-staff", "jinzhong"))
    jinzhong = Place.objects.get(slug="jinzhong")
    latest = SourceReport.objects.get(slug="jinzhong-2019-10-30")
    assert proposed_report(client) == latest.pk
    SourceReport.objects.create(
        slug="test-undated-note",
        title="晋中市外办工作笔记",
        chinese_place=jinzhong,
        text="无日期。",
    )
    SourceReport.objects.create(
        slug="test-older-note",
        title="晋中市外办旧稿",
        chinese_place=jinzhong,
        published_year=2010,
        text="旧稿。",
    )
    assert proposed_report(client) == latest.pk
