"""Trees of any depth on a plain ``parent`` foreign key, read with one recursive query.

django-tree-queries (a well-kept library by Matthias Kestenholz) adds a recursive common
table expression to a queryset on demand; it needs no extra columns, so no write path
(loader, import, API, admin) has anything to keep in step, and it runs on SQLite and
PostgreSQL alike. :meth:`TreeQuerySet.within` is the one meaning of "this node and every
node inside it, at any depth"; it is a plain queryset that also works as a subquery
(``place__in=Place.objects.within(city).values("pk")``), including a correlated one
(``within(OuterRef(OuterRef("pk")))`` inside a subquery).
"""

from django.db.models import OuterRef, Q
from django.db.models.lookups import Lookup
from tree_queries.compiler import SEPARATOR, TreeArrayField
from tree_queries.query import TreeQuerySet as LibraryTreeQuerySet


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
    """A node as the tree subquery takes it: its primary key, or an outer reference made
    to reach one query further out (the tree is a subquery of the queryset ``within``
    is called on)."""
    if isinstance(node, OuterRef):
        return OuterRef(node)
    return getattr(node, "pk", node)


class TreeQuerySet(LibraryTreeQuerySet):
    """A queryset of a model with a ``parent`` foreign key to itself."""

    def within(self, *nodes):
        """The nodes (instances, primary keys or ``OuterRef``s, as this queryset sees
        them) and every node inside them, at any depth. The tree is read in a subquery, so
        the result is a plain queryset: it orders, annotates and nests like any other."""
        if not nodes:
            return self.none()
        condition = Q()
        for node in nodes:
            condition |= Q(tree_path__holds=node_value(node))
        # Siblings ordered by primary key: the library's plain recursive query, without
        # the ranking window it needs for other sibling orders.
        tree = (
            self.model._default_manager.with_tree_fields()
            .order_siblings_by(self.model._meta.pk.attname)
            .filter(condition)
        )
        return self.filter(pk__in=tree.values("pk"))


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
