"""The home page's national counts and its newest relationships are counted once per
generation of the registry (``cities.statistics.national_counts``, kept by
``utilities.generation.remembered``): a write on every path (the admin, the API, an import,
``load_registry``, a history revert, ``seed_scale``) changes what the very next page shows,
with the read cache off, so that only the kept counts are tried."""

import re
import shutil
from io import StringIO

import pytest
import yaml
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cities import statistics
from cities.filtersets import with_first_year
from cities.models import Place, Relationship, RelationshipStage
from cities.tests.test_admin_import import news, partners, rows, upload  # noqa: F401
from cities.tests.test_batch_delete import confirmation
from tests.builders import new_relationship, staff_user, token_client
from utilities import generation
from utilities.partial_dates import PartialDate
from utilities.testing.admin import change_url, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def read_cache_off(settings):
    settings.READ_CACHE = False


@pytest.fixture
def anonymous():
    return Client()


@pytest.fixture
def como():
    return Relationship.objects.get(
        chinese_place__slug="jinzhong", foreign_place__slug="como-province"
    )


def shown(client):
    """The part of the home page the national counts make (the lead, the table, the two
    charts and the newest relationships), checked against the registry counted now."""
    body = client.get("/").content.decode()
    part = body[body.index('<p class="lead">') : body.index('id="exchanges-heading"')]
    now = statistics.summary(Relationship.objects.all())
    holders = Place.objects.chinese().filter(chinese_relationships__isnull=False).distinct()
    assert f"收录 {holders.count()} 个中方地方" in part
    assert f"{now['country_count']} 个国家的 {now['established_total']} 对友好关系" in part
    table = now["kind_stage"]
    totals = [row["total"] for row in table["rows"]] + [table["total"]]
    assert re.findall(r"<td><strong>(\d+)</strong></td></tr>", part) == [str(n) for n in totals]
    newest = (
        with_first_year(Relationship.objects.all())
        .order_by(F("first_year").desc(nulls_last=True), "-pk")
        .first()
    )
    assert f'href="{newest.get_absolute_url()}"' in part
    return part


def test_the_counts_are_kept_for_a_generation(anonymous):
    def count(client):
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        return len(queries)

    first = count(anonymous)
    kept = count(anonymous)
    assert kept < first  # the pass over every relationship is not made again
    generation.bump()
    assert count(anonymous) == first


def test_a_write_that_does_not_raise_the_generation_is_not_counted(anonymous, como):
    """Why every signal-free write must ``bump()``: the counts are kept until it does."""
    counts = shown(anonymous).split('id="newest-heading"')[0]
    Relationship.objects.filter(pk=como.pk).update(kind="friendly")
    assert counts in anonymous.get("/").content.decode()  # the rows themselves are read anew
    generation.bump()
    assert counts not in shown(anonymous)


def test_an_admin_change_and_delete_are_counted_at_once(anonymous, client, staff, como):
    before = shown(anonymous)
    data = {**form_data(client.get(change_url(como))), "kind": "friendly"}
    assert client.post(change_url(como), data).status_code == 302
    changed = shown(anonymous)
    assert changed != before
    added = new_relationship(Place.objects.get(slug="jinzhong"))
    with_one_more = shown(anonymous)
    assert with_one_more != changed
    delete_url = reverse("admin:cities_relationship_delete", args=[added.pk])
    assert client.post(delete_url, confirmation(client.get(delete_url))).status_code == 302
    assert shown(anonymous) == changed


def test_a_history_revert_is_counted_at_once(anonymous, client, staff, como):
    before = shown(anonymous)
    data = {**form_data(client.get(change_url(como))), "kind": "friendly"}
    assert client.post(change_url(como), data).status_code == 302
    assert shown(anonymous) != before
    version = como.history.filter(kind="sister").first()
    revert = reverse("admin:cities_relationship_simple_history", args=[como.pk, version.history_id])
    assert client.post(revert, form_data(client.get(revert))).status_code == 302
    assert shown(anonymous) == before


