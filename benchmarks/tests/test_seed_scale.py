"""seed_scale at a tiny size on the test database (which holds the five reports' registry):
the sizes asked, rows that pass every model rule, the marker, and a removal that leaves the
registry exactly as it was."""

import random
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection

from benchmarks import seeding
from benchmarks.seeding import MARKER, SLUG_PREFIX
from cities.choices import PlaceLevel, RelationshipKind, Stage
from cities.models import Place, Relationship, RelationshipStage
from exchanges.models import Exchange

pytestmark = pytest.mark.django_db

RELATIONSHIPS, EXCHANGES = 60, 300


def seed(**options):
    call_command(
        "seed_scale",
        relationships=RELATIONSHIPS,
        exchanges=EXCHANGES,
        stdout=StringIO(),
        stderr=StringIO(),
        **options,
    )


def snapshot():
    """Every row of every table of the project's apps, history included, by primary key."""
    tables = {}
    for app in ("cities", "exchanges", "awards", "sources"):
        for model in apps.get_app_config(app).get_models(include_auto_created=True):
            tables[model._meta.db_table] = set(model.objects.values_list("pk", flat=True))
    return tables


def test_creates_the_sizes_asked_and_marks_every_row():
    places_before = Place.objects.count()
    seed()
    synthetic_places = Place.objects.filter(slug__startswith=SLUG_PREFIX)
    assert Relationship.objects.filter(notes=MARKER).count() == RELATIONSHIPS
    assert Exchange.objects.filter(editors_note=MARKER).count() == EXCHANGES
    assert Place.objects.count() - places_before == synthetic_places.count()
    assert not synthetic_places.exclude(notes=MARKER).exists()
    assert not synthetic_places.exclude(name_zh__startswith="合成").exists()
    # The synthetic relationships join synthetic places only.
    assert (
        not Relationship.objects.filter(notes=MARKER)
        .exclude(chinese_place__in=synthetic_places, foreign_place__in=synthetic_places)
        .exists()
    )


def test_the_data_has_the_shapes_the_pages_meet():
    seed()
    chinese = Place.objects.filter(slug__startswith=SLUG_PREFIX, country="CN")
    foreign = Place.objects.filter(slug__startswith=SLUG_PREFIX).exclude(country="CN")
    levels = set(chinese.values_list("level", flat=True))
    assert {PlaceLevel.PROVINCE, PlaceLevel.PREFECTURE_CITY, PlaceLevel.DEVELOPMENT_ZONE} <= levels
    # Some zones sit four levels deep: province, city, district, zone.
    assert chinese.filter(
        level=PlaceLevel.DEVELOPMENT_ZONE, parent__parent__parent__level=PlaceLevel.PROVINCE
    ).exists()
    assert foreign.values("country").distinct().count() >= 10
    relationships = Relationship.objects.filter(notes=MARKER)
    assert set(relationships.values_list("kind", flat=True)) == set(RelationshipKind.values)
    assert len(set(relationships.values_list("stage", flat=True))) >= 3
    assert RelationshipStage.objects.filter(
        relationship__in=relationships, date_year__isnull=False
    ).exists()
    assert relationships.filter(fields__isnull=False).exists()
    exchanges = Exchange.objects.filter(editors_note=MARKER)
    assert exchanges.filter(relationship__isnull=False).exists()
    assert exchanges.filter(relationship__isnull=True, places__isnull=False).exists()
    assert not exchanges.filter(fields__isnull=True).exists()


def test_a_sample_of_every_kind_of_row_passes_full_clean():
    seed()
    rng = random.Random(7)

    def sample(queryset, size=40):
        rows = list(queryset)
        return rng.sample(rows, min(size, len(rows)))

    places = sample(Place.objects.filter(slug__startswith=SLUG_PREFIX), 80)
    for place in places:
        place.full_clean()
        stored = place.search_text
        place.refresh_search_text(save=False)  # what Place.save would have stored
        assert stored == place.search_text and stored
    for relationship in sample(Relationship.objects.filter(notes=MARKER)):
        relationship.full_clean()
        for stage in relationship.stages.all():
            stage.full_clean()  # includes the rule that stage dates are in order
    for exchange in sample(Exchange.objects.filter(editors_note=MARKER), 80):
        exchange.full_clean()


def test_ended_relationships_have_an_end_after_their_agreement():
    seed()
    for relationship in Relationship.objects.filter(notes=MARKER, stage=Stage.ENDED):
        stages = {stage.stage: stage for stage in relationship.stages.all()}
        assert Stage.ENDED in stages and Stage.AGREEMENT in stages


def test_remove_deletes_exactly_the_synthetic_rows_and_writes_no_history():
    before = snapshot()
    seed()
    seeded = snapshot()
    history = [table for table in before if "historical" in table]
    assert all(seeded[table] == before[table] for table in history)
    assert seeded != before
    call_command("seed_scale", remove=True, stdout=StringIO())
    assert snapshot() == before
    # The reports' own data is all there.
    assert Place.objects.filter(slug="wuhan").exists()


def test_refuses_a_database_with_staff_accounts_unless_told():
    get_user_model().objects.create_user("editor", password="x-Registry-2025", is_staff=True)
    with pytest.raises(CommandError, match="staff accounts"):
        seed()
    assert not Place.objects.filter(slug__startswith=SLUG_PREFIX).exists()
    seed(allow_staff_database=True)
    assert Relationship.objects.filter(notes=MARKER).count() == RELATIONSHIPS


def test_refuses_to_seed_twice():
    seed()
    with pytest.raises(CommandError, match="remove it first"):
        seed()
    assert Relationship.objects.filter(notes=MARKER).count() == RELATIONSHIPS


def search_indexes():
    """The seeded tables' GIN indexes as PostgreSQL describes them."""
    tables = [model._meta.db_table for model in seeding.SEEDED_TABLES]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
            "AND indexdef LIKE '%%USING gin%%'",
            [tables],
        )
        return set(cursor.fetchall())


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the search indexes exist on PostgreSQL only"
)


@postgresql_only
def test_the_search_indexes_are_built_again_after_the_load_and_find_its_rows():
    before = search_indexes()
    assert len(before) >= 6  # trigrams and n-grams of places, relationships, exchanges
    seed()
    assert search_indexes() == before
    # The rebuilt index holds the new rows: an index-only search finds a synthetic title.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        found = Exchange.objects.filter(title_zh__contains="交流项目7").exists()
        cursor.execute("SET LOCAL enable_seqscan = on")
    assert found


@postgresql_only
def test_a_failed_load_leaves_every_search_index_in_place(monkeypatch):
    before = search_indexes()

    def fail(self):
        raise RuntimeError("interrupted")

    monkeypatch.setattr(seeding.Seeder, "create_exchanges", fail)
    with pytest.raises(RuntimeError):
        seed()
    assert search_indexes() == before
    assert not Place.objects.filter(slug__startswith=SLUG_PREFIX).exists()
