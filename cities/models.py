"""Places (Chinese and foreign administrative units of any level), the partner
relationships between them with their dated stages, the fields of cooperation and the
totals reports state."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from utilities.concurrency import VersionedModel
from utilities.countries import CHINA
from utilities.models import CitedModel, RegistryModel
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
from utilities.search import query_key, search_keys
from utilities.trees import TreeQuerySet

from .choices import STAGE_ORDER, FigureMetric, HoldingLevel, PlaceLevel, RelationshipKind, Stage
from .comparison import compare

# Fields of Place that the editors may add where no report states them.
EDITOR_ADDABLE_FIELDS = {
    "name_en", "name_local", "country", "level", "parent", "latitude", "longitude", "wikidata_id",
}  # fmt: skip


class PlaceQuerySet(TreeQuerySet):
    """Places; ``within(place)`` (from TreeQuerySet) is the place and every place inside
    it at any depth: a park in a development zone in a district counts for its city and
    province."""

    def chinese(self):
        return self.filter(country=CHINA)

    def foreign(self):
        return self.exclude(country=CHINA)

    def search(self, query):
        key = query_key(query)
        if not key:
            return self.none()
        return self.filter(search_text__contains=key)


class Place(RegistryModel):
    """An administrative unit that takes part in a partnership: a province, a prefecture
    city, a county, a district or a development zone in China; a city, a département, a
    province, a ward or an authority abroad. Places nest (平遥县 is in 晋中市)."""

    # The path to the Chinese place whose office may change this record.
    office_lookup = "pk"
    # Foreign places are shared: any office may add or correct a partner.
    office_shared = ~Q(country=CHINA)

    slug = models.SlugField(
        verbose_name=_("标识"),
        max_length=100,
        unique=True,
        help_text=_("网址中使用的英文标识。"),
    )
    name_zh = models.CharField(
        verbose_name=_("中文名"),
        max_length=100,
        help_text=_("简体中文规范名称。"),
    )
    name_en = models.CharField(
        verbose_name=_("英文名"),
        max_length=200,
        blank=True,
    )
    name_local = models.CharField(
        verbose_name=_("当地名称"),
        max_length=200,
        blank=True,
        help_text=_("当地语言的名称（与英文名不同时）。"),
    )
    level = models.CharField(
        verbose_name=_("行政级别"),
        max_length=30,
        choices=PlaceLevel.choices,
    )
    country = CountryField(
        verbose_name=_("国家"),
    )
    parent = models.ForeignKey(
        to="cities.Place",
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("上级地方"),
        null=True,
        blank=True,
    )
    latitude = models.DecimalField(
        verbose_name=_("纬度"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        verbose_name=_("经度"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    wikidata_id = models.CharField(
        verbose_name=_("Wikidata 编号"),
        max_length=20,
        blank=True,
        validators=[RegexValidator(r"^Q[1-9]\d*$", _("格式应为 Q 加数字。"))],
    )
    editor_added_fields = models.JSONField(
        verbose_name=_("编者补充的字段"),
        default=list,
        blank=True,
        help_text=_("报告未说明、由编者补充的字段名。"),
    )
    notes = models.TextField(
        verbose_name=_("说明"),
        blank=True,
    )
    search_text = models.TextField(
        verbose_name=_("检索键"),
        editable=False,
        blank=True,
        help_text=_("简繁、拼音、英文和别名的规范化检索键。"),
    )

    objects = PlaceQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["country", "name_zh"]
        verbose_name = _("地方")
        verbose_name_plural = _("地方")
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="%(app_label)s_%(class)s_latitude_in_range",
                violation_error_message=_("纬度须在 -90 到 90 之间。"),
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="%(app_label)s_%(class)s_longitude_in_range",
                violation_error_message=_("经度须在 -180 到 180 之间。"),
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="%(app_label)s_%(class)s_coordinates_paired",
                violation_error_message=_("经纬度须同时填写。"),
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")),
                name="%(app_label)s_%(class)s_not_own_parent",
            ),
            models.UniqueConstraint(
                fields=["wikidata_id"],
                condition=~Q(wikidata_id=""),
                name="%(app_label)s_%(class)s_unique_wikidata_id",
                violation_error_message=_("已有地方使用该 Wikidata 编号。"),
            ),
        ]
        indexes = [models.Index(fields=["name_zh"]), models.Index(fields=["name_en"])]

    def __str__(self):
        return self.display_name()

    @property
    def is_chinese(self):
        return self.country == CHINA

    def get_absolute_url(self):
        return reverse("cities:place", args=[self.slug])

    def display_name(self, language=None):
        """The name in the page language: 大分市 in Chinese, Ōita in English."""
        language = (language or get_language() or "zh-hans").lower()
        if language.startswith("zh") or not self.name_en:
            return self.name_zh
        return self.name_en

    def reported_vs_recorded(self):
        """Each total the reports state for this city beside what the registry records for
        it and the places inside it (see cities.comparison)."""
        return compare(self)

    def refresh_search_text(self, save=True):
        names = [self.name_zh, self.name_en, self.name_local]
        if self.pk:
            names += list(self.aliases.values_list("name", flat=True))
        self.search_text = search_keys(*names)
        if save and self.pk:
            Place.objects.filter(pk=self.pk).update(search_text=self.search_text)

    def save(self, *args, **kwargs):
        self.refresh_search_text(save=False)
        super().save(*args, **kwargs)

    def clean(self):
        errors = {}
        if self.parent_id:
            if self.pk and self.parent_id == self.pk:
                errors["parent"] = _("地方不能是自己的上级。")
            elif self.country and self.parent.country != self.country:
                errors["parent"] = _("上级地方须在同一国家。")
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude" if self.longitude is None else "latitude"] = _("经纬度须同时填写。")
        unknown = set(self.editor_added_fields or []) - EDITOR_ADDABLE_FIELDS
        if not isinstance(self.editor_added_fields, list) or unknown:
            errors["editor_added_fields"] = _("只能列出以下字段：%(fields)s。") % {
                "fields": ", ".join(sorted(EDITOR_ADDABLE_FIELDS))
            }
        if errors:
            raise ValidationError(errors)


class PlaceAlias(RegistryModel):
    """Another spelling of a place: a traditional form (濟南), a variant transliteration
    (博伦厄 for 博朗厄), an old or short name. Search finds a place by any of them."""

    # The path to the Chinese place whose office may change this record.
    office_lookup = "place"
    office_shared = ~Q(place__country=CHINA)

    place = models.ForeignKey(
        to="cities.Place",
        on_delete=models.CASCADE,
        related_name="aliases",
        verbose_name=_("地方"),
    )
    name = models.CharField(
        verbose_name=_("别名"),
        max_length=200,
    )
    citation = models.ForeignKey(
        to="sources.Citation",
        on_delete=models.PROTECT,
        related_name="place_aliases",
        verbose_name=_("引文"),
        null=True,
        blank=True,
        help_text=_("使用该写法的报告原文。"),
    )
    note = models.CharField(
        verbose_name=_("说明"),
        max_length=200,
        blank=True,
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["place", "name"]
        verbose_name = _("别名")
        verbose_name_plural = _("别名")
        constraints = [
            models.UniqueConstraint(
                fields=["place", "name"],
                name="%(app_label)s_%(class)s_unique_place_name",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return self.place.get_absolute_url()

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.place.refresh_search_text()

    def delete(self, *args, **kwargs):
        place = self.place
        result = super().delete(*args, **kwargs)
        place.refresh_search_text()
        return result


class CooperationField(VersionedModel):
    """A field of cooperation (经贸, 文化, 教育, …) that tags relationships and exchanges."""

    # Reference data: every office reads it, superusers change it (offices.rules).
    office_reference = True

    slug = models.SlugField(
        verbose_name=_("标识"),
        max_length=50,
        unique=True,
    )
    name_zh = models.CharField(
        verbose_name=_("中文名"),
        max_length=50,
        unique=True,
    )
    name_en = models.CharField(
        verbose_name=_("英文名"),
        max_length=100,
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("合作领域")
        verbose_name_plural = _("合作领域")

    def __str__(self):
        language = (get_language() or "zh-hans").lower()
        return self.name_zh if language.startswith("zh") else self.name_en


class Relationship(CitedModel):
    """A partnership between one Chinese place and one foreign place: a formal sister city
    (友好城市) or a friendly-exchange city (友好交流/合作城市), with its current stage and
    the dated stages it went through."""

    # The path to the Chinese place whose office may change this record.
    office_lookup = "chinese_place"

    chinese_place = models.ForeignKey(
        to="cities.Place",
        on_delete=models.PROTECT,
        related_name="chinese_relationships",
        verbose_name=_("中方地方"),
    )
    foreign_place = models.ForeignKey(
        to="cities.Place",
        on_delete=models.PROTECT,
        related_name="foreign_relationships",
        verbose_name=_("外方地方"),
    )
    kind = models.CharField(
        verbose_name=_("类别"),
        max_length=20,
        choices=RelationshipKind.choices,
    )
    wording = models.CharField(
        verbose_name=_("报告用语"),
        max_length=100,
        blank=True,
        help_text=_("报告原用的称谓，如“友好合作关系城市”。"),
    )
    stage = models.CharField(
        verbose_name=_("阶段"),
        max_length=20,
        choices=Stage.choices,
        default=Stage.ACTIVE,
    )
    level = models.CharField(
        verbose_name=_("中方层级"),
        max_length=20,
        choices=HoldingLevel.choices,
        blank=True,
    )
    fields = models.ManyToManyField(
        to="cities.CooperationField",
        related_name="relationships",
        verbose_name=_("合作领域"),
        blank=True,
    )
    signatories = models.TextField(
        verbose_name=_("签署人"),
        blank=True,
    )
    notes = models.TextField(
        verbose_name=_("说明"),
        blank=True,
    )
    citations = models.ManyToManyField(
        to="sources.Citation",
        related_name="relationships",
        verbose_name=_("引文"),
        blank=True,
    )

    history = HistoricalRecords(m2m_fields=[fields, citations])

    class Meta:
        ordering = ["chinese_place", "foreign_place", "kind"]
        verbose_name = _("友好关系")
        verbose_name_plural = _("友好关系")
        constraints = [
            models.UniqueConstraint(
                fields=["chinese_place", "foreign_place", "kind"],
                name="%(app_label)s_%(class)s_unique_pair_kind",
                violation_error_message=_("这两地之间已有同类关系。"),
            ),
            models.CheckConstraint(
                condition=~Q(chinese_place=models.F("foreign_place")),
                name="%(app_label)s_%(class)s_two_places",
                violation_error_message=_("关系须连接两个不同的地方。"),
            ),
        ]

    def __str__(self):
        return f"{self.chinese_place} – {self.foreign_place}"

    def clean(self):
        errors = {}
        if self.chinese_place_id and not self.chinese_place.is_chinese:
            errors["chinese_place"] = _("中方地方须在中国。")
        if self.foreign_place_id and self.foreign_place.is_chinese:
            errors["foreign_place"] = _("外方地方须在中国以外。")
        if errors:
            raise ValidationError(errors)

    def stage_date(self, stage):
        """The earliest recorded date of a stage (uses prefetched ``stages``)."""
        dates = [s.date for s in self.stages.all() if s.stage == stage and s.date]
        return min(dates) if dates else None

    @property
    def agreement_date(self):
        return self.stage_date(Stage.AGREEMENT)

    @property
    def intent_date(self):
        return self.stage_date(Stage.INTENT)


class RelationshipStage(RegistryModel):
    """A dated step in a relationship's life: a letter of intent or memorandum, the signed
    agreement, the relationship active, its end. A source may disagree with another about
    a date; each is kept with its citation."""

    # A dated step states its date in a report: it cites the passage (``validate_citations``).
    citations_required = True

    # The path to the Chinese place whose office may change this record.
    office_lookup = "relationship__chinese_place"

    relationship = models.ForeignKey(
        to="cities.Relationship",
        on_delete=models.CASCADE,
        related_name="stages",
        verbose_name=_("友好关系"),
    )
    stage = models.CharField(
        verbose_name=_("阶段"),
        max_length=20,
        choices=Stage.choices,
    )
    date_year, date_month, date_day = partial_date_fields(_("日期（年）"))
    document = models.CharField(
        verbose_name=_("文件"),
        max_length=200,
        blank=True,
        help_text=_("报告所称的文件，如《缔结友好城市意向书》。"),
    )
    citations = models.ManyToManyField(
        to="sources.Citation",
        related_name="relationship_stages",
        verbose_name=_("引文"),
        blank=True,
    )

    history = HistoricalRecords(m2m_fields=[citations])

    class Meta:
        ordering = ["relationship", "date_year", "date_month", "date_day", "pk"]
        verbose_name = _("阶段日期")
        verbose_name_plural = _("阶段日期")
        constraints = [*partial_date_constraints("date")]

    def __str__(self):
        date = self.date
        return f"{self.get_stage_display()} {date}" if date else self.get_stage_display()

    def get_absolute_url(self):
        return f"{self.relationship.get_absolute_url()}#stage-{self.pk}"

    @property
    def date(self):
        return self.partial_date("date")

    def clean(self):
        validate_partial_date(self, "date")
        date = self.date
        if not (date and self.relationship_id and self.stage):
            return
        rank = STAGE_ORDER[Stage(self.stage)]
        others = self.relationship.stages.exclude(pk=self.pk).exclude(date_year=None)
        for other in others:
            other_rank = STAGE_ORDER[Stage(other.stage)]
            other_date = other.date
            if other_date is None:
                continue
            if other_rank < rank and date.latest() < other_date.earliest():
                raise ValidationError(
                    {
                        "date_year": _("日期早于前一阶段（%(stage)s，%(date)s）。")
                        % {"stage": other.get_stage_display(), "date": other_date}
                    }
                )
            if other_rank > rank and other_date.latest() < date.earliest():
                raise ValidationError(
                    {
                        "date_year": _("日期晚于后一阶段（%(stage)s，%(date)s）。")
                        % {"stage": other.get_stage_display(), "date": other_date}
                    }
                )


class ReportedFigure(CitedModel):
    """A total a report states for a Chinese city ("其中友好城市23个"), with its qualifier
    ("20多个" is not 20), its as-of date and its citation."""

    # The path to the Chinese place whose office may change this record.
    office_lookup = "chinese_place"

    chinese_place = models.ForeignKey(
        to="cities.Place",
        on_delete=models.PROTECT,
        related_name="reported_figures",
        verbose_name=_("城市"),
    )
    metric = models.CharField(
        verbose_name=_("统计项"),
        max_length=40,
        choices=FigureMetric.choices,
    )
    wording = models.CharField(
        verbose_name=_("报告用语"),
        max_length=200,
        blank=True,
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
    as_of_year, as_of_month, as_of_day = partial_date_fields(_("截至（年）"))
    citations = models.ManyToManyField(
        to="sources.Citation",
        related_name="reported_figures",
        verbose_name=_("引文"),
        blank=True,
    )

    history = HistoricalRecords(m2m_fields=[citations])

    class Meta:
        ordering = ["chinese_place", "metric", "as_of_year", "as_of_month", "as_of_day"]
        verbose_name = _("报告数字")
        verbose_name_plural = _("报告数字")
        constraints = [*partial_date_constraints("as_of"), value_range_constraint()]

    def __str__(self):
        return f"{self.chinese_place} {self.get_metric_display()}: {self.display_value}"

    def get_absolute_url(self):
        return f"{self.chinese_place.get_absolute_url()}#figures"

    @property
    def display_value(self):
        return format_quantity(self.value, self.qualifier, value_max=self.value_max)

    @property
    def as_of(self):
        return self.partial_date("as_of")

    def clean(self):
        validate_partial_date(self, "as_of")
        validate_value_range(self)
        if self.chinese_place_id and not self.chinese_place.is_chinese:
            raise ValidationError({"chinese_place": _("报告数字属于中国城市。")})
