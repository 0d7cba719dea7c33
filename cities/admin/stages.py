"""Admin for relationship stages (intent, agreement, in force, ended) with their dates:
the inline under a relationship, whose rows are checked against each other before they
are saved, and the stand-alone list."""

from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from offices.admin_mixins import EditableFilter, OfficeInlineMixin, RegistryAdmin
from utilities.admin.display import admin_link, label, partial_date_column
from utilities.admin.filters import chinese_place_filter, year_filter
from utilities.partial_dates import PartialDate

from ..choices import Stage
from ..models import RelationshipStage
from ..resources import EARLIER, LATER, RelationshipStageResource, stage_order_error


class StageInlineFormSet(BaseInlineFormSet):
    """A stage's date may not come before the previous stage's. RelationshipStage.clean()
    compares with the stages already saved; the rows of this formset are not saved yet,
    so they are compared with each other here, with the same message."""

    def clean(self):
        super().clean()
        self.drop_stale_errors()
        rows = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not data.get("stage"):
                continue
            if data.get("date_year") is None:
                continue
            try:
                date = PartialDate(
                    data.get("date_year"), data.get("date_month"), data.get("date_day")
                )
            except (TypeError, ValueError):
                continue
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
            try:
                stored_date = PartialDate(
                    form.initial.get("date_year"),
                    form.initial.get("date_month"),
                    form.initial.get("date_day"),
                )
            except (TypeError, ValueError):
                continue
            if not stored_stage or form.initial.get("date_year") is None:
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


class RelationshipStageInline(OfficeInlineMixin, admin.TabularInline):
    model = RelationshipStage
    formset = StageInlineFormSet
    fields = ["stage", "date_year", "date_month", "date_day", "document", "citations"]
    autocomplete_fields = ["citations"]
    verbose_name = _("阶段日期")
    verbose_name_plural = _("阶段日期（意向、签约、存续、终止，按报告给出的精度填写）")

    def get_extra(self, request, obj=None, **kwargs):
        return 0 if obj else 1


class RelationshipStageAdmin(RegistryAdmin):
    list_display = ["__str__", "relationship_link", "stage_display", "date_display", "document"]
    list_filter = [
        EditableFilter,
        chinese_place_filter("relationship__chinese_place"),
        "stage",
        year_filter("date_year", _("年份")),
    ]
    search_fields = ["document"]
    search_key_paths = ["relationship__chinese_place", "relationship__foreign_place"]
    autocomplete_fields = ["relationship", "citations"]
    list_select_related = ["relationship__chinese_place", "relationship__foreign_place"]
    resource_classes = [RelationshipStageResource]
    date_display = partial_date_column("date", _("日期"))

    @admin.display(description=_("友好关系"), ordering="relationship")
    def relationship_link(self, obj):
        return admin_link(obj.relationship)

    @admin.display(description=_("阶段"), ordering="stage")
    def stage_display(self, obj):
        return label(obj.stage, obj.get_stage_display())
