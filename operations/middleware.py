"""Request ids for the logs, read-your-writes routing for the database replicas, and gzip
for API answers."""

import re
import time
import uuid

from django.conf import settings
from django.middleware.gzip import GZipMiddleware

from . import context

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


class APIGZipMiddleware(GZipMiddleware):
    """Django's gzip, for reads under ``/api/`` only. Pages carry CSRF tokens and the token
    endpoint returns a key (BREACH); API reads carry no secret.
    A strong ``ETag`` becomes weak (``W/"3"``) when compressed; ``If-Match`` and
    ``If-None-Match`` compare tags weakly, so a client may send either form back."""

    def process_response(self, request, response):
        if request.method not in {"GET", "HEAD"} or not request.path.startswith("/api/"):
            return response
        return super().process_response(request, response)
