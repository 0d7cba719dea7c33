"""Figures learn the tables they read (``utilities.generation.remembered`` with no
``tables``): a figure is made again after a write to a table its queries read, and only
then; what it reads through a figure inside it counts, kept or made; a computation that
reads another table than the registry's, the clock, or nothing is kept for the registry's
generation (any write makes it again); and what it reads may change from one computation
to the next. The site's figures that once listed their tables by hand are kept the same
way: the home page's counts survive an exchange's save."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models.functions import Now
from django.test.utils import CaptureQueriesContext

from cities.models import Relationship
from cities.statistics import national_counts
from exchanges.models import Exchange
from tests.builders import new_exchange, new_place
from utilities import generation
from utilities.pagination import remembered_count

pytestmark = pytest.mark.django_db


class Figure:
    """A remembered figure that counts how often it is made."""

    def __init__(self, name, compute):
        self.name, self.compute, self.made = name, compute, 0

    def _made(self):
        self.made += 1
        return self.compute()

    def __call__(self):
        return generation.remembered(self.name, self._made)


def relationships_count():
    return Relationship.objects.count()


def save(record, **changes):
    for name, value in changes.items():
        setattr(record, name, value)
    record.save()


@pytest.fixture
def exchange(world):
    return new_exchange(world.home)


def test_a_figure_is_made_again_only_after_a_write_to_a_table_it_read(world, exchange):
    figure = Figure("test.learned.relationships", relationships_count)
    count = figure()
    assert figure() == count and figure.made == 1
    save(exchange, title_en="Elsewhere")  # a table the figure never read
    assert figure() == count and figure.made == 1
    Relationship.objects.create(
        chinese_place=world.away, foreign_place=world.partner_b, kind="friendly"
    )
    assert figure() == count + 1 and figure.made == 2


def test_a_figure_reads_the_tables_of_the_figures_inside_it_even_when_they_are_kept(
    world, exchange
):
    inner = Figure("test.learned.inner", relationships_count)
    inner()  # kept already: the outer figure's computation runs no query at all
    outer = Figure("test.learned.outer", lambda: inner() * 2)
    assert outer() == 2 * inner()
    save(exchange, title_en="Elsewhere")
    assert outer() == 2 * inner()
    assert inner.made == 1 and outer.made == 1
    Relationship.objects.create(
        chinese_place=world.away, foreign_place=world.partner_b, kind="friendly"
    )
    assert outer() == 2 * Relationship.objects.count()
    assert outer.made == 2


def test_what_a_figure_reads_is_learned_again_at_each_computation(world, exchange):
    """A figure that reads the exchanges only when the place holds a relationship: at first
    it does not read them, so an exchange's save keeps it; once it reads them, it does not."""
    place = new_place("test-learning", "学习县", "county", "CN", world.province)

    def exchanges_of_held_relationships():
        held = list(Relationship.objects.filter(chinese_place=place).values_list("pk", flat=True))
        return Exchange.objects.filter(relationship__in=held).count() if held else 0

    figure = Figure("test.learned.branch", exchanges_of_held_relationships)
    assert figure() == 0
    save(exchange, title_en="Kept")
    assert figure() == 0 and figure.made == 1
    relationship = Relationship.objects.create(
        chinese_place=place, foreign_place=world.partner_b, kind="friendly"
    )
    assert figure() == 0 and figure.made == 2
    Exchange.objects.create(
        title_zh="学习交流", kind="event", chinese_place=place, relationship=relationship
    )
    assert figure() == 1 and figure.made == 3


@pytest.mark.parametrize(
    "compute",
    [
        pytest.param(lambda: get_user_model().objects.count(), id="another-table"),
        pytest.param(
            lambda: Relationship.objects.filter(created__lte=Now()).count(), id="the-clock"
        ),
        pytest.param(lambda: 7, id="no-query"),
    ],
)
def test_a_figure_that_reads_anything_else_is_made_again_after_any_write(world, exchange, compute):
    figure = Figure("test.learned.registry", compute)
    figure()
    figure()
    assert figure.made == 1
    save(exchange, title_en="Anything")
    figure()
    assert figure.made == 2


def test_tables_named_in_raw_sql_are_read_quoted_or_not(world, exchange):
    def raw():
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM cities_relationship")
            return cursor.fetchone()[0]

    figure = Figure("test.learned.raw", raw)
    figure()
    save(exchange, title_en="Elsewhere")
    figure()
    assert figure.made == 1
    save(world.relationship, notes="Here")
    figure()
    assert figure.made == 2


def test_a_table_is_named_only_as_a_whole_word():
    assert generation.tables_read('SELECT 1 FROM "cities_placealias"') == {"cities_placealias"}
    assert generation.tables_read('SELECT COUNT(*) FROM "CITIES_RELATIONSHIP"') == {
        "cities_relationship"
    }


