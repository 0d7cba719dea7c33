"""Building blocks shared by every app's FilterSets (the HTML directory and the REST API use
the same classes): the ``q`` search filter, year-range filters on partial-date columns,
country filters, "this Chinese place and the places inside it" filters, and the base
:class:`RegistryFilterSet` whose ``created`` / ``last_updated`` range filters every FilterSet
inherits (an API client's incremental sync: ``?last_updated__gte=2026-12-01T08:00:00Z``).

The tree filters (:class:`TreeNodeFilter`, :class:`TreeNodeIdFilter`, and
:class:`ChinesePlaceFilterSet` built on them) are the one meaning of "a province includes
its cities, and everything inside them" for every app, as NetBox's one
``TreeNodeMultipleChoiceFilter`` is for its regions. They read the tree's model from the
FilterSet's own model (``Model._meta.get_field(name).related_model``) when they are used,
and ask that model's manager for the choices (``chinese()``) and the subtree
(``within()``). So ``sources``, which sits below ``cities`` (cities records cite its
reports), filters its reports by place with the same class as every app above it, without
importing ``cities``; a copy of the filter kept below ``cities`` could drift from it.

Every filter validates its value through a form field, so a malformed value (``year_min=abc``,
an unknown slug or country code) is a form error: the API answers 400 and the HTML page
shows the message, never a 500.
"""

import datetime
import re
from functools import partial

from django import forms
from django.db.models import BooleanField, Exists, F, Func, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_filters import rest_framework as filters
from django_filters.fields import ModelMultipleChoiceField

from utilities.lookups import Among
from utilities.search import CJK, ShortContains, ShortIContains, query_key, to_simplified

# A query longer than this is not a name; the limit keeps LIKE patterns small.
QUERY_MAX_LENGTH = 100


class YearField(forms.IntegerField):
    """A four-digit year; the partial-date ``_year`` columns hold 1..9999."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 9999)
        super().__init__(*args, **kwargs)


class YearFilter(filters.NumberFilter):
    """``<prefix>_year`` compared with a whole year (``gte`` for "from", ``lte`` for "to")."""

    field_class = YearField

    def get_max_validator(self):
        return None


class CountryMultipleChoiceField(forms.MultipleChoiceField):
    """ISO 3166-1 codes; lower case is accepted (``jp`` = ``JP``)."""

    def to_python(self, value):
        return [code.strip().upper() for code in super().to_python(value)]


class CountryFilter(filters.MultipleChoiceFilter):
    """One or more countries by ISO code (``?country=JP&country=FR``)."""

    field_class = CountryMultipleChoiceField

    def __init__(self, *args, **kwargs):
        # A callable so the labels follow the language of each request.
        kwargs.setdefault("choices", lambda: list(countries))
        kwargs.setdefault("label", _("国家"))
        super().__init__(*args, **kwargs)


# Primary keys are 64-bit; a larger number must be a form error, not a database overflow.
MAX_ID = 2**63 - 1


class IdMultipleChoiceField(ModelMultipleChoiceField):
    """Primary keys checked to be whole numbers in range before the database sees them."""

    def _check_values(self, value):
        if not isinstance(value, list | tuple):
            value = [value]
        for pk in value:
            text = str(pk).strip()
            # The length first: int() of more than 4,300 digits raises, it does not compare.
            if (
                not (text.isascii() and text.isdigit())
                or len(text) > 19
                or not 1 <= int(text) <= MAX_ID
            ):
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


class IdFilter(filters.ModelMultipleChoiceFilter):
    """``<fk>_id``: one or more primary keys (``?chinese_place_id=3&chinese_place_id=4``)."""

    field_class = IdMultipleChoiceField


class SearchFilter(filters.CharFilter):
    """The ``q`` filter: the FilterSet's ``search`` method does the matching."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("method", "search")
        kwargs.setdefault("label", _("搜索"))
        kwargs.setdefault("max_length", QUERY_MAX_LENGTH)
        super().__init__(*args, **kwargs)


