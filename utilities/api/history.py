"""Incremental sync from django-simple-history's tables: the changes feed
``/api/changes/`` and the history of one record, ``/api/<type>/<id>/history/``.

Every registry model keeps its history (one historical row per create, update and delete,
with the time, the acting user and a reason). The changes feed reads those rows of every
model with an API endpoint, oldest first, in one query per page: a mirror that stores the
feed's ``cursor`` and asks again from it sees every record created, changed or deleted
since, in order (time, then type, then history id: the order is total, so a page boundary
never skips or repeats a row).

The history of a record shows each version with its time, kind of change and the fields it
changed. The acting user and the change's reason are shown to staff only: the public
reads what changed and when, not who changed it.
"""

import base64
import binascii
import datetime
import json
from urllib.parse import urlencode

from django import forms
from django.db.models import CharField, Q, Value
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, mixins, permissions, renderers, serializers, views
from rest_framework.decorators import action
from rest_framework.response import Response

from ..filtersets import TimestampField
from .conditional import (
    list_etag,
    not_modified,
    not_modified_response,
    registry_stamp,
    set_cache_control,
    set_validators,
)
from .exceptions import RequestError
from .pagination import whole_number
from .selection import ReadSchema
from .serializers import absolute_url

ACTIONS = {"+": "created", "~": "updated", "-": "deleted"}
# Columns a version's "changed fields" leave out: they change with every save (and the
# derived, non-editable columns such as search keys).
BOOKKEEPING = {"version", "last_updated"}
CHANGES_MAX_LIMIT = 500
CHANGES_DEFAULT_LIMIT = 100


def user_display(user):
    """A person's name as staff know it (never the e-mail address)."""
    if user is None:
        return None
    name = user.get_full_name().strip()
    if name:
        return name
    return user.get_username().split("@")[0]


def changed_fields(version, older):
    """The model fields whose stored value differs between two versions of a record
    (many-to-many fields are not compared: their history is kept elsewhere)."""
    if older is None or version.history_type != "~":
        return []
    names = []
    for field in version.instance_type._meta.concrete_fields:
        if field.name in BOOKKEEPING or field.primary_key or not field.editable:
            continue
        if getattr(version, field.attname, None) != getattr(older, field.attname, None):
            names.append(field.name)
    return names


class VersionSerializer(serializers.Serializer):
    """One version of a record (schema and documentation only; rows are built by hand)."""

    history_id = serializers.IntegerField()
    time = serializers.DateTimeField()
    action = serializers.ChoiceField(choices=list(ACTIONS.values()))
    version = serializers.IntegerField(allow_null=True)
    changed_fields = serializers.ListField(child=serializers.CharField())
    user = serializers.CharField(
        allow_null=True, required=False, help_text="Staff only: who made the change."
    )
    reason = serializers.CharField(
        allow_null=True, required=False, help_text="Staff only: the change's comment."
    )


