"""The registry's generation: a number that every write to the registry raises; and beside
it a generation for each of the registry's tables, raised by the writes to that table.

The read cache (``operations.readcache``) keys every answer it keeps by the registry's
generation, and the API's list validators (``utilities.api.conditional``) derive their
``ETag`` and ``Last-Modified`` from it, so a change on any path is seen by the very next
request:

- ``post_save`` and ``post_delete`` of every model that keeps history (every registry
  model) and ``m2m_changed`` of the links that touch one raise it (:func:`watch_registry`,
  connected when the apps are ready). The admin's forms, inlines and delete actions, the
  import, the API, the history revert and ``loaddata`` all save through the ORM.
- Writes that send no signal (``bulk_create``, ``QuerySet.update``, raw deletes, a restored
  database) call :func:`bump` themselves: ``seed_scale``, ``load_registry``, ``restore``.

Why a row in the database, raised in the writing transaction, and read once per request:

- **In the same transaction** as the data (an ``UPDATE … SET value = value + 1`` from the
  signal): the new number becomes visible to other connections at the commit that makes the
  data visible, never before. A reader that sees the new number reads its data afterwards,
  so it sees the change; a reader that still saw the old number may keep what it rendered
  under the old number, which nobody asks for any more. Raising the number after the commit
  (``on_commit``) would leave a window for a crash to lose the raise; a cache key bumped in
  Redis would not reach the per-process memory caches of other workers or commands.
- **A row, read per request**: one query of a table of a few dozen rows (a fraction of a
  millisecond), from the database the request reads its data from. Through the replica
  router a request reads one replica for the whole request (``operations.routers``), so the
  number and the data come from one, monotonic, replay of the primary; a client that has
  just written reads both from the primary (read-your-writes) and sees its write at once.
- The stamp is the number *and* the time it rose: a database restored from a backup (or a
  flushed test database) starts again from an older number, but never from the same time.

The rows' model is ``settings.REGISTRY_GENERATION_MODEL``, found by name as Django finds
``AUTH_USER_MODEL``: ``utilities`` knows no app.

**Figures kept for a generation** (:func:`remembered`): a figure over the whole registry
that no index makes cheap (the home page's counts of 50,000 relationships) is computed once
per generation and kept in the cache under the generation's stamp (or, below, the stamps of
the tables it reads). The stamp is read *before* the figure is computed, so what is kept
under a stamp is never older than the data that stamp stands for; the first read after a
write finds no figure under the new stamp and computes it again.

**Per table.** Most writes (an exchange, an award, a step, a citation) cannot change most
figures (the relationships' order, the home page's counts), so a figure is kept under the
stamps of the tables it reads alone, and made again only after a write to one of them. Each
write raises, besides the registry's generation, the generation of every table it wrote
(:func:`tables_written`):

- a save, the model's tables (its own and those of the models it inherits from); what its
  ``save()`` writes besides, without a signal, it raises itself where it writes it
  (:func:`bump` with ``tables``: an alias's save rewrites its place's search keys);
- a delete, those and the tables of every model a cascade from it may write without a
  signal (rows deleted in bulk, keys set to null, link rows);
- a link change, the link table and the table of the record that owns the links (its
  ``version`` and ``last_updated``, ``utilities.concurrency``);
- a write that names no table (:func:`bump` without ``tables``: ``bulk_create``,
  ``QuerySet.update``, a restored database) raises the generation of *every* table: one
  row, ``EVERY_TABLE``, whose stamp is part of every table's.

A table never written in a database has no row and the stamp ``0.0`` (the migration writes
``EVERY_TABLE``'s, so a flushed database never meets its old stamps).

**Figures learn their tables** (:func:`remembered`): a figure's computation is watched as
it runs (an ``execute_wrapper`` on every connection), and the tables its SQL names are the
tables it reads (:func:`tables_read`). The figure is kept under the stamps of those tables,
and the tables are remembered under the figure's name (a hint, so the next read knows which
stamps to look up). Nobody lists a figure's tables by hand, so a later change to what a
computation reads cannot leave a figure stale: the next computation learns the new tables,
and a new release of the code keeps its figures apart (:func:`code_version`). A figure is
correct under its key whatever hint led to it: the key holds the tables and their stamps,
and a computation given the same rows of the same tables returns the same figure (the rows
of a query that only reads project tables and not the clock depend on those tables and its
parameters; which query runs next, with which parameters, depends only on the rows before).
A figure made of figures (a nested ``remembered``) reads their tables too, kept or made, and
is kept under the same stamps. A computation whose SQL reads from anything but the
registry's tables, reads the clock, writes, or runs no query at all is kept, as before,
under the registry's generation.

A stale figure is the worst fault a cache can have, so a figure is kept per table only when
its tables are certain. What SQL cannot show is the caller's to keep out: ``compute`` must
take every record it depends on from its own queries (or nested figures), as a record read
before, outside it, is an input no query shows (a figure over ``place``'s records reads the
places' table itself); and a value computed in Python (the day) goes in the figure's name.
It must return its rows, not a query still to run (refused: it would run unwatched).

Cost of a write: two UPDATEs per saved record (the registry's row, then its tables' rows,
in that order: a transaction holds a table's row only while it holds the registry's, so
two writers never wait for each other's rows crosswise). The rows stay locked until the
transaction ends, so registry writes commit one after another (a registry's few staff
writes, and the loader's one transaction, do not notice).
"""

