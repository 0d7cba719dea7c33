"""Conditional requests in the API. Writes: an ``ETag`` on every detail response and
``412 Precondition Failed`` for a write whose ``If-Match`` names an older version. Reads
(:class:`CachingMixin`): ``ETag`` and ``Last-Modified`` on lists and details, ``304`` for
``If-None-Match`` / ``If-Modified-Since``, ``Cache-Control`` and ``Vary``.

The tag is the record's version (``utilities.concurrency``): ``"3"``. A client that read
version 3 sends ``If-Match: "3"`` with its PUT, PATCH or DELETE; if someone saved the
record meanwhile the write is refused with a JSON body naming the current tag. A write
without ``If-Match`` still works (no ``428``); it is still protected at the model against a
save that races it.
"""

import hashlib

from django.conf import settings
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response

from .. import generation

WRITES = {"PUT", "PATCH", "DELETE"}


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _("记录已被他人修改：If-Match 中的版本不是当前版本。请重新读取后再提交。")
    default_code = "precondition_failed"


def etag_of(instance):
    version = getattr(instance, "version", None)
    return None if version is None else f'"{version}"'


def _tags(header):
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


class ConditionalMixin:
    """Mixed into the base viewset: ``get_object`` checks ``If-Match`` on writes and
    detail responses carry the record's ``ETag``."""

    def get_object(self):
        instance = super().get_object()
        self._conditional_instance = instance
        header = self.request.headers.get("If-Match")
        if self.request.method in WRITES and header and hasattr(instance, "version"):
            tags = _tags(header)
            if "*" not in tags:
                current = etag_of(instance)
                if current not in tags:
                    raise PreconditionFailed(
                        {
                            "detail": PreconditionFailed.default_detail,
                            "current_etag": current,
                        }
                    )
                instance.expect_version(instance.version)
        return instance

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        instance = getattr(self, "_conditional_instance", None)
        if instance is not None and request.method != "DELETE":
            tag = etag_of(instance)
            if tag and (response.status_code < 300 or response.status_code == 412):
                response["ETag"] = tag
        return response


# Reading: validators, 304s and Cache-Control --------------------------------------------

# A response differs by these request headers (a shared cache keeps one copy per value).
VARY = ("Accept", "Accept-Language", "Authorization", "Cookie")


def registry_stamp(request=None):
    """``(stamp, time)``: a value that changes with every create, update and delete
    anywhere in the registry, and the time of the latest of them: the registry's generation
    (``utilities.generation``), which every write raises in its own transaction. The read
    cache has read it for this request already (``request.registry_generation``);
    otherwise one primary-key query on the database the router reads from (a replica for
    an anonymous read, the primary after a write), kept on the request so that the figures
    the answer keeps for the generation (``generation.remembered``) read it no more."""
    current = getattr(request, "registry_generation", None)
    if current is None:
        current = generation.current()
        if request is not None:
            getattr(request, "_request", request).registry_generation = current
    return current.stamp, current.changed


def list_etag(request, stamp):
    """A list's tag: the registry's stamp with everything else the answer depends on (the
    address and query, the language, the format, whether staff ask: a history names the
    user to staff only)."""
    renderer = getattr(request, "accepted_renderer", None)
    user = getattr(request, "user", None)
    key = "|".join(
        [
            stamp,
            request.get_full_path(),
            get_language() or "",
            getattr(renderer, "format", "") or "",
            "staff" if user is not None and user.is_staff else "",
        ]
    )
    return f'W/"{hashlib.sha256(key.encode()).hexdigest()[:32]}"'


def not_modified(request, etag, last_modified):
    """Whether a GET or HEAD may be answered 304: ``If-None-Match`` names the tag (weak
    comparison), or, without it, ``If-Modified-Since`` is not before the last change."""
    if request.method not in {"GET", "HEAD"}:
        return False
    header = request.headers.get("If-None-Match")
    if header:
        tags = _tags(header)
        return etag is not None and ("*" in tags or etag.removeprefix("W/") in tags)
    since = request.headers.get("If-Modified-Since")
    if since and last_modified is not None:
        parsed = parse_http_date_safe(since)
        return parsed is not None and int(last_modified.timestamp()) <= parsed
    return False


def set_validators(response, etag, last_modified):
    if etag:
        response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified.timestamp())


def set_cache_control(request, response):
    """Anonymous reads may be kept by any cache for ``API_CACHE_MAX_AGE`` seconds; what an
    account reads is its own and is not stored, nor are the browsable API's pages."""
    if request.method not in {"GET", "HEAD"} or response.status_code not in {200, 304}:
        return
    user = getattr(request, "user", None)
    renderer = getattr(request, "accepted_renderer", None)
    # The browsable API's HTML pages may set a CSRF cookie: never kept by a shared cache.
    if (user is not None and user.is_authenticated) or getattr(renderer, "format", "") == "api":
        response["Cache-Control"] = "private, no-store"
    else:
        response["Cache-Control"] = f"public, max-age={settings.API_CACHE_MAX_AGE}"
    patch_vary_headers(response, VARY)


def not_modified_response(etag, last_modified):
    response = Response(status=status.HTTP_304_NOT_MODIFIED)
    set_validators(response, etag, last_modified)
    return response


class CachingMixin:
    """``ETag`` and ``Last-Modified`` on lists and details, ``304 Not Modified`` for a
    client that has the current answer, and ``Cache-Control``/``Vary`` on every read.

    A list's tag is derived from the registry's stamp (any create, update or delete
    changes it, a delete included), its query, language and format. A detail's tag is the
    record's version (``"3"``, the one ``If-Match`` takes) where the viewset sets
    ``detail_etag_is_version``; computed views tag their details like lists."""

    detail_etag_is_version = False

    def cache_variant(self):
        """Anything else the answers depend on (a computed view's day)."""
        return ""

    def list(self, request, *args, **kwargs):
        stamp, last_modified = registry_stamp(request)
        etag = list_etag(request, stamp + self.cache_variant())
        if not_modified(request, etag, last_modified):
            return not_modified_response(etag, last_modified)
        response = super().list(request, *args, **kwargs)
        set_validators(response, etag, last_modified)
        return response

    def retrieve(self, request, *args, **kwargs):
        if self.detail_etag_is_version:
            instance = self.get_object()
            etag, last_modified = etag_of(instance), getattr(instance, "last_updated", None)
        else:
            stamp, last_modified = registry_stamp(request)
            etag = list_etag(request, stamp + self.cache_variant())
            if not_modified(request, etag, last_modified):
                return not_modified_response(etag, last_modified)
            instance = self.get_object()
        if not_modified(request, etag, last_modified):
            return not_modified_response(etag, last_modified)
        response = Response(self.get_serializer(instance).data)
        set_validators(response, etag, last_modified)
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        set_cache_control(request, response)
        return response