class HistoryMixin:
    """``GET /api/<type>/<id>/history/``: the versions of a record, newest first, paged
    like a list (``limit``/``offset``); a deleted record's history is still there."""

    @extend_schema(
        summary="History of a record",
        description=(
            "Each version of the record, newest first: time, action (created, updated, "
            "deleted), the record's version number and the fields the change touched. "
            "`user` and `reason` are given to staff only. A deleted record's history stays "
            "readable."
        ),
        filters=False,
        responses={200: VersionSerializer(many=True)},
    )
    @action(
        detail=True,
        methods=["get"],
        filter_backends=[],
        renderer_classes=[renderers.JSONRenderer, renderers.BrowsableAPIRenderer],
    )
    def history(self, request, pk=None):
        model = self.get_queryset().model
        text = str(pk)
        if not text.isdigit() or len(text) > 19 or not 1 <= int(text) <= 2**63 - 1:
            raise exceptions.NotFound()
        stamp, last_modified = registry_stamp(request)
        etag = list_etag(request, stamp)
        if not_modified(request, etag, last_modified):
            return not_modified_response(etag, last_modified)
        response = self._history(request, model, int(text))
        set_validators(response, etag, last_modified)
        return response

    def _history(self, request, model, pk):
        versions = model.history.filter(id=pk).order_by("-history_date", "-history_id")
        staff = bool(request.user and request.user.is_staff)
        if staff:
            versions = versions.select_related("history_user")
        page = self.paginate_queryset(versions)
        rows = list(page if page is not None else versions)
        if not rows and (page is None or not self.paginator.count):
            raise exceptions.NotFound()  # no such record, now or ever
        start = getattr(self.paginator, "offset", 0) if page is not None else 0
        older = list(versions[start + len(rows) : start + len(rows) + 1])
        following = [*rows[1:], *older, None]
        data = []
        for version, previous in zip(rows, following, strict=False):
            row = {
                "history_id": version.history_id,
                "time": serializers.DateTimeField().to_representation(version.history_date),
                "action": ACTIONS.get(version.history_type, version.history_type),
                "version": getattr(version, "version", None),
                "changed_fields": changed_fields(version, previous),
            }
            if staff:
                row["user"] = user_display(version.history_user)
                row["reason"] = version.history_change_reason
            data.append(row)
        if page is not None:
            return self.get_paginated_response(data)
        return Response(data)


def change_sources(registry):
    """``(type, model, detail URL name)`` for every writable endpoint of a router's
    registry whose model keeps history; the type is the endpoint's prefix (``places``)."""
    sources = []
    for prefix, viewset, basename in registry:
        queryset = getattr(viewset, "queryset", None)
        model = getattr(queryset, "model", None)
        if (
            model is not None
            and hasattr(model, "history")
            and issubclass(viewset, mixins.UpdateModelMixin)
        ):
            sources.append((prefix, model, f"api:{basename}-detail"))
    return sorted(sources, key=lambda source: source[0])


class InvalidCursor(exceptions.ValidationError):
    pass


