"""Viewset bases and the ordering filter shared by every app's API.

A viewset here is short: a queryset with explicit ``select_related``/``prefetch_related``
(list endpoints make the same number of queries for 1 row as for 100), a serializer, the
app's FilterSet and a map of ordering names. The bases add what every endpoint shares:
open reading and office-ruled writing, CSV (and optionally GeoJSON / iCalendar) exports
that are not paginated, JSON errors whatever format was asked for, strict query
parameters (unknown ones and unknown ordering names are a 400), a 405 for a method an
endpoint does not have, a 409 instead of a 500 when a delete or save would break the
database's rules, history stamps on deletes; and for reads each record's history
(``history``), ``ETag``/``304``/``Cache-Control`` (``conditional``), ``?brief=`` and
``?fields=`` (``selection``).
"""

import contextlib
import itertools

from django.db import IntegrityError, transaction
from django.db.models.deletion import ProtectedError, RestrictedError
from django.http import StreamingHttpResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, filters, renderers, status, viewsets

from ..concurrency import StaleRecord
from . import schema  # noqa: F401 - registers the schema extensions
from .conditional import CachingMixin, ConditionalMixin, PreconditionFailed
from .exceptions import RequestError
from .filter_backends import RegistryFilterBackend
from .flat_rows import snapshot
from .history import HistoryMixin
from .renderers import CSVRenderer
from .selection import FieldSelectionMixin
from .serializers import stamp_history

# Query parameters every endpoint takes besides its FilterSet's filters, ``limit``/``offset``
# and ``ordering``: the export format, field selection and incremental sync. Any other
# parameter is refused (400 naming the valid ones); add new general parameters here.
COMMON_QUERY_PARAMETERS = frozenset(
    {
        "format",
        "brief",
        "fields",
        "since",
        "cursor",
        "last_updated__gte",
        "last_updated__lte",
        "created__gte",
        "created__lte",
    }
)
# Actions on one record (or creating one): they take no filters, ordering or paging.
RECORD_ACTIONS = {"retrieve", "create", "update", "partial_update", "destroy"}

# Ordering names every registry record has.
TIMESTAMPS = {"id": ["pk"], "created": ["created"], "last_updated": ["last_updated"]}


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("该记录与其他记录冲突。")
    default_code = "conflict"


class RegistryOrderingFilter(filters.OrderingFilter):
    """``ordering=name_zh,-start``: public names mapped to model columns by the view's
    ``ordering_fields`` dict (a partial date sorts by its year, month and day). An unknown
    name is a 400 that lists the valid ones; the primary key breaks ties so pages are
    stable."""

    def get_valid_fields(self, queryset, view, context=None):
        return [(name, name) for name in getattr(view, "ordering_fields", {})]

    def get_ordering(self, request, queryset, view):
        mapping = getattr(view, "ordering_fields", {})
        param = request.query_params.get(self.ordering_param)
        columns = []
        if param:
            unknown = []
            for term in param.split(","):
                term = term.strip()
                if not term:
                    continue
                descending = term.startswith("-")
                if term.removeprefix("-") not in mapping:
                    unknown.append(term)
                for column in mapping.get(term.removeprefix("-"), []):
                    columns.append(f"-{column}" if descending else column)
            if unknown:
                raise RequestError(
                    {
                        self.ordering_param: [
                            _("未知的排序字段：%(unknown)s。可用：%(names)s。")
                            % {"unknown": ", ".join(unknown), "names": ", ".join(mapping)}
                        ]
                    },
                    "unknown_ordering",
                )
        if not columns:
            return None
        return [*columns, "pk"]

    def get_schema_operation_parameters(self, view):
        names = list(getattr(view, "ordering_fields", {}))
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": str(
                    _("排序字段，逗号分隔，前加 - 为倒序。可用：%(names)s。")
                    % {"names": ", ".join(names)}
                ),
                "schema": {
                    "type": "array",
                    "items": {
                        "type": "string",
                        "enum": [prefix + name for name in names for prefix in ("", "-")],
                    },
                },
                "style": "form",
                "explode": False,
            }
        ]


