"""Office isolation in the admin, for every model: a Jinzhong office account may view any
record, and change or delete only those whose Chinese side is Jinzhong or a place inside
it (Pingyao County); Zhenjiang's records are read-only to it. Enforced by the server (a
crafted POST is refused), not only hidden in the page."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from awards.models import AwardType
from cities.models import CooperationField, Place, Relationship
from offices.models import Office
from offices.services import ensure_office_staff_group
from tests.builders import EDITS, FACTORIES, PASSWORD, office_user, place, superuser
from utilities.testing.admin import admin_url, change_url, delete_url, form_data

pytestmark = pytest.mark.django_db

OFFICE_MODELS = list(FACTORIES)


def model_id(model):
    return model.__name__


@pytest.fixture
def jinzhong_staff(client):
    user = office_user("test-jinzhong-staff", "jinzhong")
    client.force_login(user)
    return user


@pytest.fixture
def admin_client_data(client):
    """The form data a superuser's page holds for a record (to replay as someone else)."""
    boss = Client()
    boss.force_login(superuser())

    def data_for(obj):
        response = boss.get(change_url(obj))
        assert response.status_code == 200
        return form_data(response)

    return data_for


@pytest.fixture
def inside():
    return place("jinzhong")


@pytest.fixture
def outside():
    return place("zhenjiang")


@pytest.mark.parametrize("model", OFFICE_MODELS, ids=model_id)
class TestEveryOfficeModel:
    def test_list_and_records_are_visible_everywhere(
        self, client, jinzhong_staff, model, inside, outside
    ):
        mine, theirs = FACTORIES[model](inside), FACTORIES[model](outside)
        assert client.get(admin_url(model, "changelist")).status_code == 200
        page = client.get(change_url(theirs))
        assert page.status_code == 200
        assert 'name="_save"' not in page.content.decode()  # read-only
        page = client.get(change_url(mine))
        assert page.status_code == 200
        assert 'name="_save"' in page.content.decode()

    def test_change_is_refused_outside_the_office(
        self, client, jinzhong_staff, admin_client_data, model, outside
    ):
        theirs = FACTORIES[model](outside)
        field, value = EDITS[model]
        data = {**admin_client_data(theirs), field: value}
        response = client.post(change_url(theirs), data)
        assert response.status_code == 403
        theirs.refresh_from_db()
        assert getattr(theirs, field) != value

    def test_change_is_allowed_inside_the_office(
        self, client, jinzhong_staff, admin_client_data, model, inside
    ):
        mine = FACTORIES[model](inside)
        field, value = EDITS[model]
        data = {**admin_client_data(mine), field: value}
        response = client.post(change_url(mine), data)
        assert response.status_code == 302, response.context and response.context["errors"]
        mine.refresh_from_db()
        assert getattr(mine, field) == value

    def test_delete_is_refused_outside_the_office(self, client, jinzhong_staff, model, outside):
        theirs = FACTORIES[model](outside)
        assert client.get(delete_url(theirs)).status_code == 403
        assert client.post(delete_url(theirs), {"post": "yes"}).status_code == 403
        assert model.objects.filter(pk=theirs.pk).exists()

    def test_delete_is_allowed_inside_the_office(self, client, jinzhong_staff, model, inside):
        mine = FACTORIES[model](inside)
        response = client.post(delete_url(mine), {"post": "yes"})
        assert response.status_code == 302
        assert not model.objects.filter(pk=mine.pk).exists()

    def test_bulk_delete_is_refused_when_one_record_is_outside(
        self, client, jinzhong_staff, model, inside, outside
    ):
        mine, theirs = FACTORIES[model](inside), FACTORIES[model](outside)
        response = client.post(
            admin_url(model, "changelist"),
            {"action": "delete_selected", "_selected_action": [mine.pk, theirs.pk], "post": "yes"},
        )
        assert response.status_code == 403
        assert model.objects.filter(pk__in=[mine.pk, theirs.pk]).count() == 2


class TestPlacesInsideTheCity:
    """Pingyao County belongs to Jinzhong's office."""

    def test_a_county_relationship_is_the_city_offices(
        self, client, jinzhong_staff, admin_client_data
    ):
        provins = Relationship.objects.get(
            chinese_place__slug="pingyao", foreign_place__slug="provins"
        )
        data = {**admin_client_data(provins), "wording": "友好城市（县级）"}
        assert client.post(change_url(provins), data).status_code == 302
        provins.refresh_from_db()
        assert provins.wording == "友好城市（县级）"

    def test_another_office_cannot_change_it(self, client, admin_client_data):
        client.force_login(office_user("test-zhenjiang-staff", "zhenjiang"))
        provins = Relationship.objects.get(
            chinese_place__slug="pingyao", foreign_place__slug="provins"
        )
        data = {**admin_client_data(provins), "wording": "改不了"}
        assert client.post(change_url(provins), data).status_code == 403

    def test_foreign_places_are_shared_by_every_office(
        self, client, jinzhong_staff, admin_client_data
    ):
        mannheim = (
            Relationship.objects.filter(chinese_place__slug="zhenjiang").first().foreign_place
        )
        data = {**admin_client_data(mannheim), "name_local": "Testname"}
        assert client.post(change_url(mannheim), data).status_code == 302

    def test_an_office_adds_a_county_inside_its_city(self, client, jinzhong_staff, inside):
        response = client.post(
            admin_url(Place, "add"),
            {
                "name_zh": "测试新县",
                "name_en": "Test New County",
                "slug": "test-new-county",
                "level": "county",
                "country": "CN",
                "parent": inside.pk,
                "aliases-TOTAL_FORMS": "0",
                "aliases-INITIAL_FORMS": "0",
            },
        )
        assert response.status_code == 302, response.context["errors"]
        assert Place.objects.get(slug="test-new-county").parent == inside

    def test_an_office_cannot_move_its_county_to_another_city(
        self, client, jinzhong_staff, admin_client_data, inside, outside
    ):
        county = FACTORIES[Place](inside)
        data = {**admin_client_data(county), "parent": outside.pk}
        response = client.post(change_url(county), data)
        assert response.status_code == 200
        assert "只能修改本市及下辖地方的记录" in " ".join(
            response.context["adminform"].form.errors["parent"]
        )
        county.refresh_from_db()
        assert county.parent == inside