def encode_cursor(moment, kind, history_id):
    raw = json.dumps([moment.isoformat(), kind, history_id], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(text):
    try:
        padded = text + "=" * (-len(text) % 4)
        moment, kind, history_id = json.loads(base64.urlsafe_b64decode(padded.encode()))
        moment = datetime.datetime.fromisoformat(moment)
        if moment.tzinfo is None or not isinstance(kind, str) or not isinstance(history_id, int):
            raise ValueError
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise InvalidCursor({"cursor": [_("无效的游标：请使用上一页返回的 cursor。")]}) from None
    return moment, kind, history_id


class ChangeSerializer(serializers.Serializer):
    """A record created, updated or deleted (schema and documentation only)."""

    type = serializers.CharField(help_text="The endpoint: `places`, `relationships`, …")
    id = serializers.IntegerField()
    action = serializers.ChoiceField(choices=list(ACTIONS.values()))
    time = serializers.DateTimeField()
    history_id = serializers.IntegerField()
    url = serializers.URLField(allow_null=True, help_text="null for a deleted record.")


class ChangesView(views.APIView):
    """The changes feed: every record created, updated or deleted, oldest first.

    Start with ``since`` (an ISO 8601 time or date) or from the beginning; read ``next``
    until it is null; keep ``cursor`` and ask ``?cursor=<cursor>`` next time to get only
    what changed after the last row seen. ``limit`` rows a page (default 100, at most 500).
    """

    sources = ()  # (type, model, detail URL name): ``change_sources(router.registry)``
    schema = ReadSchema()
    # Read-only and open: any other method is a 405, not a request to authenticate.
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        summary="Changes feed",
        parameters=[
            OpenApiParameter(
                "since",
                OpenApiTypes.DATETIME,
                description="Changes at or after this ISO 8601 time or date.",
            ),
            OpenApiParameter(
                "cursor",
                OpenApiTypes.STR,
                description="The `cursor` of an earlier answer: changes after it.",
            ),
            OpenApiParameter(
                "limit",
                {"type": "integer", "minimum": 1, "maximum": CHANGES_MAX_LIMIT},
                description=f"Rows a page (default {CHANGES_DEFAULT_LIMIT}, "
                f"at most {CHANGES_MAX_LIMIT}).",
            ),
        ],
        responses={
            200: inline_serializer(
                "ChangesPage",
                {
                    "next": serializers.URLField(allow_null=True),
                    "cursor": serializers.CharField(allow_null=True),
                    "results": ChangeSerializer(many=True),
                },
            )
        },
    )
    def get(self, request):
        stamp, last_modified = registry_stamp(request)
        etag = list_etag(request, stamp)
        if not_modified(request, etag, last_modified):
            return not_modified_response(etag, last_modified)
        response = self._page(request)
        set_validators(response, etag, last_modified)
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        set_cache_control(request, response)
        return response

    def _page(self, request):
        params = request.query_params
        limit = self._limit(params.get("limit"))
        position = decode_cursor(params["cursor"]) if params.get("cursor") else None
        since = None
        if params.get("since") and position is None:
            try:
                since = TimestampField().clean(params["since"])
            except forms.ValidationError as error:
                raise exceptions.ValidationError({"since": error.messages}) from None
        rows = self._rows(since, position, limit + 1)
        more = len(rows) > limit
        rows = rows[:limit]
        results = [
            {
                "type": kind,
                "id": pk,
                "action": ACTIONS.get(history_type, history_type),
                "time": serializers.DateTimeField().to_representation(moment),
                "history_id": history_id,
                "url": None
                if history_type == "-"
                else absolute_url(request, reverse(self._url_names[kind], args=[pk])),
            }
            for history_id, pk, moment, history_type, kind in rows
        ]
        if rows:
            history_id, _pk, moment, _type, kind = rows[-1]
            cursor = encode_cursor(moment, kind, history_id)
        else:
            cursor = params.get("cursor") or None
        next_url = None
        if more:
            next_url = absolute_url(
                request, f"{request.path}?{urlencode({'cursor': cursor, 'limit': limit})}"
            )
        return Response({"next": next_url, "cursor": cursor, "results": results})

    @property
    def _url_names(self):
        return {kind: url_name for kind, _model, url_name in self.sources}

    def _limit(self, value):
        """As on every list: a missing limit is the default; one that is not a whole
        number from 1 to the maximum is a 400 (never silently another page size)."""
        if value is None:
            return CHANGES_DEFAULT_LIMIT
        limit = whole_number(value, 1, CHANGES_MAX_LIMIT)
        if limit is None:
            message = _("limit 应为 1 到 %(max)d 之间的整数。") % {"max": CHANGES_MAX_LIMIT}
            raise RequestError({"limit": [message]}, "invalid")
        return limit

    def _rows(self, since, position, count):
        """One UNION ALL over the historical tables, ordered and cut in the database."""
        parts = []
        for kind, model, _url_name in self.sources:
            condition = Q()
            if since is not None:
                condition &= Q(history_date__gte=since)
            if position is not None:
                moment, after_kind, after_id = position
                if kind < after_kind:
                    condition &= Q(history_date__gt=moment)
                elif kind == after_kind:
                    condition &= Q(history_date__gt=moment) | Q(
                        history_date=moment, history_id__gt=after_id
                    )
                else:
                    condition &= Q(history_date__gte=moment)
            parts.append(
                model.history.filter(condition)
                .annotate(feed_type=Value(kind, output_field=CharField()))
                .values_list("history_id", "id", "history_date", "history_type", "feed_type")
                .order_by()
            )
        if not parts:
            return []
        union = parts[0].union(*parts[1:], all=True)
        return list(union.order_by("history_date", "feed_type", "history_id")[:count])
