"""The site's one search box: places, relationships, exchanges and awards in one query.

Matching is the FilterSets' ``q`` condition (their ``search_q``, so the search page, the
directory and the API agree): the query is folded once (``utilities.search.query_key``: simplified characters,
no accents, tone-less pinyin without spaces) and compared with the keys stored on each
place. 濟南, "ji nan" and "jinan" all become 济南 / jinan; 博伦厄 is an alias of Borlänge.

Ranking, the same on SQLite and PostgreSQL (plain CASE expressions): a place whose name
is the query (济南 = 济南市, jinan = Jinan) first, then names that start with it, then the
rest; relationships and exchanges whose place is an exact match first.

A group reads its first rows rank by rank, each rank a query limited to the rows the page
shows, and counts its matches no further than ``COUNT_CAP`` ("1,000+"): the first page
then costs about the same whether a query matches a dozen rows or every exchange (合 is
in every synthetic name).
"""

import re
import threading
from collections import OrderedDict
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache, partial

from django.core.exceptions import ValidationError
from django.db import connections, transaction
from django.db.models import Case, F, IntegerField, Q, Value, When

from awards.filtersets import AwardFilterSet
from awards.models import Award
from cities.filtersets import PlaceFilterSet, RelationshipFilterSet
from cities.models import Place, Relationship
from exchanges.filtersets import ExchangeFilterSet
from exchanges.models import Exchange
from utilities import pagination
from utilities.filtersets import (
    PLACES_BY_JOIN,
    PLACES_BY_ROW,
    QUERY_MAX_LENGTH,
    AmongIds,
    SearchFilter,
    among_q,
    key_q,
    related_model,
    row_place_q,
)
from utilities.lookups import Among, integers
from utilities.pagination import CappedCount, compiled, remembered_count
from utilities.search import (
    CJK,
    KEY_SEPARATOR,
    SHORT_QUERY_LENGTH,
    fold,
    query_key,
    to_simplified,
)

# Administrative suffixes a query may leave out: 济南 is an exact match for 济南市.
CJK_SUFFIXES = ("市", "县", "省", "区", "州")
PINYIN_SUFFIXES = ("shi", "xian", "sheng", "qu")
RESULTS_PER_GROUP = 20
# The ranks of ``rank``: an exact name, a name that starts with the query, the rest.
RANKS = (0, 1, 2)
# Up to this many matching places the groups compare their ids as they are; a key held by
# more (合 names 22,000 synthetic places) is looked up by the key in each subquery as
# before: thousands of ids written into a query cost PostgreSQL more to plan than the
# subqueries cost to run.
PLACES_BY_ID = 200
# Up to this many conditions (a path and a place named the query) rank 0 is read one
# condition at a time (``exact_parts``); a query naming more places reads it at once.
EXACT_PARTS = 4
# How many groups' compiled reads a process keeps (``KeptReads``): a search has four. A
# search's four held 25-57 KB of a worker's memory at national scale (the hub's name 25, a
# query finding a hundred places 57: their ids are in the SQL's parameters), so the last
# 128 searches hold some 3-7 MB. A query with a stand-in (``StandIn``) keeps one entry per
# group and shape, shared by every query of that shape.
KEPT_GROUPS = 512
# A query of one word, its own key but for its case (武汉, 合成东祥市, wuhan, Wuhan), has its
# reads built for its shape (``StandIn``) and kept for every query of that shape: a query
# asked for the first time is then not built nor compiled either.
# The letters standing in for a query's: none is in a pinyin suffix (``PINYIN_SUFFIXES``),
# so a key with its suffix holds its stand-in once, whole.
STAND_IN_LETTERS = "bcdfjklmoprtvwyz"
# Ids standing in for the places found: negative, so never a row's id, a rank or a limit.
STAND_IN_IDS = -(10**15)
STAND_IN_EXACT = -2 * 10**15
STAND_IN_STARTS = -3 * 10**15


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


def exact_parts(model, paths, places):
    """Rank 0 (the rows whose place at one of ``paths`` is named the query) as one
    condition per path and place, each written ``chinese_place_id = 108`` (a place
    through a relation: ``relationship_id = ANY(ARRAY(SELECT id … foreign_place_id =
    108))``), as ``(path, condition)`` pairs, or None when no place or too many are named
    the query (``EXACT_PARTS``).

    A single column equal to a single id is what lets PostgreSQL read a page of a hub's
    rows in an index's order (``exchanges_place_start``, backwards: its 20 newest
    exchanges of 19,000); an OR of the paths, or ``= ANY(array)``, has no order, so every
    row of the hub was read and sorted (``first_ranked``). Every row a part finds is a
    match of its group: the groups find rows by these same places, at these paths."""
    if places is None or not places.exact or len(places.exact) * len(paths) > EXACT_PARTS:
        return None
    parts = []
    for path in paths:
        head, _, last = path.rpartition("__")
        for pk in sorted(places.exact):
            if head:
                related = related_model(model, head)._default_manager.order_by()
                parts.append((path, Q(AmongIds(head, related.filter(**{last: pk}).values("pk")))))
            else:
                parts.append((path, Q(**{path: pk})))
    return parts


