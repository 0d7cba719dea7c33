"""The health endpoint, the server-error page (JSON under /api/) and the lockout answer."""

import logging
import sys
import time
import uuid

from django.conf import settings
from django.contrib import admin
from django.core.cache import cache
from django.db import DatabaseError, connections
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from rest_framework import exceptions
from rest_framework.authtoken import views as authtoken_views
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.settings import api_settings

from utilities.api.authentication import (
    TokenRateThrottle,
    TokenUserRateThrottle,
    token_expired,
    token_expires,
)
from utilities.api.errors import error_response

logger = logging.getLogger(__name__)

# Seconds the replica is behind the primary: 0 when it has replayed all it received.
REPLICA_LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN NULL
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
    ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)
END
"""


def _check_database(alias):
    started = time.monotonic()
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.error("Health check: database %s unreachable: %s", alias, error)
        return {"ok": False, "error": error.__class__.__name__}
    return {"ok": True, "ms": round((time.monotonic() - started) * 1000, 1)}


def _check_replica(alias):
    result = _check_database(alias)
    if result["ok"]:
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute(REPLICA_LAG_SQL)
                lag = cursor.fetchone()[0]
            result["lag_seconds"] = None if lag is None else round(float(lag), 3)
        except DatabaseError as error:
            result.update(ok=False, error=error.__class__.__name__)
    return result


def _check_cache():
    key = f"healthz:{uuid.uuid4().hex}"
    try:
        cache.set(key, "ok", 10)
        ok = cache.get(key) == "ok"
        cache.delete(key)
    except Exception as error:  # a cache backend raises its own errors (redis.ConnectionError)
        logger.error("Health check: cache unreachable: %s", error)
        return {"ok": False, "error": error.__class__.__name__}
    return {"ok": ok, "backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]}


@never_cache
def healthz(request):
    """``/healthz``: 200 when the primary database answers, 503 when it does not; the
    replicas (with their lag in seconds) and the cache are reported beside it."""
    database = _check_database("default")
    replicas = {alias: _check_replica(alias) for alias in settings.DATABASE_REPLICAS}
    cache_state = _check_cache()
    status = "ok" if database["ok"] else "unavailable"
    if database["ok"] and not (cache_state["ok"] and all(r["ok"] for r in replicas.values())):
        status = "degraded"
    body = {"status": status, "database": database, "replicas": replicas, "cache": cache_state}
    return JsonResponse(body, status=200 if database["ok"] else 503)


def server_error(request, template_name="500.html"):
    """The 500 page (Django's ``handler500``). Under /api/ it is JSON, like every other API
    error; when the database cannot be reached the status is 503. The request id is in the
    body and the header so that a report can be matched to its log line."""
    down = isinstance(sys.exc_info()[1], DatabaseError)
    status = 503 if down else 500
    request_id = getattr(request, "id", "")
    if request.path.startswith("/api/"):
        detail = _("数据库暂时无法访问，请稍后再试。") if down else _("服务器出错了，请稍后再试。")
        code = "database_unavailable" if down else "server_error"
        return error_response(request, status, detail, code)
    html = loader.get_template(template_name).render({"request_id": request_id})
    return HttpResponse(html, status=status)


def lockout(request, response=None, credentials=None):
    """django-axes' answer to a locked-out login: JSON for the API token endpoint, the
    lockout page for the admin; 429 with when to try again."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = _("登录失败次数过多，账号已暂时锁定。请在 %(minutes)d 分钟后再试，或联系管理员。") % {
        "minutes": minutes
    }
    retry = {"Retry-After": str(minutes * 60)}
    if request.path.startswith("/api/"):
        return error_response(request, 429, message, "locked_out", headers=retry)
    context = {**admin.site.each_context(request), "message": message}
    html = loader.render_to_string("operations/lockout.html", context, request)
    return HttpResponse(html, status=429, headers=retry)


class ObtainAuthToken(authtoken_views.ObtainAuthToken):
    """``/api/auth/token/`` under django-axes: the credentials are checked against Django's
    own request (not DRF's wrapper of it), so that a lockout flags the request that
    ``AxesMiddleware`` turns into the 429 answer. It reads bodies as every API view does
    (JSON with size and depth limits first), is throttled per address and per user name
    (``utilities.api.authentication``), and replaces an expired token by a fresh one."""

    parser_classes = api_settings.DEFAULT_PARSER_CLASSES
    throttle_classes = [TokenRateThrottle, TokenUserRateThrottle]

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "request": self.request._request}

    def post(self, request, *args, **kwargs):
        """The account's token, a fresh one when the old one has expired, with when it
        expires (``null``: never)."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        token, _created = Token.objects.get_or_create(user=user)
        if token_expired(token):
            token.delete()
            token = Token.objects.create(user=user)
        expires = token_expires(token)
        return Response(
            {"token": token.key, "expires": expires.isoformat() if expires else None},
            headers={"Cache-Control": "no-store"},
        )

    def throttled(self, request, wait):
        raise exceptions.Throttled(wait, detail=_("登录尝试过于频繁，请稍后再试。"))
