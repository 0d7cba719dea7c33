"""Choices for places and relationships, with Chinese labels (English through the locale)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PlaceLevel(models.TextChoices):
    PROVINCE = "province", _("省/州/大区")
    PREFECTURE_CITY = "prefecture_city", _("地级市")
    CITY = "city", _("市")
    METROPOLITAN_CITY = "metropolitan_city", _("广域市")
    DEPARTMENT = "department", _("省（法国、意大利等）")
    COUNTY = "county", _("县")
    COUNTY_CITY = "county_city", _("县级市")
    DISTRICT = "district", _("区")
    DEVELOPMENT_ZONE = "development_zone", _("开发区")
    AUTHORITY = "authority", _("特区/管理局")
    REGION = "region", _("地区")


class RelationshipKind(models.TextChoices):
    """One kind per tier; the report's own wording is kept on the relationship."""

    SISTER = "sister", _("友好城市")
    FRIENDLY = "friendly", _("友好交流城市")


class Stage(models.TextChoices):
    """The life of a relationship, in order. "Pursuing" comes before any document: a city
    says it is working towards the partner (推动建立友城关系, 积极推进, 洽谈)."""

    PURSUING = "pursuing", _("推动/洽谈中")
    INTENT = "intent", _("意向/备忘录")
    AGREEMENT = "agreement", _("签署协议")
    ACTIVE = "active", _("存续")
    ENDED = "ended", _("终止")


STAGE_ORDER = {
    Stage.PURSUING: 0,
    Stage.INTENT: 1,
    Stage.AGREEMENT: 2,
    Stage.ACTIVE: 3,
    Stage.ENDED: 4,
}

# Stages before an agreement: a relationship in them is not an established tie, and no
# count of partners includes it (they are counted on their own).
NOT_ESTABLISHED = (Stage.PURSUING, Stage.INTENT)


class HoldingLevel(models.TextChoices):
    """Who holds the relationship on the Chinese side."""

    PROVINCIAL = "provincial", _("省级")
    MUNICIPAL = "municipal", _("市级")
    COUNTY = "county", _("县级")
    DISTRICT = "district", _("区级")
    ZONE = "zone", _("开发区级")


class FigureMetric(models.TextChoices):
    """What a total stated in a report counts."""

    PARTNERS = "partners", _("友城与友好交流城市总数")
    SISTER_CITIES = "sister_cities", _("友好城市")
    FRIENDLY_CITIES = "friendly_cities", _("友好交流（合作）城市")
    COUNTRIES = "countries", _("国家")
    INTENTS = "intents", _("意向书/备忘录")
    PURSUING = "pursuing", _("推动/洽谈中的友好关系")
    MUNICIPAL_SISTER_CITIES = "municipal_sister_cities", _("市级友好城市")
    COUNTY_SISTER_CITIES = "county_sister_cities", _("县级友好城市")
    RANK = "rank", _("排名")
    YEARS = "years", _("友城工作年数")
    OTHER = "other", _("其他")


class ClaimSubject(models.TextChoices):
    """What a source's claim is about: the date of a dated step, or the relationship's
    kind or holding level."""

    DATE = "date", _("日期")
    KIND = "kind", _("类别")
    LEVEL = "level", _("中方层级")


class Claimant(models.TextChoices):
    """Whose word a claim is: the registry's own rows come from the Chinese side's reports;
    a claim adds what another side or source says."""

    OUR_REPORT = "our_report", _("我方报告")
    PARTNER = "partner", pgettext_lazy("claimant", "外方")
    NATIONAL_ROLL = "national_roll", _("全国名录")
    OTHER = "other", _("其他来源")


class StatementKind(models.TextChoices):
    """What a statement of a report that no number holds is about."""

    RANKING = "ranking", _("排名")
    DURATION = "duration", _("时长")
    PLAN = "plan", _("计划")
    FOUNDING = "founding", _("机构沿革")
    OTHER = "other", _("其他")


class NationalRule(models.TextChoices):
    """CPAFFC's management rules a record can break; the registry warns, never refuses
    (history has exceptions), and staff may acknowledge a warning with a reason."""

    LEVEL_MISMATCH = "level_mismatch", _("双方层级不对等")
    SAME_PROVINCE = "same_province", _("外方在同省已有同类伙伴")
    NO_DIPLOMATIC_RELATIONS = "no_diplomatic_relations", _("外方国家未与中国建交")
    ACTIVE_WITHOUT_AGREEMENT = "active_without_agreement", _("存续但无签署协议记录")
