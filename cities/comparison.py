"""Reported vs recorded: each total a report states for a Chinese city, beside the number of
records the registry holds for that city and the places inside it, and the gap."""

from dataclasses import dataclass

from django.db.models import Count, Q

from utilities.quantities import Qualifier, format_quantity

from .choices import FigureMetric, HoldingLevel, RelationshipKind, Stage

# A relationship counts towards a city's totals once an agreement exists and until it ends;
# intents and the partners a city is pursuing are counted on their own, never as partners.
CONCLUDED = Q(stage__in=[Stage.AGREEMENT, Stage.ACTIVE])
SISTER = Q(kind=RelationshipKind.SISTER) & CONCLUDED
FRIENDLY = Q(kind=RelationshipKind.FRIENDLY) & CONCLUDED

RECORDED = {
    FigureMetric.PARTNERS: Count("pk", filter=CONCLUDED),
    FigureMetric.SISTER_CITIES: Count("pk", filter=SISTER),
    FigureMetric.FRIENDLY_CITIES: Count("pk", filter=FRIENDLY),
    FigureMetric.COUNTRIES: Count("foreign_place__country", filter=CONCLUDED, distinct=True),
    FigureMetric.INTENTS: Count("pk", filter=Q(stage=Stage.INTENT)),
    FigureMetric.PURSUING: Count("pk", filter=Q(stage=Stage.PURSUING)),
    FigureMetric.MUNICIPAL_SISTER_CITIES: Count(
        "pk", filter=SISTER & Q(level=HoldingLevel.MUNICIPAL)
    ),
    FigureMetric.COUNTY_SISTER_CITIES: Count("pk", filter=SISTER & Q(level=HoldingLevel.COUNTY)),
}


@dataclass(frozen=True)
class FigureComparison:
    figure: object  # the ReportedFigure
    recorded: int | None  # None: the registry cannot count this metric

    @property
    def missing(self):
        """How many records the registry lacks: exact for an exact figure; the lower bound
        for "20多个"/"逾"/"以上"; None when the figure is only approximate or not countable."""
        if self.recorded is None:
            return None
        qualifier = self.figure.qualifier
        if qualifier in (Qualifier.EXACT, Qualifier.ODD, Qualifier.OVER, Qualifier.AT_LEAST):
            return max(self.figure.value - self.recorded, 0)
        return None

    @property
    def complete(self):
        return self.missing == 0

    def display_reported(self, language=None):
        return format_quantity(
            self.figure.value, self.figure.qualifier, language, self.figure.value_max
        )


def recorded_counts(place, scope=None):
    """All countable metrics for the place and the places inside it, in one query. (The
    models are reached through the place, so that ``Place.reported_vs_recorded`` can use
    this module without the two importing each other.) ``scope``, the primary keys of the
    place and the places inside it, is for a caller that has read them already: the
    planner counts from a short list by its index, where it expects the tree's subquery
    to hold thousands of places and reads every relationship."""
    if scope is None:
        scope = type(place).objects.within(place).values("pk")
    relationships = place.chinese_relationships.model.objects
    return relationships.filter(chinese_place__in=scope).aggregate(
        **{metric.value: expression for metric, expression in RECORDED.items()}
    )


def compare(place, scope=None, counts=None):
    """One FigureComparison per figure reported for the place (two queries in all; see
    ``recorded_counts`` for ``scope``; one when ``counts``, its result, is known already)."""
    if counts is None:
        counts = recorded_counts(place, scope)
    figures = place.reported_figures.prefetch_related("citations__report")
    return [FigureComparison(figure, counts.get(figure.metric)) for figure in figures]
