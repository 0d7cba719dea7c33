"""``manage.py create_office_user``: an office account that works at once (staff status,
the office staff group with its model permissions, its office's city), made again safely,
and refused for a place that is not a Chinese city. Also the office rule itself
(``utilities.offices``) for places, which the admin and the API share."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse

from cities.models import Place
from offices.models import Office
from offices.rules import can_change
from offices.services import OFFICE_STAFF_GROUP

pytestmark = pytest.mark.django_db

PASSWORD = "Jinzhong-office-2019!"


def run(*args, **options):
    out = StringIO()
    call_command("create_office_user", *args, stdout=out, **options)
    return out.getvalue()


class TestCreateOfficeUser:
    def test_the_account_can_work_without_further_setup(self, client):
        output = run("test-li", city="晋中", password=PASSWORD, email="li@example.com")
        assert "晋中市" in output
        user = get_user_model().objects.get(username="test-li")
        assert user.is_staff and not user.is_superuser and user.email == "li@example.com"
        assert Office.objects.get(user=user).place.slug == "jinzhong"
        assert user.groups.filter(name=OFFICE_STAFF_GROUP).exists()
        assert user.has_perms(
            [
                "cities.add_relationship",
                "cities.change_relationship",
                "cities.delete_relationship",
                "exchanges.change_exchange",
                "awards.add_award",
                "sources.add_citation",
                "awards.view_awardtype",
            ]
        )
        assert not user.has_perm("awards.change_awardtype")
        assert not user.has_perm("cities.view_office")
        assert client.login(username="test-li", password=PASSWORD)
        assert client.get(reverse("admin:cities_relationship_add")).status_code == 200

    def test_running_it_again_is_safe(self):
        run("test-wang", city="jinzhong", password=PASSWORD)
        group = Group.objects.get(name=OFFICE_STAFF_GROUP)
        permissions = set(group.permissions.values_list("codename", flat=True))
        run("test-wang", city="Zhenjiang", no_input=True)
        user = get_user_model().objects.get(username="test-wang")
        assert Office.objects.get(user=user).place.slug == "zhenjiang"  # moved office
        assert user.check_password(PASSWORD)  # password kept
        assert Office.objects.filter(user=user).count() == 1
        assert set(group.permissions.values_list("codename", flat=True)) == permissions
        assert Group.objects.filter(name=OFFICE_STAFF_GROUP).count() == 1

    def test_a_new_account_without_password_cannot_log_in_yet(self):
        output = run("test-zhao", city="jinzhong", interactive=False)
        assert "changepassword" in output
        assert not get_user_model().objects.get(username="test-zhao").has_usable_password()

    @pytest.mark.parametrize("city", ["科莫省", "nowhere-city"])
    def test_the_office_must_be_a_chinese_place(self, city):
        with pytest.raises(CommandError):
            run("test-zhou", city=city, password=PASSWORD)
        assert not get_user_model().objects.filter(username="test-zhou").exists()

    def test_a_weak_password_is_refused(self):
        with pytest.raises(CommandError):
            run("test-qian", city="jinzhong", password="123")
        assert not get_user_model().objects.filter(username="test-qian").exists()


class TestOfficeRuleForPlaces:
    """``can_change`` judges a place by its parents as they would be saved (fixed here for
    new places and moved ones; the API shares it)."""

    @pytest.fixture
    def staff(self):
        run("test-rule", city="jinzhong", password=PASSWORD)
        return get_user_model().objects.get(username="test-rule")

    def test_a_new_county_inside_the_city(self, staff):
        jinzhong = Place.objects.get(slug="jinzhong")
        assert can_change(
            staff, Place(slug="test-x", name_zh="测试县", country="CN", parent=jinzhong)
        )

    def test_a_new_place_in_another_city(self, staff):
        zhenjiang = Place.objects.get(slug="zhenjiang")
        assert not can_change(
            staff, Place(slug="test-y", name_zh="测试区", country="CN", parent=zhenjiang)
        )

    def test_moving_a_county_out_of_the_city(self, staff):
        pingyao = Place.objects.get(slug="pingyao")
        assert can_change(staff, pingyao)
        pingyao.parent = Place.objects.get(slug="zhenjiang")
        assert not can_change(staff, pingyao)

    def test_a_new_foreign_place_is_shared(self, staff):
        assert can_change(staff, Place(slug="test-z", name_zh="测试外市", country="FR"))
