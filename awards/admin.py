"""Admin for award types and awards."""

from django.contrib import admin

from .models import Award, AwardType


@admin.register(AwardType)
class AwardTypeAdmin(admin.ModelAdmin):
    list_display = ["name_zh", "name_en", "level", "conferred_by_zh"]
    list_filter = ["level"]
    search_fields = ["name_zh", "name_en"]


@admin.register(Award)
class AwardAdmin(admin.ModelAdmin):
    list_display = ["award_type", "recipient_kind", "chinese_place", "conferred_year"]
    list_filter = ["recipient_kind", "award_type__level"]
    autocomplete_fields = ["award_type", "chinese_place", "place", "relationship", "citations"]
