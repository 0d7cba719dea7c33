"""Optimistic concurrency and quiet no-op saves for every registry record.

:class:`VersionedModel` gives a model a ``version`` number that every real change raises by
one, written with a conditional UPDATE (``… WHERE id = %s AND version = %s``): a record
loaded before someone else saved it cannot be saved over their change; the save raises
:class:`StaleRecord` instead. The admin (``utilities.admin.concurrency``) and the API
(``utilities.api.conditional``) turn that into a refused form and a ``412`` before it comes
to that; import, the loader and commands meet it at the model.

A save that changes no field of a record loaded from the database writes nothing: no
UPDATE, no new ``version`` or ``last_updated``, and so no history row (simple-history
writes its row on ``post_save``, which is not sent).

A plain field and a conditional UPDATE rather than django-concurrency: the same few lines
work on SQLite and PostgreSQL (no triggers), the number travels in forms, ETags and
history rows as it is, and the no-op rule needs the loaded values anyway.

**Links are changes too.** Adding, removing or clearing many-to-many links (citations,
fields of cooperation, participating places) raises the version and ``last_updated`` of
the record they belong to, with the same conditional UPDATE, when the set of links really
changes (adding a link already there, or setting the same set, changes nothing). A save
and the link changes that follow it in the same transaction (an admin form, an API write,
an import row, the loader) are **one change**: the version rises once, and
``utilities.history`` writes one history row holding the final links. The change stays
open on the instance until the transaction commits; outside a transaction every write is
its own change.
"""

from functools import cache

from django.db import models, transaction
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Fields a no-op comparison ignores: they follow a change, they are not one.
BOOKKEEPING = {"version", "last_updated"}


class StaleRecord(Exception):
    """The record was changed by someone else since it was loaded (or expected)."""

    def __init__(self, instance, expected):
        self.instance = instance
        self.expected = expected
        super().__init__(
            f"{type(instance).__name__} {instance.pk}: version {expected} is no longer current"
        )


def stored_version(instance):
    """The version of the record as stored now, or None when it is not stored."""
    if instance.pk is None:
        return None
    return (
        type(instance)
        ._base_manager.filter(pk=instance.pk)
        .values_list("version", flat=True)
        .first()
    )


