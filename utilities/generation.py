"""The registry's generation: a number that every write to the registry raises.

The read cache (``operations.readcache``) keys every answer it keeps by the generation, and
the API's list validators (``utilities.api.conditional``) derive their ``ETag`` and
``Last-Modified`` from it, so a change on any path is seen by the very next request:

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
- **A row, read per request**: one primary-key look-up (a fraction of a millisecond), from
  the database the request reads its data from. Through the replica router a request reads
  one replica for the whole request (``operations.routers``), so the number and the data
  come from one, monotonic, replay of the primary; a client that has just written reads
  both from the primary (read-your-writes) and sees its write at once.
- The stamp is the number *and* the time it rose: a database restored from a backup (or a
  flushed test database) starts again from an older number, but never from the same time.

The row's model is ``settings.REGISTRY_GENERATION_MODEL``, found by name as Django finds
``AUTH_USER_MODEL``: ``utilities`` knows no app.

**Figures kept for a generation** (:func:`remembered`): a figure over the whole registry
that no index makes cheap (the home page's counts of 50,000 relationships) is computed once
per generation and kept in the cache under the generation's stamp. The stamp is read
*before* the figure is computed, so what is kept under a stamp is never older than the data
that stamp stands for; the first read after any write finds no figure under the new stamp
and computes it again.

Cost of a write: one more single-row UPDATE per saved record; the row stays locked until
the transaction ends, so registry writes commit one after another (a registry's few staff
writes, and the loader's one transaction, do not notice).
"""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection, connections, router
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.db.transaction import TransactionManagementError
from django.utils import timezone

ROW_ID = 1
LINK_ACTIONS = {"post_add", "post_remove", "post_clear"}


@dataclass(frozen=True)
class Generation:
    """The generation as a request read it."""

    value: int
    changed: datetime | None

    @property
    def stamp(self):
        """The number and the time it rose, as text (``"42.1764567890123456"``)."""
        moment = int(self.changed.timestamp() * 1_000_000) if self.changed else 0
        return f"{self.value}.{moment}"


def generation_model():
    return apps.get_model(settings.REGISTRY_GENERATION_MODEL)


def current(using=None):
    """The generation, read from ``using`` (by default the database the router reads the
    generation from: a request's replica, or the primary)."""
    model = generation_model()
    rows = list(
        model._base_manager.using(using or router.db_for_read(model))
        .filter(pk=ROW_ID)
        .values_list("value", "changed")[:1]
    )
    return Generation(*rows[0]) if rows else Generation(0, None)


# The databases whose raise is held back by :func:`raised_once` in this thread or task:
# ``None`` outside it, else a set of aliases (a context variable, so threads and tasks of
# one process never share it).
_held_back = ContextVar("registry_generation_held_back", default=None)


def bump(using=None):
    """Raise the generation, in the current transaction of ``using`` (the primary)."""
    model = generation_model()
    using = using or router.db_for_write(model)
    held_back = _held_back.get()
    if held_back is not None:
        held_back.add(using)
        return
    now = timezone.now()
    manager = model._base_manager.using(using)
    if not manager.filter(pk=ROW_ID).update(value=F("value") + 1, changed=now):
        manager.get_or_create(pk=ROW_ID, defaults={"value": 1, "changed": now})


@contextmanager
def raised_once():
    """Within this block, in a transaction, writes raise the generation once, at its end.

    For a command that writes hundreds of records in one transaction (``load_registry``):
    each save's signal would update the one generation row again (about a quarter of the
    loader's statements). The raise at the end is in the same transaction as the data, so
    readers see both at the commit or neither. Also after an exception, when the
    transaction can still commit (a caller that catches the error and commits must not keep
    answers of the old data)."""
    if not connection.in_atomic_block:
        raise TransactionManagementError("raised_once() needs a transaction (atomic).")
    if _held_back.get() is not None:  # already inside one: the outer block raises
        yield
        return
    token = _held_back.set(set())
    try:
        yield
    finally:
        aliases = _held_back.get()
        _held_back.reset(token)
        for alias in sorted(aliases):
            if not connections[alias].needs_rollback:
                bump(alias)


def watched_models():
    """The registry's models: every model that keeps its history."""
    return [
        model
        for model in apps.get_models()
        if hasattr(model._meta, "simple_history_manager_attribute")
    ]


def _record_changed(sender, using=None, **kwargs):
    bump(using)


def _links_changed(sender, action, using=None, **kwargs):
    if action in LINK_ACTIONS and sender in _watched_links:
        bump(using)


_watched_links = set()


def watch_registry():
    """Connect the signals that raise the generation (``AppConfig.ready``)."""
    watched = watched_models()
    for model in watched:
        label = model._meta.label_lower
        post_save.connect(_record_changed, sender=model, dispatch_uid=f"generation.save.{label}")
        post_delete.connect(
            _record_changed, sender=model, dispatch_uid=f"generation.delete.{label}"
        )
    # The links of a registry record, from either side (``citation.relationships.add``).
    for model in apps.get_models():
        for field in model._meta.many_to_many:
            if model in watched or field.related_model in watched:
                _watched_links.add(field.remote_field.through)
    m2m_changed.connect(_links_changed, dispatch_uid="generation.links")


# How long a remembered figure is kept at most: after a write nobody asks for it again, so
# this only bounds the memory old generations take.
REMEMBER_SECONDS = 24 * 60 * 60


def remembered(name, compute, request=None):
    """``compute()`` once per generation: kept in the cache under ``name`` and the stamp of
    the generation (the one the request has read already, ``request.registry_generation``,
    else read now, before computing). ``compute`` must read only registry records and
    return something picklable and never None."""
    read = getattr(request, "registry_generation", None) or current()
    key = f"generation:{name}:{read.stamp}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, REMEMBER_SECONDS)
    return value
