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
from utilities.languages import chinese_unless_english
from utilities.lookups import Among  # noqa: F401 (registers ``__among``)

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


# What the warnings' wording reads of a relationship and its two places, for the few
# relationships that have a warning (the others are judged from plain values).
WORDED_FIELDS = [
    "kind",
    "stage",
    "level",
    "chinese_place__level",
    "chinese_place__name_zh",
    "chinese_place__name_en",
    "foreign_place__level",
    "foreign_place__country",
    "foreign_place__name_zh",
    "foreign_place__name_en",
]


def tier_of_chinese_side(relationship):
    if relationship.level:
        return HOLDING_TIERS.get(relationship.level), relationship.get_level_display()
    place = relationship.chinese_place
    return PLACE_TIERS.get(place.level), place.get_level_display()


def message_values(rule, relationship, others, names):
    """The values a rule's message names, from the relationship as loaded."""
    foreign = relationship.foreign_place
    if rule == NationalRule.LEVEL_MISMATCH:
        _tier, chinese_label = tier_of_chinese_side(relationship)
        return {"chinese": chinese_label, "foreign": foreign.get_level_display()}
    if rule == NationalRule.SAME_PROVINCE:
        return {
            "foreign": foreign.display_name(),
            "others": "、".join(chinese_unless_english(*names[pk]) for pk in others),
        }
    if rule == NationalRule.NO_DIPLOMATIC_RELATIONS:
        return {"country": foreign.country.name}
    return {}


def relationship_warnings(relationships):
    """{relationship pk: [RuleWarning, …]} of the unacknowledged warnings of these
    relationships (a queryset or a list), in six queries whatever their number.

    The rules are judged from plain values (an office judges thousands of relationships
    at once); only the relationships with a warning are read as records, for its wording."""
    if isinstance(relationships, QuerySet):
        # A subquery: the queryset's own joins and prefetches are not needed here.
        pks = relationships.order_by().values("pk")
    else:
        pks = [getattr(item, "pk", item) for item in relationships]
    judged = list(
        Relationship.objects.filter(pk__in=pks).values_list(
            "pk",
            "kind",
            "stage",
            "level",
            "chinese_place",
            "chinese_place__level",
            "foreign_place",
            "foreign_place__level",
            "foreign_place__country",
        )
    )
    if not judged:
        return {}
    # Sets of ids go to the database as one parameter each (``__among``): an office's
    # thousands of ids would each be prepared as a parameter of ``__in``.
    pks = {row[0] for row in judged}
    # (pk, Chinese place) of every relationship of the same foreign places, by (foreign
    # place, kind), and the names of those Chinese places (a same-province warning lists
    # them).
    partners = defaultdict(list)
    names = {}
    for pk, foreign_id, kind, chinese_id, name_zh, name_en in Relationship.objects.filter(
        foreign_place__id__among={row[6] for row in judged}
    ).values_list(
        "pk",
        "foreign_place",
        "kind",
        "chinese_place",
        "chinese_place__name_zh",
        "chinese_place__name_en",
    ):
        partners[(foreign_id, kind)].append((pk, chinese_id))
        names[chinese_id] = (name_zh, name_en)
    # The Chinese province (tree root) of the Chinese place of each of these and of their
    # partners' other relationships: one query that climbs from those places only.
    sides = {chinese_id for others in partners.values() for _pk, chinese_id in others}
    province_of = {
        pk: path[0]
        for pk, path in Place.objects.chinese()
        .filter(pk__among=sides | {row[4] for row in judged})
        .paths()
        .items()
    }
    agreed = set(
        RelationshipStage.objects.filter(
            relationship__id__among=pks, stage=Stage.AGREEMENT
        ).values_list("relationship", flat=True)
    )
    acknowledged = set(
        RuleAcknowledgement.objects.filter(relationship__id__among=pks).values_list(
            "relationship", "rule"
        )
    )
    found = {}  # relationship pk: [(rule, the other partners in its province), …]
    for (
        pk, kind, stage, level, chinese_id, chinese_level, foreign_id, foreign_level, country,
    ) in judged:  # fmt: skip
        rules = []
        chinese_tier = HOLDING_TIERS.get(level) if level else PLACE_TIERS.get(chinese_level)
        foreign_tier = PLACE_TIERS.get(foreign_level)
        if chinese_tier and foreign_tier and abs(chinese_tier - foreign_tier) >= 2:
            rules.append((NationalRule.LEVEL_MISMATCH, None))
        province = province_of.get(chinese_id)
        others = [
            other_chinese_id
            for other, other_chinese_id in partners[(foreign_id, kind)]
            if other != pk
            and province is not None
            and province_of.get(other_chinese_id) == province
        ]
        if others:
            rules.append((NationalRule.SAME_PROVINCE, others))
        if country and country in NO_DIPLOMATIC_RELATIONS:
            rules.append((NationalRule.NO_DIPLOMATIC_RELATIONS, None))
        if stage == Stage.ACTIVE and pk not in agreed:
            rules.append((NationalRule.ACTIVE_WITHOUT_AGREEMENT, None))
        found[pk] = [
            (rule, others) for rule, others in rules if (pk, str(rule)) not in acknowledged
        ]
    # Read even when none is warned: a list makes the same queries whatever its rows.
    warned = {
        relationship.pk: relationship
        for relationship in Relationship.objects.select_related("chinese_place", "foreign_place")
        .only(*WORDED_FIELDS)
        .filter(pk__among={pk for pk, rules in found.items() if rules})
    }
    result = {}
    for pk, rules in found.items():
        warnings = result[pk] = []
        for rule, others in rules:
            relationship = warned[pk]
            values = message_values(rule, relationship, others, names)
            message = MESSAGES[rule] % values if values else MESSAGES[rule]
            warnings.append(RuleWarning(relationship, str(rule), str(message)))
    return result


def warnings_of(relationship):
    """The unacknowledged warnings of one relationship."""
    return relationship_warnings([relationship]).get(relationship.pk, [])
