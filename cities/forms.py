"""Forms of the cities admin that hold a domain rule over several rows at once.

:class:`RelationshipStageFormSet` is the stage inline under a relationship: the rows as
submitted are checked against each other (the stage order) and each against the
relationship's current stage as submitted (``RelationshipStage.clean``), so a change to
the current stage and to its stage rows in the same save is judged as a whole."""

from django.forms.models import BaseInlineFormSet

from utilities.partial_dates import PartialDate

from .choices import Stage
from .models import EARLIER, LATER, stage_order_error


def submitted_date(data):
    if data.get("date_year") is None:
        return None
    try:
        return PartialDate(data.get("date_year"), data.get("date_month"), data.get("date_day"))
    except (TypeError, ValueError):
        return None


class RelationshipStageFormSet(BaseInlineFormSet):
    """A stage's date may not come before the previous stage's (``stage_order_error``).
    RelationshipStage.clean() compares each row with the stages already saved; the rows of
    this formset are not saved yet, so they are compared with each other here, with the
    same message. The relationship's own check of its current stage against its stored
    rows is left to the rows as submitted (``Relationship.stage_rows_in_form``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The admin builds this formset (on the relationship being edited) before it
        # validates the relationship's own form.
        self.instance.stage_rows_in_form = True

    def clean(self):
        super().clean()
        self.drop_stale_errors()
        rows = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not data.get("stage"):
                continue
            date = submitted_date(data)
            if date is not None:
                rows.append((form, data["stage"], date))
        for form, stage, date in rows:
            for other_form, other_stage, other_date in rows:
                message = other_form is not form and stage_order_error(
                    stage, date, other_stage, other_date
                )
                if message:
                    if message not in form.errors.get("date_year", []):
                        form.add_error("date_year", message)
                    break

    def drop_stale_errors(self):
        """RelationshipStage.clean() compared each row with the stages as stored. When a
        stored stage is being changed or deleted in this same formset, that comparison is
        stale: drop it (the rows are compared as submitted above)."""
        stale = set()
        for form in self.initial_forms:
            data = getattr(form, "cleaned_data", {}) or {}
            if not (form.has_changed() or data.get("DELETE")):
                continue
            stored_stage = form.initial.get("stage")
            stored_date = submitted_date(form.initial)
            if not stored_stage or stored_date is None:
                continue
            for message in (EARLIER, LATER):
                stale.add(str(message % {"stage": Stage(stored_stage).label, "date": stored_date}))
        if not stale:
            return
        for form in self.forms:
            errors = form._errors.get("date_year") if form._errors else None
            if not errors:
                continue
            kept = [message for message in errors if message not in stale]
            if len(kept) == len(errors):
                continue
            if kept:
                form._errors["date_year"] = form.error_class(kept)
            else:
                del form._errors["date_year"]
                # The value itself was valid; only the stale comparison removed it.
                form.cleaned_data["date_year"] = form.instance.date_year
