"""Admin for the fields of cooperation (reference data shared by relationships and
exchanges), each with links to the records filed under it."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from utilities.admin.display import changelist_link
from utilities.admin.records import ReferenceDataAdmin

from ..models import Relationship
from .common import EXCHANGES, count_of


class CooperationFieldAdmin(ReferenceDataAdmin, SimpleHistoryAdmin):
    list_display = ["name_zh", "name_en", "slug", "relationship_count", "exchange_count"]
    search_fields = ["name_zh", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_relationships=count_of(Relationship.fields.through, "cooperationfield"),
                n_exchanges=count_of(EXCHANGES.fields.through, "cooperationfield"),
            )
        )

    @admin.display(description=_("友好关系"), ordering="n_relationships")
    def relationship_count(self, obj):
        return changelist_link(Relationship, obj.n_relationships, fields__id__exact=obj.pk)

    @admin.display(description=_("交流项目"), ordering="n_exchanges")
    def exchange_count(self, obj):
        return changelist_link(EXCHANGES, obj.n_exchanges, fields__id__exact=obj.pk)