def rank_conditions(key, *paths, model=None, places=None, by=PLACES_BY_JOIN):
    """``(exact, starts)``: the rows whose place at one of ``paths`` is named the query,
    and those whose place's name starts with it (the exact ones included).

    Given the ``model`` the paths start from, a path's place is compared by id with the
    places whose keys match (``AmongIds``, from the places' trigram index), not by reading
    the joined place's keys on every matching row: a city with thousands of exchanges
    ranks them in one pass over integers. Given ``places`` (``PlaceMatches``, read once
    for the whole page), their ids are compared as they are (``holds_one_of``); when they
    are too many to list (``starts`` None), each row's place is read for "starts with"
    (``by``: joined, or asked by primary key, ``PLACES_BY_ROW``)."""
    exact, starts = Q(), Q()
    for path in paths:
        if path and places is not None:
            exact |= holds_one_of(model, path, places.exact)
            if places.starts is None and by is PLACES_BY_ROW:
                starts |= row_place_q(model, path, partial(starts_q, key))
            elif places.starts is None:
                starts |= starts_q(key, path)
            else:
                starts |= holds_one_of(model, path, places.starts)
        elif path and model is not None:
            # The plain key first: the trigram index reads it (not the OR of the exact forms).
            holding = related_model(model, path)._default_manager.order_by().filter(key_q(key))
            exact |= among_q(model, path, holding.filter(exact_q(key)))
            starts |= among_q(model, path, holding.filter(starts_q(key)))
        else:
            exact |= exact_q(key, path)
            starts |= starts_q(key, path)
    return exact, starts


def rank(key, *paths, model=None, places=None):
    """0 for an exact name, 1 for a name that starts with the query, 2 otherwise."""
    exact, starts = rank_conditions(key, *paths, model=model, places=places)
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

    ids: frozenset | None  # None: too many to list (``PLACES_BY_ID``)
    exact: frozenset  # named the query itself (rank 0)
    starts: frozenset | None  # a name that starts with it, the exact ones included (rank 0 or 1)

    @classmethod
    def of(cls, ranked):
        """From the ``(id, rank)`` pairs of the matching places."""
        return cls(
            ids=frozenset(pk for pk, _rank in ranked),
            exact=frozenset(pk for pk, place_rank in ranked if place_rank == 0),
            starts=frozenset(pk for pk, place_rank in ranked if place_rank <= 1),
        )

    @classmethod
    def many(cls, key):
        """For a key too many places hold (合 is in every synthetic name): only the few
        places named the query itself are listed (found by the exact keys, which the
        places' trigram index reads), and those whose name starts with it when they are
        few (成: 成都 among thousands of names holding 成), so a sparse rank is looked up by
        id, not searched for row by row; every row's own places answer the rest."""
        exact = Place.objects.filter(exact_q(key)).order_by().values_list("pk", flat=True)
        starts = list(
            Place.objects.filter(starts_q(key))
            .order_by()
            .values_list("pk", flat=True)[: PLACES_BY_ID + 1]
        )
        return cls(
            ids=None,
            exact=frozenset(exact),
            starts=frozenset(starts) if len(starts) <= PLACES_BY_ID else None,
        )


@dataclass
class Group:
    """One kind of result: the first rows and how many there are in all (counted up to
    ``COUNT_CAP + 1``: more than ``COUNT_CAP`` is ``capped``)."""

    rows: list = field(default_factory=list)
    total: int = 0

    @property
    def capped(self):
        return self.total > pagination.COUNT_CAP

    @property
    def shown_total(self):
        """The number a page shows: "1,000+" past the cap."""
        return f"{pagination.COUNT_CAP:,}+" if self.capped else str(self.total)


@dataclass
class SearchResults:
    query: str
    key: str
    places: Group = field(default_factory=Group)
    relationships: Group = field(default_factory=Group)
    exchanges: Group = field(default_factory=Group)
    awards: Group = field(default_factory=Group)

    @property
    def groups(self):
        return (self.places, self.relationships, self.exchanges, self.awards)

    @property
    def total(self):
        return sum(group.total for group in self.groups)

    @property
    def capped(self):
        """Whether some group has more matches than were counted (the total is a floor)."""
        return any(group.capped for group in self.groups)

    @property
    def cap(self):
        """The cap, as a page writes it ("1,000")."""
        return f"{pagination.COUNT_CAP:,}"


