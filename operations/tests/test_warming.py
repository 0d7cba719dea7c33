"""Pages made again after a write (``operations.warming``): once a staff write through the
admin or the API has committed and its answer is sent, the writer's process asks for the
pages of ``WARM_AFTER_WRITE``, so the next visitor is answered from the read cache, with the
write in it, and the home page's figures are not counted again for them. A request that
commits nothing, a write outside a request, and ``WARM_AFTER_WRITE`` off leave nothing made;
after a burst of writes the pages are made once the pause after the last making is over.

Transactional: a write's ``on_commit`` runs only when its transaction really commits."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cities.models import Relationship
from cities.statistics import national_counts, summary_counts
from operations import warming
from operations.readcache import HEADER
from operations.tests.test_read_cache import BROWSER_ACCEPT
from sister_cities import settings as production_settings
from sister_cities.views import NEWEST
from tests.builders import staff_user, token_client
from utilities import generation
from utilities.testing.admin import change_url, form_data

pytestmark = pytest.mark.django_db(transaction=True)

# The settings' own default (tests run without, ``conftest.no_pages_made_after_writes``).
PAGES = production_settings.WARM_AFTER_WRITE


@pytest.fixture(autouse=True)
def pages_made_after_writes(settings):
    settings.WARM_AFTER_WRITE = PAGES


def test_the_pages_are_the_heaviest_public_pages_in_both_languages():
    assert PAGES == ["/", "/en/", "/relationships/", "/en/relationships/", "/api/relationships/"]


@pytest.fixture
def cited(world):
    """The world's relationship, its agreement cited as the admin's form requires."""
    world.agreement.citations.set([world.citation])
    return world.relationship


def read_before(client, **headers):
    """Every warmed page read once by a visitor before the write (kept for the old
    generation)."""
    for path in PAGES:
        response = client.get(path, **headers)
        assert response.status_code == 200, path


def wordings(response):
    return {row["wording"] for row in response.json()["results"]}


def test_after_an_admin_edit_the_next_visitor_reads_the_pages_the_writer_made(
    cited, anonymous, boss
):
    read_before(anonymous)
    before = generation.current().stamp
    relationship = cited
    data = {**form_data(boss.get(change_url(relationship))), "wording": "预热测试用语"}
    assert boss.post(change_url(relationship), data).status_code == 302
    assert generation.current().stamp != before

    for path in PAGES:
        assert anonymous.get(path)[HEADER] == "hit", path
        if not path.startswith("/api/"):  # a browser's page too: one whatever it accepts
            assert anonymous.get(path, HTTP_ACCEPT=BROWSER_ACCEPT)[HEADER] == "hit", path
    assert "预热测试用语" in wordings(anonymous.get("/api/relationships/"))
    assert "预热测试用语" in wordings(anonymous.get("/api/relationships/", HTTP_ACCEPT="*/*"))
    # The home page's figures were counted for the new generation by the writer's process.
    with CaptureQueriesContext(connection) as queries:
        counts = national_counts(newest=NEWEST)
    assert len(queries) == 1  # the generation, read to find them
    assert counts["kind_stage"] == summary_counts(Relationship.objects.all())["kind_stage"]


def test_after_an_api_write_the_pages_are_made_at_the_writers_address(world, anonymous):
    writer = token_client(staff_user("test-warm-api", superuser=True))
    read_before(anonymous, HTTP_HOST="localhost")
    response = writer.patch(
        f"/api/relationships/{world.relationship.pk}/",
        {"wording": "接口预热用语"},
        format="json",
        HTTP_HOST="localhost",
    )
    assert response.status_code == 200, response.content[:300]

    answer = anonymous.get("/api/relationships/", HTTP_HOST="localhost")
    assert answer[HEADER] == "hit"
    assert "接口预热用语" in wordings(answer)
    # Kept under the address the writer used, as the read cache keys its answers.
    other_host = anonymous.get("/api/relationships/")
    assert other_host[HEADER] == "miss"
    assert "接口预热用语" in wordings(other_host)


def test_a_request_that_commits_no_write_makes_nothing(cited, anonymous, boss):
    read_before(anonymous)
    # A write outside any request (a command): the next read makes what it needs.
    generation.bump()
    relationship = cited
    form = form_data(boss.get(change_url(relationship)))
    refused = boss.post(change_url(relationship), {**form, "wording": "长" * 101})
    assert refused.status_code == 200  # the form's error, nothing saved
    assert anonymous.get("/")[HEADER] == "miss"
    assert anonymous.get("/api/relationships/")[HEADER] == "miss"


def test_off_makes_nothing(cited, anonymous, boss, settings):
    settings.WARM_AFTER_WRITE = []
    read_before(anonymous)
    relationship = cited
    data = {**form_data(boss.get(change_url(relationship))), "wording": "不预热"}
    assert boss.post(change_url(relationship), data).status_code == 302
    answer = anonymous.get("/api/relationships/")
    assert answer[HEADER] == "miss"
    assert "不预热" in wordings(answer)


def test_writes_in_the_pause_after_pages_were_made_are_made_by_the_next_answer_after_it(
    world, anonymous, monkeypatch
):
    monkeypatch.setattr(warming, "SHARE", 0.0001)  # a pause far longer than the test
    writer = token_client(staff_user("test-warm-burst", superuser=True))
    url = f"/api/relationships/{world.relationship.pk}/"
    read_before(anonymous)
    assert writer.patch(url, {"wording": "第一次"}, format="json").status_code == 200
    assert anonymous.get("/api/relationships/")[HEADER] == "hit"
    # Made just now: the pause after them (a share of one worker's time) is not over.
    assert cache.get(warming.TURN) == "pause"
    assert writer.patch(url, {"wording": "第二次"}, format="json").status_code == 200
    assert anonymous.get("/")[HEADER] == "miss"  # left for later, read by this visitor
    answer = anonymous.get("/api/relationships/")
    assert answer[HEADER] == "miss"
    assert "第二次" in wordings(answer)

    assert writer.patch(url, {"wording": "第三次"}, format="json").status_code == 200
    cache.delete(warming.TURN)  # the pause is over
    assert anonymous.get("/healthz").status_code == 200  # any answer sent makes them
    answer = anonymous.get("/api/relationships/")
    assert answer[HEADER] == "hit"
    assert "第三次" in wordings(answer)
    assert anonymous.get("/en/relationships/")[HEADER] == "hit"


def test_a_write_while_another_worker_makes_the_pages_leaves_them_for_later(world, anonymous):
    """The turn is in the cache, every worker's with Redis: while another holds it, this
    worker makes nothing, and makes them after its first answer once the turn is free."""
    writer = token_client(staff_user("test-warm-turn", superuser=True))
    read_before(anonymous)
    assert cache.add(warming.TURN, "making", 60)  # another worker's turn
    url = f"/api/relationships/{world.relationship.pk}/"
    assert writer.patch(url, {"wording": "轮到别人"}, format="json").status_code == 200
    assert anonymous.get("/api/relationships/")[HEADER] == "miss"
    assert cache.get(warming.TURN) == "making"  # left alone
    cache.delete(warming.TURN)  # the other worker is done (and its pause over)
    assert writer.patch(url, {"wording": "轮到我了"}, format="json").status_code == 200
    answer = anonymous.get("/api/relationships/")
    assert answer[HEADER] == "hit"
    assert "轮到我了" in wordings(answer)


def test_a_cache_that_cannot_be_reached_makes_nothing_and_breaks_no_write(
    world, anonymous, monkeypatch
):
    def unreachable(*args, **kwargs):
        raise ConnectionError("the cache is down")

    monkeypatch.setattr(warming.cache, "add", unreachable)
    writer = token_client(staff_user("test-warm-down", superuser=True))
    url = f"/api/relationships/{world.relationship.pk}/"
    response = writer.patch(url, {"wording": "缓存不可用"}, format="json")
    assert response.status_code == 200
    assert warming._pending is not None  # still to be made, once the cache answers


def test_the_check_names_pages_that_cannot_be_made(settings):
    settings.WARM_AFTER_WRITE = ["/", "relationships/", "/admin/", "/healthz"]
    problems = warming.check_pages()
    assert [(problem.id, problem.msg.split("'")[1]) for problem in problems] == [
        ("operations.W001", "relationships/"),
        ("operations.W002", "/admin/"),
        ("operations.W002", "/healthz"),
    ]
    settings.WARM_AFTER_WRITE = PAGES
    assert warming.check_pages() == []
