"""FilterSets for places and relationships: one class per listable model, shared by the
public directory pages and the REST API (``filterset_class``).

Paired filters take a primary key (``chinese_place_id=3``) or a slug (``chinese_place=wuhan``);
a Chinese place filter also matches the places inside it (Jinzhong's relationships include
Pingyao County's). ``q`` matches the stored search keys of the places involved, so 濟南,
"ji nan" and "Jinan" find the same rows.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from utilities.filtersets import (
    PLACES_BY_JOIN,
    PLACES_BY_ROW,
    ChinesePlaceFilterSet,
    CountryFilter,
    IdFilter,
    RegistryFilterSet,
    SearchFilter,
    YearFilter,
    common_key,
    place_key_q,
    query_terms,
    text_q,
)
from utilities.quantities import Qualifier
from utilities.search import query_key

from .choices import (
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
from .models import (
    Claim,
    CooperationField,
    Place,
    Relationship,
    RelationshipStage,
    ReportedFigure,
    ReportedStatement,
    RuleAcknowledgement,
    began_part,
)

SIDE_CHOICES = [("chinese", _("中方")), ("foreign", _("外方"))]


def foreign_places(request=None):
    """Choices for a foreign-place filter."""
    return Place.objects.foreign()


class PlaceFilterSet(RegistryFilterSet):
    q = SearchFilter()
    side = filters.ChoiceFilter(
        label=_("中方/外方"),
        choices=SIDE_CHOICES,
        method="filter_side",
    )
    country = CountryFilter()
    level = filters.MultipleChoiceFilter(
        label=_("行政级别"),
        choices=PlaceLevel.choices,
    )
    parent_id = IdFilter(
        label=_("上级地方（ID）"),
        queryset=Place.objects.all(),
        method="filter_parent",
    )
    parent = filters.ModelMultipleChoiceFilter(
        label=_("上级地方"),
        queryset=Place.objects.all(),
        to_field_name="slug",
        method="filter_parent",
    )
    kind = filters.MultipleChoiceFilter(
        label=_("关系类别"),
        choices=RelationshipKind.choices,
        method="filter_kind",
    )

    class Meta:
        model = Place
        fields = ["q", "side", "country", "level", "parent_id", "parent", "kind"]

    @staticmethod
    def search_q(value):
        """The places ``q`` finds; None when nothing can match (the search page asks too)."""
        key = query_key(value)
        if not key:
            # Only punctuation or emoji: nothing is named like that.
            return None
        return place_key_q(key, "")

    def search(self, queryset, name, value):
        condition = self.search_q(value)
        return queryset.none() if condition is None else queryset.filter(condition)

    def filter_side(self, queryset, name, value):
        if value == "chinese":
            return queryset.chinese()
        if value == "foreign":
            return queryset.foreign()
        return queryset

    def filter_parent(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(parent__in=value)

    def filter_kind(self, queryset, name, value):
        """Places that hold (or partner in) a relationship of one of these kinds."""
        if not value:
            return queryset
        holding = Relationship.objects.filter(kind__in=value)
        return queryset.filter(
            Q(pk__in=holding.values("chinese_place")) | Q(pk__in=holding.values("foreign_place"))
        )


def first_stage_year():
    """The year the relationship began (``Relationship.began``: its agreement, else its
    earliest letter of intent, memorandum or "active" step), as a subquery."""
    return began_part("year")


def with_first_year(queryset):
    """``first_year``: the year the relationship began, for the year filters and the
    directory's year column (the same definition as the pages' "始于")."""
    if "first_year" in queryset.query.annotations:
        return queryset
    return queryset.alias(first_year=first_stage_year())


# How many distinct words of a query ``terms_places`` asks about (a query each) at most.
WORDS_CHECKED_AT_MOST = 4


def terms_places(terms, place_ids):
    """How the places of each word of a query of several are found (``place_key_q``'s
    ``place_ids``): row by row when the whole query's are. Otherwise each word by the ids
    of the places holding it, looked up by its own key (the ids read for the whole query
    are not the word's); but a common word (``common_key``: "synthetic", in thousands of
    names) beside a rarer one is checked row by row, on the few rows the rarer word's ids
    find: its thousands of ids, each looked up in both sides' indexes, cost the count of
    "Synthetic City 0001" 250 ms. When every word is common they all stay ids: row by
    row, every relationship would be checked (the API's list of "synthetic shi": 16 s)."""
    if place_ids is PLACES_BY_JOIN:
        return [PLACES_BY_JOIN] * len(terms)
    words = dict.fromkeys(terms)  # a word given twice is asked once
    if len(words) > WORDS_CHECKED_AT_MOST:
        # One query per word asked: a long query's words all stay ids, as before the check.
        return [None] * len(terms)
    asked = {word: common_key(Relationship, "chinese_place", word) for word in words}
    common = [asked[term] for term in terms]
    if all(common):
        return [None] * len(terms)
    return [PLACES_BY_ROW if is_common else None for is_common in common]


class RelationshipFilterSet(ChinesePlaceFilterSet):
    q = SearchFilter()
    kind = filters.MultipleChoiceFilter(
        label=_("类别"),
        choices=RelationshipKind.choices,
    )
    stage = filters.MultipleChoiceFilter(
        label=_("阶段"),
        choices=Stage.choices,
    )
    level = filters.MultipleChoiceFilter(
        label=_("中方层级"),
        choices=HoldingLevel.choices,
    )
    country = CountryFilter(field_name="foreign_place__country")
    foreign_place_id = IdFilter(
        label=_("外方地方（ID）"),
        field_name="foreign_place",
        queryset=foreign_places,
    )
    foreign_place = filters.ModelMultipleChoiceFilter(
        label=_("外方地方"),
        field_name="foreign_place__slug",
        queryset=foreign_places,
        to_field_name="slug",
    )
    field_id = IdFilter(
        label=_("合作领域（ID）"),
        field_name="fields",
        queryset=CooperationField.objects.all(),
    )
    field = filters.ModelMultipleChoiceFilter(
        label=_("合作领域"),
        field_name="fields__slug",
        queryset=CooperationField.objects.all(),
        to_field_name="slug",
    )
    # The year the relationship began (``Relationship.began``), as its page shows it.
    year_min = YearFilter(
        label=_("起始年份（从）"),
        method="filter_year_min",
    )
    year_max = YearFilter(
        label=_("起始年份（到）"),
        method="filter_year_max",
    )

    class Meta:
        model = Relationship
        fields = [
            "q", "kind", "stage", "level", "country", "chinese_place_id", "chinese_place",
            "foreign_place_id", "foreign_place", "field_id", "field", "year_min", "year_max",
        ]  # fmt: skip

    @staticmethod
    def search_q(value, place_ids=None):
        """The relationships ``q`` finds; None when nothing can match. ``place_ids``: the
        ids of the places whose keys hold the query, when the caller has read them."""
        key = query_key(value)
        if not key:
            # Only punctuation or emoji: nothing is named like that.
            return None
        condition = place_key_q(
            key, "chinese_place", "foreign_place", model=Relationship, place_ids=place_ids
        ) | text_q(value, "wording", "notes")
        terms = query_terms(value)
        if terms:
            # "武汉 大分": every word names one side or the other.
            every = Q()
            for term, term_ids in zip(terms, terms_places(terms, place_ids), strict=True):
                every &= place_key_q(
                    term, "chinese_place", "foreign_place", model=Relationship, place_ids=term_ids
                )
            condition |= every
        return condition

    def search(self, queryset, name, value):
        key = query_key(value)
        if key and common_key(Relationship, "chinese_place", key):
            # Matches throughout the table: each row's places (joined for the list's
            # order anyway) answer for it, not the ids of thousands of places.
            return queryset.filter(self.search_q(value, place_ids=PLACES_BY_JOIN))
        condition = self.search_q(value)
        return queryset.none() if condition is None else queryset.filter(condition)

    def filter_year_min(self, queryset, name, value):
        return with_first_year(queryset).filter(first_year__gte=value)

    def filter_year_max(self, queryset, name, value):
        return with_first_year(queryset).filter(first_year__lte=value)


class RelationshipStageFilterSet(ChinesePlaceFilterSet):
    """Stages of relationships (REST API): by relationship, stage, Chinese place and year."""

    chinese_place_path = "relationship__chinese_place"

    relationship_id = IdFilter(
        label=_("友好关系（ID）"),
        field_name="relationship",
        queryset=Relationship.objects.all(),
    )
    stage = filters.MultipleChoiceFilter(
        label=_("阶段"),
        choices=Stage.choices,
    )
    year_min = YearFilter(
        label=_("年份（从）"),
        field_name="date_year",
        lookup_expr="gte",
    )
    year_max = YearFilter(
        label=_("年份（到）"),
        field_name="date_year",
        lookup_expr="lte",
    )

    class Meta:
        model = RelationshipStage
        fields = [
            "relationship_id",
            "stage",
            "chinese_place_id",
            "chinese_place",
            "year_min",
            "year_max",
        ]


class ClaimFilterSet(ChinesePlaceFilterSet):
    """Sources' claims (REST API): by relationship, step, subject, who claims and Chinese
    place."""

    chinese_place_path = "relationship__chinese_place"

    relationship_id = IdFilter(
        label=_("友好关系（ID）"),
        field_name="relationship",
        queryset=Relationship.objects.all(),
    )
    step_id = IdFilter(
        label=_("阶段（ID）"),
        field_name="step",
        queryset=RelationshipStage.objects.all(),
    )
    subject = filters.MultipleChoiceFilter(
        label=_("所述事项"),
        choices=ClaimSubject.choices,
    )
    claimant = filters.MultipleChoiceFilter(
        label=_("说法出自"),
        choices=Claimant.choices,
    )

    class Meta:
        model = Claim
        fields = [
            "relationship_id",
            "step_id",
            "subject",
            "claimant",
            "chinese_place_id",
            "chinese_place",
        ]


class ReportedFigureFilterSet(ChinesePlaceFilterSet):
    """Reported figures (REST API): by Chinese place (a province includes its cities and
    everything inside them), metric and qualifier."""

    metric = filters.MultipleChoiceFilter(
        label=_("统计项"),
        choices=FigureMetric.choices,
    )
    qualifier = filters.MultipleChoiceFilter(
        label=_("限定"),
        choices=Qualifier.choices,
    )

    class Meta:
        model = ReportedFigure
        fields = ["chinese_place_id", "chinese_place", "metric", "qualifier"]


class ReportedStatementFilterSet(ChinesePlaceFilterSet):
    """Statements of reports (REST API): by Chinese place and kind."""

    kind = filters.MultipleChoiceFilter(
        label=_("类别"),
        choices=StatementKind.choices,
    )

    class Meta:
        model = ReportedStatement
        fields = ["chinese_place_id", "chinese_place", "kind"]


class CooperationFieldFilterSet(RegistryFilterSet):
    """Fields of cooperation: reference data, filtered only by when they changed."""

    class Meta:
        model = CooperationField
        fields = []


class RuleAcknowledgementFilterSet(ChinesePlaceFilterSet):
    """Acknowledged national-rule warnings (REST API): by relationship, rule and Chinese place."""

    chinese_place_path = "relationship__chinese_place"

    relationship_id = IdFilter(
        label=_("友好关系（ID）"),
        field_name="relationship",
        queryset=Relationship.objects.all(),
    )
    rule = filters.MultipleChoiceFilter(
        label=_("规则"),
        choices=NationalRule.choices,
    )

    class Meta:
        model = RuleAcknowledgement
        fields = ["relationship_id", "rule", "chinese_place_id", "chinese_place"]