# The settings of a search's reads (``reading``), each for its own transaction alone.
READING_SETTINGS = {
    # The outer LIMIT of the ranks' UNION takes the parts' rows in the order they come: a
    # Parallel Append could interleave them and cut rank 0 rows for rank 2 ones (a part
    # may still read in its own order).
    "enable_parallel_append": "off",
    # Every read is of a page, or counts to the cap, but a row-by-row subquery
    # (``PLACES_BY_ROW``) is costed for every row of the table, and compiling for that cost
    # took seconds.
    "jit": "off",
    # No parallel workers: a page's reads stop after a few thousand rows at most, and
    # starting two workers cost more than they saved (the exchanges of 東京, some 2,900
    # rows sorted for their first 20: 12 ms serial, 19-23 ms in parallel; searches for 合,
    # s or Synthetic 15-19 ms faster in all, the others the same).
    "max_parallel_workers_per_gather": "0",
}


@contextmanager
def reading(using):
    """The search's reads, on a database that limits the parts of a UNION (PostgreSQL):
    one transaction, with ``READING_SETTINGS`` for it alone, set in one round trip."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    # Inside a caller's transaction this is a savepoint, and releasing one keeps a local
    # setting: the caller's values are put back at the end (a failed read rolls the
    # savepoint back, which undoes them itself).
    nested = connection.in_atomic_block
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            cursor.execute(*set_config(READING_SETTINGS, read_first=True))
            callers = dict(zip(READING_SETTINGS, cursor.fetchone(), strict=False))
        yield
        if nested:
            with connection.cursor() as cursor:
                cursor.execute(*set_config(callers))


def set_config(settings, read_first=False):
    """``(sql, params)`` of one statement giving ``settings`` (``{name: value}``) to the
    transaction, and first reading what they were, when ``read_first``."""
    names = list(settings)
    current = [("current_setting(%s)", [name]) for name in names] if read_first else []
    given = [("set_config(%s, %s, true)", [name, settings[name]]) for name in names]
    parts = [*current, *given]
    sql = "SELECT " + ", ".join(part for part, _params in parts)
    return sql, [param for _part, params in parts for param in params]


def first_of_parts(ranked, parts, order, limit):
    """The ids of the first ``limit`` rows (in ``order``, a total order) of each of
    ``parts`` (``exact_parts``' pairs), each part read on its own: the first rows of all
    the parts together are among them. The parts are read without the matches' condition,
    and so are their first rows (``first_ranked``): rank 0 holds matches only
    (``exact_parts``), and beside the condition PostgreSQL misjudged how many rows a hub
    has and sorted all of them.

    A part's order leaves out the names of the place its condition fixes (the same in
    every row of the part, so the order is the same): the relationships of a hub are then
    read in their partners' names' order, from the names' index, until the page is full,
    where sorting by both names joined every one of its 2,400 relationships first (11 ms;
    7 ms so)."""
    rows = ranked.model._default_manager.using(ranked.db).order_by()
    heads = []
    for path, part in parts:
        fixed = f"{path}__"
        own_order = [term for term in order if not term.lstrip("-").startswith(fixed)]
        heads.append(rows.filter(part).order_by(*own_order).values("pk")[:limit])
    return heads[0].union(*heads[1:], all=True) if len(heads) > 1 else heads[0]


@dataclass(frozen=True)
class ReadingPlan:
    """How ``first_ranked`` reads a group's ranks: which conditions find each rank, in
    what parts, and which ranks it reads at all. The default reads every rank by the
    CASE of ``rank`` alone."""

    # Rank 0's condition, which the database can look up (not the CASE of every row).
    exact: Q | None = None
    # That of ranks 0 and 1 together.
    starts: Q | None = None
    # ``exact`` split into conditions an index reads in order (``exact_parts``), for an
    # order that is total: rank 0 is then read from the first rows of each.
    exact_parts: list | None = None
    # ``(name, conditions)``: the key of the order after the rank (an annotation) and the
    # conditions that give its values in order; each rank is read as one part per
    # condition (a part's condition is one an index finds, and its order one an index
    # may hold).
    split: tuple | None = None
    # The ranks that can hold rows: a rank known to be empty is not read.
    ranks: tuple = RANKS
    # The last rank written ``rank >= 2``, not ``rank = 2`` (the same rows): PostgreSQL
    # guesses that an expression equals a value in 1 row of 200 and exceeds one in 1 of
    # 3. For a group it sorts by joined names, the first guess had it join every match to
    # its places one by one (relationships for k or x: 450-660 ms, 16 ms so); for one
    # read in an index's order the second has it walk the index for a rare query's few
    # rows (exchanges for 大分: 5 ms -> 750 ms).
    many_last: bool = False

    def __post_init__(self):
        if self.exact_parts is not None and self.exact is None:
            # Rank 0 read in parts is filtered by ``rank`` beside them, which ``exact``
            # annotates.
            raise ValueError("A plan that reads rank 0 in parts needs its condition, exact.")


def first_ranked(ranked, limit, plan=ReadingPlan()):
    """The query of the ``(pk, rank)`` of the first ``limit`` rows of ``ranked`` (the
    matches, annotated with their ``rank`` and in their order), read as ``plan`` says.

    Each rank is read on its own, limited to ``limit`` rows in the order within it: a
    query that matches every exchange sorts no more than a page of each rank (where an
    index holds the order, reads no more), where ranking them all at once sorted every
    match. The ranks are one query, ``(rank 0 LIMIT n) UNION ALL (rank 1 LIMIT n) UNION
    ALL (rank 2 LIMIT n) LIMIT n`` (inside ``reading``): the database reads the parts in
    turn and stops when the page is full, so a common query never looks for a rank it
    does not need (proving that no exchange is in it would read them all), and the page
    makes the same queries however many rows match. Its rows are sorted by rank again
    when read (``GroupReads.first_rows``: a sort that keeps each part's order). A
    database that cannot limit a UNION's parts sorts every match in one query, to the
    same order."""
    if not connections[ranked.db].features.supports_slicing_ordering_in_compound:
        # SQLite (the tests, small registries): every match sorted in one query, as the
        # ranks' order is.
        return ranked.values_list("pk", "rank")[:limit]
    order = [expression for expression in ranked.query.order_by if expression != "rank"]
    sides = [Q()]
    if plan.split is not None:
        name, sides = plan.split
        # Each part holds one value of the key: its order is the rest.
        order = [expression for expression in order if expression != name]
    parts = []
    # Ranks 0 and 1 by their own conditions as well (a few places' ids are looked up in
    # the index), not only by the CASE of every row. Rank 0 is its condition alone (the
    # CASE's first branch), and each part's rank is a constant: the CASE is written, and
    # computed, where it tells the ranks apart and nowhere else.
    within = {0: plan.exact, 1: plan.starts}
    for rank_value in plan.ranks:
        if rank_value == 0 and plan.exact_parts:
            # Rank 0 among the first rows of each of its parts (``exact_parts``), which
            # are matches all: the matches' condition is neither written again nor run.
            rows = ranked.model._default_manager.using(ranked.db)
            heads = first_of_parts(ranked, plan.exact_parts, order, limit)
            part = rows.filter(pk__in=heads)
        elif within.get(rank_value) is None:
            part = ranked
        else:
            part = ranked.filter(within[rank_value])
        if rank_value == RANKS[-1] and plan.many_last:
            part = part.filter(rank__gte=rank_value)
        elif rank_value or plan.exact is None:
            part = part.filter(rank=rank_value)
        for side in sides:
            ordered = part.filter(side).order_by(*order).values_list("pk", Value(rank_value))
            parts.append(ordered[:limit])
    return parts[0].union(*parts[1:], all=True)[:limit]


def capped(matches, request=None):
    """How many ``matches`` there are, up to ``COUNT_CAP + 1``; kept for the generations of
    the tables the count reads (``remembered_count``), as the API lists' counts are: a
    query many people ask (a city's name) is counted once per write to those tables, not
    on every search (for a key a sixth of the exchanges hold, k, some 50 ms)."""
    return remembered_count(matches, request, cap=pagination.COUNT_CAP)


@dataclass(frozen=True)
class GroupReads:
    """A group's reads compiled: the ids and ranks of its first rows (``first_ranked``) and
    its count up to ``COUNT_CAP + 1`` (``CappedCount``, kept as ``capped``'s are). Run as
    they are, they read what the querysets they were compiled from would; a search asked
    again runs them without building or compiling those (``KeptReads``)."""

    using: str
    first: tuple | None  # ``(sql, params)``; None: nothing can match
    count: CappedCount | None = None  # None: nothing can match, or counted by the caller

    @classmethod
    def of(cls, ranked, limit, plan=ReadingPlan(), count=True):
        """The reads of ``ranked`` (the matches, annotated with their ``rank``, in order);
        without a ``count`` when the caller counts the matches itself (the places)."""
        return cls(
            using=ranked.db,
            first=compiled(first_ranked(ranked, limit, plan)),
            count=CappedCount.of(ranked, pagination.COUNT_CAP) if count else None,
        )

    def first_rows(self):
        """The ``(pk, rank)`` of the first rows, in order."""
        if self.first is None:
            return []
        with connections[self.using].cursor() as cursor:
            cursor.execute(*self.first)
            # As the queryset's integer fields would give them, whatever the driver returns.
            rows = [(pk, int(rank)) for pk, rank in cursor.fetchall()]
        # A stable sort: the parts of a rank stay in the order they were read.
        return sorted(rows, key=lambda row: row[1])

    def total(self, request=None):
        """How many rows match, up to ``COUNT_CAP + 1``."""
        return 0 if self.count is None else self.count.count(request)


class KeptReads:
    """The compiled reads (``GroupReads``) of the last ``size`` groups searched, by what they
    were built from (``kept_reads``: the query, the places it found, whose ids are written
    into the SQL, the limits and settings, the database).

    Building and compiling a group's reads cost more than running them (the search for a
    hub's name: some 30 of its 70 ms), and the same searches are asked again and again (a
    city's name). What the reads find is not kept: they are run each time, on the rows
    there are then. Reads whose building read the database (the words of a query of
    several, checked for how common they are: the data's answer, not the query's) are
    not kept."""

    def __init__(self, size):
        self.size = size
        self._reads = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, build):
        """The reads kept under ``key``, else ``build()``'s, kept when building them read
        nothing from the database."""
        with self._lock:
            reads = self._reads.get(key)
            if reads is not None:
                self._reads.move_to_end(key)
                return reads
        read = []
        with ExitStack() as stack:
            for connection in connections.all():
                stack.enter_context(connection.execute_wrapper(partial(_noted, read)))
            reads = build()
        if not read:
            with self._lock:
                self._reads[key] = reads
                if len(self._reads) > self.size:
                    self._reads.popitem(last=False)
        return reads

    def clear(self):
        with self._lock:
            self._reads.clear()


def _noted(read, execute, sql, params, many, context):
    read.append(True)
    return execute(sql, params, many, context)


KEPT_READS = KeptReads(KEPT_GROUPS)


def kept_reads(model, query, places, *built_from, build):
    """``build(query, places)``'s reads for ``model``'s group, kept under what they are
    built from (and the settings that shape them) on the database ``model`` is read from.

    The key holds whatever shapes the SQL without being read from the database: the
    query (and so the key folded from it, whether the form accepts it, how many words it
    has), the places found, the limits, the module's settings below. Anything read from
    the database while building keeps the reads from being kept at all (``KeptReads``).
    A test that changes another module's setting between two searches (``utilities``' n-gram
    lengths, say) clears ``KEPT_READS`` as it does the cache. A query longer than the search
    box takes is built every time: the box trims it, so only a caller of ``search`` could ask
    it, and each would be kept under its own long key.

    A query that has a ``StandIn`` is built in its stand-in's words and places, kept under
    their shape, and given its own in the kept reads' parameters."""
    if len(query) > QUERY_MAX_LENGTH:
        return build(query, places)
    settings = (
        model._meta.label,
        model._default_manager.db,
        pagination.COUNT_CAP,
        PLACES_BY_ID,
        EXACT_PARTS,
    )
    stand_in = StandIn.of(query, places, connections[model._default_manager.db])
    if stand_in is None:
        key = (*settings, query, places, *built_from)
        return KEPT_READS.get(key, lambda: build(query, places))
    key = (*settings, StandIn, stand_in.shape, *built_from)
    return KEPT_READS.get(key, lambda: ShapedReads.of(build, stand_in)).put(stand_in)


# Asked for each group of a search (OpenCC's conversion among it).
@lru_cache(maxsize=1024)
def query_shape(query):
    """What of ``query`` shapes a group's reads, when it is one word that is its own key
    but for its case (Chinese characters and ASCII letters only, simplified); else None:
    whether it holds Chinese characters (the suffixes an exact name may have,
    ``exact_keys``; the simplified spelling beside the query, ``text_variants``) and
    whether it is short enough for the n-grams (``SHORT_QUERY_LENGTH``). Nothing else of
    a query of one word reaches the SQL but its words, as parameters: the tests build
    every group for queries of every length and case and compare."""
    if not query or to_simplified(query) != query or query_key(query) != query.lower():
        return None
    chinese = False
    for char in query:
        if CJK.match(char):
            chinese = True
        elif not ("a" <= char <= "z" or "A" <= char <= "Z"):
            return None
    return chinese, len(query) <= SHORT_QUERY_LENGTH


@cache
def stand_in_characters():
    """Chinese characters standing in for a query's (rare ones, each its own key)."""
    found = (chr(code) for code in range(0x3400, 0x3500))
    return "".join(char for char in found if fold(char) == char and to_simplified(char) == char)


@cache
def stand_in_query(chinese, short, turn=0):
    """The query standing in for those of that shape (``query_shape``): a capital letter
    (so that the query as typed and its key differ), then Chinese characters or letters,
    as many as make it short or not; ``turn``, each character taken that many further on
    (a second stand-in, different from the first at every place: the tests build reads for
    both). None if it is not its own key but for its case."""
    following = stand_in_characters() if chinese else STAND_IN_LETTERS
    length = SHORT_QUERY_LENGTH if short else SHORT_QUERY_LENGTH + 1
    stand_in = STAND_IN_LETTERS[turn].upper() + following[turn + 1 : turn + length]
    return stand_in if query_shape(stand_in) == (chinese, short) else None


def literal(ids, connection):
    """The one parameter a set of ids is written as (``Among``)."""
    return Among.parameter(integers(ids), connection)


def stand_in_places(places, connection):
    """``(stand-in, {stand-in parameter: the places' own})``: ``PlaceMatches`` of the same
    shape as ``places`` (which sets are listed, how many places are named the query,
    whether any name only starts with it) with ids of their own, and what each of its
    parameters is for these places."""
    if places is None:
        return None, {}
    given = {}

    def stand_in(real, ids):
        if real is None:
            return None
        if ids:
            given[literal(ids, connection)] = literal(real, connection)
        return ids

    exact_ids = [STAND_IN_EXACT + at for at in range(len(places.exact))]
    # ``exact_parts`` writes the places named the query one by one, in order.
    given.update(zip(exact_ids, sorted(places.exact), strict=True))
    exact = stand_in(places.exact, frozenset(exact_ids))
    if places.starts is None or places.starts == places.exact:
        starts = None if places.starts is None else exact
    else:
        starts = stand_in(places.starts, exact | {STAND_IN_STARTS})
    ids = stand_in(places.ids, frozenset({STAND_IN_IDS}) if places.ids else frozenset())
    return PlaceMatches(ids=ids, exact=exact, starts=starts), given


def places_shape(places):
    """What of ``places`` shapes a group's reads (``stand_in_places``)."""
    if places is None:
        return None
    return (
        None if places.ids is None else bool(places.ids),
        len(places.exact),
        None if places.starts is None else (places.starts == places.exact),
    )


@dataclass(frozen=True)
class StandIn:
    """A query and its places as a group's reads are built in their stead: a query of the
    same shape (``query_shape``), made of characters of its own, and places of the same shape
    with ids no row has. The reads' SQL is the same for every query and places of that
    ``shape``; their parameters hold the stand-in's words and ids where the query's and the
    places' go (``ShapedReads``).

    Building and compiling a search's four groups was some 20 of the 55 ms of a query
    asked for the first time (a city's name); putting a query's words and ids into reads
    kept for its shape takes some microseconds."""

    shape: tuple
    query: str
    places: PlaceMatches | None
    words: dict  # {stand-in word: the query's}
    given: dict  # {stand-in parameter: the places'}
    pattern: re.Pattern  # the stand-in's words

    @classmethod
    def of(cls, query, places, connection):
        """The stand-in of ``query`` and ``places``; None when the query has none."""
        shape = query_shape(query)
        stand_in = shape and stand_in_query(*shape)
        if not stand_in:
            return None
        stand_in_matches, given = stand_in_places(places, connection)
        # The query as typed (the texts' condition) and its key (the places').
        words = {stand_in: query, stand_in.lower(): query.lower()}
        return cls(
            shape=(shape, places_shape(places)),
            query=stand_in,
            places=stand_in_matches,
            words=words,
            given=given,
            pattern=re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True)))),
        )

    def put(self, params, worded):
        """``params`` of reads built for the stand-in, with the query's words in those at
        the places ``worded`` and the places' ids for the stand-in's."""
        put = []
        for at, param in enumerate(params):
            if at in worded:
                param = self.pattern.sub(lambda found: self.words[found[0]], param)
            elif type(param) is str or type(param) is int:
                param = self.given.get(param, param)
            put.append(param)
        return put


