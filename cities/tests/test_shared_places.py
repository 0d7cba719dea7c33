"""Shared foreign places, safely shared (offices.rules): any office may correct a
partner's names and coordinates; none may make a partner that another office's records
use Chinese, move it under a Chinese place or delete it, in the admin or the API; an office
whose records use a place may put it back after another office took it.

Reproduced first: a Wuhan account set a Jinzhong partner's country to CN and moved it
under Wuhan (200); Jinzhong then could neither restore the place (403) nor edit its own
relationship (400)."""

import pytest
from django.test import Client
from django.urls import reverse

from cities.models import Place
from exchanges.models import Exchange
from offices.tests.admin_forms import unchanged_post
from tests.builders import (
    new_exchange,
    new_foreign_place,
    new_relationship,
    office_user,
    token_client,
)

pytestmark = pytest.mark.django_db

SHARED = "其他外办（晋中市）记录中的伙伴"


def place_url(place):
    return reverse("api:place-detail", args=[place.pk])


@pytest.fixture
def jinzhong():
    return Place.objects.get(slug="jinzhong")


@pytest.fixture
def wuhan():
    return Place.objects.get(slug="wuhan")


@pytest.fixture
def partner_relationship(jinzhong):
    return new_relationship(jinzhong)


@pytest.fixture
def partner(partner_relationship):
    return partner_relationship.foreign_place


@pytest.fixture
def wuhan_api():
    return token_client(office_user("test-wuhan-api", "wuhan"))


@pytest.fixture
def jinzhong_api():
    return token_client(office_user("test-jinzhong-api", "jinzhong"))


def admin_client(username, city):
    client = Client()
    client.force_login(office_user(username, city))
    return client


class TestAPI:
    def test_another_office_cannot_take_a_partner(
        self, wuhan_api, jinzhong_api, partner, partner_relationship, wuhan
    ):
        response = wuhan_api.patch(
            place_url(partner), {"country": "CN", "parent": wuhan.pk}, format="json"
        )
        assert response.status_code == 403
        assert SHARED in response.json()["detail"]
        partner.refresh_from_db()
        assert (partner.country, partner.parent_id) == ("JP", None)
        # Jinzhong's own relationship stays editable.
        response = jinzhong_api.patch(
            reverse("api:relationship-detail", args=[partner_relationship.pk]),
            {"notes": "仍可修改"},
            format="json",
        )
        assert response.status_code == 200

    def test_any_office_corrects_names_and_coordinates(self, wuhan_api, partner):
        response = wuhan_api.patch(
            place_url(partner),
            {"name_en": "Corrected", "latitude": 33.2, "longitude": 131.6},
            format="json",
        )
        assert response.status_code == 200
        partner.refresh_from_db()
        assert partner.name_en == "Corrected"

    def test_a_partner_only_another_office_exchange_uses_cannot_be_deleted(
        self, wuhan_api, jinzhong
    ):
        place = new_foreign_place()
        exchange = new_exchange(jinzhong)
        exchange.places.add(place)
        response = wuhan_api.delete(place_url(place))
        assert response.status_code == 403
        assert SHARED in response.json()["detail"]
        assert Exchange.objects.get(pk=exchange.pk).places.filter(pk=place.pk).exists()

    def test_a_partner_nobody_else_uses_can_be_deleted(self, wuhan_api):
        place = new_foreign_place()
        assert wuhan_api.delete(place_url(place)).status_code == 204


class TestAdmin:
    def test_another_office_cannot_take_a_partner(self, partner, wuhan):
        client = admin_client("test-wuhan-admin", "wuhan")
        url = reverse("admin:cities_place_change", args=[partner.pk])
        page = client.get(url)
        data = {**unchanged_post(page), "country": "CN", "parent": str(wuhan.pk)}
        response = client.post(url, data)
        assert response.status_code == 200
        assert SHARED in response.content.decode()
        partner.refresh_from_db()
        assert (partner.country, partner.parent_id) == ("JP", None)

    def test_delete_is_refused_with_the_reason(self, partner):
        client = admin_client("test-wuhan-admin", "wuhan")
        response = client.post(
            reverse("admin:cities_place_delete", args=[partner.pk]), {"post": "yes"}, follow=True
        )
        assert SHARED in response.content.decode()
        assert Place.objects.filter(pk=partner.pk).exists()

    def test_the_office_puts_back_a_partner_another_office_took(self, partner, wuhan):
        foreign = partner.history.latest("history_date")
        # As before the rule: the partner was taken.
        partner.country, partner.parent = "CN", wuhan
        partner.save()
        client = admin_client("test-jinzhong-admin", "jinzhong")
        url = reverse("admin:cities_place_simple_history", args=[partner.pk, foreign.history_id])
        page = client.get(url)
        assert page.status_code == 200
        response = client.post(url, unchanged_post(page))
        assert response.status_code == 302
        partner.refresh_from_db()
        assert (partner.country, partner.parent_id) == ("JP", None)