class AmongIds(Func):
    """``column IN (subquery)``: on PostgreSQL written ``column = ANY(ARRAY(subquery))``.

    The subquery (the places whose search keys hold the query, from their trigram index)
    is then run once, before the outer query, and its ids look the rows up in the
    column's index; the planner no longer guesses how many places match, and several such
    conditions joined by OR become one bitmap of index scans instead of a scan of every
    row against each subquery."""

    arg_joiner = " IN "
    template = "(%(expressions)s)"
    output_field = BooleanField()

    def __init__(self, column, queryset):
        super().__init__(F(column), Subquery(queryset))

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            arg_joiner=" = ANY(ARRAY",
            template="(%(expressions)s))",
            **extra_context,
        )


def key_q(key, path=""):
    """Rows whose (place's) stored keys hold ``key``; a key of one or two characters is
    looked up in the keys' n-gram index first on PostgreSQL (``ShortContains``)."""
    prefix = f"{path}__" if path else ""
    return Q(ShortContains(F(f"{prefix}search_text"), key))


def among_q(model, path, places):
    """Rows of ``model`` whose place at ``path`` is one of ``places``, compared by id in
    the row's own columns, so no row is joined to its relations first: a foreign key is
    its column (``chinese_place_id``); a path through a relation
    (``relationship__foreign_place``) is the relation's column, among the ids of the
    related rows that hold those places; a many-to-many field (``places``) is the row's
    id, among the rows its link table pairs with them.

    ``places`` is a queryset of places, or the set of their ids when they have been read
    already (the search page reads them once for all its groups): the places are then
    looked up by primary key, not found again by their keys (a two-character key reads
    every place). They stay a subquery, run once before the outer query: the planner
    plans for a few places as it does for the keys' subquery (shown a hub's id, it
    expects its 19,000 exchanges and splits the read across parallel workers, which on
    two busy cores took twice as long)."""
    head, _, last = path.rpartition("__")
    if not isinstance(places, QuerySet):
        ids = places
        places = related_model(model, path)._default_manager.filter(Among(F("pk"), ids))
    places = places.order_by().values("pk")
    if head:
        related = related_model(model, head)._default_manager.order_by()
        return Q(AmongIds(head, related.filter(**{f"{last}__in": places}).values("pk")))
    field = model._meta.get_field(path)
    if field.many_to_many:
        links = field.remote_field.through._default_manager.order_by()
        linked = links.filter(**{f"{field.m2m_reverse_field_name()}__in": places})
        return Q(AmongIds("pk", linked.values(field.m2m_field_name())))
    return Q(AmongIds(path, places))


# ``place_key_q(place_ids=PLACES_BY_JOIN)``: the key held by so many places (合 is in every
# synthetic name) that each row's own places are read instead (see ``place_key_q``).
PLACES_BY_JOIN = "places by join"
# ``place_key_q(place_ids=PLACES_BY_ROW)``: as ``PLACES_BY_JOIN``, each row's own places
# asked by primary key (``row_place_q``), not joined: for a query that reads a page of
# rows in an index's order, or counts no more than ``COUNT_CAP`` of them (the search
# page), where the joins made PostgreSQL hash every place first. (A list that sorts every
# match by its places' names joins them anyway.)
PLACES_BY_ROW = "places by row"
# More places than this holding a key make it common (``common_key``): a key most places
# hold (合 or 市 or "shi", in thousands of names). A key of a few hundred places (武: 724
# at national scale, 6% of the exchanges) is still best found by its places' ids: read row
# by row, the API's exact count took 2.4 s instead of 0.8 s, and a deep page 3.1 s
# instead of 1.3 s.
MANY_PLACES = 2000


