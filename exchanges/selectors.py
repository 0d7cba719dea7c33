"""Shared reads of exchanges: the queryset every list of them (the directory, the home
page, a place's and a relationship's page) starts from, in a fixed number of queries."""


def exchange_rows(queryset):
    """Exchanges with everything a list row shows."""
    return queryset.select_related(
        "chinese_place", "relationship__foreign_place", "relationship__chinese_place"
    ).prefetch_related("fields", "places", "counts")