class StrictRequestMixin:
    """What every API view refuses before doing anything: a method it does not have (405,
    even for an anonymous client, rather than the 401 the permission check would give), a
    query parameter it does not know (400 naming the valid ones, rather than silently
    returning everything) and a parameter with an empty value (400).

    The valid parameters of a list are its FilterSet's filters, ``limit``/``offset``,
    ``ordering`` (when it has ordering names) and :data:`COMMON_QUERY_PARAMETERS`; of a
    record, only the common ones; of another action (a viewset's ``@action``), the common
    ones and paging."""

    def initial(self, request, *args, **kwargs):
        method = request.method.lower()
        if method not in self.http_method_names or not hasattr(self, method):
            raise exceptions.MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)
        if request.method != "OPTIONS":
            self.refuse_unknown_parameters(request)

    def allowed_query_parameters(self):
        allowed = set(COMMON_QUERY_PARAMETERS)
        if getattr(self, "action", None) in RECORD_ACTIONS:
            return allowed
        paginator = getattr(self, "paginator", None)
        for name in ("limit_query_param", "offset_query_param", "page_query_param"):
            if getattr(paginator, name, None):
                allowed.add(getattr(paginator, name))
        if getattr(self, "action", None) == "list":
            filterset = getattr(self, "filterset_class", None)
            if filterset is not None:
                allowed |= set(filterset.base_filters)
            for backend in self.filter_backends:
                if issubclass(backend, filters.OrderingFilter) and self.ordering_fields:
                    allowed.add(backend.ordering_param)
        return allowed

    def refuse_unknown_parameters(self, request):
        allowed = self.allowed_query_parameters()
        unknown = sorted(set(request.query_params) - allowed)
        if unknown:
            message = _("未知的查询参数。可用参数：%(names)s。") % {
                "names": ", ".join(sorted(allowed))
            }
            raise RequestError({name: [message] for name in unknown}, "unknown_parameter")
        # ``?kind=`` means nothing: leave the parameter out. (The browsable API's filter
        # form sends its untouched fields empty; a person there is not refused.)
        if getattr(getattr(request, "accepted_renderer", None), "format", None) == "api":
            return
        empty = sorted(
            name
            for name, values in request.query_params.lists()
            if not any(value.strip() for value in values)
        )
        if empty:
            message = _("参数值为空：不需要时请省略该参数。")
            raise RequestError({name: [message] for name in empty}, "invalid")


# Rows read from the database at a time by a streamed export (with their prefetched
# related records, one query per relation and chunk). A chunk's rows and related records
# are most of what an export adds to the worker's memory (about 4 MB a thousand rows of
# relationships); at 1,000 rather than 2,000 the national exports took the same CPU time
# within the noise, their peak 8-9 MB lower.
EXPORT_CHUNK_SIZE = 1000


def stream_records(queryset, serializer):
    """Each record of ``queryset`` as ``serializer`` represents it, read in chunks: a
    queryset, or a computed list read like one (a sequence with ``iterator(chunk_size)``),
    through ``iterator()`` (which prefetches per chunk); anything else (a list) as it is."""
    if hasattr(queryset, "iterator"):
        queryset = queryset.iterator(chunk_size=EXPORT_CHUNK_SIZE)
    for instance in queryset:
        yield serializer.to_representation(instance)


def built_records(queryset, builder, chunk_size=None):
    """Each record of ``queryset``, in its order, as ``builder.records(ids)`` makes the
    records of a chunk of ids from plain values (``stream_record_classes``): the ids read
    ``chunk_size`` at a time from one cursor, and every chunk's records from the same
    snapshot (``flat_rows.snapshot``)."""
    chunk_size = chunk_size or EXPORT_CHUNK_SIZE
    ids = queryset.prefetch_related(None).values_list("pk", flat=True)
    # The cursor is closed inside the snapshot's transaction, also when the client goes
    # away mid-file (closed after it, its server-side cursor is gone already).
    with snapshot(ids.db), contextlib.closing(ids.iterator(chunk_size=chunk_size)) as source:
        while chunk := list(itertools.islice(source, chunk_size)):
            yield from builder.records(chunk)


