"""Request ids for the logs, JSON errors under /api/, read-your-writes routing for the
database replicas, gzip for API answers, and the worker's heartbeat while a streamed
response is sent."""

import re
import time
import uuid

from django.conf import settings
from django.db import DatabaseError
from django.middleware.gzip import GZipMiddleware
from django.utils import translation
from django.utils.translation import gettext as _
from rest_framework.response import Response

from utilities.api.errors import error_response

from . import context, heartbeat

# An id a proxy or client sent is kept when it is short and plain; otherwise a new one.
ACCEPTED_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
# Set after a write: until the time it holds, this client reads from the primary.
PRIMARY_COOKIE = "read_primary_until"


class RequestIdMiddleware:
    """Gives each request an id (the incoming ``X-Request-ID`` or a new one), puts it on
    every log line written while serving it and returns it in ``X-Request-ID``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if ACCEPTED_ID.match(incoming) else uuid.uuid4().hex
        token = context.request_id.set(request.id)
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request.id
            return response
        finally:
            context.request_id.reset(token)


API_PREFIX = "/api/"


class ApiErrorMiddleware:
    """Under /api/, an error Django answered itself (a bad Host header, a query string of
    more than ``DATA_UPLOAD_MAX_NUMBER_FIELDS`` parameters read outside a view, a 500 page
    with DEBUG on) becomes the API's one JSON error shape (``utilities.api.errors``), so a
    client never has to read HTML. The API's own responses (DRF's, the browsable API
    included) pass untouched."""

    MESSAGES = {
        400: ("bad_request", lambda: _("请求有误。")),
        403: ("permission_denied", lambda: _("您没有执行该操作的权限。")),
        404: ("not_found", lambda: _("未找到该记录或地址。")),
        405: ("method_not_allowed", lambda: _("不允许此请求方法。")),
        413: ("request_too_large", lambda: _("请求体过大。")),
    }

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and request.path.startswith(API_PREFIX)
            and not isinstance(response, Response)
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            status = response.status_code
            code, message = self.MESSAGES.get(
                status, ("server_error", lambda: _("服务器出错了，请稍后再试。"))
            )
            if status >= 500 and isinstance(getattr(request, "api_exception", None), DatabaseError):
                # As operations.views.server_error answers with DEBUG off.
                status, code = 503, "database_unavailable"
                message = lambda: _("数据库暂时无法访问，请稍后再试。")  # noqa: E731
            if status < 500 and status not in self.MESSAGES:
                code, message = "error", lambda: response.reason_phrase
            with translation.override(translation.get_language_from_request(request)):
                response = error_response(request, status, message(), code)
        return response

    def process_exception(self, request, exception):
        # Noted, not handled: Django still logs it and answers (technical page with DEBUG).
        request.api_exception = exception


class ReplicaRoutingMiddleware:
    """Read-your-writes for ``operations.routers.PrimaryReplicaRouter``.

    A request reads from the primary when it is a write method, when its client wrote within
    the last ``READ_YOUR_WRITES_SECONDS`` (a cookie holds until when) or, from its first
    write on, for the rest of the request. A request that wrote sets that cookie."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.DATABASE_REPLICAS:
            return self.get_response(request)
        try:
            until = float(request.COOKIES.get(PRIMARY_COOKIE, "0"))
        except ValueError:
            until = 0.0
        pinned = request.method not in SAFE_METHODS or until > time.time()
        primary_token = context.use_primary.set(pinned)
        wrote_token = context.wrote.set(False)
        replica_token = context.replica.set("")
        try:
            response = self.get_response(request)
            if context.wrote.get():
                seconds = settings.READ_YOUR_WRITES_SECONDS
                response.set_cookie(
                    PRIMARY_COOKIE,
                    f"{time.time() + seconds:.3f}",
                    max_age=seconds,
                    httponly=True,
                    samesite="Lax",
                    secure=settings.SESSION_COOKIE_SECURE,
                )
            return response
        finally:
            context.use_primary.reset(primary_token)
            context.wrote.reset(wrote_token)
            context.replica.reset(replica_token)


class APIGZipMiddleware(GZipMiddleware):
    """Django's gzip, for reads under ``/api/`` only. Pages carry CSRF tokens and the token
    endpoint returns a key (BREACH); API reads carry no secret.
    A strong ``ETag`` becomes weak (``W/"3"``) when compressed; ``If-Match`` and
    ``If-None-Match`` compare tags weakly, so a client may send either form back."""

    def process_response(self, request, response):
        if request.method not in {"GET", "HEAD"} or not request.path.startswith("/api/"):
            return response
        return super().process_response(request, response)


class HeartbeatMiddleware:
    """A streamed response (a whole export) reports for its gunicorn worker as its pieces
    are sent, so that the worker is not replaced mid-file (``operations.heartbeat``). A
    file (whitenoise's static files, a ``FileResponse``) is left to the server, which
    sends it whole (``sendfile``) when its iterator is not wrapped."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.streaming
            and not response.is_async
            and getattr(response, "file_to_stream", None) is None
        ):
            response.streaming_content = heartbeat.beating(response.streaming_content)
        return response
