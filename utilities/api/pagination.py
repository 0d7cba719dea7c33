"""Pagination of API lists: ``limit`` / ``offset``, 50 rows by default, at most 500.

A ``limit`` that is not a whole number from 1 to 500, or an ``offset`` that is not one from
0 up, is a 400 (DRF would silently use the default, and a client would page through the
wrong rows).

Kept apart from the viewsets because settings name it (``DEFAULT_PAGINATION_CLASS``) and
DRF imports it while its own modules load.
"""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import pagination

from ..generation import with_generation
from ..pagination import page_rows, remembered_count
from ..prefetch import prefetch_page
from .exceptions import RequestError

# Far beyond any table here, and small enough that OFFSET + LIMIT fits a 64-bit integer.
MAX_OFFSET = 2**62


def whole_number(text, low, high):
    """The whole number ``text`` spells, when it lies from ``low`` to ``high``; else None."""
    text = (text or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 20:
        return None
    value = int(text)
    return value if low <= value <= high else None


def release_prefetched(records):
    """Drop the rows prefetched for ``records`` (and for those rows, and so on)."""
    for record in records:
        kept = getattr(record, "__dict__", {}).pop("_prefetched_objects_cache", None)
        for rows in (kept or {}).values():
            release_prefetched(getattr(rows, "_result_cache", None) or ())


class RegistryPagination(pagination.LimitOffsetPagination):
    max_limit = 500
    page_records = None  # the records of the page read from the database, until answered

    def get_limit(self, request):
        raw = request.query_params.get(self.limit_query_param)
        if raw is None:
            return self.default_limit
        value = whole_number(raw, 1, self.max_limit)
        if value is None:
            message = _("limit 应为 1 到 %(max)d 之间的整数。") % {"max": self.max_limit}
            raise RequestError({self.limit_query_param: [message]}, "invalid")
        return value

    def get_offset(self, request):
        raw = request.query_params.get(self.offset_query_param)
        if raw is None:
            return 0
        value = whole_number(raw, 0, MAX_OFFSET)
        if value is None:
            message = _("offset 应为不小于 0 的整数。")
            raise RequestError({self.offset_query_param: [message]}, "invalid")
        return value

    def get_count(self, queryset):
        """The number of rows, kept for the generation of the tables it reads
        (``remembered_count``): a COUNT under a filter of 500,000 exchanges can take
        seconds, and a client paging through the list asks for it on every page."""
        return remembered_count(queryset, with_generation(self.request))

    def paginate_queryset(self, queryset, request, view=None):
        """DRF's, with a later page read by ``page_rows`` (the ids of the page, then its
        rows). The first page is read as before: a top-N sort keeps only its rows, and
        rows that tie in the list's order come in the order the CSV export gives them."""
        self.request = request
        self.limit = self.get_limit(request)
        if self.limit is None:
            return None
        self.count = self.get_count(queryset)
        self.offset = self.get_offset(request)
        if self.count > self.limit and self.template is not None:
            self.display_page_controls = True
        if self.count == 0 or self.offset > self.count:
            return []
        if not self.offset:
            return self.read_page(queryset, lambda rows: rows[: self.limit])
        return self.read_page(
            queryset, lambda rows: page_rows(rows, self.offset, self.offset + self.limit)
        )

    def paginate_ids(self, queryset, request, view=None):
        """``paginate_queryset``'s page as its rows' ids, in the same order (with the same
        count and links), for a viewset that builds the records itself
        (``PageRecordsMixin``)."""
        self.ids_only = True
        try:
            return self.paginate_queryset(queryset, request, view)
        finally:
            self.ids_only = False

    ids_only = False

    def read_page(self, queryset, page_of):
        """The rows ``page_of(queryset)`` gives, with the queryset's prefetches read for
        them by ``prefetch_page`` (the same queries, no queryset built per row); only
        their ids when ``paginate_ids`` asks."""
        if self.ids_only:
            return list(page_of(queryset.prefetch_related(None).values_list("pk", flat=True)))
        lookups = getattr(queryset, "_prefetch_related_lookups", ())
        if lookups:
            queryset = queryset.prefetch_related(None)
        rows = list(page_of(queryset))
        prefetch_page(rows, *lookups)
        if isinstance(queryset, QuerySet):
            # Records read for this request (a computed list's may be kept for others).
            self.page_records = rows
        return rows

    def get_paginated_response(self, data):
        # The page is answered (``data`` is made): its records are let go of their
        # prefetched rows, which hold them in turn (Django sets each row's record). Such
        # cycles outlive the request until Python's full garbage collection, which then
        # walks every one of them: some 4 ms a request for pages of 50 relationships.
        release_prefetched(self.page_records or ())
        self.page_records = None
        return super().get_paginated_response(data)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.limit_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_limit}
            elif parameter["name"] == self.offset_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET}
        return parameters
