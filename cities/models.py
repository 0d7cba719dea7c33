"""Places (Chinese and foreign administrative units of any level), the partner
relationships between them with their dated stages, the fields of cooperation and the
totals reports state."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Case, F, OuterRef, Q, Subquery, Value, When
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from utilities import generation
from utilities.concurrency import VersionedModel
from utilities.countries import CHINA
from utilities.country_fields import CountryField
from utilities.history import RegistryHistory
from utilities.languages import chinese_unless_english
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
    read_partial_date,
    validate_partial_date,
)
from utilities.prefetch import related_rows
from utilities.quantities import (
    CountField,
    Qualifier,
    format_quantity,
    validate_value_range,
    value_range_constraint,
)
from utilities.search import query_key, search_keys
from utilities.trees import TreeQuerySet

from .choices import (
    STAGE_ORDER,
    Claimant,
    ClaimSubject,
    FigureMetric,
    HoldingLevel,
    NationalRule,
    PlaceLevel,
    RelationshipKind,
    Stage,
    StatementKind,
)
from .comparison import compare

# Fields of Place that the editors may add where no report states them.
EDITOR_ADDABLE_FIELDS = {
    "name_en", "name_local", "country", "level", "parent", "latitude", "longitude", "wikidata_id",
}  # fmt: skip

# The People's Republic's first sister-city agreement, Tianjin–Kobe: no step of a
# relationship of a Chinese place is older.
FIRST_AGREEMENT_YEAR = 1973

# The steps that can date when a relationship began (an end never does, nor the pursuit
# of a partner before any document).
BEGINNING_STAGES = (Stage.AGREEMENT, Stage.INTENT, Stage.ACTIVE)

EARLIER = _("日期早于前一阶段（%(stage)s，%(date)s）。")
LATER = _("日期晚于后一阶段（%(stage)s，%(date)s）。")
TOO_EARLY = _(
    "友好关系的阶段不会早于%(year)s年：中华人民共和国第一对友好城市（天津—神户）缔结于%(year)s年。"
)
STEP_AHEAD_OF_CURRENT = _(
    "友好关系的当前阶段是“%(current)s”，不能有“%(step)s”这一步：请先更改友好关系的当前阶段。"
)
CURRENT_BEHIND_STEP = _(
    "当前阶段“%(current)s”早于已登记的“%(step)s”这一步：请先修改或删除那一条阶段日期。"
)


# --- The stage rules: one function each, called by every write path -----------------------


def stage_order_error(stage, date, other_stage, other_date):
    """The stage order: a dated step is not before an earlier stage's date, nor after a
    later stage's. Returns the message for ``date`` (of ``stage``) against ``other_date``
    (of ``other_stage``), or None. RelationshipStage.clean() compares with the stored
    steps; the admin's stage formset and the import compare rows not yet saved."""
    rank, other_rank = STAGE_ORDER[Stage(stage)], STAGE_ORDER[Stage(other_stage)]
    if other_rank < rank and date.latest() < other_date.earliest():
        message = EARLIER
    elif other_rank > rank and other_date.latest() < date.earliest():
        message = LATER
    else:
        return None
    return str(message % {"stage": Stage(other_stage).label, "date": other_date})


def current_stage_error(current, step):
    """The current stage agrees with the dated steps: it may be ahead of them (a report
    need not date every step: an agreement may be known only as "active"), never behind
    (an "intent" relationship with an "ended" step). Returns (field, message) for the
    relationship's ``stage`` and for the step's ``stage``, or None."""
    if not current or not step or STAGE_ORDER[Stage(step)] <= STAGE_ORDER[Stage(current)]:
        return None
    values = {"current": Stage(current).label, "step": Stage(step).label}
    return str(CURRENT_BEHIND_STEP % values), str(STEP_AHEAD_OF_CURRENT % values)


def stage_date_errors(date):
    """Plausible dates of a step: none before 1973. (Nothing after today or the cited
    report unless planned: ``utilities.models.validate_reported_dates``.)"""
    if date is not None and date.year < FIRST_AGREEMENT_YEAR:
        return {"date_year": str(TOO_EARLY % {"year": FIRST_AGREEMENT_YEAR})}
    return {}


# --- When a relationship began: one definition ----------------------------------------------


