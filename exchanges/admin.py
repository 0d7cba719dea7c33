"""Admin for exchanges and their counts."""

from django.contrib import admin

from .models import Exchange, ExchangeCount


class ExchangeCountInline(admin.TabularInline):
    model = ExchangeCount
    extra = 0


@admin.register(Exchange)
class ExchangeAdmin(admin.ModelAdmin):
    list_display = ["title_zh", "kind", "chinese_place", "relationship", "start_year"]
    list_filter = ["kind"]
    search_fields = ["title_zh", "title_en", "description"]
    autocomplete_fields = ["chinese_place", "relationship", "places", "citations"]
    inlines = [ExchangeCountInline]
