"""Trees of any depth on a plain ``parent`` foreign key, read with recursive queries.

django-tree-queries (a well-kept library by Matthias Kestenholz) adds a recursive common
table expression to a queryset on demand; it needs no extra columns, so no write path
(loader, import, API, admin) has anything to keep in step, and it runs on SQLite and
PostgreSQL alike. Its expression builds the whole tree from the roots down, which the
directory of places needs (every place with its depth and path, in order) but which costs
the whole table (tens of thousands of places) to answer a question about one branch. The
questions about one branch are answered here by recursive queries that start at the nodes
asked about and follow the ``parent`` index: :meth:`TreeQuerySet.within` (down: "this node
and every node inside it, at any depth"), :meth:`TreeQuerySet.ancestors` and
:meth:`TreeQuerySet.paths` (up). ``within`` is a plain queryset that also works as a
subquery (``place__in=Place.objects.within(city).values("pk")``), including a correlated
one (``within(OuterRef(OuterRef("pk")))`` inside a subquery).
"""

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Case, Expression, Value, When
from django.db.models.lookups import Lookup
from tree_queries.compiler import SEPARATOR, TreeArrayField
from tree_queries.query import TreeQuerySet as LibraryTreeQuerySet

# A path longer than this is a cycle in the data (the parent check refuses one on every
# write path); the upward walks stop there rather than loop.
MAX_DEPTH = 64


@TreeArrayField.register_lookup
class TreePathHolds(Lookup):
    """``tree_path__holds=<pk or expression>``: the path from the root holds that node.

    The library's own ``tree_path__contains`` takes a value only; this lookup also takes an
    expression, so a correlated subquery can ask "inside the outer row's place?". The
    path's storage (an array on PostgreSQL, a ``SEPARATOR``-delimited string on SQLite)
    is read the way the library reads it."""

    lookup_name = "holds"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        field = self.lhs.output_field.source_field
        return ("%s", [field.get_db_prep_value(getattr(value, "pk", value), connection)])

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return (
            f"instr({lhs}, %s || CAST({rhs} AS TEXT) || %s) <> 0",
            [*lhs_params, SEPARATOR, *rhs_params, SEPARATOR],
        )

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{rhs} = ANY({lhs})", [*rhs_params, *lhs_params]


def node_value(node):
    """A node as the tree expression takes it: an expression (an ``OuterRef``, as the
    queryset ``within`` is called on sees it) or a value (an instance or primary key)."""
    if hasattr(node, "resolve_expression"):
        return node
    return Value(getattr(node, "pk", node))


def table_names(model, connection):
    """The quoted table, primary key and parent columns of a tree's model."""
    quote = connection.ops.quote_name
    parent = model._meta.get_field("parent").column
    return quote(model._meta.db_table), quote(model._meta.pk.column), quote(parent)


class Inside(Expression):
    """The primary keys of the given nodes and of every node inside them, at any depth, as
    a subquery for ``pk__in``: a recursive query rooted at the nodes that follows the
    ``parent`` index down, so it reads the branch asked about and nothing else. ``UNION``
    (not ``UNION ALL``) keeps each node once and ends even on a cycle. The aliases are the
    expression's own, so a node given as an outer reference to the same table (a place
    and the places inside it) is never mistaken for one of the expression's rows."""

    def __init__(self, model, nodes):
        super().__init__(output_field=model._meta.pk)
        self.model = model
        self.nodes = [node_value(node) for node in nodes]

    def get_source_expressions(self):
        return self.nodes

    def set_source_expressions(self, exprs):
        self.nodes = list(exprs)

    def as_sql(self, compiler, connection):
        table, pk, parent = table_names(self.model, connection)
        compiled = [compiler.compile(node) for node in self.nodes]
        roots = ", ".join(sql for sql, _params in compiled)
        params = [param for _sql, node_params in compiled for param in node_params]
        sql = (
            f'(WITH RECURSIVE "__inside" ("node") AS ('
            f'SELECT "__inside_root".{pk} FROM {table} "__inside_root" '
            f'WHERE "__inside_root".{pk} IN ({roots}) '
            f'UNION SELECT "__inside_child".{pk} FROM {table} "__inside_child" '
            f'INNER JOIN "__inside" ON ("__inside_child".{parent} = "__inside"."node")'
            f') SELECT "__inside"."node" FROM "__inside")'
        )
        return sql, params


class TreeQuerySet(LibraryTreeQuerySet):
    """A queryset of a model with a ``parent`` foreign key to itself."""

    def within(self, *nodes):
        """The nodes (instances, primary keys or ``OuterRef``s, as this queryset sees
        them) and every node inside them, at any depth. The branch is read in a subquery
        rooted at the nodes, so the result is a plain queryset: it orders, annotates and
        nests like any other."""
        if not nodes:
            return self.none()
        return self.filter(pk__in=Inside(self.model, nodes))

    def paths(self):
        """{pk: [root pk, …, pk]} for the nodes of this queryset: each node's path from
        the root of its tree, as the library's ``tree_path`` holds it, in one query that
        climbs from these nodes only (however many other nodes the tree holds)."""
        connection = connections[self.db]
        table, pk, parent = table_names(self.model, connection)
        try:
            nodes_sql, params = self.order_by().values("pk").query.get_compiler(self.db).as_sql()
        except EmptyResultSet:
            return {}
        sql = (
            f'WITH RECURSIVE "__up" ("node", "step", "parent", "depth") AS ('
            f'SELECT "__up_node".{pk}, "__up_node".{pk}, "__up_node".{parent}, 0 '
            f'FROM {table} "__up_node" WHERE "__up_node".{pk} IN ({nodes_sql}) '
            f'UNION ALL SELECT "__up"."node", "__up_parent".{pk}, "__up_parent".{parent}, '
            f'"__up"."depth" + 1 FROM {table} "__up_parent" '
            f'INNER JOIN "__up" ON ("__up_parent".{pk} = "__up"."parent") '
            f'WHERE "__up"."depth" < {MAX_DEPTH}'
            f') SELECT "node", "step" FROM "__up" ORDER BY "node", "depth" DESC'
        )
        paths = {}
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for node, step in cursor.fetchall():
                paths.setdefault(node, []).append(step)
        return paths

    def ancestors(self, of, *, include_self=False):
        """The nodes above ``of`` (an instance or primary key), from the root of its tree
        down, and ``of`` itself last with ``include_self``, as the library's method gives
        them: one query that climbs from ``of`` finds them, and the queryset returned
        reads them in that order."""
        if not include_self and getattr(of, "parent_id", True) is None:
            return self.none()  # a root has no ancestors
        node = getattr(of, "pk", of)
        path = self.model._default_manager.filter(pk=node).paths().get(node, [])
        if not include_self:
            path = path[:-1]
        if not path:
            return self.none()
        order = Case(*(When(pk=step, then=Value(depth)) for depth, step in enumerate(path)))
        return self.filter(pk__in=path).order_by(order)


def parents(node):
    """The node's parents as held in memory, nearest first (an unsaved node's too)."""
    seen = set()
    parent = node.parent
    while parent is not None and id(parent) not in seen:  # a cycle in memory ends the walk
        seen.add(id(parent))
        yield parent
        parent = parent.parent


def nests_in(node, ancestor):
    """Whether ``node`` is ``ancestor`` or lies inside it, following the parents held in
    memory at any depth (for a node not saved yet, or about to be saved under a new
    parent)."""
    if node.pk is not None and node.pk == ancestor.pk:
        return True
    return any(parent.pk == ancestor.pk for parent in parents(node))
