"""Pages within a page: a long section of a detail page (a city's partners, its exchanges,
its awards) is paginated on its own query parameter (``?partners=3``), so several sections
page independently and each link keeps the others' state and the page's language (links are
query strings on the current address, ``/en/...`` included).

A bad or too large number shows the nearest page, as the directories do.

``page_rows`` reads one page of a long list in two steps of one query: the ids of the page
in a narrow subquery, then the rows of those ids (``PageIdsPaginator`` for the directories,
the API's pagination too).

A whole list whose order no index holds (the relationships by their places' names) is
sorted once per generation of the tables it reads: ``whole_list_ids`` keeps its ids in
order (``utilities.generation.remembered``), and a page is then the rows of its slice of
them. A filtered list's count is kept the same way (``remembered_count``): at 500,000
exchanges a COUNT under a filter can take longer than everything else the page does.
"""

import hashlib
from array import array
from dataclasses import dataclass
from functools import partial

from django.core.exceptions import EmptyResultSet
from django.core.paginator import EmptyPage, InvalidPage, PageNotAnInteger, Paginator
from django.db import connections, models
from django.db.models import QuerySet
from django.db.models.query import ModelIterable
from django.utils.functional import cached_property
from django.utils.http import urlencode

from .generation import remembered, tables_read

# How many numbered links to show either side of the current page.
WINDOW = 2
# A search's matches are counted up to this many: past it the page says "1,000+", and
# counting a very common query's every match (合 is in every synthetic name) would cost
# more than the rest of the page.
COUNT_CAP = 1000
# No list holds this many rows: a page beyond it is past the end (and its OFFSET would not
# fit the database's 64-bit integer).
MAX_ROWS = 2**62


def capped_count(queryset, cap=None):
    """How many rows ``queryset`` holds, counted no further than ``cap + 1``: a number
    over ``cap`` means "more than ``cap``" (``SELECT COUNT(*) FROM (… LIMIT cap + 1)``,
    which stops at the first ``cap + 1`` matches instead of finding them all)."""
    cap = COUNT_CAP if cap is None else cap
    if not isinstance(queryset, QuerySet):
        return min(len(queryset), cap + 1)
    return queryset.order_by().values("pk")[: cap + 1].count()


def page_rows(queryset, start, stop):
    """``queryset[start:stop]``, as ``WHERE pk IN (the ids of rows start to stop)``.

    A list ordered by its places' names (the relationships) cannot be read in order from
    an index: the database sorts every row before it can skip to a page. Sorting only the
    ids and the sort keys, then joining the page's rows to everything they show, is a
    fraction of the work of sorting the wide joined rows (at 50,000 relationships the
    wide sort spilled to disk). One query all the same, in the same order.

    A ``DISTINCT`` list (its ids would carry its sort keys) or a combined one keeps the
    plain slice, as does a database that cannot limit a subquery (MySQL)."""
    if (
        not isinstance(queryset, QuerySet)
        or queryset.query.distinct
        or queryset.query.combinator
        or queryset.query.is_sliced
        or not connections[queryset.db].features.allow_sliced_subqueries_with_in
    ):
        return queryset[start:stop]
    ids = queryset.values("pk")[start:stop]
    return queryset.filter(pk__in=ids)


def shaped_like(queryset):
    """The rows ``queryset`` shows (its related rows, prefetches, loaded fields and order)
    without its filters: the page's ids were chosen under them already, and a filter asked
    again of the page's rows is a search's whole work done twice (the database cannot
    know the ids came from it). A list with annotations or extra columns, which may lean
    on its filters' joins, or one that reads values, keeps them."""
    query = queryset.query
    if (
        query.annotations
        or query.extra
        or queryset._iterable_class is not ModelIterable
        or queryset._fields is not None
    ):
        return queryset
    rows = queryset.model._default_manager.all()
    rows.query.select_related = query.select_related
    rows.query.deferred_loading = query.deferred_loading
    rows = rows.prefetch_related(*queryset._prefetch_related_lookups)
    if query.order_by or not query.default_ordering:
        rows = rows.order_by(*query.order_by)
    return rows


def whole_list(queryset):
    """Whether ``queryset`` is a whole table in some order: no filter, not distinct, not
    combined or sliced, read as model instances."""
    query = queryset.query
    return (
        isinstance(queryset, QuerySet)
        and not query.has_filters()
        and not query.distinct
        and not query.combinator
        and not query.is_sliced
        and queryset._iterable_class is ModelIterable
    )


def whole_list_ids(queryset, request=None):
    """The ids of every row of ``queryset`` (a ``whole_list``), in its order, kept for the
    generations of the tables its query reads (``registry_tables_read``; else of the
    registry) under the query that orders them (an array of 64-bit integers: 400 KB for
    50,000 rows): a write to another table (an exchange) keeps them. None for a list that
    is not whole or a key that is not an integer."""
    if not whole_list(queryset) or not isinstance(queryset.model._meta.pk, models.IntegerField):
        return None
    ids = queryset.values_list("pk", flat=True)
    sql, params = compiled(ids)  # a whole list is never empty before it is run
    name = f"page_ids.{queryset.model._meta.label_lower}.{digest_of(ids.db, sql, params)}"
    tables = registry_tables_read(ids, sql)
    return remembered(name, lambda: array("q", ids), request, tables=tables)


