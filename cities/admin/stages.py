"""Admin for relationship stages (intent, agreement, in force, ended) with their dates:
the inline under a relationship, whose rows are checked against each other and against the
relationship's current stage before they are saved (``cities.forms``), and the stand-alone
list."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from offices.admin_mixins import EditableFilter, OfficeInlineMixin, RegistryAdmin
from utilities.admin.display import admin_link, label, partial_date_column
from utilities.admin.filters import chinese_place_filter, year_filter

from ..forms import RelationshipStageFormSet
from ..models import RelationshipStage
from ..passages import StagePassageMixin
from ..resources import RelationshipStageResource
from .rules import NationalRuleWarningsMixin


class RelationshipStageInline(OfficeInlineMixin, admin.TabularInline):
    model = RelationshipStage
    formset = RelationshipStageFormSet
    fields = ["stage", "date_year", "date_month", "date_day", "planned", "document", "citations"]
    autocomplete_fields = ["citations"]
    verbose_name = _("阶段日期")
    verbose_name_plural = _("阶段日期（意向、签约、存续、终止，按报告给出的精度填写）")

    def get_extra(self, request, obj=None, **kwargs):
        return 0 if obj else 1


class RelationshipStageAdmin(StagePassageMixin, NationalRuleWarningsMixin, RegistryAdmin):
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

    def warned_relationship(self, obj):
        return obj.relationship

    @admin.display(description=_("友好关系"), ordering="relationship")
    def relationship_link(self, obj):
        return admin_link(obj.relationship)

    @admin.display(description=_("阶段"), ordering="stage")
    def stage_display(self, obj):
        return label(obj.stage, obj.get_stage_display())
