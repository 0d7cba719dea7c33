"""Shared reads of places and relationships: the querysets every list of them (the
directory, the home page, a place's page, search) starts from."""


def relationship_rows(queryset, with_fields=True):
    """Relationships with everything a list row shows, in a fixed number of queries;
    ``with_fields=False`` for a list that does not show the fields of cooperation (a
    country's page)."""
    rows = queryset.select_related("chinese_place", "foreign_place", "chinese_place__parent")
    return rows.prefetch_related("stages", *(["fields"] if with_fields else []))


# What a row of ``cities/includes/relationship_rows.html`` reads of a relationship (when it
# began is read apart, for the rows shown: ``statistics.began_dates``).
TABLE_ROW_FIELDS = (
    "kind",
    "stage",
    "wording",
    *(f"chinese_place__{name}" for name in ("slug", "name_zh", "name_en")),
    *(f"foreign_place__{name}" for name in ("slug", "name_zh", "name_en", "country")),
)


def relationship_table_rows(queryset):
    """Relationships with only what a row of a table of them shows (the directory, the home
    page's newest): the two places' names and the partner's country; not the fields of
    cooperation, the Chinese place's parent or the steps ``relationship_rows`` adds for
    other lists, nor the columns a row does not show (each loaded column is also kept for
    the stale-write check: fewer columns, less work)."""
    return queryset.select_related("chinese_place", "foreign_place").only(*TABLE_ROW_FIELDS)