def compiled(queryset):
    """``(sql, params)`` of ``queryset`` as its database would run it; None when it matches
    nothing before it is run (a filter on an empty list, ``none()``): no query at all."""
    try:
        return queryset.query.get_compiler(using=queryset.db).as_sql()
    except EmptyResultSet:
        return None


def registry_tables_read(queryset, sql):
    """The tables ``sql`` (``queryset``'s) reads (``generation.tables_read``), when a figure
    over it can be kept for their generations: ``queryset``'s own among them. Else None."""
    read = tables_read(sql)
    if read is None or queryset.model._meta.db_table not in read:
        return None
    return read


def remembered_count(queryset, request=None, cap=None):
    """``queryset.count()`` (given a ``cap``, ``capped_count``'s), kept for the generations
    of the tables the query reads (``registry_tables_read``) under its SQL and parameters
    (a filter's values, a user's office, a search's places included); a query that reads
    another table or the clock is counted now."""
    if not isinstance(queryset, QuerySet):
        return len(queryset) if cap is None else min(len(queryset), cap + 1)
    if cap is not None:
        counted = CappedCount.of(queryset, cap)
        return 0 if counted is None else counted.count(request)
    read = compiled(queryset)
    if read is None:
        return 0
    sql, params = read
    tables = registry_tables_read(queryset, sql)
    if tables is None:
        return queryset.count()
    name = f"count.{queryset.model._meta.label_lower}.{digest_of(queryset.db, sql, params)}"
    return remembered(name, queryset.count, request, tables=tables)


def digest_of(using, sql, params):
    """A short name for a query on a database, its parameters included."""
    return hashlib.sha256(repr((using, sql, params)).encode()).hexdigest()[:32]


@dataclass(frozen=True)
class CappedCount:
    """A capped count (``capped_count``) compiled: its SQL and parameters, and the tables it
    reads when it can be kept for their generations (``remembered_count``). A caller that
    keeps it counts again without building or compiling
    the query again."""

    using: str
    label: str  # the model's, in the name it is kept under
    sql: str  # the rows counted: ``SELECT id … LIMIT cap + 1``
    params: tuple
    tables: frozenset | None  # None: counted every time (it reads another table, or the clock)

    @classmethod
    def of(cls, queryset, cap=None):
        """``queryset``'s rows up to ``cap + 1`` (``COUNT_CAP``'s by default); None when the
        query matches nothing before it is run (``none()``)."""
        cap = COUNT_CAP if cap is None else cap
        counted = queryset.order_by().values("pk")[: cap + 1]
        read = compiled(counted)
        if read is None:
            return None
        sql, params = read
        tables = registry_tables_read(counted, sql)
        return cls(counted.db, counted.model._meta.label_lower, sql, tuple(params), tables)

    def run(self):
        """Count now (the SQL Django writes for a sliced queryset's ``count()``)."""
        with connections[self.using].cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({self.sql}) subquery", self.params)
            return cursor.fetchone()[0]

    def count(self, request=None):
        """The count, kept for the generations of its tables."""
        if self.tables is None:
            return self.run()
        name = f"count.{self.label}.{digest_of(self.using, self.sql, self.params)}"
        return remembered(name, self.run, request, tables=self.tables)


def rows_by_ids(queryset, ids):
    """The rows of ``queryset`` whose ids are ``ids``, in that order (one query, and one
    per prefetch)."""
    ids = list(ids)
    if not ids:
        return []
    by_id = {row.pk: row for row in shaped_like(queryset).filter(pk__in=ids).order_by()}
    return [by_id[pk] for pk in ids if pk in by_id]