def in_language(pieces, language):
    """The pieces of a streamed response made in the request's language: they are made
    while the response is sent, after the view (and the locale middleware) has returned."""
    with translation.override(language):
        yield from pieces


class ExportMixin(StrictRequestMixin):
    """Exports are whole lists; errors are JSON whichever format the client asked for.

    A list in a streaming format (``renderer.streams``) is sent as it is read: a
    ``StreamingHttpResponse`` whose rows are serialized one at a time from a chunked
    queryset, so its memory does not grow with the list."""

    def list(self, request, *args, **kwargs):
        renderer = getattr(request, "accepted_renderer", None)
        if not getattr(renderer, "streams", False):
            return super().list(request, *args, **kwargs)
        # A whole export ignores ``limit`` and ``offset`` but refuses malformed ones (400),
        # as the paged formats do: a client that sends ``limit=true`` is told so.
        if self.paginator is not None:
            self.paginator.get_limit(request)
            self.paginator.get_offset(request)
        queryset = self.filter_queryset(self.get_queryset())
        rows = self.flat_rows(renderer)
        if rows is not None:
            pieces = renderer.stream_rows(rows.header, rows.rows(queryset))
        else:
            # The list serializer applies ``?fields=``; its child represents each record.
            serializer = self.get_serializer(queryset, many=True).child
            context = self.get_renderer_context()
            builder = self.record_builder(self.stream_record_classes, renderer)
            if builder is not None:
                records = built_records(queryset, builder(request))
            else:
                records = stream_records(queryset, serializer)
            pieces = renderer.stream(records, serializer, context)
        media_type = renderer.media_type
        if renderer.charset:
            media_type = f"{media_type}; charset={renderer.charset}"
        return StreamingHttpResponse(
            in_language(pieces, translation.get_language()), content_type=media_type
        )

    # ``{format: class}`` of flat-row builders for whole exports at national scale (see
    # ``cities.api.exports``): ``cls(request, chunk_size)`` with ``header`` and
    # ``rows(queryset)``, the same cells the serializer's records flatten to.
    flat_row_classes = {}
    # ``{format: class}`` of record builders for whole exports in a record format (GeoJSON):
    # ``cls(request)`` with ``records(ids)``, the serializer's records of those ids, made
    # from plain values a chunk at a time (``built_records``).
    stream_record_classes = {}

    def flat_rows(self, renderer):
        """The viewset's flat-row builder for this export, when the full record is asked
        for (``?brief=`` or ``?fields=`` go through the serializer)."""
        builder = self.record_builder(self.flat_row_classes, renderer)
        return None if builder is None else builder(self.request, EXPORT_CHUNK_SIZE)

    def record_builder(self, classes, renderer):
        """The class ``classes`` names for this renderer's format, when the full record is
        asked for (``?brief=`` or ``?fields=`` go through the serializer); else None."""
        builder = classes.get(renderer.format)
        if builder is None or "fields" in self.request.query_params:
            return None
        if self.get_serializer_class() is not self.serializer_class:
            return None
        return builder

    def paginate_queryset(self, queryset):
        renderer = getattr(self.request, "accepted_renderer", None)
        if getattr(renderer, "paginate", True) is False:
            return None
        return super().paginate_queryset(queryset)

    def finalize_response(self, request, response, *args, **kwargs):
        renderer = getattr(request, "accepted_renderer", None)
        if response.status_code >= 400 and getattr(renderer, "paginate", True) is False:
            request.accepted_renderer = renderers.JSONRenderer()
            request.accepted_media_type = request.accepted_renderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    def throttled(self, request, wait):
        raise exceptions.Throttled(
            wait,
            detail=str(_("匿名请求过于频繁，请稍后再试（或使用令牌认证）。")),
        )


