"""History rows for link changes: one row per change, holding the links as they end up.

django-simple-history writes a history row for every ``m2m_changed`` signal: a save
followed by setting its citations and fields of cooperation gives three rows, the first of
them with the old links, and adding a link that is already there gives one more.
:class:`RegistryHistory` writes rows the way ``utilities.concurrency`` counts versions:

- a link change that really changes the set of links, and only such a change, is recorded;
- links changed after a save in the same transaction (the same admin form, API write,
  import row or loader record) are written into that save's history row, which then holds
  the final links; a link-only change writes one row of its own, with the raised version;
- links changed from the other side (``citation.relationships.add(...)``) are recorded on
  each record whose links changed.
"""

from django.dispatch import receiver
from simple_history.models import HistoricalRecords
from simple_history.signals import post_create_historical_record

from .concurrency import VersionedModel


class RegistryHistory(HistoricalRecords):
    """``HistoricalRecords`` for registry records whose many-to-many links are tracked."""

    def m2m_changed(self, instance, action, attr, pk_set, reverse, **kwargs):
        if action not in ("post_add", "post_remove", "post_clear"):
            return
        owners = instance.__dict__.pop("_links_owners", None)
        if owners is None:  # not a versioned record: as simple-history does it
            if not reverse:
                super().m2m_changed(instance, action, attr, pk_set, reverse, **kwargs)
            return
        for owner in owners:
            if hasattr(owner, "skip_history_when_saving"):
                continue
            row = owner.__dict__.get("_open_history")
            if row is not None and getattr(owner, "_change_open", False):
                self.rewrite_links(row, owner)
            else:
                self.create_historical_record(owner, "~")

    def rewrite_links(self, row, instance):
        """The links of history ``row`` replaced by those ``instance`` has now."""
        for field in row._history_m2m_fields:
            self.m2m_models[field].objects.filter(history=row).delete()
        self.create_historical_record_m2ms(row, instance)


@receiver(post_create_historical_record, dispatch_uid="utilities.history.remember_row")
def _remember_row(sender, instance, history_instance, **kwargs):
    """The history row of the change now open on ``instance``: links set later in the same
    transaction are written into it."""
    if isinstance(instance, VersionedModel) and history_instance.history_type != "-":
        instance._open_history = history_instance  # dropped when the change closes