class PageIdsPaginator(Paginator):
    """A paginator whose pages are read by ``page_rows``; given the whole list's ``ids`` in
    order (``whole_list_ids``), it counts them and reads a page as the rows of its ids.

    ``capped`` (a search): the rows are counted up to ``COUNT_CAP + 1`` (``capped_count``);
    past the cap the number of pages is not known, so a page reads one row more than it
    shows to know whether a next page exists, and the list says "1,000+" (``over_cap``)
    until its last page is reached."""

    def __init__(
        self,
        object_list,
        per_page,
        orphans=0,
        allow_empty_first_page=True,
        ids=None,
        capped=False,
        read_rows=None,
    ):
        super().__init__(object_list, per_page, orphans, allow_empty_first_page)
        self.ids = ids
        self.capped = capped
        # The rows of a page of ``ids``, in their order (the list's rows by default).
        self.read_rows = read_rows or partial(rows_by_ids, object_list)

    @cached_property
    def count(self):
        if self.ids is not None:
            return len(self.ids)
        if self.capped:
            return capped_count(self.object_list)
        return super().count

    @cached_property
    def over_cap(self):
        """Whether there are more rows than were counted (the count is a floor)."""
        return self.capped and self.count > COUNT_CAP

    @property
    def cap(self):
        """The cap, as a page writes it ("1,000")."""
        return f"{COUNT_CAP:,}"

    def validate_number(self, number):
        """Past the cap, any whole number from 1 whose rows a database can skip to (the
        last page is not known); a page past the end is found when it is read."""
        if not self.over_cap:
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        if number * self.per_page >= MAX_ROWS:
            raise EmptyPage(self.error_messages["no_results"])
        return number

    def page(self, number):
        if self.over_cap:
            return self.page_past_cap(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if self.ids is not None:
            rows = self.read_rows(self.ids[bottom:top])
        else:
            rows = page_rows(self.object_list, bottom, top)
        return self._get_page(rows, number, self)

    def page_past_cap(self, number):
        """A page of a list counted past the cap: its rows and one more, which tells
        whether a next page exists. A page past the end is counted exactly (the list
        holds fewer rows than the page's offset) and its last page is given instead."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(page_rows(self.object_list, bottom, bottom + self.per_page + 1))
        if not rows and number > 1:
            self.count = self.object_list.order_by()[:bottom].count()
            self.over_cap = False
            self.__dict__.pop("num_pages", None)  # worked out again from the count
            return self.page(self.num_pages)
        more = len(rows) > self.per_page
        if more:
            self.count = max(self.count, bottom + len(rows))
            self.num_pages = number + 1
        else:
            # The last page: the number of rows is known now, and shown.
            self.count = bottom + len(rows)
            self.over_cap = False
            self.num_pages = number
        return self._get_page(rows[: self.per_page], number, self)


class SectionPage:
    """One page of a section: its rows and the links to its other pages."""

    def __init__(self, page, request, param, anchor):
        self.page = page
        self.rows = list(page.object_list)
        self.param = param
        self.anchor = anchor
        # The other parameters, read once: a section writes a dozen links to its pages.
        self._others = [(key, values) for key, values in request.GET.lists() if key != param]

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return len(self.rows)

    def __bool__(self):
        return bool(self.rows)

    @property
    def count(self):
        return self.page.paginator.count

    @property
    def number(self):
        return self.page.number

    @property
    def num_pages(self):
        return self.page.paginator.num_pages

    @property
    def paginated(self):
        return self.num_pages > 1

    @property
    def start_index(self):
        return self.page.start_index()

    @property
    def end_index(self):
        return self.page.end_index()

    def url(self, number):
        query = self._others if number == 1 else [*self._others, (self.param, [str(number)])]
        encoded = urlencode(sorted(query), doseq=True)
        return ("?" + encoded if encoded else "?") + (f"#{self.anchor}" if self.anchor else "")

    @cached_property
    def previous_url(self):
        return self.url(self.number - 1) if self.page.has_previous() else None

    @cached_property
    def next_url(self):
        return self.url(self.number + 1) if self.page.has_next() else None

    @cached_property
    def links(self):
        """[(number or None for a gap, url, current), …]: the first and last pages and a
        window around the current one."""
        numbers = sorted(
            {1, self.num_pages}
            | set(
                range(max(1, self.number - WINDOW), min(self.num_pages, self.number + WINDOW) + 1)
            )
        )
        links, previous = [], 0
        for number in numbers:
            if number - previous > 1:
                links.append((None, None, False))
            links.append((number, self.url(number), number == self.number))
            previous = number
        return links


def section_page(request, queryset, param, per_page, anchor="", keys_first=False, count=None):
    """The page of ``queryset`` that ``?<param>=`` asks for (one COUNT and one slice; no
    COUNT when the caller knows ``count`` already, e.g. kept for the generation).

    With ``keys_first`` the slice is of primary keys alone, in the queryset's order, and
    that page's rows are read after it by key (one more query): a section of thousands of
    wide rows whose order an index holds is then sorted from the index, without reading
    every row and its joins. The queryset must not be ``distinct()``."""
    rows = queryset
    if keys_first:
        rows = queryset.values_list("pk", flat=True)
    paginator = Paginator(rows, per_page, allow_empty_first_page=True)
    if count is not None:
        paginator.count = count
    try:
        number = max(int(request.GET.get(param) or 1), 1)
    except (TypeError, ValueError):
        number = 1
    try:
        page = paginator.page(number)
    except InvalidPage:
        page = paginator.page(paginator.num_pages)
    if keys_first:
        keys = list(page.object_list)
        by_key = queryset.order_by().in_bulk(keys) if keys else {}
        page.object_list = [by_key[key] for key in keys]
    return SectionPage(page, request, param, anchor)