class PageRecordsMixin:
    """A list page's records built from plain values at national scale.

    Through the serializer a page of 50 relationships costs some 300 model instances, a
    queryset per record and relation, and DRF's field machinery per cell; a page-record
    builder reads the page's ids (``RegistryPagination.paginate_ids``: the same order,
    count and links) and makes each record as the serializer would, from
    ``values_list()`` rows. ``{format: class}``: ``cls(request)`` with
    ``records(ids)``, the records of those ids in that order. Used for the full record
    only: ``?brief=`` and ``?fields=`` go through the serializer, as does every format
    not named here."""

    page_record_classes = {}

    def page_record_builder(self):
        renderer = getattr(self.request, "accepted_renderer", None)
        builder = self.page_record_classes.get(getattr(renderer, "format", None))
        if builder is None or self.paginator is None:
            return None
        if "fields" in self.request.query_params:
            return None
        if self.get_serializer_class() is not self.serializer_class:
            return None
        return builder(self.request)

    def list(self, request, *args, **kwargs):
        builder = self.page_record_builder()
        if builder is None:
            return super().list(request, *args, **kwargs)
        queryset = self.filter_queryset(self.get_queryset())
        ids = self.paginator.paginate_ids(queryset, request, view=self)
        if ids is None:  # no pagination asked for: the serializer's whole list
            return super().list(request, *args, **kwargs)
        return self.get_paginated_response(builder.records(ids))


class RegistryViewSet(
    FieldSelectionMixin,
    HistoryMixin,
    CachingMixin,
    ConditionalMixin,
    ExportMixin,
    PageRecordsMixin,
    viewsets.ModelViewSet,
):
    """Read by anyone; written by staff (``offices.api.OfficeViewSet`` adds the office
    rule); each record's history at ``<id>/history/``."""

    renderer_classes = [renderers.JSONRenderer, renderers.BrowsableAPIRenderer, CSVRenderer]
    filter_backends = [RegistryFilterBackend, RegistryOrderingFilter]
    ordering_fields = TIMESTAMPS
    detail_etag_is_version = True

    def perform_create(self, serializer):
        with DatabaseRules():
            serializer.save()

    def perform_update(self, serializer):
        with DatabaseRules():
            serializer.save()

    def perform_destroy(self, instance):
        stamp_history(instance, self.request)
        with DatabaseRules():
            instance.delete()


class DatabaseRules:
    """One atomic write; a protected reference or a constraint the validation could not
    see (a concurrent insert) becomes a 409 with a message rather than a 500."""

    def __enter__(self):
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        return self

    def __exit__(self, kind, error, traceback):
        self.atomic.__exit__(kind, error, traceback)
        if isinstance(error, (ProtectedError, RestrictedError)):
            referring = getattr(error, "protected_objects", None) or error.restricted_objects
            names = sorted({str(item._meta.verbose_name) for item in referring})
            raise Conflict(
                _("仍有其他记录引用此记录，不能删除：%(names)s。") % {"names": "、".join(names)}
            ) from None
        if isinstance(error, StaleRecord):
            raise PreconditionFailed() from None
        if isinstance(error, IntegrityError):
            raise Conflict(_("保存违反了数据库约束（可能与刚保存的记录重复）。")) from None
        return False


class ReadOnlyRegistryViewSet(
    FieldSelectionMixin, CachingMixin, ExportMixin, viewsets.ReadOnlyModelViewSet
):
    """Computed, read-only views of the registry (comparisons, anniversaries)."""

    renderer_classes = [renderers.JSONRenderer, renderers.BrowsableAPIRenderer, CSVRenderer]
    filter_backends = [RegistryFilterBackend, RegistryOrderingFilter]
    ordering_fields = {}
