"""One shape for every API error, 4xx and 5xx, in the request's language.

::

    {
      "detail": "请求有误，请检查下列字段。",      # one sentence for a person
      "code": "invalid",                         # a stable machine code
      "errors": {"kind": ["“twin” 不是合法选项。"]}, # field or query parameter -> messages
      "request_id": "3f2c…"                      # the X-Request-ID of the log line
    }

``errors`` is present on validation errors only (400): each key is a body field, a query
parameter or ``non_field_errors``; a nested field's messages are keyed ``field.0.sub``. For
clients written against the earlier bodies, a validation error also keeps DRF's own keys
(each field's messages) at the top level; new clients read ``errors``.

:func:`exception_handler` is DRF's ``EXCEPTION_HANDLER``; :func:`error_response` builds the
same body for errors that happen outside DRF (``operations`` uses it for 500/503 and for
Django's own 400s under ``/api/``).
"""

import logging

from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import Http404, JsonResponse
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

from .exceptions import RequestError, RequestTooLarge, TooManyParameters

logger = logging.getLogger("django.security")

INVALID = _("请求有误，请检查下列字段。")
NOT_FOUND = _("未找到该记录或地址。")


def request_id(request):
    return getattr(request, "id", "") or ""


def flatten_errors(detail, prefix=""):
    """DRF's nested messages as ``{"field": [...], "field.0.sub": [...]}``: every value a
    list of strings."""
    flat = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            flat.update(flatten_errors(value, f"{prefix}{key}."))
    elif isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        for index, value in enumerate(detail):
            if value:
                flat.update(flatten_errors(value, f"{prefix}{index}."))
    else:
        items = detail if isinstance(detail, list) else [detail]
        flat[prefix.rstrip(".") or "non_field_errors"] = [str(item) for item in items]
    return flat


def _leaf_codes(codes):
    if isinstance(codes, dict):
        codes = list(codes.values())
    if isinstance(codes, list):
        for item in codes:
            yield from _leaf_codes(item)
    elif codes is not None:
        yield codes


def _first_code(codes):
    while isinstance(codes, dict | list) and codes:
        codes = next(iter(codes.values())) if isinstance(codes, dict) else codes[0]
    return codes if isinstance(codes, str) else None


def error_body(detail, code, request=None, errors=None, extra=None):
    body = dict(extra or {})
    body.update({"detail": str(detail), "code": code})
    if errors is not None:
        body["errors"] = errors
    body["request_id"] = request_id(request)
    return body


def error_response(request, status_code, detail, code, errors=None, headers=None):
    """The error body as a plain Django response (for errors outside DRF views)."""
    return JsonResponse(
        error_body(detail, code, request, errors),
        status=status_code,
        headers=headers,
        json_dumps_params={"ensure_ascii": False},
    )


def as_api_exception(exc):
    """Django's own exceptions as the API exceptions they mean."""
    if isinstance(exc, Http404):
        return exceptions.NotFound(NOT_FOUND)
    if isinstance(exc, PermissionDenied):
        return exceptions.PermissionDenied()
    if isinstance(exc, RequestDataTooBig):
        return RequestTooLarge()
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        return TooManyParameters()
    if isinstance(exc, SuspiciousOperation):
        return exceptions.ParseError()
    return exc


def exception_handler(exc, context):
    """DRF's handler, then the one shape. Anything it does not know (a bug, a database
    outage) is left to Django, whose 500/503 answer is JSON under /api/ too."""
    exc = as_api_exception(exc)
    if isinstance(exc, SuspiciousOperation | RequestTooLarge | TooManyParameters):
        logger.warning("API request refused: %s", exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    request = context.get("request")
    data = response.data
    if isinstance(exc, exceptions.ValidationError):
        errors = flatten_errors(data)
        body = data if isinstance(data, dict) else {}
        leaves = set(_leaf_codes(exc.get_codes()))
        code = leaves.pop() if len(leaves) == 1 and leaves <= RequestError.codes else "invalid"
        detail = INVALID
        if set(errors) == {"detail"}:
            # A bare message (a malformed body): no field to point at.
            detail, errors = errors["detail"][0], None
        elif set(errors) == {"non_field_errors"} and len(errors["non_field_errors"]) == 1:
            detail = errors["non_field_errors"][0]
        extra = {key: value for key, value in body.items() if key not in ("detail", "code")}
        response.data = error_body(detail, code, request, errors, extra)
    else:
        extra = dict(data) if isinstance(data, dict) else {}
        detail = extra.pop("detail", None) or exc.default_detail
        code = _first_code(exc.get_codes()) if hasattr(exc, "get_codes") else None
        extra.pop("code", None)
        response.data = error_body(detail, code or "error", request, extra=extra)
    return response