def began_rank(stage, date_order, pk):
    """Which step dates the beginning, the least of these keys: a dated agreement (the
    earliest, if several), else the earliest dated letter of intent, memorandum or
    "active"; given a step's stage, a key that orders its date and its id (a step's
    ``began_sort_key``; the API's and the exports' dates from plain values, whose date
    order is ``date_facts``'s). Mirrors ``began_steps``."""
    return (0 if stage == Stage.AGREEMENT else 1, date_order, pk or 0)


def began_sort_key(step):
    """``began_rank`` of a ``RelationshipStage``."""
    return began_rank(step.stage, step.date.sort_key(), step.pk)


def began_steps(relationship=None):
    """The steps that can date a relationship's beginning, the one that does first: the
    definition of "began" (``Relationship.began``) in SQL, for annotations and filters."""
    return RelationshipStage.objects.filter(
        relationship=OuterRef("pk") if relationship is None else relationship,
        stage__in=BEGINNING_STAGES,
        date_year__isnull=False,
        planned=False,
    ).order_by(
        Case(When(stage=Stage.AGREEMENT, then=Value(0)), default=Value(1)),
        "date_year",
        F("date_month").asc(nulls_first=True),
        F("date_day").asc(nulls_first=True),
        "pk",
    )


def began_part(part):
    """``year``, ``month`` or ``day`` of when the relationship began, as a subquery."""
    return Subquery(began_steps().values(f"date_{part}")[:1])


class RelationshipQuerySet(models.QuerySet):
    def with_began(self):
        """Annotate ``began_year``, ``began_month`` and ``began_day`` (the pages, filters,
        API, anniversaries and dashboard read ``Relationship.began``, which uses them)."""
        if "began_year" in self.query.annotations:
            return self
        return self.annotate(
            began_year=began_part("year"),
            began_month=began_part("month"),
            began_day=began_part("day"),
        )


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


