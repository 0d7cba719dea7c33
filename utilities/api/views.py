"""Viewset bases and the ordering filter shared by every app's API.

A viewset here is short: a queryset with explicit ``select_related``/``prefetch_related``
(list endpoints make the same number of queries for 1 row as for 100), a serializer, the
app's FilterSet and a map of ordering names. The bases add what every endpoint shares:
open reading and office-ruled writing, CSV (and optionally GeoJSON / iCalendar) exports
that are not paginated, JSON errors whatever format was asked for, a 409 instead of a
500 when a delete or save would break the database's rules, history stamps on deletes;
and for reads each record's history (``history``), ``ETag``/``304``/``Cache-Control``
(``conditional``), ``?brief=`` and ``?fields=`` (``selection``).
"""

from django.db import IntegrityError, transaction
from django.db.models.deletion import ProtectedError, RestrictedError
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions, filters, renderers, status, viewsets

from ..concurrency import StaleRecord
from . import schema  # noqa: F401 - registers the schema extensions
from .conditional import CachingMixin, ConditionalMixin, PreconditionFailed
from .history import HistoryMixin
from .renderers import CSVRenderer
from .selection import FieldSelectionMixin
from .serializers import stamp_history

# Ordering names every registry record has.
TIMESTAMPS = {"id": ["pk"], "created": ["created"], "last_updated": ["last_updated"]}


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("该记录与其他记录冲突。")
    default_code = "conflict"


class RegistryOrderingFilter(filters.OrderingFilter):
    """``ordering=name_zh,-start``: public names mapped to model columns by the view's
    ``ordering_fields`` dict (a partial date sorts by its year, month and day). Unknown
    names are ignored, as DRF does; the primary key breaks ties so pages are stable."""

    def get_valid_fields(self, queryset, view, context=None):
        return [(name, name) for name in getattr(view, "ordering_fields", {})]

    def get_ordering(self, request, queryset, view):
        mapping = getattr(view, "ordering_fields", {})
        param = request.query_params.get(self.ordering_param)
        columns = []
        if param:
            for term in param.split(","):
                term = term.strip()
                descending = term.startswith("-")
                for column in mapping.get(term.lstrip("-"), []):
                    columns.append(f"-{column}" if descending else column)
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


class ExportMixin:
    """Exports are whole lists; errors are JSON whichever format the client asked for."""

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


class RegistryViewSet(
    FieldSelectionMixin,
    HistoryMixin,
    CachingMixin,
    ConditionalMixin,
    ExportMixin,
    viewsets.ModelViewSet,
):
    """Read by anyone; written by staff (``offices.api.OfficeViewSet`` adds the office
    rule); each record's history at ``<id>/history/``."""

    renderer_classes = [renderers.JSONRenderer, renderers.BrowsableAPIRenderer, CSVRenderer]
    filter_backends = [DjangoFilterBackend, RegistryOrderingFilter]
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
    filter_backends = [DjangoFilterBackend, RegistryOrderingFilter]
    ordering_fields = {}