def worded_params(read, stand_in):
    """The places of the parameters of ``read`` (``(sql, params)``) that hold ``stand_in``'s
    words."""
    if read is None:
        return frozenset()
    return frozenset(
        at
        for at, param in enumerate(read[1])
        if type(param) is str and stand_in.pattern.search(param)
    )


@dataclass(frozen=True)
class ShapedReads:
    """A group's reads built for a ``StandIn`` (``reads``), and the places of the parameters
    that hold its words: only those are given the query's (a test builds every group's
    reads for a second stand-in, different at every place, and checks that these are the
    parameters that differ, so no constant of the SQL is ever rewritten)."""

    reads: GroupReads
    first_worded: frozenset
    count_worded: frozenset

    @classmethod
    def of(cls, build, stand_in):
        """``build``'s reads (``build(query, places)``) for ``stand_in``."""
        reads = build(stand_in.query, stand_in.places)
        count = reads.count and (reads.count.sql, reads.count.params)
        return cls(reads, worded_params(reads.first, stand_in), worded_params(count, stand_in))

    def put(self, stand_in):
        """The reads for the query and places ``stand_in`` stands in for."""
        reads = self.reads
        first = reads.first and (reads.first[0], stand_in.put(reads.first[1], self.first_worded))
        count = reads.count and replace(
            reads.count, params=tuple(stand_in.put(reads.count.params, self.count_worded))
        )
        return replace(reads, first=first, count=count)