class Place(CaseInsensitiveSlug, RegistryModel):
    """An administrative unit that takes part in a partnership: a province, a prefecture
    city, a county, a district or a development zone in China; a city, a département, a
    province, a ward or an authority abroad. Places nest (平遥县 is in 晋中市)."""

    # The path to the Chinese place whose office may change this record.
    office_lookup = "pk"
    # Foreign places are shared: any office may add or correct a partner.
    office_shared = ~Q(country=CHINA)
    # Text the public pages show (the admin says so beside each field).
    public_fields = ("notes",)

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
    # On PostgreSQL a generated column, search_text_grams, is made from this one (search
    # migration 0003, for one- and two-character queries); Django does not know it, so a
    # migration that changes this column's type must drop that column first and add it again.
    search_text = models.TextField(
        verbose_name=_("检索键"),
        editable=False,
        blank=True,
        help_text=_("简繁、拼音、英文和别名的规范化检索键。"),
    )

    objects = PlaceQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        # Total: same-named places of one country are in the order of their ids, so a
        # list paged by LIMIT/OFFSET shows each of them once (PostgreSQL's top-N sort
        # orders ties differently for different limits).
        ordering = ["country", "name_zh", "pk"]
        verbose_name = _("地方")
        verbose_name_plural = _("地方")
        constraints = [
            unique_slug_constraint(),
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
        indexes = [
            models.Index(fields=["name_zh"]),
            models.Index(fields=["name_en"]),
            # The default order (and the API's order of relationships, by their places):
            # read in order from this index, a page of a long list is not a sort of it all.
            # The id is in it as in the order, so same-named places need no sort either.
            models.Index(fields=["country", "name_zh", "id"]),
            # What a list of relationships reads of each of its two places to order or
            # count them all (the directory's and the API's orders, the home page's and
            # the directory's countries), read from this index without the wide rows:
            # a twentieth of the table's pages (PostgreSQL; elsewhere an index on id).
            models.Index(
                fields=["id"], include=["country", "name_en", "name_zh"], name="cities_place_names"
            ),
        ]

    def __str__(self):
        return self.display_name()

    @property
    def is_chinese(self):
        return self.country == CHINA

    def get_absolute_url(self):
        return reverse("cities:place", args=[self.slug])

    def display_name(self, language=None):
        """The name in the page language: 大分市 in Chinese, Ōita in English."""
        return chinese_unless_english(self.name_zh, self.name_en, language)

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
            # An update sends no signal: the figures kept for the places' table (a search's
            # counts) must see the new keys (an alias's save and delete come here).
            generation.bump(tables=generation.tables_of(Place))

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


class CooperationField(CaseInsensitiveSlug, VersionedModel):
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
    # As on every registry record, so that an API client can fetch what changed.
    created = models.DateTimeField(
        verbose_name=_("创建时间"),
        auto_now_add=True,
    )
    last_updated = models.DateTimeField(
        verbose_name=_("更新时间"),
        auto_now=True,
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("合作领域")
        verbose_name_plural = _("合作领域")
        constraints = [unique_slug_constraint()]

    def __str__(self):
        return chinese_unless_english(self.name_zh, self.name_en)


class Relationship(CitedModel):
    """A partnership between one Chinese place and one foreign place: a formal sister city
    (友好城市) or a friendly-exchange city (友好交流/合作城市), with its current stage and
    the dated stages it went through."""

    # The path to the Chinese place whose office may change this record.
    office_lookup = "chinese_place"
    # Text the public pages show (the admin says so beside each field).
    public_fields = ("notes", "editors_note")

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

    history = RegistryHistory(m2m_fields=[fields, citations])

    objects = RelationshipQuerySet.as_manager()

    # Set by a form that submits the stage rows with the relationship (the admin's stage
    # inline): each submitted row is then checked against the current stage instead of
    # the stored rows, which the same form may be changing or deleting.
    stage_rows_in_form = False

    class Meta:
        # Total, as Place's is (the id last), whatever the uniqueness of the first keys:
        # each relationship on exactly one page of a list paged by LIMIT/OFFSET.
        ordering = ["chinese_place", "foreign_place", "kind", "pk"]
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
        indexes = [
            # Newest first (the feed of new relationships), read backwards.
            models.Index(fields=["created", "id"], name="cities_relationship_created"),
        ]

    def __str__(self):
        return relationship_display(self.chinese_place, self.foreign_place)

    def clean(self):
        errors = {}
        if self.chinese_place_id and not self.chinese_place.is_chinese:
            errors["chinese_place"] = _("中方地方须在中国。")
        if self.foreign_place_id and self.foreign_place.is_chinese:
            errors["foreign_place"] = _("外方地方须在中国以外。")
        if self.pk and self.stage and not self.stage_rows_in_form:
            for step in self.stages.all():
                error = current_stage_error(self.stage, step.stage)
                if error:
                    errors["stage"] = error[0]
                    break
        if errors:
            raise ValidationError(errors)

    @property
    def began(self):
        """When the relationship began: the date of its agreement (the earliest, if
        several), else of its earliest letter of intent, memorandum or "active" step;
        planned steps do not count. None when no such step is dated. Reads the
        ``with_began()`` annotation when present, else the (prefetched) stages."""
        if "began_year" in self.__dict__:
            return read_partial_date(self, "began")
        steps = [
            step
            for step in related_rows(self, "stages")
            if step.stage in BEGINNING_STAGES and step.date and not step.planned
        ]
        return min(steps, key=began_sort_key).date if steps else None

    def stage_date(self, stage):
        """The earliest recorded date of a stage (uses prefetched ``stages``)."""
        dates = [s.date for s in related_rows(self, "stages") if s.stage == stage and s.date]
        return min(dates) if dates else None

    @property
    def agreement_date(self):
        return self.stage_date(Stage.AGREEMENT)

    def disputes(self):
        """What sources disagree about: [(subject label, [(who, value), …]), …], the
        registry's value first, for the kind, the level and each dated step
        (``relationship_disputes``; uses the prefetched ``claims`` and ``stages__claims``)."""
        return relationship_disputes(
            self.kind,
            self.level,
            [
                (claim.subject, claim.get_claimant_display(), claim.value)
                for claim in related_rows(self, "claims")
            ],
            [(step.get_stage_display(), step.sides()) for step in related_rows(self, "stages")],
        )

    @property
    def disputed(self):
        return bool(self.disputes())

    @property
    def intent_date(self):
        return self.stage_date(Stage.INTENT)


class RelationshipStage(RegistryModel):
    """A dated step in a relationship's life: a letter of intent or memorandum, the signed
    agreement, the relationship active, its end. A source may disagree with another about
    a date; each is kept with its citation."""

    # A dated step states its date in a report: it cites the passage (``validate_citations``).
    citations_required = True
    # Not after the cited report or today unless planned (``validate_reported_dates``).
    reported_dates = ("date",)

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
    planned = models.BooleanField(
        verbose_name=_("计划中"),
        default=False,
        help_text=_("报告所说的计划（尚未发生）：只有计划中的一步可晚于报告日期。"),
    )
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

    history = RegistryHistory(m2m_fields=[citations])

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
        errors = {}
        relationship = self.relationship_or_none()
        if relationship is not None and self.stage:
            error = current_stage_error(relationship.stage, self.stage)
            if error:
                errors["stage"] = error[1]
        date = self.date
        errors.update(stage_date_errors(date))
        try:
            validate_reported_dates(self)
        except ValidationError as error:
            errors.update(error.message_dict)
        if date and self.relationship_id and self.stage and "date_year" not in errors:
            others = self.relationship.stages.exclude(pk=self.pk).exclude(date_year=None)
            for other in others:
                other_date = other.date
                message = other_date and stage_order_error(
                    self.stage, date, other.stage, other_date
                )
                if message:
                    errors["date_year"] = message
                    break
        if errors:
            raise ValidationError(errors)

    def relationship_or_none(self):
        """The relationship, saved or not (an inline row under a relationship being added
        holds the unsaved one)."""
        try:
            return self.relationship
        except Relationship.DoesNotExist:
            return None

    def sides(self):
        """Each source's date of this step, the registry's own first: [(who, date), …]
        (``step_sides``; uses prefetched ``claims``)."""
        return step_sides(
            self.date,
            [(claim.get_claimant_display(), claim.date) for claim in related_rows(self, "claims")],
        )

    @property
    def disputed(self):
        """Whether two sources give dates of this step that cannot both be true ("2019年10月"
        and "8 November 2019"; "2019年10月" and "28 October 2019" agree, one more precise)."""
        return dates_disagree(date for _who, date in self.sides())


def step_sides(date, claims):
    """Each source's date of a step, the registry's own first: ``[(who, date), …]``, given
    the step's date and its claims' ``(claimant's label, date)`` in their order
    (``RelationshipStage.sides``; the API's and the exports' records from plain values)."""
    return [(Claimant.OUR_REPORT.label, date), *claims]


def relationship_disputes(kind, level, claims, steps):
    """What a relationship's sources disagree about, ``[(subject label, sides), …]``, each
    ``sides`` ``[(who, value), …]`` with the registry's own first: its kind, its level,
    then each step whose dates disagree (``Relationship.disputes``; the API's and the
    exports' records from plain values). Given its kind and level, the claims about them
    as ``(subject, claimant's label, value)`` (claims about anything else are passed
    over) and its steps as ``(stage label, RelationshipStage.sides)``, each in their
    order (a step no claim is about, one side alone, may be left out)."""
    found = []
    for subject, own in ((ClaimSubject.KIND, kind), (ClaimSubject.LEVEL, level)):
        about = [(who, value) for said, who, value in claims if said == subject]
        if any(value != own for _who, value in about):
            choices = CLAIMED_CHOICES[subject]
            sides = [(Claimant.OUR_REPORT.label, choices.get(own, own or "—"))]
            sides += [(who, choices.get(value, value)) for who, value in about]
            found.append((subject.label, sides))
    for label, sides in steps:
        if dates_disagree(date for _who, date in sides):
            found.append((label, sides))
    return found


def dates_disagree(dates):
    """Whether some two of ``dates`` (None left out) cannot both be true
    (``RelationshipStage.disputed``; the API's and the exports' disputes from plain
    values)."""
    dates = [date for date in dates if date is not None]
    return any(not dates_agree(a, b) for index, a in enumerate(dates) for b in dates[index + 1 :])


def relationship_display(chinese_place, foreign_place):
    """A relationship's display name (``Relationship.__str__``), given its places' (or
    their names)."""
    return f"{chinese_place} – {foreign_place}"


def dates_agree(a, b):
    """Two partial dates agree when one can be the other at a finer precision."""
    return a.earliest() <= b.latest() and b.earliest() <= a.latest()


# What a claim about a relationship's kind or level, and the disputes, name a kind or a
# level by: the choices' labels.
CLAIMED_CHOICES = {
    ClaimSubject.KIND: dict(RelationshipKind.choices),
    ClaimSubject.LEVEL: dict(HoldingLevel.choices),
}


def claimed_value_display(subject, value):
    """The label of a claimed kind or level (``Claim.display_value``; the API's records
    from plain values): a value without a label is itself."""
    choices = CLAIMED_CHOICES[
        ClaimSubject.KIND if subject == ClaimSubject.KIND else ClaimSubject.LEVEL
    ]
    return str(choices.get(value, value))


class Claim(RegistryModel):
    """What one source says about a relationship's dated step, kind or level, with its
    citation: the partner city's page may date a signing to the day where our report gives
    the month, a national roll may list another kind. The registry's own step, kind and
    level stay as recorded; the claims are set beside them, and where they cannot all be
    true the pages, the API and the dashboard show the disagreement."""

    # A claim is a source's word: it cites the passage (``validate_citations``).
    citations_required = True
    # Not after the cited source or today (``validate_reported_dates``).
    reported_dates = ("date",)

    # The path to the Chinese place whose office may change this record.
    office_lookup = "relationship__chinese_place"

    relationship = models.ForeignKey(
        to="cities.Relationship",
        on_delete=models.CASCADE,
        related_name="claims",
        verbose_name=_("友好关系"),
    )
    subject = models.CharField(
        verbose_name=_("所述事项"),
        max_length=20,
        choices=ClaimSubject.choices,
        default=ClaimSubject.DATE,
    )
    step = models.ForeignKey(
        to="cities.RelationshipStage",
        on_delete=models.CASCADE,
        related_name="claims",
        verbose_name=_("阶段"),
        null=True,
        blank=True,
        help_text=_("所述日期属于哪一步（事项为“日期”时必填）。"),
    )
    date_year, date_month, date_day = partial_date_fields(_("日期（年）"))
    value = models.CharField(
        verbose_name=_("所述值"),
        max_length=20,
        blank=True,
        help_text=_("事项为类别或中方层级时，该来源所说的值（如 sister、municipal）。"),
    )
    claimant = models.CharField(
        verbose_name=_("说法出自"),
        max_length=20,
        choices=Claimant.choices,
        default=Claimant.PARTNER,
    )
    note = models.CharField(
        verbose_name=_("说明"),
        max_length=300,
        blank=True,
    )
    citations = models.ManyToManyField(
        to="sources.Citation",
        related_name="claims",
        verbose_name=_("引文"),
        blank=True,
    )

    history = RegistryHistory(m2m_fields=[citations])

    class Meta:
        ordering = ["relationship", "subject", "step", "pk"]
        verbose_name = _("来源说法")
        verbose_name_plural = _("来源说法")
        constraints = [
            *partial_date_constraints("date"),
            models.CheckConstraint(
                condition=(
                    Q(subject=ClaimSubject.DATE, step__isnull=False, date_year__isnull=False)
                    & Q(value="")
                )
                | (
                    Q(subject__in=[ClaimSubject.KIND, ClaimSubject.LEVEL], step__isnull=True)
                    & Q(date_year__isnull=True)
                    & ~Q(value="")
                ),
                name="%(app_label)s_%(class)s_subject_fields",
                violation_error_message=_(
                    "日期说法须填阶段和日期；类别或层级说法须填所述值，不填阶段和日期。"
                ),
            ),
        ]

    def __str__(self):
        return f"{self.get_claimant_display()}：{self.display_value}"

    def get_absolute_url(self):
        return f"{self.relationship.get_absolute_url()}#claims"

    @property
    def date(self):
        return self.partial_date("date")

    @property
    def display_value(self):
        if self.subject == ClaimSubject.DATE:
            return str(self.date) if self.date else "—"
        return claimed_value_display(self.subject, self.value)

    def clean(self):
        validate_partial_date(self, "date")
        errors = {}
        if self.subject == ClaimSubject.DATE:
            if not self.step_id:
                errors["step"] = _("日期说法须指明是哪一步。")
            elif self.relationship_id and self.step.relationship_id != self.relationship_id:
                errors["step"] = _("该阶段不属于这一友好关系。")
            if self.date_year is None:
                errors["date_year"] = _("日期说法须填日期。")
            errors.update(stage_date_errors(self.date))
            if self.value:
                errors["value"] = _("日期说法不填所述值。")
        elif self.subject in (ClaimSubject.KIND, ClaimSubject.LEVEL):
            choices = RelationshipKind if self.subject == ClaimSubject.KIND else HoldingLevel
            if self.value not in choices.values:
                errors["value"] = _("所述值须是以下之一：%(values)s。") % {
                    "values": ", ".join(choices.values)
                }
            if self.step_id:
                errors["step"] = _("类别或层级说法不属于某一步。")
            if self.date_year is not None:
                errors["date_year"] = _("类别或层级说法不填日期。")
        if "date_year" not in errors:
            try:
                validate_reported_dates(self)
            except ValidationError as error:
                errors.update(error.message_dict)
        if errors:
            raise ValidationError(errors)


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

    history = RegistryHistory(m2m_fields=[citations])

    # Not after the cited report or today (``validate_reported_dates``).
    reported_dates = ("as_of",)

    class Meta:
        # The primary key last: figures of one place, metric and date keep one order
        # whichever plan reads them (a page of the API list and its CSV export agree).
        ordering = ["chinese_place", "metric", "as_of_year", "as_of_month", "as_of_day", "pk"]
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
        validate_reported_dates(self)
        if self.chinese_place_id and not self.chinese_place.is_chinese:
            raise ValidationError({"chinese_place": _("报告数字属于中国城市。")})


class ReportedStatement(CitedModel):
    """A statement a report makes about a Chinese city's partner work that no number holds
    ("总量位居全国前列": among the first in the country), with its citation. Totals, ranks
    and durations with a number are reported figures; dated plans are exchanges."""

    # The path to the Chinese place whose office may change this record.
    office_lookup = "chinese_place"

    chinese_place = models.ForeignKey(
        to="cities.Place",
        on_delete=models.PROTECT,
        related_name="reported_statements",
        verbose_name=_("城市"),
    )
    kind = models.CharField(
        verbose_name=_("类别"),
        max_length=20,
        choices=StatementKind.choices,
    )
    statement_zh = models.CharField(
        verbose_name=_("所述（中文）"),
        max_length=300,
        help_text=_("报告所说的事，用报告的话简述。"),
    )
    statement_en = models.CharField(
        verbose_name=_("所述（英文）"),
        max_length=300,
        blank=True,
    )
    as_of_year, as_of_month, as_of_day = partial_date_fields(_("截至（年）"))
    citations = models.ManyToManyField(
        to="sources.Citation",
        related_name="reported_statements",
        verbose_name=_("引文"),
        blank=True,
    )

    history = RegistryHistory(m2m_fields=[citations])

    # Not after the cited report or today (``validate_reported_dates``).
    reported_dates = ("as_of",)

    class Meta:
        ordering = ["chinese_place", "kind", "pk"]
        verbose_name = _("报告所述")
        verbose_name_plural = _("报告所述")
        constraints = [*partial_date_constraints("as_of")]

    def __str__(self):
        return f"{self.chinese_place}：{self.display_statement()}"

    def get_absolute_url(self):
        return f"{self.chinese_place.get_absolute_url()}#figures"

    def display_statement(self, language=None):
        return chinese_unless_english(self.statement_zh, self.statement_en, language)

    @property
    def as_of(self):
        return self.partial_date("as_of")

    def clean(self):
        validate_partial_date(self, "as_of")
        validate_reported_dates(self)
        if self.chinese_place_id and not self.chinese_place.is_chinese:
            raise ValidationError({"chinese_place": _("报告所述属于中国城市。")})


class RuleAcknowledgement(RegistryModel):
    """A national-rule warning on a relationship that staff have looked at and accept,
    with their reason ("approved as an exception by CPAFFC in 1994"): the warning no
    longer shows on save or on the dashboard. Kept in the history like every record."""

    # The path to the Chinese place whose office may change this record.
    office_lookup = "relationship__chinese_place"

    relationship = models.ForeignKey(
        to="cities.Relationship",
        on_delete=models.CASCADE,
        related_name="rule_acknowledgements",
        verbose_name=_("友好关系"),
    )
    rule = models.CharField(
        verbose_name=_("规则"),
        max_length=40,
        choices=NationalRule.choices,
    )
    reason = models.TextField(
        verbose_name=_("理由"),
        help_text=_("为什么这条提醒可以忽略，如“经全国友协特批”。"),
    )
    user = models.ForeignKey(
        to=settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="rule_acknowledgements",
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        editable=False,
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["relationship", "rule"]
        verbose_name = _("规则提醒确认")
        verbose_name_plural = _("规则提醒确认")
        constraints = [
            models.UniqueConstraint(
                fields=["relationship", "rule"],
                name="%(app_label)s_%(class)s_unique_relationship_rule",
                violation_error_message=_("这条提醒已经确认过。"),
            ),
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="%(app_label)s_%(class)s_reason_given",
                violation_error_message=_("请说明理由。"),
            ),
        ]

    def __str__(self):
        return f"{self.relationship} · {self.get_rule_display()}"

    def get_absolute_url(self):
        return self.relationship.get_absolute_url()