import hashlib
import os
import re
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache as once
from functools import lru_cache

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection, connections, router, transaction
from django.db.models import F, QuerySet
from django.db.models.query import RawQuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.db.transaction import TransactionManagementError
from django.dispatch import Signal
from django.utils import timezone

from utilities.lookups import KeptQuery

# The registry's own row names no table; ``EVERY_TABLE``'s is raised by a write that names
# none (no table is called either).
REGISTRY = ""
EVERY_TABLE = "*"
LINK_ACTIONS = {"post_add", "post_remove", "post_clear"}

# Sent once the transaction that raised the generation has committed (at once outside a
# transaction), with ``using``: its writes are then what every reader sees
# (``operations.warming`` makes the heaviest figures again for them).
committed = Signal()


def stamp_of(value, changed):
    """A generation's number and the time it rose, as text (``"42.1764567890123456"``)."""
    moment = int(changed.timestamp() * 1_000_000) if changed else 0
    return f"{value}.{moment}"


@dataclass(frozen=True)
class Generation:
    """The generation as a request read it, and its tables' ``{table: (value, changed)}``."""

    value: int
    changed: datetime | None
    tables: dict = field(default_factory=dict, hash=False)

    @property
    def stamp(self):
        """The registry's number and the time it rose, as text."""
        return stamp_of(self.value, self.changed)

    def tables_stamp(self, tables):
        """The stamps of ``tables`` and of ``EVERY_TABLE``, as text: the same until a write
        to one of them (or one that named no table)."""
        return " ".join(
            f"{table}={stamp_of(*self.tables.get(table, (0, None)))}"
            for table in [EVERY_TABLE, *sorted(set(tables))]
        )


def generation_model():
    return apps.get_model(settings.REGISTRY_GENERATION_MODEL)


@once
def generations_query(model):
    """The query of every generation row (``current``), built and compiled once per process:
    every request reads it, and building it cost as much as running it."""
    return KeptQuery(model._base_manager.values_list("table", "value", "changed"))


def current(using=None):
    """The generation and its tables', in one query, read from ``using`` (by default the
    database the router reads the generation from: a request's replica, or the primary)."""
    rows = generations_query(generation_model()).rows(using)
    tables = {table: (value, changed) for table, value, changed in rows}
    return Generation(*tables.pop(REGISTRY, (0, None)), tables=tables)


def tables_of(*models):
    """The tables the rows of ``models`` are stored in: each model's own and those of the
    models it inherits from (a save writes them all; a proxy's are its concrete model's)."""
    return frozenset(
        kind._meta.db_table
        for model in models
        for kind in (model._meta.concrete_model, *model._meta.get_parent_list())
    )


# The tables whose raise is held back by :func:`raised_once` in this thread or task:
# ``None`` outside it, else {alias: set of tables} (a context variable, so threads and tasks
# of one process never share it).
_held_back = ContextVar("registry_generation_held_back", default=None)


