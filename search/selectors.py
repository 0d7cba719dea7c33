"""The site's one search box: places, relationships, exchanges and awards in one query.

Matching is the FilterSets' ``q`` condition (their ``search_q``, so the search page, the
directory and the API agree): the query is folded once (``utilities.search.query_key``: simplified characters,
no accents, tone-less pinyin without spaces) and compared with the keys stored on each
place. 濟南, "ji nan" and "jinan" all become 济南 / jinan; 博伦厄 is an alias of Borlänge.

Ranking, the same on SQLite and PostgreSQL (plain CASE expressions): a place whose name
is the query (济南 = 济南市, jinan = Jinan) first, then names that start with it, then the
rest; relationships and exchanges whose place is an exact match first.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Case, Count, IntegerField, Q, Value, When, Window

from awards.filtersets import AwardFilterSet
from awards.models import Award
from cities.filtersets import PlaceFilterSet, RelationshipFilterSet
from cities.models import Place, Relationship
from exchanges.filtersets import ExchangeFilterSet
from exchanges.models import Exchange
from utilities.filtersets import SearchFilter, among_q, key_q, related_model
from utilities.search import CJK, KEY_SEPARATOR, query_key

# Administrative suffixes a query may leave out: 济南 is an exact match for 济南市.
CJK_SUFFIXES = ("市", "县", "省", "区", "州")
PINYIN_SUFFIXES = ("shi", "xian", "sheng", "qu")
RESULTS_PER_GROUP = 20


def exact_keys(key):
    """The stored keys that count as the query itself."""
    keys = [key]
    suffixes = CJK_SUFFIXES if CJK.search(key) else PINYIN_SUFFIXES
    keys += [key + suffix for suffix in suffixes]
    return keys


def exact_q(key, path=""):
    prefix = f"{path}__" if path else ""
    condition = Q()
    for exact in exact_keys(key):
        condition |= Q(
            **{f"{prefix}search_text__contains": f"{KEY_SEPARATOR}{exact}{KEY_SEPARATOR}"}
        )
    return condition


def starts_q(key, path=""):
    prefix = f"{path}__" if path else ""
    return Q(**{f"{prefix}search_text__contains": f"{KEY_SEPARATOR}{key}"})


def rank(key, *paths, model=None):
    """0 for an exact name, 1 for a name that starts with the query, 2 otherwise.

    Given the ``model`` the paths start from, a path's place is compared by id with the
    places whose keys match (``AmongIds``, from the places' trigram index), not by reading
    the joined place's keys on every matching row: a city with thousands of exchanges
    ranks them in one pass over integers."""
    exact, starts = Q(), Q()
    for path in paths:
        if path and model is not None:
            # The plain key first: the trigram index reads it (not the OR of the exact forms).
            places = related_model(model, path)._default_manager.order_by().filter(key_q(key))
            exact |= among_q(model, path, places.filter(exact_q(key)))
            starts |= among_q(model, path, places.filter(starts_q(key)))
        else:
            exact |= exact_q(key, path)
            starts |= starts_q(key, path)
    return Case(
        When(exact, then=Value(0)),
        When(starts, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )


@dataclass
class Group:
    """One kind of result: the first rows and how many there are in all."""

    rows: list = field(default_factory=list)
    total: int = 0


@dataclass
class SearchResults:
    query: str
    key: str
    places: Group = field(default_factory=Group)
    relationships: Group = field(default_factory=Group)
    exchanges: Group = field(default_factory=Group)
    awards: Group = field(default_factory=Group)

    @property
    def total(self):
        return sum(
            group.total for group in (self.places, self.relationships, self.exchanges, self.awards)
        )


def _group(ranked, rows, limit):
    """The first ``limit`` of ``ranked`` (the matches in their order) read from ``rows``
    (what a result shows), and the number of matches.

    The order is decided on ids alone, then only those rows are read with their places:
    a name held by a city with thousands of exchanges sorts narrow rows. The number of
    matches comes with them (``COUNT(*) OVER ()``, counted before the limit), so the
    matches are found once, not again by a separate count; the page makes the same
    queries however many rows match."""
    first = list(ranked.annotate(matches=Window(Count("*"))).values_list("pk", "matches")[:limit])
    ids = [pk for pk, _matches in first]
    found = rows.in_bulk(ids)
    return Group(rows=[found[pk] for pk in ids], total=first[0][1] if first else 0)


def accepted(query):
    """Whether the FilterSets' ``q`` field accepts the query (a NUL character it refuses)."""
    try:
        SearchFilter().field.clean(query)
    except ValidationError:
        return False
    return True


def matching(filterset, query, valid):
    """The condition ``filterset``'s ``q`` filter applies, without building the FilterSet:
    its form and its other filters, each checked though empty, cost more than the search.
    A ``q`` the form refuses the FilterSet ignores (every row), and so does this."""
    return filterset.search_q(query) if valid else Q()


def search(query, limit=RESULTS_PER_GROUP):
    """Search every kind of record; each group holds at most ``limit`` rows."""
    query = (query or "").strip()
    key = query_key(query)
    results = SearchResults(query=query, key=key)
    if not key:
        return results
    valid = accepted(query)

    # Chinese places before foreign ones of the same rank.
    places = Place.objects.filter(matching(PlaceFilterSet, query, valid))
    ranked = places.annotate(
        rank=rank(key, ""),
        foreign=Case(When(country="CN", then=Value(0)), default=Value(1)),
    ).order_by("rank", "foreign", "name_en", "name_zh")
    rows = Place.objects.select_related("parent")
    results.places = _group(ranked, rows, limit)

    relationships = Relationship.objects.filter(matching(RelationshipFilterSet, query, valid))
    ranked = relationships.annotate(
        rank=rank(key, "chinese_place", "foreign_place", model=Relationship)
    ).order_by("rank", "chinese_place__name_en", "foreign_place__name_en")
    rows = Relationship.objects.select_related("chinese_place", "foreign_place").prefetch_related(
        "stages"
    )
    results.relationships = _group(ranked, rows, limit)

    # The filter's condition itself, not the list of ids its ``search`` reads first: the
    # matches are ranked in the same pass that finds them.
    exchanges = Exchange.objects.filter(matching(ExchangeFilterSet, query, valid))
    ranked = exchanges.annotate(
        rank=rank(key, "chinese_place", "relationship__foreign_place", model=Exchange)
    ).order_by("rank", "-start_year", "pk")
    rows = Exchange.objects.select_related("chinese_place", "relationship__foreign_place")
    results.exchanges = _group(ranked, rows, limit)

    awards = Award.objects.filter(matching(AwardFilterSet, query, valid))
    ranked = awards.annotate(
        rank=rank(key, "place", "relationship__foreign_place", model=Award)
    ).order_by("rank", "-conferred_year", "pk")
    rows = Award.objects.select_related(
        "award_type",
        "place",
        "chinese_place",
        "relationship__chinese_place",
        "relationship__foreign_place",
    )
    results.awards = _group(ranked, rows, limit)
    return results
