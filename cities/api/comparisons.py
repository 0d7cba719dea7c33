"""Reported vs recorded for many cities at once, for the API's list.

``cities.comparison`` defines what is counted (current relationships of the city and the
places inside it; intents on their own) and compares one city in two queries. A list of
cities needs the same number of queries for one city as for a hundred, so here each of
those counts becomes a correlated subquery annotated on the places, built from the same
``RECORDED`` definitions so that the site and the API never disagree.
"""

from django.db.models import Exists, Func, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from cities.comparison import RECORDED, FigureComparison
from cities.models import Place, Relationship, ReportedFigure


class Count(Func):
    """COUNT(DISTINCT column) as a plain function, so the subquery is not grouped."""

    function = "COUNT"
    template = "%(function)s(DISTINCT %(expressions)s)"
    output_field = IntegerField()


def recorded_count(aggregate):
    # The outer place and every place inside it, at any depth (one recursive query).
    inside = Place.objects.within(OuterRef(OuterRef("pk"))).values("pk")
    column = aggregate.source_expressions[0]
    rows = Relationship.objects.filter(chinese_place__in=inside)
    if aggregate.filter is not None:
        rows = rows.filter(aggregate.filter)
    rows = rows.order_by().annotate(count=Count(column)).values("count")
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def comparison_places():
    """Chinese places that state totals or publish reports, each with ``recorded_<metric>``."""
    return (
        Place.objects.chinese()
        .filter(
            Exists(ReportedFigure.objects.filter(chinese_place=OuterRef("pk")))
            | Exists(Place.objects.filter(pk=OuterRef("pk"), source_reports__isnull=False))
        )
        .annotate(
            **{
                f"recorded_{metric}": recorded_count(aggregate)
                for metric, aggregate in RECORDED.items()
            }
        )
    )


def comparison(figure):
    """The figure beside its recorded count (the place carries the annotations)."""
    return FigureComparison(
        figure, getattr(figure.chinese_place, f"recorded_{figure.metric}", None)
    )