def bump(using=None, tables=None):
    """Raise the registry's generation and that of ``tables`` (by default every table's), in
    the current transaction of ``using`` (the primary)."""
    model = generation_model()
    using = using or router.db_for_write(model)
    tables = {EVERY_TABLE} if tables is None else set(tables)
    held_back = _held_back.get()
    if held_back is not None:
        held_back.setdefault(using, set()).update(tables)
        return
    now = timezone.now()
    manager = model._base_manager.using(using)
    raise_ = {"value": F("value") + 1, "changed": now}
    # The registry's row first: whoever holds a table's row holds it (see the docstring).
    if not manager.filter(table=REGISTRY).update(**raise_):
        manager.get_or_create(table=REGISTRY, defaults={"value": 1, "changed": now})
    tables = sorted(tables)
    if tables and manager.filter(table__in=tables).update(**raise_) < len(tables):
        # A table first written in this database: its row, then raised (again, for those
        # raised already: harmless; a row another writer has just made is raised too). A
        # conflict on anything but the table's name is an error, never a lost raise.
        manager.bulk_create(
            [model(table=table, value=0, changed=now) for table in tables],
            update_conflicts=True,
            unique_fields=["table"],
            update_fields=["changed"],
        )
        manager.filter(table__in=tables).update(**raise_)
    transaction.on_commit(
        lambda: committed.send(sender=model, using=using), using=using, robust=True
    )


@contextmanager
def raised_once():
    """Within this block, in a transaction, writes raise the generation once, at its end,
    and each table they wrote once.

    For a command that writes hundreds of records in one transaction (``load_registry``):
    each save's signal would update the generation's rows again (about a quarter of the
    loader's statements). The raise at the end is in the same transaction as the data, so
    readers see both at the commit or neither. Also after an exception, when the
    transaction can still commit (a caller that catches the error and commits must not keep
    answers of the old data)."""
    if not connection.in_atomic_block:
        raise TransactionManagementError("raised_once() needs a transaction (atomic).")
    if _held_back.get() is not None:  # already inside one: the outer block raises
        yield
        return
    token = _held_back.set({})
    try:
        yield
    finally:
        written = _held_back.get()
        _held_back.reset(token)
        for alias in sorted(written):
            if not connections[alias].needs_rollback:
                bump(alias, written[alias])


def watched_models():
    """The registry's models: every model that keeps its history."""
    return [
        model
        for model in apps.get_models()
        if hasattr(model._meta, "simple_history_manager_attribute")
    ]


_watched_links = set()


def tables_written(model, deleted=False):
    """The tables a save (or a delete) of a ``model`` record writes: its own, and for a
    delete those of every model a cascade from it may write without a signal: rows deleted in bulk (link rows
    among them), keys set to null, and theirs in turn. Deleted rows that send a signal
    raise their own tables too; these are only what no signal tells."""
    written = set(tables_of(model))
    if deleted:
        written |= _cascade_tables(model)
    return frozenset(written)


@once
def _cascade_tables(model):
    """The tables of the models whose keys point at ``model``, and at those, and so on (the
    link tables' rows point at both their records)."""
    tables, seen, waiting = set(), {model}, [model]
    while waiting:
        for relation in waiting.pop()._meta.get_fields(include_hidden=True):
            # A reverse foreign key (a link table's among them); a reverse many-to-many
            # names the model that declares the links, whose rows a delete leaves alone.
            if relation.auto_created and not relation.concrete and not relation.many_to_many:
                other = relation.related_model
                tables |= tables_written(other)
                if other not in seen:
                    seen.add(other)
                    waiting.append(other)
    return frozenset(tables)


def _record_saved(sender, using=None, **kwargs):
    bump(using, tables_written(sender))


def _record_deleted(sender, using=None, **kwargs):
    bump(using, tables_written(sender, deleted=True))


def _links_changed(sender, action, instance, reverse, model, using=None, **kwargs):
    if action in LINK_ACTIONS and sender in _watched_links:
        owner = model if reverse else type(instance)  # the model that declares the links
        bump(using, tables_of(sender) | tables_written(owner))


def watch_registry():
    """Connect the signals that raise the generation (``AppConfig.ready``)."""
    watched = watched_models()
    for model in watched:
        label = model._meta.label_lower
        post_save.connect(_record_saved, sender=model, dispatch_uid=f"generation.save.{label}")
        post_delete.connect(
            _record_deleted, sender=model, dispatch_uid=f"generation.delete.{label}"
        )
    # The links of a registry record, from either side (``citation.relationships.add``).
    for model in apps.get_models():
        for many in model._meta.many_to_many:
            if model in watched or many.related_model in watched:
                _watched_links.add(many.remote_field.through)
    m2m_changed.connect(_links_changed, dispatch_uid="generation.links")


# How long a remembered figure is kept at most: after a write nobody asks for it again, so
# this only bounds the memory old generations take.
REMEMBER_SECONDS = 24 * 60 * 60


