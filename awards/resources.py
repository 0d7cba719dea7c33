"""CSV/XLSX export of award types and awards, recipients named as the admin shows them."""

import re

from import_export import fields

from offices.resources import OfficeResource
from sources.resources import CitedResource
from utilities.resources import ChoiceWidget, PartialDateField

from . import services
from .choices import AwardLevel, AwardTypeStatus, RecipientKind
from .models import Award, AwardType

ALIAS_SEPARATORS = re.compile(r"[、;；,，\n]")


class AwardTypeResource(OfficeResource):
    """Award types with their other spellings (``别名``, separated by 、 or ;). An imported
    alias that is another type's name or alias is refused with the row."""

    id = fields.Field(attribute="id", column_name="ID", readonly=True)
    name_zh = fields.Field(attribute="name_zh", column_name="中文名称")
    name_en = fields.Field(attribute="name_en", column_name="英文名称")
    aliases = fields.Field(column_name="别名")
    status = fields.Field(
        attribute="status", column_name="状态", widget=ChoiceWidget(AwardTypeStatus, blank=True)
    )
    conferred_by_zh = fields.Field(attribute="conferred_by_zh", column_name="颁发机构")
    description_zh = fields.Field(attribute="description_zh", column_name="简介")
    level = fields.Field(attribute="level", column_name="级别", widget=ChoiceWidget(AwardLevel))
    predecessor = fields.Field(column_name="曾用名", readonly=True)

    class Meta(OfficeResource.Meta):
        model = AwardType
        fields = [
            "id", "name_zh", "name_en", "aliases", "status", "conferred_by_zh",
            "description_zh", "level", "predecessor",
        ]  # fmt: skip
        import_id_fields = ["name_zh"]

    def filter_export(self, queryset, **kwargs):
        return super().filter_export(queryset, **kwargs).prefetch_related("aliases")

    def dehydrate_predecessor(self, obj):
        return obj.predecessor.name_zh if obj.predecessor_id else ""

    def dehydrate_aliases(self, obj):
        return "、".join(obj.alias_names) if obj.pk else ""

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        if "别名" in row:
            names = [name.strip() for name in ALIAS_SEPARATORS.split(row["别名"] or "")]
            instance._imported_aliases = [name for name in names if name]
        if not instance.status:
            instance.status = AwardTypeStatus.CONFIRMED

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        aliases = getattr(instance, "_imported_aliases", None)
        if aliases is not None:
            existing = AwardType.objects.filter(name_zh=instance.name_zh).first()
            problems = services.alias_errors(existing, instance.name_zh, aliases)
            if problems:
                errors.setdefault("别名", []).extend(problems)
        super().validate_instance(instance, errors or None, validate_unique)

    def after_save_instance(self, instance, row, **kwargs):
        super().after_save_instance(instance, row, **kwargs)
        aliases = getattr(instance, "_imported_aliases", None)
        if aliases is not None and not kwargs.get("dry_run"):
            services.set_aliases(instance, aliases, self.user)


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