def _group(reads, rows, request=None):
    """The first rows of a group (``reads``, a ``GroupReads``) read from ``rows`` (what a
    result shows) by id, and the number of matches up to ``COUNT_CAP + 1``."""
    first = reads.first_rows()
    total = reads.total(request)
    ids = [pk for pk, _rank in first]
    # In the order of ``ids``, not the model's: no ORDER BY (nor its joins) to write or run.
    found = rows.order_by().in_bulk(ids)
    # A row deleted between the reads is left out, not a 500.
    return Group(rows=[found[pk] for pk in ids if pk in found], total=total)


def accepted(query):
    """Whether the FilterSets' ``q`` field accepts the query (a NUL character it refuses)."""
    try:
        SearchFilter().field.clean(query)
    except ValidationError:
        return False
    return True


def matching(filterset, query, valid, places, by=PLACES_BY_JOIN):
    """The condition ``filterset``'s ``q`` filter applies, without building the FilterSet:
    its form and its other filters, each checked though empty, cost more than the search.
    A ``q`` the form refuses the FilterSet ignores (every row), and so does this. The
    places (``PlaceMatches``) are compared by id; when they are too many to list each
    row's own places are read (``by``: ``PLACES_BY_JOIN`` or ``PLACES_BY_ROW``)."""
    if not valid:
        return Q()
    return filterset.search_q(query, place_ids=by if places.ids is None else places.ids)


