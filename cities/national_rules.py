"""CPAFFC's national rules as warnings: one function that judges any number of
relationships in a fixed number of queries, for every surface that shows them (the
admin after a save or an import, the API's write responses, the dashboard).

A warning never blocks a save: history has exceptions (a county that twinned with a
foreign province before the rules were written). Each names its rule
(``choices.NationalRule``); staff may acknowledge it with a reason
(``models.RuleAcknowledgement``), and an acknowledged warning no longer shows.

The rules:

- ``level_mismatch``: the two sides should be of matching level; a county, district or
  zone does not hold a partnership with a foreign province (and a province not with a
  foreign district). Levels are compared as three tiers: province; city (a French
  département or an Italian province counts as a city-level partner, as Jinzhong–Como);
  county, district or zone. Two tiers apart is a mismatch.
- ``same_province``: a foreign place already has a partner of the same kind in the same
  Chinese province.
- ``no_diplomatic_relations``: the partner's country has no diplomatic relations with
  China (``utilities.countries.NO_DIPLOMATIC_RELATIONS``).
- ``active_without_agreement``: recorded as active with no agreement step.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from utilities.countries import NO_DIPLOMATIC_RELATIONS

from .choices import HoldingLevel, NationalRule, PlaceLevel, Stage
from .models import Place, Relationship, RelationshipStage, RuleAcknowledgement

PROVINCE_TIER, CITY_TIER, COUNTY_TIER = 1, 2, 3

# Who holds the relationship on the Chinese side, when the record says.
HOLDING_TIERS = {
    HoldingLevel.PROVINCIAL: PROVINCE_TIER,
    HoldingLevel.MUNICIPAL: CITY_TIER,
    HoldingLevel.COUNTY: COUNTY_TIER,
    HoldingLevel.DISTRICT: COUNTY_TIER,
    HoldingLevel.ZONE: COUNTY_TIER,
}
PLACE_TIERS = {
    PlaceLevel.PROVINCE: PROVINCE_TIER,
    PlaceLevel.REGION: PROVINCE_TIER,
    PlaceLevel.PREFECTURE_CITY: CITY_TIER,
    PlaceLevel.CITY: CITY_TIER,
    PlaceLevel.METROPOLITAN_CITY: CITY_TIER,
    PlaceLevel.DEPARTMENT: CITY_TIER,
    PlaceLevel.AUTHORITY: CITY_TIER,
    PlaceLevel.COUNTY: COUNTY_TIER,
    PlaceLevel.COUNTY_CITY: COUNTY_TIER,
    PlaceLevel.DISTRICT: COUNTY_TIER,
    PlaceLevel.DEVELOPMENT_ZONE: COUNTY_TIER,
}

MESSAGES = {
    NationalRule.LEVEL_MISMATCH: _(
        "双方层级不对等：中方为%(chinese)s，外方为%(foreign)s。全国友协规定结好双方层级应"
        "大致对等，县、区一般通过所在市申报。"
    ),
    NationalRule.SAME_PROVINCE: _("%(foreign)s在同一省内已有同类伙伴：%(others)s。"),
    NationalRule.NO_DIPLOMATIC_RELATIONS: _(
        "%(country)s未与中国建交：全国友协规定只与建交国家的地方结好。"
    ),
    NationalRule.ACTIVE_WITHOUT_AGREEMENT: _(
        "记录为“存续”，但没有“签署协议”这一步：请补上协议日期，或更正当前阶段。"
    ),
}


@dataclass(frozen=True)
class RuleWarning:
    relationship: Relationship
    rule: str
    message: str

    @property
    def label(self):
        return NationalRule(self.rule).label

    @property
    def acknowledge_url(self):
        """The admin page that records an acknowledgement of this warning."""
        query = urlencode({"relationship": self.relationship.pk, "rule": self.rule})
        return f"{reverse('admin:cities_ruleacknowledgement_add')}?{query}"

    def as_dict(self):
        return {
            "rule": self.rule,
            "rule_display": str(self.label),
            "message": self.message,
        }


def tier_of_chinese_side(relationship):
    if relationship.level:
        return HOLDING_TIERS.get(relationship.level), relationship.get_level_display()
    place = relationship.chinese_place
    return PLACE_TIERS.get(place.level), place.get_level_display()


def relationship_warnings(relationships):
    """{relationship pk: [RuleWarning, …]} of the unacknowledged warnings of these
    relationships (a queryset or a list), in six queries whatever their number."""
    if isinstance(relationships, QuerySet):
        # A subquery: the queryset's own joins and prefetches are not needed here.
        pks = relationships.order_by().values("pk")
    else:
        pks = [getattr(item, "pk", item) for item in relationships]
    relationships = list(
        Relationship.objects.filter(pk__in=pks).select_related("chinese_place", "foreign_place")
    )
    if not relationships:
        return {}
    pks = [relationship.pk for relationship in relationships]
    # (pk, Chinese place) of every relationship of the same foreign places, by (foreign
    # place, kind): plain values, the names of the few that are shown are read below.
    partners = defaultdict(list)
    for pk, foreign_id, kind, chinese_id in Relationship.objects.filter(
        foreign_place__in={r.foreign_place_id for r in relationships}
    ).values_list("pk", "foreign_place", "kind", "chinese_place"):
        partners[(foreign_id, kind)].append((pk, chinese_id))
    # The Chinese province (tree root) of the Chinese place of each of these and of their
    # partners' other relationships: one query that climbs from those places only.
    sides = {chinese_id for others in partners.values() for _pk, chinese_id in others}
    province_of = {
        pk: path[0]
        for pk, path in Place.objects.chinese()
        .filter(pk__in=sides | {r.chinese_place_id for r in relationships})
        .paths()
        .items()
    }
    agreed = set(
        RelationshipStage.objects.filter(relationship__in=pks, stage=Stage.AGREEMENT).values_list(
            "relationship", flat=True
        )
    )
    acknowledged = set(
        RuleAcknowledgement.objects.filter(relationship__in=pks).values_list("relationship", "rule")
    )
    found = {}  # relationship pk: [(rule, message values), …]
    for relationship in relationships:
        found[relationship.pk] = rules = []
        chinese_tier, chinese_label = tier_of_chinese_side(relationship)
        foreign = relationship.foreign_place
        foreign_tier = PLACE_TIERS.get(foreign.level)
        if chinese_tier and foreign_tier and abs(chinese_tier - foreign_tier) >= 2:
            values = {"chinese": chinese_label, "foreign": foreign.get_level_display()}
            rules.append((NationalRule.LEVEL_MISMATCH, values))
        province = province_of.get(relationship.chinese_place_id)
        others = [
            chinese_id
            for pk, chinese_id in partners[(relationship.foreign_place_id, relationship.kind)]
            if pk != relationship.pk
            and province is not None
            and province_of.get(chinese_id) == province
        ]
        if others:
            rules.append((NationalRule.SAME_PROVINCE, {"foreign": foreign, "others": others}))
        if foreign.country and foreign.country.code in NO_DIPLOMATIC_RELATIONS:
            rules.append((NationalRule.NO_DIPLOMATIC_RELATIONS, {"country": foreign.country.name}))
        if relationship.stage == Stage.ACTIVE and relationship.pk not in agreed:
            rules.append((NationalRule.ACTIVE_WITHOUT_AGREEMENT, {}))
    # The names of the other partners the same-province warnings list.
    names = Place.objects.only("pk", "name_zh", "name_en").in_bulk(
        {
            chinese_id
            for rules in found.values()
            for rule, values in rules
            if rule == NationalRule.SAME_PROVINCE
            for chinese_id in values["others"]
        }
    )
    result = {}
    for relationship in relationships:
        warnings = result[relationship.pk] = []
        for rule, values in found[relationship.pk]:
            if (relationship.pk, str(rule)) in acknowledged:
                continue
            if rule == NationalRule.SAME_PROVINCE:
                values = {
                    "foreign": values["foreign"].display_name(),
                    "others": "、".join(str(names[pk]) for pk in values["others"]),
                }
            message = MESSAGES[rule] % values if values else MESSAGES[rule]
            warnings.append(RuleWarning(relationship, str(rule), str(message)))
    return result


def warnings_of(relationship):
    """The unacknowledged warnings of one relationship."""
    return relationship_warnings([relationship]).get(relationship.pk, [])