def common_key(model, path, key):
    """Whether more than ``MANY_PLACES`` places (those at ``path`` of ``model``) hold
    ``key``: asked with a LIMIT, so it costs a few milliseconds either way. A common key
    matches rows throughout a table: a list limited to a page finds its rows among the
    first it reads in order, where listing every match first (``AmongIds``) read them
    all (every exchange for 合成)."""
    places = related_model(model, path)._default_manager.filter(key_q(key)).order_by()
    return places.values("pk")[: MANY_PLACES + 1].count() > MANY_PLACES


class RowExists(Exists):
    """``EXISTS (subquery)`` that PostgreSQL answers row by row: ``OFFSET 0`` keeps the
    planner from turning it into a hash of every row the subquery could match (all the
    places holding 合 and their 200,000 links to exchanges, built before the first row
    is read) when the query needs only a page of rows or the first ``COUNT_CAP``."""

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template="EXISTS(%(subquery)s OFFSET 0)", **extra_context
        )


def row_place_q(model, path, condition):
    """Rows of ``model`` whose place at ``path`` (a foreign key, a path through one such
    as ``relationship__foreign_place``, or a many-to-many field) meets ``condition(p)``
    (the ``Q`` on the place at path ``p`` of the subquery's model), asked of each row's
    own place by primary key (``RowExists``; a many-to-many field through its link table,
    so a row is never repeated). No join of the row to its relations: a query limited to
    a page, or a capped count, reads the places of the rows it reads and no others,
    where the joins hashed every place and relationship first (the capped count of the
    exchanges of 合成: 40 ms, 3 ms so)."""
    first, _, rest = path.partition("__")
    field = model._meta.get_field(first)
    if field.many_to_many:
        links = field.remote_field.through._default_manager.order_by()
        linked = links.filter(**{field.m2m_field_name(): OuterRef("pk")})
        inner = (
            f"{field.m2m_reverse_field_name()}__{rest}" if rest else field.m2m_reverse_field_name()
        )
        return Q(RowExists(linked.filter(condition(inner))))
    related = field.related_model._default_manager.order_by()
    return Q(RowExists(related.filter(pk=OuterRef(first)).filter(condition(rest))))


def joined_key_q(model, path, key):
    """Rows of ``model`` whose place at ``path`` holds ``key``, read through the row's own
    place (a join; a many-to-many field through an ``EXISTS`` on its link table, so a row
    is never repeated): a condition each row answers on its own, so a query limited to a
    page stops after the page's rows."""
    field = model._meta.get_field(path) if "__" not in path else None
    if field is not None and field.many_to_many:
        links = field.remote_field.through._default_manager.order_by()
        linked = links.filter(**{field.m2m_field_name(): OuterRef("pk")}).filter(
            key_q(key, field.m2m_reverse_field_name())
        )
        return Q(Exists(linked))
    return key_q(key, path)


def place_key_q(key, *paths, model=None, place_ids=None):
    """Rows whose place at any of ``paths`` (``"chinese_place"``, ``"places"``…) has the
    normalised key in its stored ``search_text``. Given the ``model`` the paths start
    from, each path is matched through a subquery of the places that hold the key
    (``among_q``: ``chinese_place_id = ANY(ARRAY(SELECT id … LIKE '%key%'))``), which
    PostgreSQL answers from the places' trigram index and the path's own index
    instead of joining every row to its place first; several paths joined by OR become
    one bitmap of index scans, one row each. ``place_ids``, the ids of those places when
    the caller has read them already, take the subquery's place; ``PLACES_BY_JOIN`` (a
    key that most places hold) reads each row's places instead (``joined_key_q``): the
    ids of thousands of places compared with every row cost seconds, and a page limited to
    its first rows then reads only those."""
    condition = Q()
    for path in paths:
        if path and model is not None and place_ids is PLACES_BY_JOIN:
            condition |= joined_key_q(model, path, key)
        elif path and model is not None and place_ids is PLACES_BY_ROW:
            condition |= row_place_q(model, path, partial(key_q, key))
        elif path and model is not None:
            if place_ids is None:
                places = related_model(model, path)._default_manager.filter(key_q(key))
            else:
                places = place_ids
            condition |= among_q(model, path, places)
        else:
            condition |= key_q(key, path)
    return condition