class TestChoicesStayInTheOffice:
    def test_a_relationship_cannot_be_added_to_another_city(self, client, jinzhong_staff, outside):
        partner = FACTORIES[Relationship](outside).foreign_place
        before = Relationship.objects.count()
        response = client.post(
            admin_url(Relationship, "add"),
            {
                "chinese_place": outside.pk,
                "foreign_place": partner.pk,
                "kind": "friendly",
                "stage": "active",
                "stages-TOTAL_FORMS": "0",
                "stages-INITIAL_FORMS": "0",
            },
        )
        assert response.status_code == 200
        errors = response.context["adminform"].form.errors["chinese_place"]
        assert "只能修改本市及下辖地方的记录" in " ".join(errors)
        assert Relationship.objects.count() == before

    def test_the_add_form_starts_with_the_office_city(self, client, jinzhong_staff, inside):
        response = client.get(admin_url(Relationship, "add"))
        assert response.context["adminform"].form.initial["chinese_place"] == inside.pk

    def autocomplete(self, client, term, field="chinese_place", model="relationship", app="cities"):
        response = client.get(
            reverse("admin:autocomplete"),
            {"term": term, "app_label": app, "model_name": model, "field_name": field},
        )
        assert response.status_code == 200
        return [item["text"] for item in response.json()["results"]]

    def test_autocomplete_offers_only_the_offices_chinese_places(self, client, jinzhong_staff):
        assert self.autocomplete(client, "平遥") == ["平遥县"]
        assert self.autocomplete(client, "镇江") == []
        assert self.autocomplete(client, "科莫") == []  # not a Chinese place

    def test_autocomplete_of_a_partner_offers_every_foreign_place(self, client, jinzhong_staff):
        assert "津市" in self.autocomplete(client, "Tsu", field="foreign_place")

    def test_a_citation_can_only_be_added_to_the_offices_reports(self, client, jinzhong_staff):
        reports = self.autocomplete(client, "", field="report", model="citation", app="sources")
        assert reports and all("晋中" in title for title in reports)


class TestReferenceDataAndAccounts:
    @pytest.mark.parametrize("model", [AwardType, CooperationField], ids=model_id)
    def test_reference_data_is_read_only_to_offices(
        self, client, jinzhong_staff, admin_client_data, model
    ):
        row = model.objects.order_by("pk").first()
        page = client.get(change_url(row))
        assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
        data = {**admin_client_data(row), "name_en": "Changed"}
        assert client.post(change_url(row), data).status_code == 403
        assert client.post(delete_url(row), {"post": "yes"}).status_code == 403
        # An office may propose an award type (awards/tests/test_award_types.py), not a field.
        adding = client.get(admin_url(model, "add")).status_code
        assert adding == (200 if model is AwardType else 403)

    @pytest.mark.parametrize("model", [AwardType, CooperationField], ids=model_id)
    def test_superusers_change_reference_data(self, client, admin_client_data, model):
        client.force_login(superuser())
        row = model.objects.order_by("pk").first()
        data = {**admin_client_data(row), "name_en": "Changed"}
        assert client.post(change_url(row), data).status_code == 302
        row.refresh_from_db()
        assert row.name_en == "Changed"

    def test_offices_cannot_see_accounts(self, client, jinzhong_staff):
        assert client.get(admin_url(Office, "changelist")).status_code == 403

    def test_a_staff_account_without_office_only_views(self, client, inside):
        user = get_user_model().objects.create_user(
            "test-no-office", password=PASSWORD, is_staff=True
        )
        user.groups.add(ensure_office_staff_group())
        client.force_login(user)
        mine = FACTORIES[Relationship](inside)
        assert client.get(change_url(mine)).status_code == 200
        assert client.post(delete_url(mine), {"post": "yes"}).status_code == 403
        assert client.get(admin_url(Relationship, "add")).status_code == 403

    def test_superusers_change_every_office(self, client, admin_client_data, outside):
        client.force_login(superuser())
        theirs = FACTORIES[Relationship](outside)
        data = {**admin_client_data(theirs), "wording": "总部修改"}
        assert client.post(change_url(theirs), data).status_code == 302

    def test_office_login_with_password_works(self, client, inside):
        office_user("test-login-staff", "jinzhong")
        assert client.login(username="test-login-staff", password=PASSWORD)
        assert client.get(reverse("admin:index")).status_code == 200
