"""Partner-seeking notices (as CLAIR and the national association publish them): a
Chinese place's office says what partner it seeks (countries or regions, size, fields of
cooperation, kind), whom to contact and until when. A notice closes itself at its end
date: "open" is a query on the date (``NoticeQuerySet.open``), not a job that runs."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cities.choices import RelationshipKind
from utilities.country_fields import CountryField
from utilities.history import RegistryHistory
from utilities.languages import chinese_unless_english
from utilities.models import RegistryModel


class NoticeQuerySet(models.QuerySet):
    def open(self, today=None):
        """Notices still seeking: their end date is today or later."""
        return self.filter(until__gte=today or timezone.localdate())

    def closed(self, today=None):
        return self.filter(until__lt=today or timezone.localdate())


class Notice(RegistryModel):
    """An office's call for a partner: "晋中市 seeks a city of 100,000–500,000 people in
    Central Europe for culture and tourism, until 31 December 2027"."""

    # The path to the Chinese place whose office may change this record.
    office_lookup = "chinese_place"

    chinese_place = models.ForeignKey(
        to="cities.Place",
        on_delete=models.PROTECT,
        related_name="partner_notices",
        verbose_name=_("寻找方（中方地方）"),
    )
    title_zh = models.CharField(
        verbose_name=_("中文标题"),
        max_length=200,
    )
    title_en = models.CharField(
        verbose_name=_("英文标题"),
        max_length=300,
        blank=True,
    )
    kind = models.CharField(
        verbose_name=_("寻求的关系类别"),
        max_length=20,
        choices=RelationshipKind.choices,
        default=RelationshipKind.FRIENDLY,
    )
    countries = CountryField(
        verbose_name=_("希望的国家"),
        multiple=True,
        blank=True,
        help_text=_("不限国家时留空。"),
    )
    regions = models.CharField(
        verbose_name=_("希望的地区"),
        max_length=200,
        blank=True,
        help_text=_("如“中东欧”“北欧沿海城市”。"),
    )
    population_min = models.PositiveIntegerField(
        verbose_name=_("人口（最少）"),
        null=True,
        blank=True,
    )
    population_max = models.PositiveIntegerField(
        verbose_name=_("人口（最多）"),
        null=True,
        blank=True,
    )
    fields = models.ManyToManyField(
        to="cities.CooperationField",
        related_name="notices",
        verbose_name=_("合作领域"),
        blank=True,
    )
    description = models.TextField(
        verbose_name=_("说明"),
        blank=True,
    )
    contact = models.TextField(
        verbose_name=_("联系方式"),
        help_text=_("外办联系人、电话或电子邮箱（将公开发布）。"),
    )
    posted = models.DateField(
        verbose_name=_("发布日期"),
        default=timezone.localdate,
    )
    until = models.DateField(
        verbose_name=_("截止日期"),
        help_text=_("过了这一天，启事自动关闭。"),
    )

    objects = NoticeQuerySet.as_manager()

    history = RegistryHistory(m2m_fields=[fields])

    class Meta:
        ordering = ["-posted", "-pk"]
        verbose_name = _("寻找友城启事")
        verbose_name_plural = _("寻找友城启事")
        constraints = [
            models.CheckConstraint(
                condition=Q(until__gte=F("posted")),
                name="%(app_label)s_%(class)s_until_after_posted",
                violation_error_message=_("截止日期不能早于发布日期。"),
            ),
            models.CheckConstraint(
                condition=Q(population_min__isnull=True)
                | Q(population_max__isnull=True)
                | Q(population_max__gte=F("population_min")),
                name="%(app_label)s_%(class)s_population_range",
                violation_error_message=_("人口最多值不能小于最少值。"),
            ),
        ]

    def __str__(self):
        return self.display_title()

    def display_title(self, language=None):
        return chinese_unless_english(self.title_zh, self.title_en, language)

    @property
    def is_open(self):
        return self.until >= timezone.localdate()

    def clean(self):
        errors = {}
        if self.chinese_place_id and not self.chinese_place.is_chinese:
            errors["chinese_place"] = _("寻找方须是中国地方。")
        if self.until and self.posted and self.until < self.posted:
            errors["until"] = _("截止日期不能早于发布日期。")
        low, high = self.population_min, self.population_max
        if low is not None and high is not None and high < low:
            errors["population_max"] = _("人口最多值不能小于最少值。")
        if errors:
            raise ValidationError(errors)
