"""``<integer field>__among=[…]``: membership in a long list of ids as ONE query parameter.

``__in`` writes a placeholder per value and prepares each value through the field (a few
microseconds each): for the exports' chunks of thousands of ids that preparation cost more
than the queries. Here the list goes to the database whole: an array literal on PostgreSQL
(``= ANY(%s::bigint[])``), a JSON array on SQLite (``IN (SELECT value FROM json_each(%s))``).
Both are one string: psycopg2 adapts a Python list item by item in Python (some 0.6 ms
of a worker's CPU per thousand ids, five times per chunk of an export). The
values must be integers (ids read from the database); anything else is refused. Pass a
set (or another iterable): Django's query builder walks a list or tuple value by value
before the lookup sees it, which is the very cost this lookup avoids.

``AmongQuery`` reads one such query for set after set of ids (an export's chunks), built
and compiled once (``KeptQuery``, which reads any query so).
"""

import json
import threading

from django.db import connections
from django.db.models import IntegerField
from django.db.models.lookups import Lookup


class EachSet:
    """``<field>__among=EACH_SET`` in an ``AmongQuery``'s queryset: the ids of each read."""

    def __repr__(self):
        return "EACH_SET"


EACH_SET = EachSet()


def integers(values):
    """``values`` as a list, refused unless every one is an integer (ids read from the
    database); the types are checked in C (a check per value in Python cost more than the
    query)."""
    values = list(values)
    if not set(map(type, values)) <= {int}:
        raise TypeError("__among takes integers only")
    return values


@IntegerField.register_lookup
class Among(Lookup):
    lookup_name = "among"
    prepare_rhs = False

    def get_prep_lookup(self):
        return self.rhs if self.rhs is EACH_SET else integers(self.rhs)

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = self.parameter(self.rhs, connection)
        return f"{lhs} IN (SELECT value FROM json_each(%s))", [*lhs_params, values]

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s::bigint[])", [*lhs_params, self.parameter(self.rhs, connection)]

    @staticmethod
    def parameter(values, connection):
        """The one query parameter that holds these ids (``EACH_SET`` stays itself: an
        ``AmongQuery`` puts each read's ids in its place)."""
        if values is EACH_SET:
            return values
        if connection.vendor == "postgresql":
            return "{" + ",".join(map(str, values)) + "}"
        return json.dumps(values)


class KeptQuery:
    """A ``values_list()`` queryset built once and compiled once for each database it is
    read from, then only run (with Django's own converters of its values).

    Made once per process (by a module's function under ``functools.cache``), a query is
    compiled once per worker: making a query (filters, joins, SQL) can cost as much of
    this process's time as running it. Each read asks the router which database to read
    (a replica, or the primary after a write) unless told, and runs on this thread's
    connection to it."""

    def __init__(self, queryset):
        self.queryset = queryset
        self.compiled = {}
        self._compiling = threading.Lock()

    def compiled_for(self, using):
        """``(compiler, sql, params, converters)`` on the database ``using``. The SQL is
        the same on every connection to it. The converters (Django's and the fields')
        read the value, and of the connection they were found on only what its settings
        give (SQLite's time zone), the same on every connection to the database."""
        found = self.compiled.get(using)
        if found is None:
            # One thread compiles, a copy: compiling adds joins to a query (an ordering's)
            # and takes them out again, and two threads compiling one query at once could
            # keep SQL without a join its ORDER BY names.
            with self._compiling:
                found = self.compiled.get(using)
                if found is None:
                    compiler = self.queryset.query.clone().get_compiler(using=using)
                    sql, params = compiler.as_sql()
                    selected = compiler.select[: compiler.col_count]
                    columns = [column for column, _sql, _alias in selected]
                    converters = compiler.get_converters(columns)
                    found = self.compiled[using] = (compiler, sql, params, converters)
        return found

    def rows(self, using=None):
        """The queryset's rows (tuples), read from ``using`` (by default where the router
        sends a read of them)."""
        return self.read(using or self.queryset.db, lambda params, connection: params)

    def read(self, using, parameters):
        """The rows, the compiled parameters given as ``parameters(params, connection)``
        returns them."""
        compiler, sql, params, converters = self.compiled_for(using)
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(sql, parameters(params, connection))
            found = cursor.fetchall()
        if not converters:
            return found  # the driver's tuples, as they are
        # As ``results_iter`` gives them (its converters found once, not per read).
        return list(map(tuple, compiler.apply_converters(found, converters)))


class AmongQuery(KeptQuery):
    """A ``KeptQuery`` read for set after set of ids, each given in its filters as
    ``__among=EACH_SET``.

    An export asks the same few queries of each chunk of a thousand relationships, and an
    API page the same few of its 50 records; making a query cost about as much of this
    process's time as running it (some 0.5 ms of each, 0.1 s of a national export, 2 of an
    API page's 12 ms)."""

    def rows(self, ids):
        """The queryset's rows (tuples) for these ids (a set of integers)."""
        ids = integers(ids)

        def parameters(params, connection):
            values = Among.parameter(ids, connection)
            return [values if param is EACH_SET else param for param in params]

        return self.read(self.queryset.db, parameters)