# Each group's order within a rank. Each ends with the id, a total order: same-named
# places, or relationships of same-named places, come in one order on every request (and
# the first rows of a rank's parts, ``first_of_parts``, are then those of the rank). The
# places' order starts with ``foreign``: Chinese places (0) before foreign ones.
PLACE_ORDER = ("foreign", "name_en", "name_zh", "pk")
RELATIONSHIP_ORDER = ("chinese_place__name_en", "foreign_place__name_en", "pk")
EXCHANGE_ORDER = ("-start_year", "pk")
AWARD_ORDER = ("-conferred_year", "pk")

CHINESE = Q(country="CN")
PLACE_SIDES = ("foreign", (CHINESE, ~CHINESE))


def ranked_places(key, condition):
    """The places ``condition`` finds in the page's order: exact names first, Chinese
    places before foreign ones of the same rank."""
    return (
        Place.objects.filter(condition)
        .annotate(
            rank=rank(key, ""),
            foreign=Case(When(CHINESE, then=Value(0)), default=Value(1)),
        )
        .order_by("rank", *PLACE_ORDER)
    )


def first_places(key, ranked, limit):
    """The reads of the first ``limit`` places of ``ranked`` (``ranked_places``),
    rank by rank and, within a rank, the Chinese places apart from the foreign ones
    (``first_ranked``): a key every place holds (合) sorts the Chinese places of its
    first rank (2,100) by name, not the ranks of all 22,000 places (its CASE of seven
    LIKEs computed for each)."""
    exact, starts = rank_conditions(key, "")
    plan = ReadingPlan(exact=exact, starts=starts, split=PLACE_SIDES)
    return GroupReads.of(ranked, limit, plan, count=False)