def test_an_api_write_is_counted_at_once(anonymous, world):
    api = token_client(staff_user("test-home-counts-admin", superuser=True))
    before = shown(anonymous)
    body = {
        "chinese_place": world.county.pk,
        "foreign_place": world.partner_c.pk,
        "kind": "friendly",
        "wording": "友好交流城市",
        "stage": "intent",
        "level": "county",
        "citations": [world.citation.pk],
    }
    response = api.post("/api/relationships/", body, format="json")
    assert response.status_code == 201, response.content
    after = shown(anonymous)
    assert after != before
    step = {
        "relationship": response.json()["id"],
        "stage": "intent",
        "date": "2019-03",
        "citations": [world.citation.pk],
    }
    response = api.post("/api/relationship-stages/", step, format="json")
    assert response.status_code == 201, response.content
    # Begun in 2019, as the newest of the loaded registry: the newest record first.
    now = shown(anonymous)
    assert now != after and "测试丙市" in now.split('id="newest-heading"')[1]


def test_an_import_is_counted_at_once(anonymous, client, staff, news, partners):  # noqa: F811
    before = shown(anonymous)
    preview = upload(client, rows())
    form = preview.context["confirm_form"]
    data = {name: form.initial.get(name, "") for name in form.fields}
    assert client.post(reverse("admin:cities_relationship_process_import"), data).status_code == 302
    after = shown(anonymous)
    assert after != before and "测试一市" in after  # begun in 2026: among the newest


def test_load_registry_is_counted_at_once(anonymous, tmp_path, settings):
    fixtures = tmp_path / "fixtures"
    shutil.copytree(settings.REGISTRY_FIXTURES_DIR, fixtures)
    path = fixtures / "wuhan.yaml"
    records = yaml.safe_load(path.read_text(encoding="utf-8"))
    oita = next(r for r in records if r["model"] == "cities.relationship" and r["pk"] == 3001)
    oita["fields"]["kind"] = "friendly"
    path.write_text(yaml.safe_dump(records, allow_unicode=True, sort_keys=False), "utf-8")
    partner = next(r for r in records if r["model"] == "cities.place" and r["pk"] == 3001)
    relationship = Relationship.objects.get(
        chinese_place__slug="wuhan", foreign_place__slug=partner["fields"]["slug"]
    )
    assert relationship.kind == "sister"
    before = shown(anonymous)
    call_command("load_registry", fixtures_dir=str(fixtures), verbosity=0)
    relationship.refresh_from_db()
    assert relationship.kind == "friendly"
    assert shown(anonymous) != before


def test_seed_scale_and_its_removal_are_counted_at_once(anonymous):
    before = shown(anonymous)
    out = StringIO()
    call_command("seed_scale", relationships=7, exchanges=5, stdout=out, stderr=out)
    assert shown(anonymous) != before
    call_command("seed_scale", remove=True, stdout=out)
    assert shown(anonymous) == before


def test_the_beginning_aggregates_say_what_began_says():
    """The aggregates the counts (``began_year``) and the activity (``began_key``) use say
    what ``Relationship.began`` says, for every relationship of the loaded registry and for
    the cases that decide it."""
    bare = Relationship.objects.filter(stages__isnull=True)
    other, third = bare[0], bare[1]
    # A letter of intent before a later agreement: the agreement dates the beginning.
    RelationshipStage.objects.create(relationship=other, stage="intent", date_year=1990)
    RelationshipStage.objects.create(relationship=other, stage="agreement", date_year=1995)
    # A planned step never does.
    RelationshipStage.objects.create(
        relationship=other, stage="active", date_year=1985, planned=True
    )
    # A date known to the month comes before the days of that month.
    RelationshipStage.objects.create(
        relationship=third, stage="agreement", date_year=2001, date_month=3, date_day=9
    )
    RelationshipStage.objects.create(
        relationship=third, stage="agreement", date_year=2001, date_month=3
    )
    rows = Relationship.objects.order_by().values_list("pk")
    years = dict(rows.annotate(year=statistics.began_year()).values_list("pk", "year"))
    keys = dict(rows.annotate(key=statistics.began_key()).values_list("pk", "key"))
    assert years[other.pk] == 1995
    assert statistics.began_from_key(keys[third.pk]) == PartialDate(2001, 3)
    for relationship in Relationship.objects.prefetch_related("stages"):
        began = relationship.began
        assert years[relationship.pk] == (began.year if began else None), relationship.pk
        assert statistics.began_from_key(keys[relationship.pk]) == began, relationship.pk


def test_the_newest_are_the_directory_s_newest():
    newest = statistics.summary_counts(Relationship.objects.all(), newest=8)["newest"]
    expected = (
        with_first_year(Relationship.objects.all())
        .order_by(F("first_year").desc(nulls_last=True), "-pk")
        .values_list("pk", flat=True)[:8]
    )
    assert newest == list(expected)
