"""The heaviest public pages made again right after a write, by the process that served
the write, once its answer has been sent.

A write raises the registry's generation (``utilities.generation``), and the first read
after it makes again whatever was kept for the old one: at national scale the home page's
figures (two aggregates over 50,000 relationships and their steps) and the two orders of
the whole list of relationships (the directory's and the API's, each a sort of 50,000 rows
by their places' names) take 80-150 ms each. Without this, the first visitor after every
staff edit waits for them.

So a request that committed a write (``generation.committed`` while it was served) leaves
the pages of ``WARM_AFTER_WRITE`` to be asked for, in process, when Django's
``request_finished`` is sent: after the server has sent the whole answer, so the writer
has it at once, though the worker is busy for a few hundred milliseconds more before it
takes its next request. Each page is an anonymous GET through the whole stack at the
writer's scheme and host (the read cache keys on them), read from the primary, so it
computes what a visitor's request would and keeps it where a visitor's would find it: the
figures kept for the new generation, and the page in the read cache (a page whatever its
reader accepts; an API list for a client that accepts anything, in the default language).
Nothing is made stale by this: what is kept is kept under the generation it was computed
for (``generation.remembered``). Staff who write at another host than the public's still
leave the figures made; the pages themselves are then made at their host.

Making them takes at most a quarter of one worker's time, all workers together (``SHARE``):
one worker at a time makes them (it holds the turn in the cache, ``TURN``), and after
pages that took t seconds nobody makes them again for 3t. After a burst of writes (a
system writing through the API, one record a request) they are made once in a while, not
after every write; a write in the pause, or while another worker makes them, leaves them
to the first answer its process sends once the turn is free. With the local-memory cache
the turn is each process's own.

With ``REDIS_URL`` every worker reads what the writer's worker made; with the local-memory
cache only the writer's own worker does. Writes outside a request (``load_registry``,
``seed_scale``, ``restore``) warm nothing: the first read after them makes what it needs,
as before. An error while warming is logged, never raised: the write has committed and its
answer has been sent.
"""

import io
import logging
import re
import sys
import threading
import time
from contextvars import ContextVar

from django.conf import settings
from django.core import checks
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished

from utilities import generation

from .middleware import PRIMARY_COOKIE

logger = logging.getLogger(__name__)

# The request being served in this thread or task (None outside one: a command, a test
# writing through the ORM).
_serving = ContextVar("warming_serving", default=None)
# The address the pages of the last write are still to be asked at (``writers_address``),
# in this process: taken by the first answer sent after it, whichever thread sent it.
_pending = None
# Held while pages are made: one thread at a time, and the pages' own answers make nothing.
_making = threading.Lock()
# Making pages again takes at most this share of one worker's time: after pages that took
# t seconds to make, the next are made no sooner than t × (1 / SHARE - 1) later. A burst of
# API writes is then followed by pages made once in a while, not after every write (at
# national scale a write takes 35 ms and its pages 340 ms).
SHARE = 0.25
# The turn to make them, in the cache (every worker's with REDIS_URL): "making" while a
# worker makes them (for MAKING_SECONDS at most, should it die), then "pause" until the
# pause after them is over.
TURN = "warming:turn"
MAKING_SECONDS = 60
# The handler the pages are asked through (its middleware loaded once per process).
_handler = None

# What a warming request keeps of the writer's: the address it was asked at (so the read
# cache keeps the pages under the keys visitors ask for) and whatever a proxy says of it.
KEPT_FROM_WRITER = (
    "wsgi.url_scheme",
    "SERVER_NAME",
    "SERVER_PORT",
    "SERVER_PROTOCOL",
    "SCRIPT_NAME",
    "HTTP_HOST",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_X_FORWARDED_PROTO",
)
# Marks a request this module asks: it never leaves pages to be made again itself.
WARMING = "registry.warming"
# ``RequestIdMiddleware`` keeps an id of at most 64 characters.
REQUEST_ID_KEPT = 64 - len(".warm")


