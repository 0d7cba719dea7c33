"""CSV/XLSX export of source reports and citations (their texts stay whole in the
registry; an export lists where each quote stands in its report), and ``CitedResource``:
the "引文报告" / "引文" columns every cited record's import shares."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from import_export import fields

from offices.resources import OfficeResource
from offices.rules import can_change, refusal
from utilities.models import validate_citations
from utilities.resources import PartialDateField

from .models import Citation, SourceReport


class SourceReportResource(OfficeResource):
    id = fields.Field(attribute="id", column_name="ID", readonly=True)
    slug = fields.Field(attribute="slug", column_name="标识")
    title = fields.Field(attribute="title", column_name="标题")
    chinese_place = fields.Field(column_name="中方地方", readonly=True)
    publisher = fields.Field(attribute="publisher", column_name="发布者")
    published = PartialDateField("published", "发布日期")
    url = fields.Field(attribute="url", column_name="网址")
    citation_count = fields.Field(column_name="引文数", readonly=True)

    class Meta(OfficeResource.Meta):
        model = SourceReport
        fields = [
            "id", "slug", "title", "chinese_place", "publisher", "published", "url", "citation_count",
        ]  # fmt: skip
        import_id_fields = ["slug"]

    def filter_export(self, queryset, **kwargs):
        return (
            super()
            .filter_export(queryset, **kwargs)
            .select_related("chinese_place")
            .prefetch_related("citations")
            .defer("text")
        )

    def dehydrate_chinese_place(self, obj):
        return obj.chinese_place.name_zh if obj.chinese_place_id else ""

    def dehydrate_citation_count(self, obj):
        return len(obj.citations.all()) if obj.pk else 0


class CitationResource(OfficeResource):
    id = fields.Field(attribute="id", column_name="ID", readonly=True)
    report = fields.Field(column_name="报告", readonly=True)
    quote = fields.Field(attribute="quote", column_name="引文")
    offset = fields.Field(column_name="位置", readonly=True)
    note = fields.Field(attribute="note", column_name="说明")

    class Meta(OfficeResource.Meta):
        model = Citation
        fields = ["id", "report", "quote", "offset", "note"]

    def filter_export(self, queryset, **kwargs):
        return super().filter_export(queryset, **kwargs).select_related("report")

    def dehydrate_report(self, obj):
        return obj.report.slug if obj.report_id else ""

    def dehydrate_offset(self, obj):
        return obj.offset if obj.report_id else ""


def find_report(text):
    """A source report by slug or exact title."""
    text = str(text or "").strip()
    if not text:
        return None
    return (
        SourceReport.objects.filter(slug=text).first()
        or SourceReport.objects.filter(title=text).first()
    )


class CitedResource(OfficeResource):
    """A resource for a record that cites its report: the "引文报告" (report slug or title)
    and "引文" (the verbatim quote) columns add a citation, created if new and checked like
    Citation.clean (the quote must be in the report)."""

    citation_report = fields.Field(column_name="引文报告")
    citation_quote = fields.Field(column_name="引文")

    english_headers = {"citation report": "引文报告", "report": "引文报告", "quote": "引文"}

    def filter_export(self, queryset, **kwargs):
        return super().filter_export(queryset, **kwargs).prefetch_related("citations__report")

    def first_citation(self, obj):
        pending = getattr(obj, "_pending_citation", None)
        if pending is not None:
            return pending
        if obj.pk is None:
            return None
        citations = list(obj.citations.all())
        return citations[0] if citations else None

    def dehydrate_citation_report(self, obj):
        citation = self.first_citation(obj)
        return citation.report.slug if citation else ""

    def dehydrate_citation_quote(self, obj):
        citation = self.first_citation(obj)
        return citation.quote if citation else ""

    def read_extras(self, instance, row):
        """Read the non-model columns; return field errors keyed by column."""
        errors = {}
        instance._pending_citation = None
        report_text = str(row.get("引文报告") or "").strip()
        quote = str(row.get("引文") or "").strip()
        if not report_text and not quote:
            return errors
        if not report_text:
            errors["引文报告"] = [gettext("填写引文时须注明报告（标识或标题）。")]
            return errors
        report = find_report(report_text)
        if report is None:
            errors["引文报告"] = [gettext("找不到报告“%(report)s”。") % {"report": report_text}]
            return errors
        if not quote:
            errors["引文"] = [gettext("必须填写。")]
            return errors
        citation = Citation.objects.filter(report=report, quote=quote).first()
        if citation is None:
            citation = Citation(report=report, quote=quote)
            try:
                citation.full_clean(validate_unique=False)
            except ValidationError as error:
                for messages in error.message_dict.values():
                    errors.setdefault("引文", []).extend(messages)
                return errors
            if self.user is not None and not can_change(self.user, citation):
                errors["引文报告"] = [refusal(self.user)]
                return errors
        instance._pending_citation = citation
        return errors

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = dict(error.message_dict)
        for key, messages in self.read_extras(instance, row).items():
            errors.setdefault(key, []).extend(messages)
        if errors:
            raise ValidationError(errors)

    def citations_after_write(self, instance):
        """The citations the record will have once its row is written."""
        citations = list(instance.citations.all()) if instance.pk else []
        pending = getattr(instance, "_pending_citation", None)
        if pending is not None and pending not in citations:
            citations.append(pending)
        return citations

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The row's checks, and the citation rule of every write path
        (``utilities.models.validate_citations``) for the row about to be written."""
        errors = {}
        try:
            super().validate_instance(instance, import_validation_errors, validate_unique)
        except ValidationError as error:
            errors = dict(error.message_dict)
        if not {"引文", "引文报告"} & set(errors):
            try:
                validate_citations(instance, self.citations_after_write(instance))
            except ValidationError as error:
                errors.setdefault("引文", []).extend(error.messages)
        if errors:
            raise ValidationError(errors)

    def adds_citation(self, instance):
        citation = getattr(instance, "_pending_citation", None)
        if citation is None:
            return False
        if citation.pk is None or instance.pk is None:
            return True
        return not instance.citations.filter(pk=citation.pk).exists()

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if self.adds_citation(instance):
            return False
        return super().skip_row(instance, original, row, import_validation_errors)

    def save_citation(self, instance):
        citation = getattr(instance, "_pending_citation", None)
        if citation is None:
            return None
        if citation.pk is None:
            citation._history_user = self.user
            citation._change_reason = instance._change_reason
            citation.save()
        instance.citations.add(citation)
        return citation

    def after_save_instance(self, instance, row, **kwargs):
        super().after_save_instance(instance, row, **kwargs)
        self.save_citation(instance)
