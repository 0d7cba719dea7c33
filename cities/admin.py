"""Admin for places, relationships, their stages, reported figures and offices."""

from django.contrib import admin

from .models import (
    CooperationField,
    Office,
    Place,
    PlaceAlias,
    Relationship,
    RelationshipStage,
    ReportedFigure,
)


class PlaceAliasInline(admin.TabularInline):
    model = PlaceAlias
    extra = 0
    autocomplete_fields = ["citation"]


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["name_zh", "name_en", "level", "country", "parent"]
    list_filter = ["country", "level"]
    search_fields = ["name_zh", "name_en", "name_local", "search_text", "aliases__name"]
    autocomplete_fields = ["parent"]
    inlines = [PlaceAliasInline]


class RelationshipStageInline(admin.TabularInline):
    model = RelationshipStage
    extra = 0


@admin.register(Relationship)
class RelationshipAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "stage", "level", "wording"]
    list_filter = ["kind", "stage", "level"]
    search_fields = ["chinese_place__search_text", "foreign_place__search_text"]
    autocomplete_fields = ["chinese_place", "foreign_place", "citations"]
    inlines = [RelationshipStageInline]


@admin.register(ReportedFigure)
class ReportedFigureAdmin(admin.ModelAdmin):
    list_display = ["place", "metric", "value", "qualifier", "as_of_year"]
    list_filter = ["metric"]
    autocomplete_fields = ["place", "citations"]


admin.site.register(CooperationField)
admin.site.register(Office)
