"""Prefetching for a page of records, without a queryset built per record.

Django's ``prefetch_related`` reads each relation of a page in one query, then gives every
record its rows through the record's related manager: a manager and a filtered clone of
the queryset per record and relation (some 350 for a page of 50 relationships with their
stages, claims, citations and fields). :func:`prefetch_page` reads the same rows with the
same queries and holds each record's rows in a queryset made without a manager (and,
for a plain relation, without a clone: a ``Prefetch``'s own queryset is cloned once, as
Django does, so a new query keeps its filter and columns); its filter on the record is
applied only if the queryset is ever used to query again
(``relationship.stages.filter(...)``), which then reads the database as Django's
prefetched queryset does (``test_prefetch`` compares the SQL). ``relationship.stages.all()``
and every other read of the prefetched rows are as before.

Many-valued relations (reverse foreign keys and many-to-many fields) given by name or as
``Prefetch(name, queryset=...)`` are read this way, nested lookups inside a ``Prefetch``
queryset too; any other lookup (``a__b``, ``to_attr``, a foreign key) goes through
Django's ``prefetch_related_objects``.

:func:`related_rows` reads a record's prefetched rows (``relationship.stages``) without the
related manager Django builds on every ``relationship.stages.all()``: model properties
read on every row of a page (dates, disputes) use it.
"""

from django.db.models import Prefetch, prefetch_related_objects
from django.db.models.fields.related_descriptors import (
    ManyToManyDescriptor,
    ReverseManyToOneDescriptor,
)


def _many_valued(model, lookup):
    descriptor = getattr(model, lookup.prefetch_through, None)
    return (
        # Exactly these two (a generic relation's descriptor, a subclass, has no ``field``).
        type(descriptor) in (ReverseManyToOneDescriptor, ManyToManyDescriptor)
        and lookup.prefetch_through == lookup.prefetch_to
        and "__" not in lookup.prefetch_through
    )


def prefetch_page(instances, *lookups):
    """``prefetch_related_objects(instances, *lookups)`` for a page of records (model
    instances of one model), each record's rows held without a per-record clone."""
    instances = [instance for instance in instances if instance is not None]
    if not instances:
        return
    model = type(instances[0])
    for lookup in lookups:
        if isinstance(lookup, str):
            lookup = Prefetch(lookup)
        if not _many_valued(model, lookup):
            prefetch_related_objects(instances, lookup)
            continue
        _prefetch_many(instances, lookup)


def _prefetch_many(instances, lookup):
    name = lookup.prefetch_through
    manager = getattr(instances[0], name)
    queryset = lookup.queryset
    if queryset is None:
        queryset = manager.model._default_manager.get_queryset()
    # The rows' own lookups are read here too, after the rows (a reverse foreign key's
    # prefetcher reads the rows itself, and would read them Django's way).
    nested = queryset._prefetch_related_lookups
    if nested:
        queryset = queryset.prefetch_related(None)
    rows_queryset, row_key, instance_key, _single, cache_name, _descriptor = (
        manager.get_prefetch_querysets(instances, [queryset])
    )
    rows = list(rows_queryset)
    if nested:
        prefetch_page(rows, *nested)
    by_owner = {}
    for row in rows:
        by_owner.setdefault(row_key(row), []).append(row)

    # How the related manager would filter the rows of one record, and what it would tell
    # the rows about their record (``_apply_rel_filters``), applied only on a new query.
    many_to_many = hasattr(manager, "query_field_name")
    field = None if many_to_many else manager.field
    path = f"{manager.query_field_name}__pk" if many_to_many else field.name
    related = manager.model._default_manager
    custom = lookup.queryset is not None
    for instance in instances:
        # A ``Prefetch``'s own queryset (its filter, columns, joins, order) is kept for a
        # new query, as Django's manager keeps it: one clone, the record's filter deferred.
        held = lookup.queryset._chain() if custom else related.get_queryset()
        held._add_hints(instance=instance)
        held._deferred_filter = (False, (), {path: instance.pk if many_to_many else instance})
        if many_to_many:
            # Sticky, as the manager's: a further filter across the relation reuses the
            # link table's join instead of adding another.
            held._query.filter_is_sticky = True
        if field is not None:
            target = getattr(instance, field.target_field.attname)
            held._known_related_objects = {field: {target: instance}}
        held._result_cache = by_owner.get(instance_key(instance), [])
        held._prefetch_done = True
        if not hasattr(instance, "_prefetched_objects_cache"):
            instance._prefetched_objects_cache = {}
        instance._prefetched_objects_cache[cache_name] = held


def related_rows(instance, name):
    """The rows of ``instance``'s many-valued relation ``name`` (its accessor, e.g.
    ``"stages"``): the prefetched ones when prefetched, read straight from the prefetch
    cache (``instance.stages.all()`` builds a related manager on every call only to
    return that same list), else ``getattr(instance, name).all()``. The same snapshot
    Django's manager would return: nothing here is kept beyond the prefetch itself."""
    try:
        return instance.__dict__["_prefetched_objects_cache"][name]
    except KeyError:
        return getattr(instance, name).all()
