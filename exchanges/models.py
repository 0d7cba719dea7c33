"""Exchanges between partners and the counts a report gives for them."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from utilities.concurrency import VersionedModel
from utilities.country_fields import CountryField
from utilities.history import RegistryHistory
from utilities.languages import chinese_unless_english, is_chinese
from utilities.models import (
    CaseInsensitiveSlug,
    CitedModel,
    RegistryModel,
    unique_slug_constraint,
    validate_reported_dates,
)
from utilities.partial_dates import (
    partial_date_constraints,
    partial_date_fields,
    validate_partial_date,
)
from utilities.quantities import (
    CountField,
    Qualifier,
    format_quantity,
    validate_value_range,
    value_range_constraint,
)
from utilities.trees import nests_in

from .choices import ExchangeKind


class Region(CaseInsensitiveSlug, RegistryModel):
    """A named group of countries a report names as a participant rather than listing the
    countries: 中东欧 (the China–Central and Eastern European Countries cooperation), 东盟,
    欧盟. Its countries are those usually meant; a report's own list, when it gives one,
    goes in the exchange's countries."""

    # Reference data: every office reads it, superusers keep it (offices.rules).
    office_reference = True

    slug = models.SlugField(
        verbose_name=_("标识"),
        max_length=100,
        unique=True,
        help_text=_("网址和 API 中使用的英文标识，只用小写字母、数字和连字符，如 cee。"),
    )
    name_zh = models.CharField(
        verbose_name=_("中文名"),
        max_length=100,
        unique=True,
    )
    name_en = models.CharField(
        verbose_name=_("英文名"),
        max_length=200,
        blank=True,
    )
    countries = CountryField(
        verbose_name=_("包含国家"),
        multiple=True,
        blank=True,
        help_text=_("通常所指的国家（成员会随时间变化：见说明）。"),
    )
    notes = models.TextField(
        verbose_name=_("说明"),
        blank=True,
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name_zh"]
        verbose_name = _("地区")
        verbose_name_plural = _("地区")
        constraints = [unique_slug_constraint()]

    def __str__(self):
        return self.display_name()

    def display_name(self, language=None):
        return chinese_unless_english(self.name_zh, self.name_en, language)

    def get_absolute_url(self):
        """The exchanges this region took part in, in the directory."""
        return f"{reverse('exchanges:exchange_list')}?region={self.slug}"


class Exchange(CitedModel):
    """A concrete project or event: a garden built (Mannheim's 中国园, 2001), a foreign
    expert appointed factory director, a delegation, a training programme, an office
    opened, a conference. It belongs to one relationship, or to a Chinese place and the
    several partners (places or whole countries) it involved."""

    # The path to the Chinese place whose office may change this record.
    office_lookup = "chinese_place"
    # Text the public pages show (the admin says so beside each field).
    public_fields = ("description", "editors_note")

    title_zh = models.CharField(
        verbose_name=_("中文名称"),
        max_length=300,
    )
    title_en = models.CharField(
        verbose_name=_("英文名称"),
        max_length=300,
        blank=True,
    )
    kind = models.CharField(
        verbose_name=_("类型"),
        max_length=20,
        choices=ExchangeKind.choices,
    )
    chinese_place = models.ForeignKey(
        to="cities.Place",
        on_delete=models.PROTECT,
        related_name="exchanges",
        verbose_name=_("中方地方"),
        help_text=_("负责该项目的中国城市（外办）。"),
    )
    relationship = models.ForeignKey(
        to="cities.Relationship",
        on_delete=models.PROTECT,
        related_name="exchanges",
        verbose_name=_("友好关系"),
        null=True,
        blank=True,
    )
    places = models.ManyToManyField(
        to="cities.Place",
        related_name="partner_exchanges",
        verbose_name=_("参与地方"),
        blank=True,
        help_text=_("多边活动或关系以外的参与地方。"),
    )
    countries = CountryField(
        verbose_name=_("参与国家"),
        multiple=True,
        blank=True,
        help_text=_("报告只说国家时填写。"),
    )
    regions = models.ManyToManyField(
        to="exchanges.Region",
        related_name="exchanges",
        verbose_name=_("参与地区"),
        blank=True,
        help_text=_("报告只说一个地区（如“中东欧国家”）时填写。"),
    )
    fields = models.ManyToManyField(
        to="cities.CooperationField",
        related_name="exchanges",
        verbose_name=_("合作领域"),
        blank=True,
    )
    description = models.TextField(
        verbose_name=_("内容"),
        blank=True,
    )
    start_year, start_month, start_day = partial_date_fields(_("开始（年）"))
    end_year, end_month, end_day = partial_date_fields(_("结束（年）"))
    planned = models.BooleanField(
        verbose_name=_("计划中"),
        default=False,
        help_text=_("报告所说的计划（尚未开始）：只有计划中的项目可在报告日期之后开始。"),
    )
    citations = models.ManyToManyField(
        to="sources.Citation",
        related_name="exchanges",
        verbose_name=_("引文"),
        blank=True,
    )

    history = RegistryHistory(m2m_fields=[places, regions, fields, citations])

    # The start may not lie after the cited report or today unless the exchange is
    # planned (``validate_reported_dates``); the end may (a programme's term, 2021—2025).
    reported_dates = ("start",)

    class Meta:
        ordering = ["start_year", "start_month", "start_day", "pk"]
        verbose_name = _("交流项目")
        verbose_name_plural = _("交流项目")
        constraints = [*partial_date_constraints("start"), *partial_date_constraints("end")]
        indexes = [
            # A place's exchanges in date order (a page of a city's thousands), their
            # counts by kind and their latest dates, read from the index alone.
            models.Index(
                fields=[
                    "chinese_place",
                    "start_year",
                    "start_month",
                    "start_day",
                    "id",
                    "kind",
                    "planned",
                ],
                name="exchanges_place_start",
            ),
        ]

    def __str__(self):
        return self.display_title()

    def display_title(self, language=None):
        return chinese_unless_english(self.title_zh, self.title_en, language)

    @property
    def start(self):
        return self.partial_date("start")

    @property
    def end(self):
        return self.partial_date("end")

    def clean(self):
        errors = {}
        for prefix in ("start", "end"):
            try:
                validate_partial_date(self, prefix)
            except ValidationError as error:
                errors.update(error.message_dict)
        try:
            validate_reported_dates(self)
        except ValidationError as error:
            errors.update(error.message_dict)
        start, end = self.start, self.end
        if start and end and end.latest() < start.earliest():
            errors["end_year"] = _("结束早于开始。")
        if self.chinese_place_id and not self.chinese_place.is_chinese:
            errors["chinese_place"] = _("中方地方须在中国。")
        if (
            self.relationship_id
            and self.chinese_place_id
            and not nests_in(self.relationship.chinese_place, self.chinese_place)
        ):
            errors["relationship"] = _("该关系的中方不是这个地方。")
        if errors:
            raise ValidationError(errors)


class ExchangeCount(VersionedModel):
    """A number a report gives for an exchange ("来自22个国家30个友城", "300多名嘉宾"),
    kept with its qualifier and unit."""

    # The path to the Chinese place whose office may change this record.
    office_lookup = "exchange__chinese_place"

    exchange = models.ForeignKey(
        to="exchanges.Exchange",
        on_delete=models.CASCADE,
        related_name="counts",
        verbose_name=_("交流项目"),
    )
    value = CountField(
        verbose_name=_("数值"),
        help_text=_("报告给出的数字；范围填最小值。"),
    )
    value_max = CountField(
        verbose_name=_("最大值"),
        null=True,
        blank=True,
        help_text=_("报告给出范围（如“1—2个”“3至5次”）时填写最大值；否则留空。"),
    )
    qualifier = models.CharField(
        verbose_name=_("限定"),
        max_length=20,
        choices=Qualifier.choices,
        default=Qualifier.EXACT,
    )
    unit_zh = models.CharField(
        verbose_name=_("单位（中文）"),
        max_length=50,
        help_text=_("如“名嘉宾”“个国家”。"),
    )
    unit_en = models.CharField(
        verbose_name=_("单位（英文）"),
        max_length=100,
        blank=True,
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["exchange", "pk"]
        verbose_name = _("数量")
        verbose_name_plural = _("数量")
        constraints = [value_range_constraint()]

    def __str__(self):
        return self.display()

    def get_absolute_url(self):
        return self.exchange.get_absolute_url()

    def clean(self):
        validate_value_range(self)

    def display(self, language=None):
        value = format_quantity(self.value, self.qualifier, language, self.value_max)
        if is_chinese(language) or not self.unit_en:
            return f"{value}{self.unit_zh}"
        return f"{value} {self.unit_en}"
