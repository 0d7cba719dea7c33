"""Admin for claims: what another source (the partner's page, the agreement text, a
national roll, a news item) says about a relationship's dated step, kind or level, with
its citation. The inline sits under the relationship; the stand-alone list lets staff
find the disagreements the dashboard points to."""

from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from offices.admin_mixins import EditableFilter, OfficeInlineMixin, RegistryAdmin
from utilities.admin.display import admin_link
from utilities.admin.filters import chinese_place_filter

from ..models import Claim, RelationshipStage

CLAIM_FIELDS = [
    "subject",
    "step",
    "date_year",
    "date_month",
    "date_day",
    "value",
    "claimant",
    "note",
    "citations",
]


class ClaimFormSet(BaseInlineFormSet):
    """A claim's step is one of the relationship's own stages."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if "step" in form.fields:
            steps = RelationshipStage.objects.filter(relationship=self.instance.pk or 0)
            form.fields["step"].queryset = steps
        return form

    @property
    def empty_form(self):
        form = super().empty_form
        if "step" in form.fields:
            form.fields["step"].queryset = RelationshipStage.objects.filter(
                relationship=self.instance.pk or 0
            )
        return form


class ClaimInline(OfficeInlineMixin, admin.TabularInline):
    model = Claim
    formset = ClaimFormSet
    fields = CLAIM_FIELDS
    autocomplete_fields = ["citations"]
    extra = 0
    verbose_name = _("来源说法")
    verbose_name_plural = _("来源说法（外方、全国名录等对日期、类别或层级的不同说法，各附引文）")


class ClaimAdmin(RegistryAdmin):
    list_display = ["__str__", "relationship_link", "subject", "step", "claimant"]
    list_filter = [
        EditableFilter,
        chinese_place_filter("relationship__chinese_place"),
        "subject",
        "claimant",
    ]
    search_fields = ["note", "value"]
    search_key_paths = ["relationship__chinese_place", "relationship__foreign_place"]
    autocomplete_fields = ["relationship", "step", "citations"]
    list_select_related = ["relationship__chinese_place", "relationship__foreign_place", "step"]
    fields = ["relationship", *CLAIM_FIELDS]

    @admin.display(description=_("友好关系"), ordering="relationship")
    def relationship_link(self, obj):
        return admin_link(obj.relationship)