@once
def registry_tables():
    """``(every table of the project, the registry's tables)``: the registry's are those of
    the models whose writes raise the generation, and their many-to-many links."""
    watched = set(watched_models())
    everything, registry = set(), set()
    for model in apps.get_models(include_auto_created=True):
        everything.add(model._meta.db_table)
        if model in watched:
            registry.add(model._meta.db_table)
        for many in model._meta.local_many_to_many:
            if model in watched or many.related_model in watched:
                registry.add(many.remote_field.through._meta.db_table)
    return frozenset(everything), frozenset(registry)


@once
def _table_names():
    """Any of the project's tables named in SQL, quoted or not, in any case (a whole word:
    ``cities_place`` is not in ``cities_placealias`` nor in ``cities_place_id``)."""
    names = sorted(registry_tables()[0], key=len, reverse=True)
    alternatives = "|".join(map(re.escape, names))
    return re.compile(rf"\b(?:{alternatives})\b", re.I)


# What a computation may run: reads, and a transaction's statements around them.
READING = re.compile(
    r"\s*\(*\s*(?:SELECT|WITH|SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO|BEGIN)\b", re.I
)
# A statement that writes, wherever in it (``WITH gone AS (DELETE … RETURNING …) SELECT``),
# or locks (``SELECT … FOR UPDATE``).
WRITING = re.compile(r"\b(?:INSERT|UPDATE|DELETE|MERGE|TRUNCATE|CREATE|ALTER|DROP|COPY)\b", re.I)
# SQL whose rows depend on the moment it runs, not only on the stored rows.
CLOCK_WORDS = ("CURRENT_", "NOW(", "STATEMENT_TIMESTAMP", "LOCALTIME", "'NOW'")
# What rows are read from: the name after FROM or JOIN, quoted or not; not a subquery nor
# a function's rows (``unnest(…)``).
SOURCE = re.compile(r'\b(?:FROM|JOIN)\s+(?:"([^"]+)"|(\w+)\b)(?!\s*\()', re.I)
# The names a WITH defines (``"__up" ("node", …) AS (``, ``found AS MATERIALIZED (``).
DEFINED = re.compile(
    r'(?:"([^"]+)"|(\w+))\s*(?:\([^()]*\))?\s+AS\s+(?:NOT\s+)?(?:MATERIALIZED\s+)?\(', re.I
)


@lru_cache(maxsize=512)  # a list's SQL is read for its key on every request
def tables_read(sql):
    """The registry's tables ``sql`` names, subqueries included, when the rows it returns
    depend on what is stored in them alone, as far as its text shows: it only reads, every
    name it reads rows from is one of the project's tables (or its own WITH's), each of
    them the registry's, and it does not read the database's clock. Else None.

    What the text cannot show is the caller's to avoid (``remembered``): a moment or other
    value computed in Python and passed as a parameter."""
    if (
        not READING.match(sql)
        or WRITING.search(sql)
        or any(word in sql.upper() for word in CLOCK_WORDS)
    ):
        return None
    everything, registry = registry_tables()
    defined = {(quoted or bare).lower() for quoted, bare in DEFINED.findall(sql)}
    sources = {(quoted or bare).lower() for quoted, bare in SOURCE.findall(sql)} - defined
    if not sources <= everything:  # a view, a table Django does not know: not certain
        return None
    named = frozenset(name.lower() for name in _table_names().findall(sql))
    return named if named <= registry else None


class _Reads:
    """The tables a figure's computation has read so far; ``tables`` None once it has read
    something that is not only registry tables. ``generation``: the stamps it is kept
    under, which the figures inside it are kept under too."""

    def __init__(self, generation):
        self.generation = generation
        self.tables = set()

    def add(self, tables):
        if tables is None or self.tables is None:
            self.tables = None
        else:
            self.tables |= tables

    def __call__(self, execute, sql, params, many, context):
        self.add(tables_read(str(sql)))
        return execute(sql, params, many, context)


# The figures being computed in this thread or task, outermost first (a context variable,
# as ``_held_back``): what a figure reads, kept or made, its enclosing figures read too.
_computing = ContextVar("registry_figures_computing", default=())


def _reads_seen(tables):
    for reads in _computing.get():
        reads.add(tables)


def _learned(compute, read):
    """``compute()`` and the tables it read (None: not only registry tables, or none)."""
    reads = _Reads(read)
    token = _computing.set((*_computing.get(), reads))
    try:
        with ExitStack() as watching:
            for alias in connections:
                watching.enter_context(connections[alias].execute_wrapper(reads))
            value = _evaluated(compute())
    finally:
        _computing.reset(token)
    return value, (frozenset(reads.tables) if reads.tables else None)


