"""Hardening by configuration: `check --deploy` clean with the documented variables,
`make serve` refusing to start without its secrets, a Content-Security-Policy on every
page with nothing inline left, and the login lockout on the admin and the token endpoint."""

import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse

from cities.models import Place, Relationship
from sources.models import SourceReport

DEPLOY_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "a-long-random-production-key-" + "x7Qp2vLm9Rt4" * 4,
    "ALLOWED_HOSTS": "registry.example.org",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
    "SECURE_SSL_REDIRECT": "true",
    "SESSION_COOKIE_SECURE": "true",
    "CSRF_COOKIE_SECURE": "true",
    "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
    "NUM_PROXIES": "1",
}


def run(command, **env):
    # Nothing from the test process: not its settings module, nor the async switch that
    # the browser tests set (which check --deploy rightly refuses).
    clean = {
        k: v for k, v in os.environ.items() if k not in DEPLOY_ENV and not k.startswith("DJANGO_")
    }
    return subprocess.run(
        command,
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_the_documented_variables():
    result = run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], **DEPLOY_ENV
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_names_each_missing_variable():
    env = {**DEPLOY_ENV}
    for name in (
        "SECURE_HSTS_SECONDS",
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
    ):
        env.pop(name)
    result = run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], **env
    )
    assert result.returncode != 0
    for warning in ("W004", "W008", "W012", "W016"):
        assert warning in result.stderr


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_make_serve_refuses_to_start_without_its_secrets(missing):
    env = {"SECRET_KEY": "k" * 50, "ALLOWED_HOSTS": "registry.example.org"}
    env.pop(missing)
    result = run(["make", "--no-print-directory", "serve", "HOST=127.0.0.1:1"], **env)
    assert result.returncode != 0
    assert f"{missing} is not set" in result.stderr
    assert "Listening at" not in result.stdout + result.stderr


def pages():
    relationship = Relationship.objects.order_by("pk").first()
    chinese = Place.objects.filter(country="CN").order_by("pk").first()
    foreign = Place.objects.exclude(country="CN").order_by("pk").first()
    report = SourceReport.objects.order_by("pk").first()
    public = [
        "/",
        "/relationships/",
        "/places/",
        "/exchanges/",
        "/awards/",
        "/reports/",
        "/search/?q=济南",
        "/map/",
        chinese.get_absolute_url(),
        foreign.get_absolute_url(),
        relationship.get_absolute_url(),
        report.get_absolute_url(),
        "/no-such-page/",
    ]
    admin = [
        "/admin/",
        "/admin/login/",
        "/admin/dashboard/",
        "/admin/cities/relationship/",
        f"/admin/cities/relationship/{relationship.pk}/change/",
        f"/admin/cities/relationship/{relationship.pk}/history/",
        "/admin/cities/relationship/import/",
        "/admin/cities/relationship/add/",
        "/admin/cities/place/",
        "/admin/exchanges/exchange/add/",
    ]
    api = ["/api/", "/api/docs/", "/api/redoc/", "/api/relationships/"]
    return public, admin, api


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=\"", re.I)
EVENT_HANDLER = re.compile(r"\son[a-z]+=\"", re.I)


@pytest.mark.django_db
def test_every_page_sends_the_policy_and_has_nothing_inline(client, superuser):
    public, admin, api = pages()
    urls = [(False, url) for url in public + api + ["/admin/login/"]]
    urls += [(True, url) for url in admin + api if url != "/admin/login/"]
    for logged_in, url in urls:
        if logged_in:
            client.force_login(superuser)
        response = client.get(url, HTTP_ACCEPT="text/html")
        assert response.status_code in (200, 404), url
        policy = response["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "script-src 'self'" in policy, url
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, url
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html), (url, INLINE_SCRIPT.search(html).group())
        assert not INLINE_STYLE.search(html), (url, INLINE_STYLE.search(html).group())
        assert not EVENT_HANDLER.search(html), (url, EVENT_HANDLER.search(html).group())


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"), [("zh-hans", "登录失败次数过多"), ("en", "Too many failed logins")]
)
def test_repeated_failed_admin_logins_lock_the_account_out(client, superuser, language, expected):
    login = reverse("admin:login")
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(login, {"username": "ops-admin", "password": "wrong"}, **headers)
        assert response.status_code == 200  # the form again, with its error
    response = client.post(login, {"username": "ops-admin", "password": "wrong"}, **headers)
    assert response.status_code == 429
    assert expected in response.content.decode()
    # Now even the right password is refused, until the cool-off ends.
    response = client.post(login, {"username": "ops-admin", "password": "Pass-w0rd-ops"}, **headers)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_repeated_failed_token_requests_lock_the_account_out(client, superuser):
    url = "/api/auth/token/"
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(url, {"username": "ops-admin", "password": "wrong"}).status_code == 400
    response = client.post(
        url, {"username": "ops-admin", "password": "wrong"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 429
    assert "Too many failed logins" in response.json()["detail"]
    response = client.post(url, {"username": "ops-admin", "password": "Pass-w0rd-ops"})
    assert response.status_code == 429
    assert "登录失败次数过多" in response.json()["detail"]
    assert int(response["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()


@pytest.mark.django_db
def test_a_right_password_before_the_limit_still_logs_in(client, superuser):
    url = "/api/auth/token/"
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(url, {"username": "ops-admin", "password": "wrong"})
    response = client.post(url, {"username": "ops-admin", "password": "Pass-w0rd-ops"})
    assert response.status_code == 200
    assert response.json()["token"]
