"""CSV/XLSX export of source reports and citations (their texts stay whole in the
registry; an export lists where each quote stands in its report)."""

from import_export import fields

from utilities.resources import PartialDateField, RegistryResource

from .models import Citation, SourceReport


class SourceReportResource(RegistryResource):
    id = fields.Field(attribute="id", column_name="ID", readonly=True)
    slug = fields.Field(attribute="slug", column_name="标识")
    title = fields.Field(attribute="title", column_name="标题")
    city = fields.Field(column_name="城市", readonly=True)
    publisher = fields.Field(attribute="publisher", column_name="发布者")
    published = PartialDateField("published", "发布日期")
    url = fields.Field(attribute="url", column_name="网址")
    citation_count = fields.Field(column_name="引文数", readonly=True)

    class Meta(RegistryResource.Meta):
        model = SourceReport
        fields = [
            "id", "slug", "title", "city", "publisher", "published", "url", "citation_count",
        ]  # fmt: skip
        import_id_fields = ["slug"]

    def filter_export(self, queryset, **kwargs):
        return (
            super()
            .filter_export(queryset, **kwargs)
            .select_related("city")
            .prefetch_related("citations")
            .defer("text")
        )

    def dehydrate_city(self, obj):
        return obj.city.name_zh if obj.city_id else ""

    def dehydrate_citation_count(self, obj):
        return len(obj.citations.all()) if obj.pk else 0


class CitationResource(RegistryResource):
    id = fields.Field(attribute="id", column_name="ID", readonly=True)
    report = fields.Field(column_name="报告", readonly=True)
    quote = fields.Field(attribute="quote", column_name="引文")
    offset = fields.Field(column_name="位置", readonly=True)
    note = fields.Field(attribute="note", column_name="说明")

    class Meta(RegistryResource.Meta):
        model = Citation
        fields = ["id", "report", "quote", "offset", "note"]

    def filter_export(self, queryset, **kwargs):
        return super().filter_export(queryset, **kwargs).select_related("report")

    def dehydrate_report(self, obj):
        return obj.report.slug if obj.report_id else ""

    def dehydrate_offset(self, obj):
        return obj.offset if obj.report_id else ""