def text_variants(query):
    """The query as typed and in simplified characters."""
    variants = {query.strip()}
    if CJK.search(query):
        variants.add(to_simplified(query.strip()))
    return sorted(variant for variant in variants if variant)


def text_q(query, *fields):
    """Rows whose plain text fields contain the query as typed or in simplified characters
    (a title stored as 济南 is found by 濟南). A query of one or two characters is looked
    up in the column's n-gram index first where it has one (``ShortIContains``)."""
    variants = text_variants(query)
    condition = Q()
    for field in fields:
        for variant in variants:
            condition |= Q(ShortIContains(F(field), variant))
    return condition


def query_terms(query):
    """The separate words of a query that are worth matching on their own ("武汉 大分",
    "wuhan oita"); syllables such as "ji nan" are not (the whole key "jinan" finds them)."""
    terms = []
    for word in query.split():
        key = query_key(word)
        if (CJK.search(key) and len(key) >= 2) or len(key) >= 3:
            terms.append(key)
    return terms if len(terms) > 1 else []


def within_q(path, places):
    """Rows whose place at ``path`` is one of ``places`` or lies inside one of them (a city's
    filter includes its counties, districts and the zones inside those, at any depth:
    Jinzhong includes Pingyao County)."""
    places = list(places)
    if not places:
        return Q(**{f"{path}__in": []})
    # The places' own manager knows their tree (``TreeQuerySet.within``: any depth). As
    # ``IN (…)``, PostgreSQL guessed the recursive query's size (1,451 places for a city's
    # 7) and read every row of the outer table; run first (``AmongIds``), its ids are
    # looked up in the column's index: a city's 2,413 relationships in 2 ms, not 7-40.
    inside = type(places[0])._default_manager.within(*places)
    return Q(AmongIds(path, inside.values("pk")))


class TimestampField(forms.Field):
    """An ISO 8601 time (``2026-12-01T08:00:00Z``, ``2026-12-01T16:00:00+08:00``) or date
    (``2026-12-01``: midnight of that day, or with ``end_of_day`` its last instant). A time
    without an offset is in the registry's time zone (``TIME_ZONE``). The ``+`` of an offset
    left unencoded in a query string arrives as a space and is read as ``+``."""

    default_error_messages = {
        "invalid": _("请输入 ISO 8601 格式的日期或时间，例如 2026-12-01 或 2026-12-01T08:00:00Z。"),
    }

    def __init__(self, *args, end_of_day=False, **kwargs):
        self.end_of_day = end_of_day
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        text = (value or "").strip()
        if not text:
            return None
        if len(text) > 40:  # the longest ISO 8601 time is 32 characters
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        text = re.sub(r" (\d\d:?\d\d)$", r"+\1", text)
        try:
            # A date first: ``parse_datetime`` would read one as midnight.
            day = parse_date(text) if len(text) == 10 else None
            moment = None if day else parse_datetime(text)
        except ValueError:
            moment = day = None
        if moment is None and day is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if day is not None:
            if self.end_of_day:
                moment = datetime.datetime.combine(day, datetime.time.max)
            else:
                moment = datetime.datetime.combine(day, datetime.time.min)
        try:
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment, timezone.get_current_timezone())
            # In UTC: PostgreSQL refuses offsets beyond ±15:59 that ISO 8601 allows.
            return moment.astimezone(datetime.UTC)
        except (OverflowError, ValueError):  # before year 1 or after 9999 in UTC
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class TimestampFilter(filters.Filter):
    """``<column>__gte`` / ``<column>__lte`` on a timestamp column (``created``,
    ``last_updated``); a date given to ``__lte`` includes that whole day."""

    field_class = TimestampField

    def __init__(self, *args, **kwargs):
        if kwargs.get("lookup_expr") == "lte":
            kwargs.setdefault("end_of_day", True)
        super().__init__(*args, **kwargs)


