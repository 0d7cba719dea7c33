"""CSV/XLSX import and export of exchanges and their counts.

An exchange row names its Chinese place and, when it belongs to one relationship, the
foreign partner (the relationship is found from the two places). A row with an "ID"
updates that exchange; without one, a row with the same Chinese place, title and start
date updates the exchange already recorded, so re-importing a file does not duplicate.
"""

from django.utils.translation import gettext
from import_export import fields

from cities.models import CooperationField, Place, Relationship
from offices.resources import OfficeResource
from sources.resources import CitedResource
from utilities.resources import (
    ChoiceWidget,
    CountWidget,
    NamesWidget,
    PartialDateField,
    PlaceWidget,
    qualifier_widget,
)

from .choices import ExchangeKind
from .models import Exchange, ExchangeCount, Region


class ExchangeResource(CitedResource):
    id = fields.Field(attribute="id", column_name="ID", readonly=True)
    chinese_place = fields.Field(
        attribute="chinese_place", column_name="中方地方", widget=PlaceWidget(Place, "chinese")
    )
    partner = fields.Field(column_name="外方地方")
    title_zh = fields.Field(attribute="title_zh", column_name="名称")
    title_en = fields.Field(attribute="title_en", column_name="英文名称")
    kind = fields.Field(attribute="kind", column_name="类型", widget=ChoiceWidget(ExchangeKind))
    start = PartialDateField("start", "开始")
    end = PartialDateField("end", "结束")
    cooperation_fields = fields.Field(
        attribute="fields", column_name="合作领域", widget=NamesWidget(CooperationField)
    )
    regions = fields.Field(attribute="regions", column_name="参与地区", widget=NamesWidget(Region))
    description = fields.Field(attribute="description", column_name="内容")

    english_headers = {
        **CitedResource.english_headers,
        "chinese place": "中方地方",
        "chinese_place": "中方地方",
        "partner": "外方地方",
        "foreign place": "外方地方",
        "title": "名称",
        "title_zh": "名称",
        "title_en": "英文名称",
        "english title": "英文名称",
        "kind": "类型",
        "start": "开始",
        "end": "结束",
        "fields": "合作领域",
        "regions": "参与地区",
        "description": "内容",
    }

    class Meta(CitedResource.Meta):
        model = Exchange
        fields = [
            "id", "chinese_place", "partner", "title_zh", "title_en", "kind", "start", "end",
            "cooperation_fields", "regions", "description", "citation_report",
            "citation_quote",
        ]  # fmt: skip
        import_id_fields = ["chinese_place", "title_zh"]

    def filter_export(self, queryset, **kwargs):
        return (
            super()
            .filter_export(queryset, **kwargs)
            .select_related("chinese_place", "relationship__foreign_place")
            .prefetch_related("fields", "regions")
        )

    def get_instance(self, instance_loader, row):
        pk = str(row.get("ID") or "").strip()
        if pk.isdigit():
            return Exchange.objects.filter(pk=int(pk)).first()
        try:
            chinese_place = self.fields["chinese_place"].clean(row)
            start = self.fields["start"].clean(row) if "开始" in row else None
        except ValueError:
            return None
        title = str(row.get("名称") or "").strip()
        if chinese_place is None or not title:
            return None
        same = Exchange.objects.filter(chinese_place=chinese_place, title_zh=title)
        same = same.filter(
            start_year=start.year if start else None,
            start_month=start.month if start else None,
            start_day=start.day if start else None,
        )
        return same.first()

    def dehydrate_partner(self, obj):
        if obj.relationship_id and obj.relationship.foreign_place_id:
            return obj.relationship.foreign_place.name_zh
        return ""

    def read_extras(self, instance, row):
        errors = super().read_extras(instance, row)
        partner = str(row.get("外方地方") or "").strip()
        if not partner:
            instance.relationship = None
            return errors
        try:
            foreign = PlaceWidget(Place, "foreign").clean(partner)
        except ValueError as error:
            errors.setdefault("外方地方", []).append(str(error))
            return errors
        if instance.chinese_place_id is None:
            return errors
        chinese = instance.chinese_place
        # The relationship is the place's own or one of a place inside it (Exchange.clean).
        candidates = Relationship.objects.filter(
            foreign_place=foreign,
            chinese_place__in=Place.objects.within(chinese).values("pk"),
        )
        candidates = list(candidates.order_by("kind"))
        if not candidates:
            errors.setdefault("外方地方", []).append(
                gettext("%(chinese)s与%(foreign)s之间没有记录友好关系。请先添加友好关系。")
                % {"chinese": chinese.name_zh, "foreign": foreign.name_zh}
            )
            return errors
        # A sister-city relationship sorts before a friendly-exchange one.
        exact = [r for r in candidates if r.chinese_place_id == chinese.pk]
        instance.relationship = (exact or candidates)[0]
        return errors


class ExchangeCountResource(OfficeResource):
    id = fields.Field(attribute="id", column_name="ID", readonly=True)
    exchange = fields.Field(column_name="交流项目", readonly=True)
    value = fields.Field(attribute="value", column_name="数值", widget=CountWidget())
    value_max = fields.Field(
        attribute="value_max", column_name="最大值", widget=CountWidget(required=False)
    )
    qualifier = fields.Field(attribute="qualifier", column_name="限定", widget=qualifier_widget())
    unit_zh = fields.Field(attribute="unit_zh", column_name="单位")
    unit_en = fields.Field(attribute="unit_en", column_name="英文单位")
    display = fields.Field(column_name="报告所说", readonly=True)

    class Meta(OfficeResource.Meta):
        model = ExchangeCount
        fields = [
            "id",
            "exchange",
            "value",
            "value_max",
            "qualifier",
            "unit_zh",
            "unit_en",
            "display",
        ]

    def filter_export(self, queryset, **kwargs):
        return super().filter_export(queryset, **kwargs).select_related("exchange")

    def dehydrate_exchange(self, obj):
        return str(obj.exchange) if obj.exchange_id else ""

    def dehydrate_display(self, obj):
        return obj.display()
