"""Admin for reported figures: the totals a report states for a Chinese place (partners,
exchanges, visitors), kept with their wording and as-of date."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from offices.admin_mixins import EditableFilter, RegistryAdmin
from utilities.admin.display import admin_link, partial_date_column
from utilities.admin.filters import chinese_place_filter, year_filter

from ..passages import FigurePassageMixin
from ..resources import ReportedFigureResource


class ReportedFigureAdmin(FigurePassageMixin, RegistryAdmin):
    list_display = [
        "__str__",
        "chinese_place_link",
        "metric_display",
        "wording",
        "value_display",
        "as_of_display",
    ]
    list_filter = [
        EditableFilter,
        chinese_place_filter("chinese_place"),
        "metric",
        "qualifier",
        year_filter("as_of_year", _("截至年份")),
    ]
    search_fields = ["wording"]
    search_key_paths = ["chinese_place"]
    autocomplete_fields = ["chinese_place", "citations"]
    list_select_related = ["chinese_place"]
    resource_classes = [ReportedFigureResource]
    as_of_display = partial_date_column("as_of", _("截至"))

    @admin.display(description=_("中方地方"), ordering="chinese_place__name_zh")
    def chinese_place_link(self, obj):
        return admin_link(obj.chinese_place)

    @admin.display(description=_("统计项"), ordering="metric")
    def metric_display(self, obj):
        return obj.get_metric_display()

    @admin.display(description=_("数值"), ordering="value")
    def value_display(self, obj):
        return obj.display_value


class ReportedStatementAdmin(RegistryAdmin):
    list_display = ["__str__", "chinese_place_link", "kind", "as_of_display"]
    list_filter = [EditableFilter, chinese_place_filter("chinese_place"), "kind"]
    search_fields = ["statement_zh", "statement_en"]
    search_key_paths = ["chinese_place"]
    autocomplete_fields = ["chinese_place", "citations"]
    list_select_related = ["chinese_place"]
    as_of_display = partial_date_column("as_of", _("截至"))

    @admin.display(description=_("中方地方"), ordering="chinese_place__name_zh")
    def chinese_place_link(self, obj):
        return admin_link(obj.chinese_place)
