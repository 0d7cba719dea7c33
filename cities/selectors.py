"""Shared reads of places and relationships: the querysets every list of them (the
directory, the home page, a place's page, search) starts from."""


def relationship_rows(queryset):
    """Relationships with everything a list row shows, in a fixed number of queries."""
    return queryset.select_related(
        "chinese_place", "foreign_place", "chinese_place__parent"
    ).prefetch_related("stages", "fields")