def found_places_reads(query, limit):
    """The reads of the first ``limit`` places ``query`` finds (``first_places``)."""
    key = query_key(query)
    return first_places(key, ranked_places(key, PlaceFilterSet.search_q(query)), limit)


def every_place_reads(query, limit):
    """The reads of every place in ``query``'s ranks (a query the form refuses)."""
    return GroupReads.of(ranked_places(query_key(query), Q()), limit)


def ranked_group(matches, paths, order, key, places, limit, by=PLACES_BY_JOIN, many_last=False):
    """The reads (``GroupReads``) of a group of ``matches`` ranked by the place at ``paths``
    (``rank``), then ``order`` (``by``: how each row's places are read when they are too
    many to list; ``many_last``: see ``ReadingPlan``)."""
    exact, starts = rank_conditions(key, *paths, model=matches.model, places=places, by=by)
    ranked = matches.annotate(
        rank=Case(
            When(exact, then=Value(0)),
            When(starts, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    ).order_by("rank", *order)
    # Rank 0 read part by part only under a total order (one that ends with the id): the
    # first rows of the parts' first rows are then those of the whole rank.
    parts = exact_parts(matches.model, paths, places) if order[-1] == "pk" else None
    # No name starts with the query but the exact ones (合成成嘉市): rank 1 is empty, and
    # its part of the UNION is neither written nor planned.
    no_starts = places is not None and places.starts == places.exact
    plan = ReadingPlan(
        exact=exact,
        starts=starts,
        exact_parts=parts,
        ranks=(0, 2) if no_starts else RANKS,
        many_last=many_last,
    )
    return GroupReads.of(ranked, limit, plan)


@dataclass(frozen=True)
class RecordGroup:
    """A group the search lists after the places: the ``model``'s rows its ``filterset``'s
    ``q`` matches, ranked by the places at ``paths`` (the Chinese one, the foreign one),
    then ``order``; ``shown``, the relations a result shows; ``by`` and ``many_last`` as
    ``ranked_group`` takes them. Each is matched by the filter's condition itself, not the
    list of ids its ``search`` reads first: the matches are ranked in the same pass that
    finds them."""

    name: str
    model: type
    filterset: type
    paths: tuple
    order: tuple
    shown: tuple
    by: str = PLACES_BY_JOIN
    many_last: bool = False

    def found(self, query, valid, places, limit, request=None):
        """The group (``Group``) for ``query``: its first ``limit`` rows and its count."""
        reads = kept_reads(
            self.model,
            query,
            places,
            limit,
            build=lambda query, places: self.reads(query, valid, places, limit),
        )
        return _group(reads, self.model.objects.select_related(*self.shown), request)

    def reads(self, query, valid, places, limit):
        """The reads (``GroupReads``) of the first ``limit`` rows ``query`` finds, and of
        their count, built for ``query`` and ``places``."""
        return ranked_group(
            self.model.objects.filter(matching(self.filterset, query, valid, places, self.by)),
            self.paths,
            self.order,
            query_key(query),
            places,
            limit,
            by=self.by,
            many_last=self.many_last,
        )


RECORD_GROUPS = (
    RecordGroup(
        "relationships",
        Relationship,
        RelationshipFilterSet,
        ("chinese_place", "foreign_place"),
        RELATIONSHIP_ORDER,
        shown=("chinese_place", "foreign_place"),
        many_last=True,
    ),
    RecordGroup(
        "exchanges",
        Exchange,
        ExchangeFilterSet,
        ("chinese_place", "relationship__foreign_place"),
        EXCHANGE_ORDER,
        shown=("chinese_place", "relationship__foreign_place"),
        by=PLACES_BY_ROW,
    ),
    RecordGroup(
        "awards",
        Award,
        AwardFilterSet,
        ("place", "relationship__foreign_place"),
        AWARD_ORDER,
        shown=(
            "award_type",
            "place",
            "chinese_place",
            "relationship__chinese_place",
            "relationship__foreign_place",
        ),
        by=PLACES_BY_ROW,
    ),
)


def search(query, limit=RESULTS_PER_GROUP, request=None):
    """Search every kind of record; each group holds at most ``limit`` rows. Each group's
    reads are built and compiled once for the query and the places it finds
    (``kept_reads``) and run every time; their counts are kept per generation of the
    tables they read (``CappedCount``; ``capped`` for places too many to list), given the
    ``request`` under the generation it read."""
    query = (query or "").strip()
    key = query_key(query)
    results = SearchResults(query=query, key=key)
    if not key:
        return results
    valid = accepted(query)
    with reading(Place.objects.db):
        # The places the key finds, in order, up to one more than ``PLACES_BY_ID``: when that
        # is all of them, the places group is their first rows and their number, and every
        # other group matches and ranks by these ids; a key held by more places is found again
        # by the key in each group.
        found_at_most = max(PLACES_BY_ID, limit) + 1
        found = kept_reads(
            Place,
            query,
            None,
            found_at_most,
            build=lambda query, _places: found_places_reads(query, found_at_most),
        ).first_rows()
        places = PlaceMatches.of(found) if len(found) <= PLACES_BY_ID else PlaceMatches.many(key)
        rows = Place.objects.select_related("parent")
        if valid:
            ids = [pk for pk, _rank in found[:limit]]
            shown = rows.order_by().in_bulk(ids)
            if places.ids is None:
                total = capped(Place.objects.filter(PlaceFilterSet.search_q(query)), request)
            else:
                total = min(len(found), pagination.COUNT_CAP + 1)
            # A place deleted between the two reads is left out, not a 500.
            results.places = Group(rows=[shown[pk] for pk in ids if pk in shown], total=total)
        else:
            reads = kept_reads(
                Place,
                query,
                None,
                "every place",
                limit,
                build=lambda query, _places: every_place_reads(query, limit),
            )
            results.places = _group(reads, rows, request)

        for group in RECORD_GROUPS:
            setattr(results, group.name, group.found(query, valid, places, limit, request))
        return results