class VersionedModel(models.Model):
    """A ``version`` raised by every change, checked by a conditional UPDATE."""

    version = models.PositiveIntegerField(
        verbose_name=_("版本"),
        default=1,
        editable=False,
        help_text=_("每次修改加一；用于发现他人同时所做的修改。"),
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        forced = kwargs.get("force_insert") or kwargs.get("force_update")
        if not forced and update_fields is None and self.changed_fields() == []:
            return  # nothing changed: no write, no new version, no history row
        if self.pk is not None and not self._state.adding and not kwargs.get("force_insert"):
            expected = getattr(self, "_expected_version", None)
            self._version_check = expected
            if expected is None:
                # Not loaded from the database (a fixture, a history version being
                # reverted): it follows whatever is stored.
                expected = stored_version(self)
            if expected is not None:
                self.version = expected + 1
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "version"}
        try:
            super().save(*args, **kwargs)
        finally:
            self._version_check = None
        self._remember_loaded()
        self._open_change()

    def links_changed(self):
        """Raise the version for a change to this record's many-to-many links, unless this
        change already raised it (the save before it in the same transaction). Called
        before the links are written; raises :class:`StaleRecord` over a newer version."""
        if self.pk is None or self._state.adding or getattr(self, "_change_open", False):
            return
        expected = getattr(self, "_expected_version", None)
        if expected is None:
            expected = stored_version(self)
        values = {"version": expected + 1}
        if any(field.name == "last_updated" for field in self._meta.concrete_fields):
            values["last_updated"] = timezone.now()
        updated = type(self)._base_manager.filter(pk=self.pk, version=expected).update(**values)
        if not updated:
            raise StaleRecord(self, expected)
        loaded = getattr(self, "_loaded_values", None)
        for name, value in values.items():
            setattr(self, name, value)
            if loaded is not None:
                loaded[name] = value
        self._expected_version = values["version"]
        self._open_change()

    def _open_change(self):
        """Links set after this write, until the transaction commits, belong to it."""
        connection = transaction.get_connection(self._state.db or "default")
        if not connection.in_atomic_block:
            self._close_change()
            return
        if not getattr(self, "_change_open", False):
            self._change_open = True
            transaction.on_commit(self._close_change, using=self._state.db)

    def _close_change(self):
        self._change_open = False
        self.__dict__.pop("_open_history", None)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._remember_loaded()
        return instance

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)
        loaded = getattr(self, "_loaded_values", None)
        if fields is None or loaded is None:
            self._remember_loaded()
            return
        # Only the fields read now (a deferred field on first access): the others keep
        # the values they were loaded with, so an edit made before is still a change, and
        # the version a form expects (``expect_version``) is kept.
        for name in fields:
            attname = self._meta.get_field(name).attname
            if attname in self.__dict__:
                loaded[attname] = self.__dict__[attname]
        if "version" in loaded and any(
            self._meta.get_field(name).name == "version" for name in fields
        ):
            self._expected_version = loaded["version"]

    def _remember_loaded(self):
        # The stored values, read from the instance's dict (a field left unloaded is not
        # in it): a field's descriptor may make an object of its value (django-countries
        # a Country), and this runs for every row every page reads. Such an object
        # compares equal to its stored value (``changed_fields``).
        values = self.__dict__
        self._loaded_values = {
            attname: values[attname] for attname in stored_attnames(type(self)) if attname in values
        }
        self._expected_version = self._loaded_values.get("version")

    def expect_version(self, version):
        """Save only over this version (the one a form or an ``If-Match`` was based on)."""
        self._expected_version = int(version)

    def changed_fields(self):
        """The concrete fields whose value differs from the one loaded, or None when the
        record was not loaded from the database (then every field counts as changed)."""
        loaded = getattr(self, "_loaded_values", None)
        if loaded is None or self._state.adding:
            return None
        changed = []
        for field in self._meta.concrete_fields:
            if field.primary_key or field.name in BOOKKEEPING:
                continue
            if field.attname not in loaded:
                return None  # deferred when loaded: cannot tell
            if getattr(self, field.attname) != loaded[field.attname]:
                changed.append(field.name)
        return changed

    def _do_update(self, base_qs, using, pk_val, values, update_fields, forced_update):
        expected = getattr(self, "_version_check", None)
        if expected is None:
            return super()._do_update(base_qs, using, pk_val, values, update_fields, forced_update)
        updated = super()._do_update(
            base_qs.filter(version=expected), using, pk_val, values, update_fields, forced_update
        )
        if not updated and base_qs.filter(pk=pk_val).exists():
            self.version = expected
            raise StaleRecord(self, expected)
        return updated


@cache
def stored_attnames(model):
    """The attribute names of ``model``'s stored (concrete) fields, read once per model:
    every row of every page is remembered with them."""
    return tuple(field.attname for field in model._meta.concrete_fields)


def _linked(field, *, source=None, target=None, among="all"):
    """Which of ``among`` (ids, or "all") are linked through ``field`` now: the targets
    linked to ``source``, or the sources linked to ``target``."""
    rows = field.remote_field.through._base_manager.all()
    source_id, target_id = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
    if source is not None:
        rows, other = rows.filter(**{source_id: source}), target_id
    else:
        rows, other = rows.filter(**{target_id: target}), source_id
    if among != "all":
        rows = rows.filter(**{f"{other}__in": among})
    return set(rows.values_list(other, flat=True))


def links_field(through, model):
    return next(f for f in model._meta.many_to_many if f.remote_field.through is through)


@receiver(m2m_changed, dispatch_uid="utilities.concurrency.links_changing")
def links_changing(sender, instance, action, reverse, model, pk_set, **kwargs):
    """Before links are written: the records whose set of links really changes raise their
    version (``VersionedModel.links_changed``). They are kept on ``instance`` as
    ``_links_owners`` for the history (``utilities.history``), written after."""
    if action not in ("pre_add", "pre_remove", "pre_clear"):
        return
    owners = []
    if not reverse and isinstance(instance, VersionedModel):
        field = links_field(sender, type(instance))
        if action == "pre_add":
            changes = bool(pk_set)  # Django has already dropped the links that exist
        else:
            among = "all" if action == "pre_clear" else pk_set
            changes = bool(among) and bool(_linked(field, source=instance.pk, among=among))
        owners = [instance] if changes else []
    elif reverse and issubclass(model, VersionedModel):
        field = links_field(sender, model)
        if action == "pre_add":
            ids = set(pk_set or ())
        else:
            among = "all" if action == "pre_clear" else pk_set
            ids = _linked(field, target=instance.pk, among=among)
        owners = list(model._base_manager.filter(pk__in=ids)) if ids else []
    else:
        return
    for owner in owners:
        owner.links_changed()
    instance._links_owners = owners
