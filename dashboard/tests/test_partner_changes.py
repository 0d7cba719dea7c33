"""A change another office makes to a shared foreign place shows on the dashboards of the
offices whose records use it (who, when, which fields), and they can revert it."""

import pytest
from django.test import Client
from django.urls import reverse

from cities.models import Place
from offices.tests.admin_forms import unchanged_post
from tests.builders import new_relationship, office_user, token_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner():
    return new_relationship(Place.objects.get(slug="jinzhong")).foreign_place


def test_a_change_by_another_office_shows_and_can_be_reverted(partner):
    wuhan_api = token_client(office_user("test-wuhan-renamer", "wuhan"))
    url = reverse("api:place-detail", args=[partner.pk])
    old_name = partner.name_en
    assert wuhan_api.patch(url, {"name_en": "Renamed by Wuhan"}, format="json").status_code == 200

    jinzhong = Client()
    jinzhong.force_login(office_user("test-jinzhong-reader", "jinzhong"))
    page = jinzhong.get(reverse("office-dashboard"))
    changes = page.context["partner_changes"]
    assert [(c.place.pk, str(c.user), c.fields) for c in changes] == [
        (partner.pk, "test-wuhan-renamer", ["英文名"])
    ]
    content = page.content.decode()
    assert "test-wuhan-renamer" in content and changes[0].revert_url in content

    # Wuhan's own dashboard does not list its own change; Jinzhong reverts it.
    wuhan = Client()
    wuhan.force_login(office_user("test-wuhan-reader", "wuhan"))
    assert wuhan.get(reverse("office-dashboard")).context["partner_changes"] == []
    revert = jinzhong.get(changes[0].revert_url)
    assert revert.status_code == 200
    assert jinzhong.post(changes[0].revert_url, unchanged_post(revert)).status_code == 302
    partner.refresh_from_db()
    assert partner.name_en == old_name