def with_generation(request):
    """``request`` (Django's, or DRF's around it), with the registry's generation read once
    for every figure the request keeps for it (``remembered``); the read cache may have
    read it already."""
    request = getattr(request, "_request", request)
    if getattr(request, "registry_generation", None) is None:
        request.registry_generation = current()
    return request


def _names(table_or_model):
    return [table_or_model] if isinstance(table_or_model, str) else tables_of(table_or_model)


# The project's own files whose change can change what a computation returns.
CODE_SUFFIXES = (".py", ".html", ".mo")
NOT_CODE = {".git", ".venv", "node_modules", "__pycache__", "media", "staticfiles"}


@once
def code_version():
    """The project's code as this process runs it (its files' names, sizes and times): a
    figure kept by one release is not read by the next (a release may compute it otherwise
    from the same tables), though the cache (Redis) outlives them both."""
    digest = hashlib.sha256()
    for folder, subfolders, files in os.walk(settings.BASE_DIR):
        subfolders[:] = sorted(name for name in subfolders if name not in NOT_CODE)
        for name in sorted(files):
            if name.endswith(CODE_SUFFIXES):
                found = os.stat(os.path.join(folder, name))
                digest.update(f"{folder}/{name}:{found.st_size}:{found.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:12]


def _key(name, read, tables):
    """Where the figure ``name`` is kept: under its tables' stamps, else the registry's."""
    if tables is None:
        return f"generation:{code_version()}:{name}:{read.stamp}"
    stamps = hashlib.sha256(read.tables_stamp(tables).encode()).hexdigest()[:32]
    return f"generation:{code_version()}:{name}:tables:{stamps}"


def _evaluated(value):
    """``value``, refused if it is still to be read: it would be read when it is kept, after
    its computation is watched (and again from every copy)."""
    if isinstance(value, QuerySet | RawQuerySet | Iterator):
        raise TypeError(f"remembered: compute() returned {type(value).__name__}, not its rows.")
    return value


# The hints this process has learned or read, so that a figure kept is one look-up in the
# cache, not two (a hint only leads to a key: one from another process is as good).
_hints = {}
HINTS_KEPT = 10_000


def _kept(name, read, hint):
    """``(figure, its tables)`` kept under the stamps of the tables ``hint`` names, this
    process's hint first, then the cache's; None if neither leads to one."""
    own = _hints.get(hint)
    if own is not None:
        value = cache.get(_key(name, read, own or None))
        if value is not None:
            return value, own
    shared = cache.get(hint)
    if shared is not None and shared != own:
        value = cache.get(_key(name, read, shared or None))
        if value is not None:
            _hints[hint] = shared
            return value, shared
    return None


def remembered(name, compute, request=None, tables=None):
    """``compute()`` once per generation of the tables it reads: kept in the cache under
    ``name`` and the stamps of those tables (learned by watching its SQL, see the module's
    docstring), else of the registry. The stamps are those of the figure being made around
    this one, else those the request has read already (``with_generation``), else read now,
    before computing. ``compute`` must take the records it depends on from its own queries
    (or figures) and nothing else from outside (the day, a record read before: put such
    values in ``name``), and return something picklable, evaluated and never None.

    ``tables``: when the caller knows them from the one query ``compute`` runs (a list's
    ids, ``utilities.pagination``), every table it reads, as names or models: nothing is
    learned then."""
    computing = _computing.get()
    if computing:  # one figure's stamps for it and the figures inside it
        read = computing[-1].generation
    elif request is not None:
        read = with_generation(request).registry_generation
    else:
        read = current()
    if tables is not None:
        tables = frozenset(table for item in tables for table in _names(item)) or None
        key = _key(name, read, tables)
        value = cache.get(key)
        if value is None:
            value = _evaluated(compute())
            cache.set(key, value, REMEMBER_SECONDS)
        _reads_seen(tables)
        return value
    # What the last computation of this figure read (a hint: see the docstring); an empty
    # set stands for the registry's generation (the cache cannot keep None).
    hint = f"generation:{code_version()}:reads:{name}"
    found = _kept(name, read, hint)
    if found is not None:
        value, tables = found
        _reads_seen(tables or None)
        return value
    value, learned = _learned(compute, read)
    cache.set_many(
        {_key(name, read, learned): value, hint: learned or frozenset()}, REMEMBER_SECONDS
    )
    if len(_hints) >= HINTS_KEPT:
        _hints.clear()
    _hints[hint] = learned or frozenset()
    _reads_seen(learned)
    return value
