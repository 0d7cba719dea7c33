"""Award types, named as they were conferred, and the awards granted."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from utilities.history import RegistryHistory
from utilities.languages import chinese_unless_english, is_chinese
from utilities.models import CitedModel, RegistryModel, validate_reported_dates
from utilities.partial_dates import (
    partial_date_constraints,
    partial_date_fields,
    validate_partial_date,
)

from .choices import AwardLevel, AwardTypeStatus, RecipientKind

ALIAS_TAKEN = _("“%(name)s”已是奖项类型“%(award_type)s”的名称或别名。")


class AwardType(RegistryModel):
    """An award as it was named when conferred (CPAFFC renamed its awards in 2024; a renamed
    award is a new type pointing back to its predecessor). One award spelt several ways in
    the reports (国际友城发展战略奖 / 国际友城战略发展奖) is one type with aliases; each award
    keeps its report's wording in its citation.

    An office that meets an award the registry lacks proposes it (status "proposed", shown
    as such on every surface); a superuser confirms, renames or merges it
    (``awards.services``)."""

    # Reference data: every office reads it, superusers change it (offices.rules); an
    # office may add one, as a proposal (awards.services.propose_award_type).
    office_reference = True
    office_proposable = True

    name_zh = models.CharField(
        verbose_name=_("中文名称"),
        max_length=200,
        unique=True,
    )
    name_en = models.CharField(
        verbose_name=_("英文名称"),
        max_length=300,
        blank=True,
    )
    conferred_by_zh = models.CharField(
        verbose_name=_("颁发机构"),
        max_length=200,
        blank=True,
    )
    conferred_by_en = models.CharField(
        verbose_name=_("颁发机构（英文）"),
        max_length=300,
        blank=True,
    )
    level = models.CharField(
        verbose_name=_("级别"),
        max_length=20,
        choices=AwardLevel.choices,
    )
    predecessor = models.ForeignKey(
        to="awards.AwardType",
        on_delete=models.PROTECT,
        related_name="successors",
        verbose_name=_("曾用名"),
        null=True,
        blank=True,
    )
    description_zh = models.CharField(
        verbose_name=_("简介"),
        max_length=300,
        blank=True,
        help_text=_("一句话说明授予谁、为什么，选择奖项时显示，便于区分名称相近的奖项。"),
    )
    description_en = models.CharField(
        verbose_name=_("简介（英文）"),
        max_length=500,
        blank=True,
    )
    status = models.CharField(
        verbose_name=_("状态"),
        max_length=20,
        choices=AwardTypeStatus.choices,
        default=AwardTypeStatus.CONFIRMED,
        help_text=_("外办新增的奖项类型为“待确认”，由系统管理员确认、改名或合并。"),
    )
    proposed_by = models.ForeignKey(
        to=settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="proposed_award_types",
        verbose_name=_("提议人"),
        null=True,
        blank=True,
        editable=False,
    )
    notes = models.TextField(
        verbose_name=_("说明"),
        blank=True,
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["level", "name_zh"]
        verbose_name = _("奖项类型")
        verbose_name_plural = _("奖项类型")

    def __str__(self):
        if self.is_proposed:
            return _("%(name)s（待确认）") % {"name": self.display_name()}
        return self.display_name()

    @property
    def is_proposed(self):
        return self.status == AwardTypeStatus.PROPOSED

    def display_name(self, language=None):
        return chinese_unless_english(self.name_zh, self.name_en, language)

    @property
    def alias_names(self):
        return [alias.name for alias in self.aliases.all()]

    def description(self, language=None):
        return chinese_unless_english(self.description_zh, self.description_en, language)

    def picker_label(self, language=None):
        """The label in a picker: the name (and "proposed"), its other spellings, who
        confers it and what it is for, so look-alike names can be told apart."""
        label = str(self)
        if not is_chinese(language) and self.name_en:
            # The report a clerk reads is Chinese: its wording stays in sight.
            label += f" {self.name_zh}"
        aliases = [alias.name for alias in self.aliases.all()]
        if aliases:
            label += _("（又作%(aliases)s）") % {"aliases": "、".join(aliases)}
        details = [
            chinese_unless_english(self.conferred_by_zh, self.conferred_by_en, language),
            self.description(language),
        ]
        details = [detail for detail in details if detail]
        if details:
            label += " — " + " · ".join(details)
        return label

    def clean(self):
        name = (self.name_zh or "").strip()
        taken = AwardTypeAlias.objects.filter(name=name).exclude(award_type_id=self.pk)
        alias = taken.select_related("award_type").first()
        if alias is not None:
            raise ValidationError(
                {
                    "name_zh": ALIAS_TAKEN
                    % {"name": name, "award_type": alias.award_type.display_name()}
                }
            )

    def get_absolute_url(self):
        """The awards of this type, in the directory."""
        return f"{reverse('awards:award_list')}?award_type_id={self.pk}"


class AwardTypeAlias(RegistryModel):
    """Another spelling of an award type in the reports (Wuhan's 国际友城战略发展奖 for
    CPAFFC's 国际友城发展战略奖), or the name of a type merged into it. Search and the
    pickers find a type by any of them."""

    office_reference = True

    award_type = models.ForeignKey(
        to="awards.AwardType",
        on_delete=models.CASCADE,
        related_name="aliases",
        verbose_name=_("奖项类型"),
    )
    name = models.CharField(
        verbose_name=_("别名"),
        max_length=200,
        unique=True,
    )
    note = models.CharField(
        verbose_name=_("说明"),
        max_length=200,
        blank=True,
        help_text=_("哪份报告这样写，或由哪个奖项类型合并而来。"),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["award_type", "name"]
        verbose_name = _("奖项别名")
        verbose_name_plural = _("奖项别名")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return self.award_type.get_absolute_url()

    def clean(self):
        name = (self.name or "").strip()
        other = AwardType.objects.filter(name_zh=name)
        if self.award_type_id:
            other = other.exclude(pk=self.award_type_id)
        other = other.first()
        if other is not None:
            raise ValidationError(
                {"name": ALIAS_TAKEN % {"name": name, "award_type": other.display_name()}}
            )
        if self.award_type_id and name == self.award_type.name_zh:
            raise ValidationError({"name": _("别名与奖项名称相同。")})


# Which recipient column each kind of recipient uses; every other one must stay empty.
RECIPIENT_FIELDS = {
    RecipientKind.PLACE: "place",
    RecipientKind.PAIR: "relationship",
    RecipientKind.INDIVIDUAL: "person_name",
    RecipientKind.GROUP: "person_count",
}
EMPTY = {
    "place": Q(place__isnull=True),
    "relationship": Q(relationship__isnull=True),
    "person_name": Q(person_name=""),
    "person_count": Q(person_count__isnull=True),
}


def _one_recipient_condition():
    condition = Q()
    for kind, field in RECIPIENT_FIELDS.items():
        clause = Q(recipient_kind=kind) & ~EMPTY[field]
        for other, empty in EMPTY.items():
            if other != field:
                clause &= empty
        if kind != RecipientKind.GROUP:
            clause &= Q(country_count__isnull=True)
        condition |= clause
    return condition


class Award(CitedModel):
    """An award granted to exactly one kind of recipient: a place (Mannheim, 2016), a pair
    of partners (Zhenjiang and Tempe, 2013), a named person, or a number of people when a
    report gives only a count ("19个国家的154位外国专家")."""

    # The path to the Chinese place whose office may change this record.
    office_lookup = "chinese_place"
    # Text the public pages show (the admin says so beside each field).
    public_fields = ("notes", "editors_note")

    award_type = models.ForeignKey(
        to="awards.AwardType",
        on_delete=models.PROTECT,
        related_name="awards",
        verbose_name=_("奖项"),
    )
    chinese_place = models.ForeignKey(
        to="cities.Place",
        on_delete=models.PROTECT,
        related_name="recorded_awards",
        verbose_name=_("中方城市"),
        help_text=_("记录该奖项的中国城市（外办）。"),
    )
    recipient_kind = models.CharField(
        verbose_name=_("获奖者类型"),
        max_length=20,
        choices=RecipientKind.choices,
    )
    place = models.ForeignKey(
        to="cities.Place",
        on_delete=models.PROTECT,
        related_name="awards",
        verbose_name=_("获奖地方"),
        null=True,
        blank=True,
    )
    relationship = models.ForeignKey(
        to="cities.Relationship",
        on_delete=models.PROTECT,
        related_name="awards",
        verbose_name=_("获奖友好关系"),
        null=True,
        blank=True,
    )
    person_name = models.CharField(
        verbose_name=_("获奖人"),
        max_length=200,
        blank=True,
    )
    person_count = models.PositiveIntegerField(
        verbose_name=_("获奖人数"),
        null=True,
        blank=True,
    )
    country_count = models.PositiveIntegerField(
        verbose_name=_("来自国家数"),
        null=True,
        blank=True,
    )
    conferred_year, conferred_month, conferred_day = partial_date_fields(_("授予（年）"))
    notes = models.TextField(
        verbose_name=_("说明"),
        blank=True,
    )
    citations = models.ManyToManyField(
        to="sources.Citation",
        related_name="awards",
        verbose_name=_("引文"),
        blank=True,
    )

    history = RegistryHistory(m2m_fields=[citations])

    # Not after the cited report or today (``validate_reported_dates``).
    reported_dates = ("conferred",)

    class Meta:
        ordering = ["conferred_year", "conferred_month", "conferred_day", "pk"]
        verbose_name = _("获奖")
        verbose_name_plural = _("获奖")
        constraints = [
            models.CheckConstraint(
                condition=_one_recipient_condition(),
                name="%(app_label)s_%(class)s_exactly_one_recipient",
                violation_error_message=_("奖项须有且只有一种获奖者。"),
            ),
            *partial_date_constraints("conferred"),
        ]

    def __str__(self):
        return f"{self.award_type} – {self.recipient_display()}"

    def recipient_display(self, language=None):
        if self.recipient_kind == RecipientKind.PLACE and self.place_id:
            return self.place.display_name(language)
        if self.recipient_kind == RecipientKind.PAIR and self.relationship_id:
            return str(self.relationship)
        if self.recipient_kind == RecipientKind.INDIVIDUAL:
            return self.person_name
        if self.person_count is not None:
            if is_chinese(language):
                countries = f"{self.country_count}个国家的" if self.country_count else ""
                return f"{countries}{self.person_count}人"
            countries = f" from {self.country_count} countries" if self.country_count else ""
            return f"{self.person_count} people{countries}"
        return ""

    @property
    def conferred(self):
        return self.partial_date("conferred")

    def clean(self):
        try:
            validate_partial_date(self, "conferred")
        except ValidationError as error:
            errors = dict(error.message_dict)
        else:
            errors = {}
        try:
            validate_reported_dates(self)
        except ValidationError as error:
            errors.update(error.message_dict)
        values = {
            "place": self.place_id,
            "relationship": self.relationship_id,
            "person_name": self.person_name or None,
            "person_count": self.person_count,
        }
        if self.recipient_kind in RECIPIENT_FIELDS:
            needed = RECIPIENT_FIELDS[RecipientKind(self.recipient_kind)]
            if values[needed] is None:
                errors[needed] = _("请填写获奖者（%(kind)s）。") % {
                    "kind": self.get_recipient_kind_display()
                }
            for field, value in values.items():
                if field != needed and value is not None:
                    errors[field] = _("获奖者只能是一种：请清空此项。")
            if self.country_count is not None and self.recipient_kind != RecipientKind.GROUP:
                errors["country_count"] = _("国家数只用于多人获奖。")
        if self.chinese_place_id and not self.chinese_place.is_chinese:
            errors["chinese_place"] = _("中方城市须在中国。")
        if errors:
            raise ValidationError(errors)
