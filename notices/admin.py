"""Admin for partner-seeking notices: an office posts and edits its own (the office rule
of ``offices.rules``, as for every office-kept record)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from cities.admin import CheckboxFieldsMixin
from offices.admin_mixins import EditableFilter, RegistryAdmin
from utilities.admin.display import admin_link
from utilities.admin.filters import chinese_place_filter

from .models import Notice


class OpenFilter(admin.SimpleListFilter):
    title = _("状态")
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return [("yes", _("征集中")), ("no", _("已截止"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.open()
        if self.value() == "no":
            return queryset.closed()
        return queryset


@admin.register(Notice)
class NoticeAdmin(CheckboxFieldsMixin, RegistryAdmin):
    list_display = ["title_display", "chinese_link", "kind", "posted", "until", "open_display"]
    list_filter = [EditableFilter, OpenFilter, chinese_place_filter("chinese_place"), "kind"]
    search_fields = ["title_zh", "title_en", "regions", "description"]
    search_key_paths = ["chinese_place"]
    autocomplete_fields = ["chinese_place"]
    list_select_related = ["chinese_place"]
    fieldsets = [
        (None, {"fields": ["chinese_place", "title_zh", "title_en", "kind"]}),
        (
            _("寻找什么样的伙伴"),
            {"fields": ["countries", "regions", ("population_min", "population_max"), "fields"]},
        ),
        (_("说明与联系"), {"fields": ["description", "contact", ("posted", "until")]}),
    ]

    @admin.display(description=_("标题"), ordering="title_zh")
    def title_display(self, obj):
        return obj.display_title()

    @admin.display(description=_("寻找方（中方地方）"), ordering="chinese_place__name_zh")
    def chinese_link(self, obj):
        return admin_link(obj.chinese_place)

    @admin.display(description=_("征集中"), boolean=True)
    def open_display(self, obj):
        return obj.is_open
