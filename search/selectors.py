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
from django.db.models import Case, Count, F, IntegerField, Q, Value, When, Window

from awards.filtersets import AwardFilterSet
from awards.models import Award
from cities.filtersets import PlaceFilterSet, RelationshipFilterSet
from cities.models import Place, Relationship
from exchanges.filtersets import ExchangeFilterSet
from exchanges.models import Exchange
from utilities.filtersets import AmongIds, SearchFilter, among_q, key_q, related_model
from utilities.lookups import Among
from utilities.search import CJK, KEY_SEPARATOR, query_key

# Administrative suffixes a query may leave out: 济南 is an exact match for 济南市.
CJK_SUFFIXES = ("市", "县", "省", "区", "州")
PINYIN_SUFFIXES = ("shi", "xian", "sheng", "qu")
RESULTS_PER_GROUP = 20
# Up to this many matching places the groups compare their ids as they are; a key held by
# more (合 names 22,000 synthetic places) is looked up by the key in each subquery as
# before: thousands of ids written into a query cost PostgreSQL more to plan than the
# subqueries cost to run.
PLACES_BY_ID = 200


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


def holds_one_of(model, path, ids):
    """Rows of ``model`` whose place at ``path`` (a foreign key, or one through a relation:
    ``relationship__foreign_place``) is one of ``ids``, for ranking: the ids are one
    array, which PostgreSQL compares with each row through a hash, not a subquery.
    (In an ORDER BY the planner's estimate of how many rows match plays no part.)"""
    head, _, last = path.rpartition("__")
    if head:
        related = related_model(model, head)._default_manager.order_by()
        return Q(AmongIds(head, related.filter(Among(F(last), ids)).values("pk")))
    return Q(Among(F(path), ids))


def rank(key, *paths, model=None, places=None):
    """0 for an exact name, 1 for a name that starts with the query, 2 otherwise.

    Given the ``model`` the paths start from, a path's place is compared by id with the
    places whose keys match (``AmongIds``, from the places' trigram index), not by reading
    the joined place's keys on every matching row: a city with thousands of exchanges
    ranks them in one pass over integers. Given ``places`` (``PlaceMatches``, read once
    for the whole page), their ids are compared as they are (``holds_one_of``)."""
    exact, starts = Q(), Q()
    for path in paths:
        if path and places is not None:
            exact |= holds_one_of(model, path, places.exact)
            starts |= holds_one_of(model, path, places.starts)
        elif path and model is not None:
            # The plain key first: the trigram index reads it (not the OR of the exact forms).
            holding = related_model(model, path)._default_manager.order_by().filter(key_q(key))
            exact |= among_q(model, path, holding.filter(exact_q(key)))
            starts |= among_q(model, path, holding.filter(starts_q(key)))
        else:
            exact |= exact_q(key, path)
            starts |= starts_q(key, path)
    return Case(
        When(exact, then=Value(0)),
        When(starts, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )


@dataclass(frozen=True)
class PlaceMatches:
    """The places whose keys hold the query, read once for the whole page: every group
    finds and ranks its rows by these ids instead of looking the places up again in a
    subquery of its own (a short query such as 大分 made each such subquery read every
    place)."""

    ids: frozenset
    exact: frozenset  # named the query itself (rank 0)
    starts: frozenset  # a name that starts with it, the exact ones included (rank 0 or 1)

    @classmethod
    def of(cls, ranked):
        """From the ``(id, rank)`` pairs of the matching places."""
        return cls(
            ids=frozenset(pk for pk, _rank in ranked),
            exact=frozenset(pk for pk, place_rank in ranked if place_rank == 0),
            starts=frozenset(pk for pk, place_rank in ranked if place_rank <= 1),
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


def matching(filterset, query, valid, places):
    """The condition ``filterset``'s ``q`` filter applies, without building the FilterSet:
    its form and its other filters, each checked though empty, cost more than the search.
    A ``q`` the form refuses the FilterSet ignores (every row), and so does this. The
    places (``PlaceMatches``, or None when they are too many) are compared by id."""
    if not valid:
        return Q()
    return filterset.search_q(query, place_ids=places.ids if places else None)


def ranked_places(key, condition):
    """The places ``condition`` finds in the page's order: exact names first, Chinese
    places before foreign ones of the same rank."""
    return (
        Place.objects.filter(condition)
        .annotate(
            rank=rank(key, ""),
            foreign=Case(When(country="CN", then=Value(0)), default=Value(1)),
        )
        .order_by("rank", "foreign", "name_en", "name_zh")
    )


def search(query, limit=RESULTS_PER_GROUP):
    """Search every kind of record; each group holds at most ``limit`` rows."""
    query = (query or "").strip()
    key = query_key(query)
    results = SearchResults(query=query, key=key)
    if not key:
        return results
    valid = accepted(query)

    # Every place the key finds, in order, in one read: the places group is its first
    # rows and its length, and every other group matches and ranks by these ids.
    found = list(ranked_places(key, PlaceFilterSet.search_q(query)).values_list("pk", "rank"))
    places = PlaceMatches.of(found) if len(found) <= PLACES_BY_ID else None
    rows = Place.objects.select_related("parent")
    if valid:
        ids = [pk for pk, _rank in found[:limit]]
        shown = rows.in_bulk(ids)
        # A place deleted between the two reads is left out, not a 500.
        results.places = Group(rows=[shown[pk] for pk in ids if pk in shown], total=len(found))
    else:
        results.places = _group(ranked_places(key, Q()), rows, limit)

    relationships = Relationship.objects.filter(
        matching(RelationshipFilterSet, query, valid, places)
    )
    ranked = relationships.annotate(
        rank=rank(key, "chinese_place", "foreign_place", model=Relationship, places=places)
    ).order_by("rank", "chinese_place__name_en", "foreign_place__name_en")
    rows = Relationship.objects.select_related("chinese_place", "foreign_place").prefetch_related(
        "stages"
    )
    results.relationships = _group(ranked, rows, limit)

    # The filter's condition itself, not the list of ids its ``search`` reads first: the
    # matches are ranked in the same pass that finds them.
    exchanges = Exchange.objects.filter(matching(ExchangeFilterSet, query, valid, places))
    ranked = exchanges.annotate(
        rank=rank(
            key, "chinese_place", "relationship__foreign_place", model=Exchange, places=places
        )
    ).order_by("rank", "-start_year", "pk")
    rows = Exchange.objects.select_related("chinese_place", "relationship__foreign_place")
    results.exchanges = _group(ranked, rows, limit)

    awards = Award.objects.filter(matching(AwardFilterSet, query, valid, places))
    ranked = awards.annotate(
        rank=rank(key, "place", "relationship__foreign_place", model=Award, places=places)
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
