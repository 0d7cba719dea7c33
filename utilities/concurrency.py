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
"""

from django.db import models
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

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._remember_loaded()
        return instance

    def refresh_from_db(self, *args, **kwargs):
        super().refresh_from_db(*args, **kwargs)
        self._remember_loaded()

    def _remember_loaded(self):
        deferred = self.get_deferred_fields()
        self._loaded_values = {
            field.attname: getattr(self, field.attname)
            for field in self._meta.concrete_fields
            if field.attname not in deferred
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
