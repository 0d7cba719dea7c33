"""The read cache: anonymous GET and HEAD answers of the public site and the API, kept in
the cache (Redis with ``REDIS_URL``, each process's memory otherwise) and served without
running the view, never older than the registry.

**Never stale.** The key holds the registry's generation (``utilities.generation``), which
every write on every path raises in its own transaction. The generation is read once per
request (one primary-key query, from the database the request reads from), so an answer
kept before a write is never asked for after it; old keys simply expire
(``READ_CACHE_SECONDS``, which also bounds anything that depends on the clock).

**Keyed by everything an answer depends on:** scheme, host, path and query (the ``format``
parameter and the ``/en/`` prefix included), the language the request is answered in, the
``Accept`` header under ``/api/`` (the API's representation; a page is one, whatever a
browser accepts), the day (anniversaries are counted from today) and the generation.

**Anonymous only.** A request with an ``Authorization`` header or any cookie but the
harmless ones (the CSRF token, the language, the read-your-writes pin) passes by: a session
cookie may be staff's. ``READ_CACHE_EXEMPT`` names what is never kept: the admin, the
token endpoint, the language switch, the health check, the API's root, schema and
documentation pages (the code's, not the registry's) and the benchmark's trivial view. A
hit under ``/api/`` still counts against the anonymous rate (``API_ANON_RATE``). An answer is kept only when it is a ``200`` that sets no
cookie, changes no session, carries no CSP nonce, says nothing against it in
``Cache-Control`` (``private``, ``no-store``: the browsable API, anything an account reads)
and varies on no header the key does not hold.

**Streamed exports are not kept.** A list export in CSV, GeoJSON or iCalendar is a
``StreamingHttpResponse`` (``utilities.api.views.ExportMixin``): its body is made while it
is sent, and a whole registry's file is too large to hold in memory or in the cache. Every
such request runs the view, so it is never stale; the answer says so with
``X-Read-Cache: pass`` (a kept answer says ``hit``, a newly kept one ``miss``). A client
that reads an export again sends its ``ETag`` or ``Last-Modified`` back and gets the
view's ``304``.

**CSRF tokens.** Every page holds the language switch's form and its CSRF token. A kept page
holds a placeholder instead, replaced at each hit by a token of the reader's own (the CSRF
middleware, outside this one, then sets the cookie as it would have); a page that shows the
token anywhere else is not kept.

**Conditional requests** (``If-None-Match``, ``If-Modified-Since``) go to the view, which
answers ``304`` as before (``utilities.api.conditional``).
"""

import hashlib
import re

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.http import HttpResponse
from django.middleware.csrf import _unmask_cipher_token, get_token
from django.utils import timezone
from django.utils.cache import cc_delim_re
from django.utils.translation import get_language
from rest_framework.request import Request
from rest_framework.settings import api_settings

from utilities import generation

from .middleware import PRIMARY_COOKIE

