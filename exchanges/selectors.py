"""Shared reads of exchanges: the queryset every list of them (the directory, the home
page, a place's and a relationship's page) starts from, in a fixed number of queries; and
the figures over all 500,000 of them that no index makes cheap (the number of them, the
countries they involve), kept for the generation of the tables they read
(``utilities.generation.remembered``: the first read after a write to one of them counts
again)."""

from django.db.models import Exists, OuterRef

from cities.models import Place, Relationship
from utilities.generation import remembered

from .models import Exchange


def exchange_rows(queryset):
    """Exchanges with everything a list row shows."""
    return queryset.select_related(
        "chinese_place", "relationship__foreign_place", "relationship__chinese_place"
    ).prefetch_related("fields", "places", "counts")


def exchange_table_rows(queryset):
    """Exchanges with only what a row of a table of them shows (``exchange_items``): the
    Chinese place, the relationship's partner, the other places and the fields of
    cooperation; not the counts nor the relationship's Chinese place, which a page of one
    exchange shows (a query and fifty rows fewer a page)."""
    return queryset.select_related("chinese_place", "relationship__foreign_place").prefetch_related(
        "fields", "places"
    )


def count(queryset, request=None):
    """How many exchanges ``queryset`` holds: of them all (no filter), the number kept for
    the generation (a COUNT of every exchange takes longer than the page); of a filtered
    list, counted now."""
    query = queryset.query
    if queryset.model is Exchange and not query.has_filters() and not query.distinct:
        return remembered("exchanges.count", Exchange.objects.count, request)
    return queryset.count()


def present_countries(request=None):
    """The countries some exchange involves (the directory's country select): through
    its relationship's partner, its other places and the countries it names."""

    def gather():
        # Asked from the side of the relationships and the places, each looked up in the
        # exchanges by an index (``EXISTS``), not as a DISTINCT over all 500,000 exchanges
        # joined to their partners: this is made again after every write (0.6 s → 0.2 s).
        with_exchanges = Relationship.objects.filter(
            Exists(Exchange.objects.filter(relationship=OuterRef("pk")))
        )
        codes = set(
            with_exchanges.order_by().values_list("foreign_place__country", flat=True).distinct()
        )
        taking_part = Exchange.places.through.objects.filter(place=OuterRef("pk"))
        codes |= set(
            Place.objects.filter(Exists(taking_part))
            .order_by()
            .values_list("country", flat=True)
            .distinct()
        )
        for value in (
            Exchange.objects.exclude(countries="")
            .order_by()
            .values_list("countries", flat=True)
            .distinct()
        ):
            codes |= set(value.split(","))
        return codes

    return remembered("exchanges.present_countries", gather, request)
