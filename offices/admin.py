"""Admin of office accounts: superusers assign an account to an office here or on the
user's own page (the office inline); either way the account joins the office staff group
(``offices.services.enrol_office_user``, as ``create_office_user`` does from the shell)."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from utilities.admin.concurrency import ConcurrencyAdminMixin, ConcurrencyInlineMixin
from utilities.countries import CHINA

from .models import Office
from .services import enrol_office_user


@admin.register(Office)
class OfficeAdmin(ConcurrencyAdminMixin, SimpleHistoryAdmin):
    """Superusers assign accounts to offices; saving puts the account in the office staff
    group."""

    list_display = ["user", "place"]
    search_fields = ["user__username", "place__name_zh", "place__name_en"]
    autocomplete_fields = ["user", "place"]
    list_select_related = ["user", "place"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        enrol_office_user(obj.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "place":
            kwargs["queryset"] = db_field.related_model.objects.filter(country=CHINA)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class OfficeInline(ConcurrencyInlineMixin, admin.StackedInline):
    model = Office
    can_delete = True
    autocomplete_fields = ["place"]
    verbose_name_plural = _("外办（可修改该市及下辖地方的记录）")


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    inlines = [*UserAdmin.inlines, OfficeInline]
    list_display = [*UserAdmin.list_display, "office_display"]
    list_select_related = ["office__place"]

    @admin.display(description=_("外办"))
    def office_display(self, obj):
        office = getattr(obj, "office", None) if hasattr(obj, "office") else None
        return office.place.display_name() if office else "—"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if hasattr(form.instance, "office"):
            enrol_office_user(form.instance)
