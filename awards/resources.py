"""CSV/XLSX export of award types and awards, recipients named as the admin shows them."""

from import_export import fields

from offices.resources import OfficeResource
from sources.resources import CitedResource
from utilities.resources import ChoiceWidget, PartialDateField

from .choices import AwardLevel, RecipientKind
from .models import Award, AwardType


class AwardTypeResource(OfficeResource):
    id = fields.Field(attribute="id", column_name="ID", readonly=True)
    name_zh = fields.Field(attribute="name_zh", column_name="中文名称")
    name_en = fields.Field(attribute="name_en", column_name="英文名称")
    conferred_by_zh = fields.Field(attribute="conferred_by_zh", column_name="颁发机构")
    level = fields.Field(attribute="level", column_name="级别", widget=ChoiceWidget(AwardLevel))
    predecessor = fields.Field(column_name="曾用名", readonly=True)

    class Meta(OfficeResource.Meta):
        model = AwardType
        fields = ["id", "name_zh", "name_en", "conferred_by_zh", "level", "predecessor"]
        import_id_fields = ["name_zh"]

    def dehydrate_predecessor(self, obj):
        return obj.predecessor.name_zh if obj.predecessor_id else ""


class AwardResource(CitedResource):
    id = fields.Field(attribute="id", column_name="ID", readonly=True)
    award_type = fields.Field(column_name="奖项", readonly=True)
    level = fields.Field(column_name="级别", readonly=True)
    chinese_place = fields.Field(column_name="中方城市", readonly=True)
    recipient_kind = fields.Field(
        attribute="recipient_kind", column_name="获奖者类型", widget=ChoiceWidget(RecipientKind)
    )
    recipient = fields.Field(column_name="获奖者", readonly=True)
    conferred = PartialDateField("conferred", "授予日期")

    class Meta(CitedResource.Meta):
        model = Award
        fields = [
            "id", "award_type", "level", "chinese_place", "recipient_kind", "recipient",
            "conferred", "citation_report", "citation_quote",
        ]  # fmt: skip

    def filter_export(self, queryset, **kwargs):
        return (
            super()
            .filter_export(queryset, **kwargs)
            .select_related(
                "award_type",
                "chinese_place",
                "place",
                "relationship__chinese_place",
                "relationship__foreign_place",
            )
        )

    def dehydrate_award_type(self, obj):
        return obj.award_type.name_zh if obj.award_type_id else ""

    def dehydrate_level(self, obj):
        return obj.award_type.get_level_display() if obj.award_type_id else ""

    def dehydrate_chinese_place(self, obj):
        return obj.chinese_place.name_zh if obj.chinese_place_id else ""

    def dehydrate_recipient(self, obj):
        return obj.recipient_display()
