"""National-rule warnings in the admin: shown as messages after a relationship or one of
its stages is saved (form, inline or import) and acknowledged with a reason on the
acknowledgement page they link to (``cities.national_rules``)."""

from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from offices.admin_mixins import EditableFilter, RegistryAdmin
from utilities.admin.display import admin_link, label
from utilities.admin.filters import chinese_place_filter

from ..national_rules import relationship_warnings


def show_warnings(request, relationships):
    """One admin message per unacknowledged warning, each with its acknowledgement link."""
    for warnings in relationship_warnings(relationships).values():
        for warning in warnings:
            messages.warning(
                request,
                format_html(
                    '{}：{}（{}） <a href="{}">{}</a>',
                    warning.relationship,
                    warning.message,
                    warning.label,
                    warning.acknowledge_url,
                    _("确认并说明理由"),
                ),
            )


class NationalRuleWarningsMixin:
    """After a save (the relationship with its inlines, or a stage) or a confirmed import,
    staff see the national rules the relationship breaks. ``warned_relationship`` gives
    the relationship a record belongs to."""

    def warned_relationship(self, obj):
        return obj

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        show_warnings(request, [self.warned_relationship(form.instance)])

    def process_result(self, result, request):
        response = super().process_result(result, request)
        if not (result.has_errors() or result.has_validation_errors()):
            pks = [row.object_id for row in result.valid_rows() if row.object_id]
            if pks:
                model = self.model
                records = model.objects.filter(pk__in=pks)
                show_warnings(request, [self.warned_relationship(r) for r in records])
        return response


class RuleAcknowledgementAdmin(RegistryAdmin):
    list_display = ["relationship_link", "rule_display", "reason", "user", "created"]
    list_filter = [EditableFilter, chinese_place_filter("relationship__chinese_place"), "rule"]
    search_fields = ["reason"]
    search_key_paths = ["relationship__chinese_place", "relationship__foreign_place"]
    autocomplete_fields = ["relationship"]
    list_select_related = ["relationship__chinese_place", "relationship__foreign_place", "user"]
    fields = ["relationship", "rule", "reason"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.user = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("友好关系"), ordering="relationship")
    def relationship_link(self, obj):
        return admin_link(obj.relationship)

    @admin.display(description=_("规则"), ordering="rule")
    def rule_display(self, obj):
        return label(obj.rule, obj.get_rule_display())
