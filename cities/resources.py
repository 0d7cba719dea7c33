"""CSV/XLSX import and export of places, relationships, stages and reported figures.

A relationship row is what staff write after a signing: the two places by name, the kind,
the stage, the intent and agreement dates at the precision they know, and the report and
quote that state it. A row finds its record by the two places and the kind (the
relationship's natural key), so re-importing an exported file updates rather than
duplicates.
"""

from django.core.exceptions import ValidationError
from django_countries import countries
from import_export import fields, widgets

from offices.resources import OfficeResource
from sources.resources import CitedResource
from utilities.models import validate_citations
from utilities.resources import (
    ChoiceWidget,
    CountWidget,
    NamesWidget,
    PartialDateField,
    PartialDateWidget,
    PlaceWidget,
    qualifier_widget,
)

from .choices import (
    FigureMetric,
    HoldingLevel,
    PlaceLevel,
    RelationshipKind,
    Stage,
)
from .models import (
    CooperationField,
    Place,
    Relationship,
    RelationshipStage,
    ReportedFigure,
    stage_order_error,
)


class PlaceResource(OfficeResource):
    id = fields.Field(attribute="id", column_name="ID", readonly=True)
    slug = fields.Field(attribute="slug", column_name="标识")
    name_zh = fields.Field(attribute="name_zh", column_name="中文名")
    name_en = fields.Field(attribute="name_en", column_name="英文名")
    name_local = fields.Field(attribute="name_local", column_name="当地名称")
    level = fields.Field(attribute="level", column_name="行政级别", widget=ChoiceWidget(PlaceLevel))
    country = fields.Field(attribute="country", column_name="国家")
    country_name = fields.Field(column_name="国家名称", readonly=True)
    parent = fields.Field(attribute="parent", column_name="上级地方", widget=PlaceWidget(Place))
    latitude = fields.Field(
        attribute="latitude", column_name="纬度", widget=widgets.DecimalWidget()
    )
    longitude = fields.Field(
        attribute="longitude", column_name="经度", widget=widgets.DecimalWidget()
    )
    aliases = fields.Field(column_name="别名", readonly=True)

    class Meta(OfficeResource.Meta):
        model = Place
        fields = [
            "id", "slug", "name_zh", "name_en", "name_local", "level", "country",
            "country_name", "parent", "latitude", "longitude", "aliases",
        ]  # fmt: skip
        import_id_fields = ["slug"]

    def filter_export(self, queryset, **kwargs):
        return super().filter_export(queryset, **kwargs).prefetch_related("aliases")

    def dehydrate_country(self, obj):
        return str(obj.country.code) if obj.country else ""

    def dehydrate_country_name(self, obj):
        return countries.name(obj.country) if obj.country else ""

    def dehydrate_aliases(self, obj):
        return "、".join(alias.name for alias in obj.aliases.all()) if obj.pk else ""


