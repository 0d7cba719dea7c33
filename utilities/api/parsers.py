"""The JSON body parser of the API, with limits: a body larger than Django's
``DATA_UPLOAD_MAX_MEMORY_SIZE`` (2.5 MB) is refused with 413 before it is read, and one
nested deeper than :data:`MAX_DEPTH` with 400 before it is decoded (Python's decoder would
otherwise recurse until it fails). A registry record is flat; 32 levels is generous.
"""

import io
import re

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, parsers

from .exceptions import RequestTooLarge

MAX_DEPTH = 32

# Strings (whose brackets do not nest anything) and then everything but brackets.
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')
_NOT_BRACKET = re.compile(rb"[^\[\]{}]+")


def json_depth(raw):
    """How deeply arrays and objects nest in a JSON text (0 for a bare value)."""
    brackets = _NOT_BRACKET.sub(b"", _STRING.sub(b"", raw))
    depth = deepest = 0
    for char in brackets:
        if char in b"[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def body_limit():
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


class LimitedJSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = body_limit()
        raw = stream.read(limit + 1) if stream is not None else b""
        if limit is not None and len(raw) > limit:
            raise RequestTooLarge(
                _("请求体过大：最多 %(limit)d 字节。") % {"limit": limit},
            )
        if json_depth(raw) > MAX_DEPTH:
            raise exceptions.ParseError(
                _("JSON 嵌套过深：最多 %(depth)d 层。") % {"depth": MAX_DEPTH}
            )
        return super().parse(io.BytesIO(raw), media_type, parser_context)
