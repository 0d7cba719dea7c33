"""``utilities.prefetch.prefetch_page``: an API page's related rows held without a queryset
built per record, read the same as Django's ``prefetch_related`` gives them."""

import pytest
from django.db.models import Prefetch, prefetch_related_objects
from django.db.models.fields.related_descriptors import ReverseManyToOneDescriptor
from django.test import Client

import utilities.api.pagination
from cities.choices import Claimant, ClaimSubject, RelationshipKind, Stage
from cities.models import Claim, Relationship, RelationshipStage
from exchanges.models import Exchange
from sources.models import Citation
from tests.builders import staff_user
from utilities.prefetch import prefetch_page, related_rows

pytestmark = pytest.mark.django_db

PAGES = [
    "/api/relationships/?limit=500",
    "/api/relationships/?limit=500&offset=500",
    "/api/relationships/?ordering=-created&limit=200",
    "/api/relationships/?fields=id,stages,claims,disputes,began,fields,citations",
    "/api/relationships/?format=geojson&limit=100",
    "/api/exchanges/?limit=500",
    "/api/exchanges/?limit=500&offset=300",
    "/api/relationship-stages/?limit=500",
    "/api/claims/?limit=500",
    "/api/places/?limit=500",
]


@pytest.fixture(autouse=True)
def disputes():
    """A partner's date for a signing and a national roll's other kind: claims on a step
    and on a relationship, each with a citation, so pages carry claims and disputes."""
    como = Relationship.objects.get(
        chinese_place__slug="jinzhong", foreign_place__slug="como-province"
    )
    signing = como.stages.get(stage=Stage.AGREEMENT)
    citation = Citation.objects.filter(report__chinese_place=como.chinese_place).first()
    on_step = Claim.objects.create(
        relationship=como,
        step=signing,
        date_year=2019,
        date_month=11,
        date_day=8,
        claimant=Claimant.PARTNER,
    )
    on_kind = Claim.objects.create(
        relationship=como,
        subject=ClaimSubject.KIND,
        value=RelationshipKind.FRIENDLY if como.kind == RelationshipKind.SISTER else "sister",
        claimant=Claimant.NATIONAL_ROLL,
    )
    on_step.citations.set([citation])
    on_kind.citations.set([citation])


def pages(client, language):
    answers = {url: client.get(url, HTTP_ACCEPT_LANGUAGE=language) for url in PAGES}
    assert {answer.status_code for answer in answers.values()} == {200}
    return {
        url: b"".join(answer.streaming_content) if answer.streaming else answer.content
        for url, answer in answers.items()
    }


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("staff", [False, True])
def test_pages_are_those_of_djangos_prefetch(monkeypatch, language, staff):
    """Every page of the registry (with its claims, disputes and warnings) is the same byte
    for byte as when Django's ``prefetch_related_objects`` reads its related rows."""
    client = Client()
    if staff:
        client.force_login(staff_user("test-prefetch-staff", superuser=True))
    assert Relationship.objects.filter(claims__isnull=False).exists()
    ours = pages(client, language)
    assert any(b"national_roll" in body for body in ours.values())
    monkeypatch.setattr(utilities.api.pagination, "prefetch_page", prefetch_related_objects)
    djangos = pages(client, language)
    assert ours == djangos


def page_of_relationships():
    relationships = list(Relationship.objects.filter(stages__claims__isnull=False).distinct())
    assert relationships
    claims = Claim.objects.prefetch_related("citations")
    prefetch_page(
        relationships,
        "fields",
        Prefetch("stages", queryset=RelationshipStage.objects.prefetch_related("claims")),
        Prefetch("claims", queryset=claims),
    )
    return relationships


def test_held_rows_are_read_without_a_query(django_assert_num_queries):
    relationships = page_of_relationships()
    expected = {
        relationship.pk: list(RelationshipStage.objects.filter(relationship=relationship))
        for relationship in relationships
    }
    with django_assert_num_queries(0):
        for relationship in relationships:
            stages = list(relationship.stages.all())
            assert stages == expected[relationship.pk]
            assert relationship.stages.count() == len(stages)
            assert all(stage.relationship is relationship for stage in stages)
            assert any(list(stage.claims.all()) for stage in stages)
            for claim in relationship.claims.all():
                list(claim.citations.all())
            list(relationship.fields.all())


