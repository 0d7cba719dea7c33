"""Admin for source reports and citations."""

from django.contrib import admin

from .models import Citation, SourceReport


@admin.register(SourceReport)
class SourceReportAdmin(admin.ModelAdmin):
    list_display = ["title", "city", "publisher", "published_year", "script"]
    search_fields = ["title", "slug", "publisher"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(Citation)
class CitationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "report"]
    list_filter = ["report"]
    search_fields = ["quote"]
