"""Auth that ages, tried as an integrator would: tokens that expire (401 saying so, and a
fresh token from /api/auth/token/), the token endpoint throttled per address and per user
name, the client address not forgeable with X-Forwarded-For, and slugs unique whatever
their case on the API, the admin and import."""

import datetime

import pytest
import tablib
from django.conf import settings as django_settings
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cities.models import Place
from cities.resources import PlaceResource
from tests.builders import staff_user

pytestmark = pytest.mark.django_db

PASSWORD = "a long test password"


@pytest.fixture
def clerk(world):
    user = staff_user("test-clerk", world.home)
    user.set_password(PASSWORD)
    user.save()
    return user


def login(username="test-clerk", password=PASSWORD, **headers):
    return APIClient().post(
        "/api/auth/token/", {"username": username, "password": password}, **headers
    )


@override_settings(API_TOKEN_TTL_DAYS=30)
def test_an_expired_token_is_refused_and_a_fresh_one_issued(clerk, world):
    response = login()
    assert response.status_code == 200
    body = response.json()
    old = body["token"]
    expires = datetime.datetime.fromisoformat(body["expires"])
    assert abs(expires - timezone.now() - datetime.timedelta(days=30)) < datetime.timedelta(
        minutes=1
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {old}")
    url = f"/api/places/{world.county.pk}/"
    assert client.patch(url, {"name_en": "Fresh"}, format="json").status_code == 200
    Token.objects.filter(key=old).update(created=timezone.now() - datetime.timedelta(days=31))
    refused = client.patch(url, {"name_en": "Stale"}, format="json")
    assert refused.status_code == 401
    assert "令牌已过期" in refused.json()["detail"]
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 401
    assert "expired" in english.json()["detail"]
    renewed = login().json()["token"]
    assert renewed != old
    client.credentials(HTTP_AUTHORIZATION=f"Token {renewed}")
    assert client.patch(url, {"name_en": "Renewed"}, format="json").status_code == 200
    assert Place.objects.get(pk=world.county.pk).name_en == "Renewed"


@override_settings(API_TOKEN_TTL_DAYS=0)
def test_tokens_can_be_kept_for_ever(clerk, world):
    response = login()
    assert response.json()["expires"] is None
    Token.objects.update(created=timezone.now() - datetime.timedelta(days=3650))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert (
        client.patch(
            f"/api/places/{world.county.pk}/", {"name_en": "Old"}, format="json"
        ).status_code
        == 200
    )


@override_settings(API_TOKEN_RATE="3/minute", AXES_FAILURE_LIMIT=100)
def test_the_token_endpoint_is_throttled_per_address(clerk):
    for name in ("a", "b", "c"):
        assert login(username=f"test-guess-{name}", password="x").status_code == 400
    refused = login()
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "登录尝试过于频繁" in refused.json()["detail"]
    # A forged X-Forwarded-For does not make another client (no proxy is trusted).
    forged = login(HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert forged.status_code == 429


@override_settings(API_TOKEN_RATE="3/minute", AXES_FAILURE_LIMIT=100)
def test_the_token_endpoint_is_throttled_per_user_name_from_any_address(clerk):
    for number in range(3):
        response = login(password="wrong", REMOTE_ADDR=f"198.51.100.{number}")
        assert response.status_code == 400
    response = login(REMOTE_ADDR="198.51.100.200")
    assert response.status_code == 429
    assert (
        login(username="test-other", password="x", REMOTE_ADDR="198.51.100.201").status_code == 400
    )


def test_a_forged_forwarded_address_does_not_dodge_the_anonymous_limit(settings, world):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/minute"},
    }
    client = APIClient()
    codes = [
        client.get("/api/places/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(5)
    ]
    assert codes == [200, 200, 200, 429, 429]


@override_settings(API_TOKEN_RATE="1000/minute")
def test_a_forged_forwarded_address_does_not_dodge_the_login_lockout(clerk):
    """django-axes locks a user name at an address; the address is REMOTE_ADDR whatever
    X-Forwarded-For says (no proxy trusted)."""
    for number in range(django_settings.AXES_FAILURE_LIMIT):
        login(password="wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{number}")
    locked = login(HTTP_X_FORWARDED_FOR="203.0.113.250")
    assert locked.status_code == 429
    assert "登录失败次数过多" in locked.json()["detail"]


def test_behind_a_proxy_the_forwarded_address_counts(settings, world):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/minute"},
        "NUM_PROXIES": 1,
    }
    client = APIClient()
    first = [
        client.get("/api/places/", HTTP_X_FORWARDED_FOR="203.0.113.1").status_code for _ in range(3)
    ]
    other = client.get("/api/places/", HTTP_X_FORWARDED_FOR="203.0.113.2").status_code
    assert first == [200, 200, 429]
    assert other == 200


def test_slugs_are_unique_whatever_their_case_on_the_api(superuser, world):
    body = {"slug": "TEST-HOME", "name_zh": "大写测试", "level": "district", "country": "CN",
            "parent": world.home.pk}  # fmt: skip
    response = superuser.post("/api/places/", body, format="json")
    assert response.status_code == 400
    assert "不区分大小写" in response.json()["slug"][0]
    english = superuser.post("/api/places/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert "case" in english.json()["slug"][0]
    report = {"slug": "Test-Home-Report"}
    response = superuser.patch(f"/api/reports/{world.report.pk}/", report, format="json")
    assert response.status_code == 200  # its own slug, in another case
    field = superuser.post(
        "/api/cooperation-fields/",
        {"slug": "TEST-FIELD", "name_zh": "另一领域", "name_en": "Other"},
        format="json",
    )
    assert field.status_code == 400
    assert "slug" in field.json()


def test_slugs_are_unique_whatever_their_case_in_the_admin(client, world):
    admin = staff_user("test-admin-slug", superuser=True)
    client.force_login(admin)
    response = client.post(
        f"/admin/cities/place/{world.partner_c.pk}/change/",
        {
            "slug": "TEST-PARTNER-A",
            "name_zh": "测试丙市",
            "name_en": "Testc",
            "level": "city",
            "country": "FR",
        },  # fmt: skip
        follow=True,
    )
    assert "不区分大小写" in response.content.decode()
    assert Place.objects.get(pk=world.partner_c.pk).slug == "test-partner-c"


def test_the_database_refuses_a_slug_in_another_case(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Place.objects.create(slug="TEST-PROVINCE", name_zh="重复", level="province", country="CN")


def test_slugs_are_unique_whatever_their_case_on_import(world):
    """A place file whose slug differs from a stored one only in case is refused on the
    slug column, and nothing is written."""
    admin = staff_user("test-import-admin", superuser=True)
    headers = [
        "标识",
        "中文名",
        "英文名",
        "当地名称",
        "行政级别",
        "国家",
        "上级地方",
        "纬度",
        "经度",
    ]
    row = ["TEST-PARTNER-B", "大写乙市", "Upper", "", "市", "US", "", "", ""]
    before = Place.objects.count()
    result = PlaceResource().import_data(
        tablib.Dataset(row, headers=headers), dry_run=False, user=admin
    )
    assert result.has_validation_errors()
    errors = result.invalid_rows[0].error_dict
    assert "不区分大小写" in str(errors["标识"]), errors  # the slug column
    assert Place.objects.count() == before
