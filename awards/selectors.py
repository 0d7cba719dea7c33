"""Shared reads of awards: the queryset every list of them (the directory, a place's and a
relationship's page) starts from, in a fixed number of queries."""


def award_rows(queryset):
    """Awards with everything a list row shows (the type, the Chinese side, the recipient
    place or pair)."""
    return queryset.select_related(
        "award_type",
        "chinese_place",
        "place",
        "relationship__chinese_place",
        "relationship__foreign_place",
    )