class RegistryFilterSet(filters.FilterSet):
    """The base of every registry FilterSet: records created or last changed in a time range
    (an API client fetches only what changed since its last sync)."""

    created__gte = TimestampFilter(
        field_name="created", lookup_expr="gte", label=_("创建时间不早于")
    )
    created__lte = TimestampFilter(
        field_name="created", lookup_expr="lte", label=_("创建时间不晚于")
    )
    last_updated__gte = TimestampFilter(
        field_name="last_updated", lookup_expr="gte", label=_("更新时间不早于")
    )
    last_updated__lte = TimestampFilter(
        field_name="last_updated", lookup_expr="lte", label=_("更新时间不晚于")
    )

    # A request that names none of the filters asks for the whole queryset: the API's
    # filter backend then makes no FilterSet (its filters and form copied and cleaned, a
    # fifth of an unfiltered API page's time). A FilterSet that filters when asked
    # nothing (open notices by default) says False; a test checks every FilterSet.
    whole_when_unasked = True

    def get_form_class(self):
        # A filter's form field depends on its FilterSet's class alone (no filter's choices
        # read the request; labels and country names are lazy): the form class is made
        # once per FilterSet class, not on every request (a tenth of a directory page's
        # time). Each form still copies its fields, and a model choice field its queryset.
        form_class = type(self).__dict__.get("_form_class")
        if form_class is None:
            form_class = super().get_form_class()
            type(self)._form_class = form_class
        return form_class

    def filter_queryset(self, queryset):
        for name, value in self.form.cleaned_data.items():
            if isinstance(value, QuerySet) and value.query.is_empty():
                # A choice of records left empty cleans to ``queryset.none()``, and each
                # filter's ``if not value`` compiles that query to learn it is empty (a
                # tenth of a small API answer's time): an empty list says the same.
                value = []
            queryset = self.filters[name].filter(queryset, value)
        return queryset


def related_model(model, path):
    """The model a ``__`` path of relations leads to from ``model``
    (``RelationshipStage``, ``"relationship__chinese_place"`` → ``Place``)."""
    for name in path.split("__"):
        model = model._meta.get_field(name).related_model
    return model


class TreeNodeFilterMixin:
    """Rows whose node at ``field_name`` is one of the chosen nodes or lies inside one.

    The choices are the related model's records, narrowed by ``nodes``, the name of a
    method of its manager (``"chinese"``); the related model is read from the FilterSet's
    model when the filter is used, so the FilterSet need not import it."""

    def __init__(self, *args, nodes="all", **kwargs):
        self.nodes = nodes
        super().__init__(*args, **kwargs)

    def get_queryset(self, request):
        manager = related_model(self.model, self.field_name)._default_manager
        return getattr(manager, self.nodes)()

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(within_q(self.field_name, value))


class TreeNodeFilter(TreeNodeFilterMixin, filters.ModelMultipleChoiceFilter):
    """``<fk>``: one or more nodes by slug, each including the nodes inside it."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        super().__init__(*args, **kwargs)


class TreeNodeIdFilter(TreeNodeFilterMixin, IdFilter):
    """``<fk>_id``: one or more nodes by primary key, each including the nodes inside it."""


class ChinesePlaceFilterSet(RegistryFilterSet):
    """The paired filters for a record's Chinese side, by id or slug; a place includes the
    places inside it (Jinzhong includes Pingyao County). ``chinese_place_path`` is the path
    from the FilterSet's model to its Chinese place."""

    chinese_place_path = "chinese_place"

    chinese_place_id = TreeNodeIdFilter(
        label=_("中方地方（ID，含下辖地方）"),
        nodes="chinese",
    )
    chinese_place = TreeNodeFilter(
        label=_("中方省市（含下辖地方）"),
        nodes="chinese",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("chinese_place_id", "chinese_place"):
            self.filters[name].field_name = self.chinese_place_path