def test_a_new_query_of_held_rows_is_the_records_own():
    """``relationship.stages.filter(...)`` asks the database, of that record's rows only."""
    relationships = page_of_relationships()
    for relationship in relationships:
        fresh = Relationship.objects.get(pk=relationship.pk)
        assert list(relationship.stages.filter(date_year__isnull=False)) == list(
            fresh.stages.filter(date_year__isnull=False)
        )
        assert list(relationship.claims.exclude(subject="")) == list(fresh.claims.all())
        assert list(relationship.fields.order_by("-pk")) == list(fresh.fields.order_by("-pk"))
        stage = relationship.stages.filter(date_year__isnull=False).first()
        if stage is not None:
            assert stage.relationship is relationship  # known, as Django's manager knows it


def test_other_lookups_go_through_django():
    exchanges = list(Exchange.objects.filter(relationship__isnull=False)[:20])
    prefetch_page(exchanges, "relationship__chinese_place", "places")
    for exchange in exchanges:
        assert exchange.relationship.chinese_place == (
            Exchange.objects.get(pk=exchange.pk).relationship.chinese_place
        )
        assert list(exchange.places.all()) == list(
            Exchange.objects.get(pk=exchange.pk).places.all()
        )


def test_a_new_query_keeps_the_prefetchs_own_queryset():
    """A ``Prefetch`` with a filtered queryset: the held rows are its rows, and a new query
    of them is filtered as Django's manager filters it (the Prefetch's filter kept)."""
    signings = RelationshipStage.objects.filter(stage=Stage.AGREEMENT)
    ours = list(Relationship.objects.all()[:60])
    django = list(Relationship.objects.all()[:60])
    prefetch_page(ours, Prefetch("stages", queryset=signings))
    prefetch_related_objects(django, Prefetch("stages", queryset=signings))
    for mine, theirs in zip(ours, django, strict=True):
        assert list(mine.stages.all()) == list(theirs.stages.all())
        assert list(mine.stages.filter(date_year__isnull=False)) == list(
            theirs.stages.filter(date_year__isnull=False)
        )
        assert str(mine.stages.order_by("pk").query) == str(theirs.stages.order_by("pk").query)


def test_a_further_filter_across_a_many_to_many_reuses_its_join():
    """As Django's many-to-many manager: ``exchange.places.filter(partner_exchanges__…)`` filters
    on the same link row, not on a second join."""
    ours = list(Exchange.objects.all()[:30])
    django = list(Exchange.objects.all()[:30])
    prefetch_page(ours, "places")
    prefetch_related_objects(django, "places")
    for mine, theirs in zip(ours, django, strict=True):
        mine_query = mine.places.filter(partner_exchanges__start_year__isnull=False)
        theirs_query = theirs.places.filter(partner_exchanges__start_year__isnull=False)
        assert str(mine_query.query) == str(theirs_query.query)
        assert list(mine_query) == list(theirs_query)


def read_dates_and_disputes(relationship):
    return (
        relationship.began,
        relationship.agreement_date,
        relationship.intent_date,
        relationship.disputes(),
        [step.sides() for step in related_rows(relationship, "stages")],
    )


def test_dates_and_disputes_read_the_prefetched_rows_without_a_related_manager(
    monkeypatch, django_assert_num_queries
):
    """A page's dates and disputes come from the prefetched rows as read, with no related
    manager built per call (``relationship.stages`` would build one each time)."""
    relationships = page_of_relationships()
    expected = [
        read_dates_and_disputes(Relationship.objects.get(pk=relationship.pk))
        for relationship in relationships
    ]
    assert any(dates_and_disputes[3] for dates_and_disputes in expected)

    def no_manager(descriptor, instance, cls=None):
        if instance is not None:
            raise AssertionError(f"a related manager built for {descriptor.rel.name}")
        return descriptor

    monkeypatch.setattr(ReverseManyToOneDescriptor, "__get__", no_manager)
    with django_assert_num_queries(0):
        read = [read_dates_and_disputes(relationship) for relationship in relationships]
    assert read == expected


def test_rows_not_prefetched_are_read_from_the_database_after_a_write():
    """Without a prefetch, ``related_rows`` asks the manager: a step saved since is there."""
    relationship = Relationship.objects.filter(stages__isnull=False).first()
    before = list(related_rows(relationship, "stages"))
    step = before[0]
    step.date_year, step.date_month, step.date_day = 1901, None, None
    step.save()
    read = {row.pk: row.date_year for row in related_rows(relationship, "stages")}
    assert read[step.pk] == 1901
