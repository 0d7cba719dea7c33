"""Pagination of API lists: ``limit`` / ``offset``, 50 rows by default, at most 500.

Kept apart from the viewsets because settings name it (``DEFAULT_PAGINATION_CLASS``) and
DRF imports it while its own modules load.
"""

from rest_framework import pagination


class RegistryPagination(pagination.LimitOffsetPagination):
    max_limit = 500