class RelationshipResource(CitedResource):
    """One row per relationship; importing adds its intent and agreement stages and its
    citation when they are new."""

    id = fields.Field(attribute="id", column_name="ID", readonly=True)
    chinese_place = fields.Field(
        attribute="chinese_place", column_name="中方地方", widget=PlaceWidget(Place, "chinese")
    )
    foreign_place = fields.Field(
        attribute="foreign_place", column_name="外方地方", widget=PlaceWidget(Place, "foreign")
    )
    country = fields.Field(column_name="国家", readonly=True)
    kind = fields.Field(attribute="kind", column_name="类别", widget=ChoiceWidget(RelationshipKind))
    wording = fields.Field(attribute="wording", column_name="报告用语")
    # A blank stage keeps the stored one (a new relationship is active by default).
    stage = fields.Field(
        attribute="stage",
        column_name="阶段",
        widget=ChoiceWidget(Stage, blank=True, empty=None),
        saves_null_values=False,
    )
    level = fields.Field(
        attribute="level", column_name="中方层级", widget=ChoiceWidget(HoldingLevel, blank=True)
    )
    intent_date = fields.Field(column_name="意向日期", widget=PartialDateWidget())
    agreement_date = fields.Field(column_name="签约日期", widget=PartialDateWidget())
    cooperation_fields = fields.Field(
        attribute="fields", column_name="合作领域", widget=NamesWidget(CooperationField)
    )
    signatories = fields.Field(attribute="signatories", column_name="签署人")
    notes = fields.Field(attribute="notes", column_name="说明")

    english_headers = {
        **CitedResource.english_headers,
        "chinese place": "中方地方",
        "chinese_place": "中方地方",
        "foreign place": "外方地方",
        "foreign_place": "外方地方",
        "kind": "类别",
        "wording": "报告用语",
        "stage": "阶段",
        "level": "中方层级",
        "intent date": "意向日期",
        "agreement date": "签约日期",
        "fields": "合作领域",
        "signatories": "签署人",
        "notes": "说明",
    }
    dated_stages = {"意向日期": Stage.INTENT, "签约日期": Stage.AGREEMENT}

    class Meta(CitedResource.Meta):
        model = Relationship
        fields = [
            "id", "chinese_place", "foreign_place", "country", "kind", "wording", "stage",
            "level", "intent_date", "agreement_date", "cooperation_fields", "signatories",
            "notes", "citation_report", "citation_quote",
        ]  # fmt: skip
        import_id_fields = ["chinese_place", "foreign_place", "kind"]

    def filter_export(self, queryset, **kwargs):
        return (
            super()
            .filter_export(queryset, **kwargs)
            .select_related("chinese_place", "foreign_place")
            .prefetch_related("stages", "fields")
        )

    def dehydrate_country(self, obj):
        if obj.foreign_place_id is None:
            return ""
        return countries.name(obj.foreign_place.country)

    def pending_date(self, obj, stage):
        pending = dict(getattr(obj, "_pending_stages", []))
        if stage in pending:
            return pending[stage]
        return obj.stage_date(stage) if obj.pk else None

    def dehydrate_intent_date(self, obj):
        date = self.pending_date(obj, Stage.INTENT)
        return date.isoformat() if date else ""

    def dehydrate_agreement_date(self, obj):
        date = self.pending_date(obj, Stage.AGREEMENT)
        return date.isoformat() if date else ""

    def read_extras(self, instance, row):
        errors = super().read_extras(instance, row)
        instance._pending_stages = []
        widget = PartialDateWidget()
        for column, stage in self.dated_stages.items():
            try:
                date = widget.clean(row.get(column))
            except ValueError as error:
                errors.setdefault(column, []).append(str(error))
                continue
            if date is not None:
                instance._pending_stages.append((stage, date))
        # The dates of this row against each other and against the stages already stored.
        known = list(instance._pending_stages)
        if instance.pk:
            known += [(s.stage, s.date) for s in instance.stages.all() if s.date]
        for column, stage in self.dated_stages.items():
            date = dict(instance._pending_stages).get(stage)
            if date is None:
                continue
            for other_stage, other_date in known:
                message = stage_order_error(stage, date, other_stage, other_date)
                if message:
                    errors.setdefault(column, []).append(message)
                    break
        return errors

    def new_stages(self, instance):
        pending = getattr(instance, "_pending_stages", [])
        if instance.pk is None:
            return pending
        stored = {(s.stage, s.date) for s in instance.stages.all()}
        return [(stage, date) for stage, date in pending if (stage, date) not in stored]

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """A dated stage the row adds cites the row's passage, like every stage
        (``utilities.models.validate_citations``)."""
        errors = dict(import_validation_errors or {})
        pending = getattr(instance, "_pending_citation", None)
        for stage, _date in self.new_stages(instance):
            column = next(c for c, s in self.dated_stages.items() if s == stage)
            if column in errors or {"引文", "引文报告"} & set(errors):
                continue
            try:
                validate_citations(RelationshipStage, [pending] if pending is not None else [])
            except ValidationError as error:
                errors.setdefault(column, []).extend(error.messages)
        super().validate_instance(instance, errors, validate_unique)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if self.new_stages(instance):
            return False
        return super().skip_row(instance, original, row, import_validation_errors)

    def after_save_instance(self, instance, row, **kwargs):
        stages = self.new_stages(instance)
        super().after_save_instance(instance, row, **kwargs)
        citation = getattr(instance, "_pending_citation", None)
        for stage, date in stages:
            step = RelationshipStage(
                relationship=instance,
                stage=stage,
                date_year=date.year,
                date_month=date.month,
                date_day=date.day,
            )
            try:
                step.full_clean()
            except ValidationError as error:
                column = next(c for c, s in self.dated_stages.items() if s == stage)
                raise ValidationError({column: error.messages}) from None
            step._history_user = self.user
            step._change_reason = instance._change_reason
            step.save()
            if citation is not None:
                step.citations.add(citation)


class RelationshipStageResource(OfficeResource):
    id = fields.Field(attribute="id", column_name="ID", readonly=True)
    relationship = fields.Field(column_name="友好关系", readonly=True)
    stage = fields.Field(attribute="stage", column_name="阶段", widget=ChoiceWidget(Stage))
    date = PartialDateField("date", "日期")
    document = fields.Field(attribute="document", column_name="文件")

    class Meta(OfficeResource.Meta):
        model = RelationshipStage
        fields = ["id", "relationship", "stage", "date", "document"]

    def filter_export(self, queryset, **kwargs):
        return (
            super()
            .filter_export(queryset, **kwargs)
            .select_related("relationship__chinese_place", "relationship__foreign_place")
        )

    def dehydrate_relationship(self, obj):
        return str(obj.relationship) if obj.relationship_id else ""


class ReportedFigureResource(CitedResource):
    id = fields.Field(attribute="id", column_name="ID", readonly=True)
    chinese_place = fields.Field(
        attribute="chinese_place", column_name="中方地方", widget=PlaceWidget(Place, "chinese")
    )
    metric = fields.Field(
        attribute="metric", column_name="统计项", widget=ChoiceWidget(FigureMetric)
    )
    wording = fields.Field(attribute="wording", column_name="报告用语")
    value = fields.Field(attribute="value", column_name="数值", widget=CountWidget())
    value_max = fields.Field(
        attribute="value_max", column_name="最大值", widget=CountWidget(required=False)
    )
    qualifier = fields.Field(
        attribute="qualifier", column_name="限定", widget=qualifier_widget(), default="exact"
    )
    display = fields.Field(column_name="报告所说", readonly=True)
    as_of = PartialDateField("as_of", "截至")

    class Meta(CitedResource.Meta):
        model = ReportedFigure
        fields = [
            "id", "chinese_place", "metric", "wording", "value", "value_max", "qualifier", "display", "as_of",
            "citation_report", "citation_quote",
        ]  # fmt: skip

    def filter_export(self, queryset, **kwargs):
        return super().filter_export(queryset, **kwargs).select_related("chinese_place")

    def dehydrate_display(self, obj):
        return obj.display_value