class WarmAfterWriteMiddleware:
    """Marks the request being served, so that a write it commits leaves its pages to be
    made again once its answer is sent (``request_finished``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _serving.set(request)
        try:
            return self.get_response(request)
        finally:
            _serving.reset(token)


def writers_address(request):
    """What the pages are asked with of the writer's request: its address, what a proxy
    said of it, and its id (the pages' ids name it in the logs). Not the request itself,
    which may wait in ``_pending`` for a while."""
    environ = {name: request.META[name] for name in KEPT_FROM_WRITER if name in request.META}
    proxy_header = settings.SECURE_PROXY_SSL_HEADER
    if proxy_header and proxy_header[0] in request.META:
        environ[proxy_header[0]] = request.META[proxy_header[0]]
    writer = getattr(request, "id", "write")[:REQUEST_ID_KEPT]
    environ["HTTP_X_REQUEST_ID"] = f"{writer}.warm"
    return environ


def _write_committed(sender, **kwargs):
    global _pending
    request = _serving.get()
    if request is not None and WARMING not in request.META:
        _pending = writers_address(request)


def _answer_sent(sender, **kwargs):
    global _pending
    if _pending is None:
        return
    if not _making.acquire(blocking=False):  # making them already (or this is one of them)
        return
    try:
        if _pending is None or not _take_turn():
            return  # left for a later answer
        address, _pending = _pending, None
        started = time.monotonic()
        try:
            warm(address)
        except Exception:  # the write has committed and its answer is sent: only say so
            logger.exception("Making the pages again after a write failed.")
        _pause(time.monotonic() - started)
    finally:
        _making.release()


def _take_turn():
    """Whether this worker may make the pages now: nobody is making them, and the pause
    after the last ones is over. False too when the cache cannot be reached."""
    try:
        return cache.add(TURN, "making", MAKING_SECONDS)
    except Exception:
        logger.exception("The cache could not say whose turn it is to make the pages.")
        return False


def _pause(seconds_taken):
    try:
        cache.set(TURN, "pause", seconds_taken * (1 / SHARE - 1))
    except Exception:
        logger.exception("The cache could not keep the pause after the pages were made.")


def warm(address, paths=None):
    """Ask for each of ``paths`` (``WARM_AFTER_WRITE``) as an anonymous visitor would, at
    the writer's ``address`` (``writers_address``). Returns ``{path: status}`` (None: it
    raised)."""
    global _handler
    paths = settings.WARM_AFTER_WRITE if paths is None else paths
    if not paths:
        return {}
    if _handler is None:
        _handler = WSGIHandler()
    statuses = {}
    started = time.perf_counter()
    for path in paths:
        try:
            statuses[path] = _ask(address, path)
        except Exception:
            logger.exception("Making %s again after a write failed.", path)
            statuses[path] = None
    logger.info(
        "Made %d pages again after a write (%s) in %.0f ms: %s",
        len(paths),
        address.get("HTTP_X_REQUEST_ID", "-"),
        (time.perf_counter() - started) * 1000,
        statuses,
    )
    return statuses


def _ask(address, path):
    path, _, query = path.partition("?")
    environ = dict(address)
    environ.update(
        {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "wsgi.input": io.BytesIO(),
            "wsgi.errors": sys.stderr,
            "wsgi.version": (1, 0),
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            WARMING: True,
            # The process asking itself, not the writer (whose address is not kept).
            "REMOTE_ADDR": "127.0.0.1",
            # The writer's own read-your-writes pin: read from the primary, which holds
            # the write (a replica may not have replayed it yet). The read cache keeps
            # answers to readers with this cookie.
            "HTTP_COOKIE": f"{PRIMARY_COOKIE}={time.time() + 60:.3f}",
        }
    )
    environ.setdefault("wsgi.url_scheme", "http")
    environ.setdefault("SERVER_NAME", "localhost")
    environ.setdefault("SERVER_PORT", "80")
    response = _handler(environ, lambda status, headers, exc_info=None: None)
    try:
        for _chunk in response:
            pass
    finally:
        response.close()
    return response.status_code


@checks.register()
def check_pages(app_configs=None, **kwargs):
    """Each page of ``WARM_AFTER_WRITE`` is an address of the site that the read cache
    keeps: else making it again after a write is work for nothing."""
    problems = []
    for path in settings.WARM_AFTER_WRITE:
        if not path.startswith("/"):
            problems.append(
                checks.Warning(
                    f"WARM_AFTER_WRITE names {path!r}, which is not an address of the site.",
                    hint="Give each page as its address from the site's root: /relationships/.",
                    id="operations.W001",
                )
            )
        elif any(re.match(pattern, path) for pattern in settings.READ_CACHE_EXEMPT):
            problems.append(
                checks.Warning(
                    f"WARM_AFTER_WRITE names {path!r}, which the read cache never keeps "
                    "(READ_CACHE_EXEMPT).",
                    hint="Leave it out: nothing made for it would be read.",
                    id="operations.W002",
                )
            )
    return problems


def connect():
    """Connect the receivers (``AppConfig.ready``)."""
    generation.committed.connect(_write_committed, dispatch_uid="warming.committed")
    request_finished.connect(_answer_sent, dispatch_uid="warming.answer_sent")
