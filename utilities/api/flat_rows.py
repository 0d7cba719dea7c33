"""The base of the flat-row builders of whole CSV exports at national scale
(``cities.api.exports.RelationshipRows``, ``exchanges.api.exports.ExchangeRows``).

A builder reads its list as ``values_list()`` tuples in chunks from one server-side cursor
and makes each chunk's rows from the chunk's tuples and a fixed number of flat queries for
its related records, so that an export's memory stays flat and its queries do not grow
with its rows. What many rows share (a place's cells, a choice's label, a date's text) is
made once and kept in a cache; a cache that grows past ``CACHED_CELLS`` is emptied between
chunks (its cells are made again, the same, when next needed). The cells are the ones the
serializer's record flattens to (``utilities.api.renderers.flatten``), escaped as they are
made (``escaped``), so the renderer writes them as they are
(``CSVRenderer.stream_rows``).
"""

import contextlib
import itertools

from django.db import connections, transaction
from django.utils import timezone
from rest_framework import serializers
from rest_framework.settings import api_settings

from utilities.formulas import TRIGGERS, escape_formula
from utilities.languages import is_chinese

# The most cells of one kind (places', dates', lists') an export keeps made at a time. A
# national export meets some 22,000 places, 14,000 dates and 22,000 steps' labels: keeping
# them all added some 12 MB (places) and 10 MB (dates and steps) to the worker's peak, and
# 4,096 of each still about 4 MB. Rows come in Chinese place order, so a cache emptied when
# it grows past this still finds the places that come back soon; a foreign place, a date or
# a step is made again, cheaply (at 1,024 rather than 4,096 the national exports took the
# same CPU time within the noise). The relationships' steps keep no dates: at this size
# most were misses, and ``utilities.partial_dates.date_facts`` makes one for less.
CACHED_CELLS = 1024


def labels(model, name):
    """A choice field's labels in the active language, by value, as ``get_<name>_display``
    gives them (a value without a label is itself)."""
    return {value: str(label) for value, label in model._meta.get_field(name).flatchoices}


# The first characters of a cell that may be a formula (each of ``TRIGGERS`` is one):
# ``text[:1] not in FORMULA_STARTS`` is the test a row makes inline for its own text,
# rather than a call per cell.
FORMULA_STARTS = frozenset(TRIGGERS)


def escaped(text):
    """A free-text cell as the CSV writes it (``escape_formula``), for cells made here."""
    return text if text[:1] not in FORMULA_STARTS else escape_formula(text)


class Escaped(dict):
    """``{value: cell}`` of a choice's labels, escaped once: a value without a label is
    itself (escaped too), as ``get_<name>_display`` gives it."""

    def __missing__(self, value):
        cell = self[value] = escaped(value)
        return cell


def text(value):
    """A cell as ``flatten`` writes it."""
    return "" if value is None else str(value)


def moments(zone):
    """A function writing a time as DRF's ``DateTimeField`` does (ISO 8601 in ``zone``,
    ``Z`` for UTC), without its per-value settings and time-zone look-ups: an export
    writes two times a row, each a different one."""
    drf_moment = serializers.DateTimeField().to_representation
    if str(api_settings.DATETIME_FORMAT).lower() != "iso-8601":
        return lambda value: text(drf_moment(value))

    def moment(value):
        if value is None or value.utcoffset() is None:
            return text(drf_moment(value))
        written = value.astimezone(zone).isoformat()
        return written[:-6] + "Z" if written.endswith("+00:00") else written

    return moment


def snapshot(alias):
    """On PostgreSQL, outside a transaction: one transaction at REPEATABLE READ
    for the whole export.

    Outside a transaction Django declares its server-side cursor ``WITH HOLD``, and
    PostgreSQL runs such a cursor's query to the end when the declaring statement commits:
    a national exchanges' export waited some 8 s for its first row while the database
    stored all 500,000 (and the worker, sending nothing, was taken for a stuck one). In a
    transaction the cursor yields rows as the query makes them, the database working on
    the next chunk while this process writes the last. REPEATABLE READ gives the cursor
    and every chunk's queries the same snapshot: a record saved mid-export is read as it
    was, everywhere in the file. Elsewhere (SQLite, or already in a transaction, as in
    the tests) the export reads as it is (and its cursor is planned for its first rows)."""
    connection = connections[alias]
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return contextlib.nullcontext()
    return _snapshot(alias)


@contextlib.contextmanager
def _snapshot(alias):
    with transaction.atomic(using=alias):
        with connections[alias].cursor() as cursor:
            # An export reads its cursor to the end: plan for all its rows, not (as for a
            # cursor by default) the first tenth. The fast-start plans walked an index in
            # the export's order and filtered as they went: a city's 20,000 exchanges took
            # some 1 s of fetches rather than 0.25 s, the national relationships 0.64 s
            # rather than 0.34 s. (Both settings in one round trip.)
            cursor.execute(
                "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ;"
                " SET LOCAL cursor_tuple_fraction = 1"
            )
        yield


class FlatRows:
    """The header and the rows of one request's CSV export, in chunks.

    A subclass names its ``header`` (the serializer's columns) and the ``values`` it reads
    of each record, makes a chunk's rows in ``chunk_rows`` and lists its caches in
    ``cell_caches``."""

    header = ()
    values = ()

    def __init__(self, request, chunk_size):
        self.request = request
        self.chunk_size = chunk_size
        # The rows of the first chunk (a subclass may read more at first: see
        # ``RelationshipRows``).
        self.first_chunk_size = chunk_size
        self.chinese = is_chinese()
        self.moment = moments(timezone.get_current_timezone())

    def rows(self, queryset):
        """Each row of the queryset's export, read ``chunk_size`` records at a time
        (``first_chunk_size`` the first time)."""
        values = queryset.prefetch_related(None).values_list(*self.values)
        # The cursor is closed inside the snapshot's transaction, also when the client goes
        # away mid-file (closed after it, its server-side cursor is gone already).
        with (
            snapshot(values.db),
            contextlib.closing(values.iterator(chunk_size=self.chunk_size)) as source,
        ):
            size = self.first_chunk_size
            while chunk := list(itertools.islice(source, size)):
                self.forget_cells()
                yield from self.chunk_rows(chunk)
                size = self.chunk_size

    def chunk_rows(self, chunk):
        """The rows of a chunk of ``values`` tuples."""
        raise NotImplementedError

    def cell_caches(self):
        """The caches of made cells that may grow with the export."""
        return ()

    def forget_cells(self):
        """Empty the caches of cells that have grown past ``CACHED_CELLS`` (a cell is made
        again when it is next needed, the same)."""
        for cache in self.cell_caches():
            if len(cache) > CACHED_CELLS:
                cache.clear()

    def name(self, chinese, english):
        """A record's display name in the request's language (Chinese without English)."""
        return chinese if self.chinese or not english else english