READ_METHODS = {"GET", "HEAD"}
API_PREFIX = "/api/"
# Headers an answer may vary on: the key holds them (Accept, the language), or requests
# that differ in them pass by (Authorization, cookies), or they are dealt with outside
# (Accept-Encoding: gzip is applied to hits too).
KEYED_VARY = {"accept", "accept-language", "authorization", "cookie", "accept-encoding"}
NOT_KEPT_CACHE_CONTROL = {"private", "no-store", "no-cache"}
NOT_KEPT_HEADERS = {"content-length", "set-cookie", "x-request-id", "x-read-cache"}
CSRF_PLACEHOLDER = b"\x00read-cache-csrf-token\x00"
CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")([A-Za-z0-9]{64})(")')
MASKED_TOKEN = re.compile(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")
HEADER = "X-Read-Cache"
# ``X-Read-Cache`` values: answered from the cache; rendered and kept; rendered, streamed and
# not kept (an export).
HIT, MISS, PASS = "hit", "miss", "pass"


def harmless_cookies():
    return {settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME, PRIMARY_COOKIE}


def passes_by(request):
    """Whether the cache must not answer nor keep this request."""
    return (
        request.method not in READ_METHODS
        or "Authorization" in request.headers
        or not set(request.COOKIES) <= harmless_cookies()
        or any(re.match(pattern, request.path) for pattern in settings.READ_CACHE_EXEMPT)
    )


def throttled(request):
    """Whether an anonymous API client is over its rate (``API_ANON_RATE``): a hit counts
    as a request as the view's would; over the rate, the view answers its ``429``."""
    if not request.path.startswith(API_PREFIX):
        return False
    client = Request(request, authenticators=())
    return any(
        not throttle().allow_request(client, None)
        for throttle in api_settings.DEFAULT_THROTTLE_CLASSES
    )


def keyed_accept(request):
    """The ``Accept`` header as the key holds it: under ``/api/``, where it chooses the
    representation, as sent (a missing one as ``*/*``, as DRF reads it); elsewhere not at
    all, so a browser's header and a bare client's share a page (a page that varies on it
    is not kept, ``keepable``)."""
    if not request.path.startswith(API_PREFIX):
        return ""
    return request.headers.get("Accept") or "*/*"


def cache_key(request, current):
    parts = [
        request.scheme,
        request.get_host(),
        request.get_full_path(),
        get_language() or "",
        keyed_accept(request),
        timezone.localdate().isoformat(),
        current.stamp,
    ]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"read-cache:{current.value}:{digest}"


def conditional(request):
    return "If-None-Match" in request.headers or "If-Modified-Since" in request.headers


def keepable(request, response):
    if request.method != "GET" or response.status_code != 200 or response.streaming:
        return False
    if response.cookies or getattr(request, "_csp_nonce", None) is not None:
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    directives = {
        part.split("=")[0].strip().lower()
        for part in cc_delim_re.split(response.get("Cache-Control", ""))
        if part.strip()
    }
    if directives & NOT_KEPT_CACHE_CONTROL:
        return False
    varies = {part.strip().lower() for part in response.get("Vary", "").split(",") if part}
    if "accept" in varies and not request.path.startswith(API_PREFIX):
        return False  # the key holds Accept under /api/ only (``keyed_accept``)
    return varies <= KEYED_VARY


def stored_body(request, content):
    """The body to keep, the reader's CSRF token replaced by the placeholder; ``None`` when
    the token (or its secret) shows anywhere else."""
    secret = request.META.get("CSRF_COOKIE")
    if not secret:
        return content
    content = CSRF_INPUT.sub(rb"\1" + CSRF_PLACEHOLDER + rb"\3", content)
    if secret.encode() in content:
        return None
    # Django's own check of a masked token against its secret (private, unchanged since
    # Django 4.1): a token of this reader anywhere outside the forms keeps the page out.
    for candidate in set(MASKED_TOKEN.findall(content)):
        if _unmask_cipher_token(candidate.decode()) == secret:
            return None
    return content


def answer(request, kept):
    headers, body = kept
    if CSRF_PLACEHOLDER in body:
        body = body.replace(CSRF_PLACEHOLDER, get_token(request).encode())
    response = HttpResponse(body)
    for name, value in headers:
        response[name] = value
    response[HEADER] = HIT
    return response


class ReadCacheMiddleware:
    """Answers an anonymous read from the cache, or keeps the view's answer for the next."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.READ_CACHE or passes_by(request):
            return self.get_response(request)
        try:
            current = generation.current()
        except DatabaseError:
            # The database is down: the view answers as it would without the cache (the
            # API's JSON 503, the error page; a page that needs no database still works).
            return self.get_response(request)
        # Read once: the API's validators reuse it (utilities.api.conditional).
        request.registry_generation = current
        key = cache_key(request, current)
        if not conditional(request):
            kept = cache.get(key)
            if kept is not None and not throttled(request):
                return answer(request, kept)
        response = self.get_response(request)
        if response.streaming:
            # An export, made while it is sent: never kept, so never stale.
            response[HEADER] = PASS
            return response
        if keepable(request, response):
            body = stored_body(request, response.content)
            if body is not None:
                headers = [
                    (name, value)
                    for name, value in response.items()
                    if name.lower() not in NOT_KEPT_HEADERS
                ]
                cache.set(key, (headers, body), settings.READ_CACHE_SECONDS)
                response[HEADER] = MISS
        return response