@pytest.mark.parametrize(
    "sql",
    [
        pytest.param(
            'SELECT "cities_place"."id" FROM "cities_place" JOIN x ON 1 = 1', id="unknown"
        ),
        pytest.param('SELECT "id" FROM "django_cache"', id="not-a-project-table"),
        pytest.param(
            'WITH gone AS (DELETE FROM "cities_place" RETURNING "id") SELECT * FROM gone',
            id="a-write-inside",
        ),
        pytest.param("UPDATE cities_place SET name_zh = ''", id="a-write"),
        pytest.param('SELECT "id" FROM "cities_place" FOR UPDATE', id="a-lock"),
        pytest.param('SELECT CURRENT_DATE FROM "cities_place"', id="the-clock"),
    ],
)
def test_sql_that_reads_anything_but_registry_tables_is_not_certain(sql):
    assert generation.tables_read(sql) is None


def test_a_withs_own_names_and_a_functions_rows_are_not_tables():
    tree = (
        'WITH RECURSIVE "__up" ("node") AS (SELECT "id" FROM "cities_place" UNION ALL '
        'SELECT "parent_id" FROM "cities_place" JOIN "__up" ON "id" = "node") '
        'SELECT "node" FROM "__up"'
    )
    assert generation.tables_read(tree) == {"cities_place"}
    assert generation.tables_read("SELECT * FROM unnest(%s)") == frozenset()


def test_the_home_pages_counts_survive_an_exchanges_save_and_not_a_steps(world, exchange):
    """The national counts once named their tables by hand; now they are learned."""
    national_counts()
    save(exchange, title_en="Elsewhere")
    assert kept_now(national_counts)
    save(world.agreement, document="Seen")
    assert not kept_now(national_counts)


def kept_now(figure):
    """Whether ``figure()`` ran no query but the generation's read."""
    with CaptureQueriesContext(connection) as captured:
        figure()
    return all("operations_registrygeneration" in q["sql"] for q in captured.captured_queries)


def test_a_figure_inside_another_is_kept_under_the_outer_figures_stamps(world, exchange):
    """A request's stamps read before a write are older than those the outer figure was
    made under: the inner figure reads under the outer's, so the outer never keeps an
    older inner figure under its newer stamps."""

    class Request:
        pass

    request = Request()
    inner = Figure("test.learned.inner-stamps", relationships_count)
    generation.remembered(inner.name, inner._made, request)  # read under the request's
    Relationship.objects.create(
        chinese_place=world.away, foreign_place=world.partner_b, kind="friendly"
    )
    outer = generation.remembered(
        "test.learned.outer-stamps",
        lambda: generation.remembered(inner.name, inner._made, request),
    )
    assert outer == Relationship.objects.count()


def test_a_computation_that_returns_a_query_still_to_run_is_refused(world):
    with pytest.raises(TypeError, match="QuerySet"):
        generation.remembered("test.learned.lazy", lambda: Relationship.objects.all())
    with pytest.raises(TypeError, match="generator"):
        generation.remembered("test.learned.lazy-rows", lambda: (n for n in range(3)))


def test_a_computation_that_writes_is_made_again_after_any_write(world, exchange):
    def counts_and_writes():
        Relationship.objects.filter(pk=-1).update(notes="")
        return relationships_count()

    figure = Figure("test.learned.writes", counts_and_writes)
    figure()
    save(exchange, title_en="Anything")
    figure()
    assert figure.made == 2


def test_a_computation_that_fails_leaves_nothing_watched(world):
    def fails():
        relationships_count()
        raise RuntimeError("failed")

    with pytest.raises(RuntimeError):
        generation.remembered("test.learned.fails", fails)
    assert generation._computing.get() == ()
    assert connection.execute_wrappers == []
    figure = Figure("test.learned.after-failure", relationships_count)
    figure()
    figure()
    assert figure.made == 1


def test_a_count_inside_a_figure_gives_it_the_tables_it_names(world, exchange):
    """A list's count names its tables itself (``remembered_count``): kept or made, the
    figure around it reads them."""
    count = lambda: remembered_count(Exchange.objects.filter(start_year__gte=1900))  # noqa: E731
    count()
    figure = Figure("test.learned.with-count", lambda: count() + 1)
    figure()
    Relationship.objects.create(
        chinese_place=world.away, foreign_place=world.partner_b, kind="friendly"
    )
    figure()
    assert figure.made == 1
    save(exchange, start_year=2001)
    figure()
    assert figure.made == 2


def test_a_hint_of_this_process_that_leads_nowhere_gives_way_to_the_caches(world):
    """Each process keeps the hints it has used; one learned elsewhere since (a figure
    whose reads changed) is found in the cache, and the figure kept there is read."""
    figure = Figure("test.learned.hints", relationships_count)
    figure()
    own = next(key for key in generation._hints if key.endswith(":reads:test.learned.hints"))
    generation._hints[own] = frozenset({"awards_award"})  # as an older computation left it
    assert figure() == Relationship.objects.count()
    assert figure.made == 1
    assert generation._hints[own] == {"cities_relationship"}
