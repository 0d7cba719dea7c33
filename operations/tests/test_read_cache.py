"""The read cache (``operations.readcache``): an anonymous read is answered from the cache
after its first time, with one query (the generation); every write on every path (admin
add, change, delete, inline, bulk delete, import, history revert, API create, update and
delete, link changes from either side, ``load_registry``, ``seed_scale``) is seen by the
very next anonymous read; staff and token clients are never answered from it, nor kept;
language, format and representation are separate entries; a streamed export (CSV, GeoJSON)
is never kept (``X-Read-Cache: pass``), so never stale, and answers its ``304``; a kept page
carries each reader's own CSRF token."""

import shutil
from io import StringIO

import pytest
import yaml
from django.core.management import call_command
from django.db import connection, transaction
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cities.models import CooperationField, Place, Relationship
from cities.tests.test_admin_import import news, partners, rows, upload  # noqa: F401
from cities.tests.test_admin_inlines import add_row
from cities.tests.test_batch_delete import ask_to_delete, confirmation
from operations.readcache import CSRF_INPUT, CSRF_PLACEHOLDER, HEADER
from tests.builders import new_exchange, new_relationship, staff_user, token_client
from utilities import generation
from utilities.testing.admin import change_url, form_data
from utilities.testing.queries import content

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:cities_relationship_changelist"


@pytest.fixture
def api_admin(world):
    """A superuser's API client (``Authorization: Token …``)."""
    return token_client(staff_user("test-cache-admin", superuser=True))


@pytest.fixture
def como():
    return Relationship.objects.get(
        chinese_place__slug="jinzhong", foreign_place__slug="como-province"
    )


def warm(client, url, **headers):
    """Read ``url`` twice: the second answer comes from the cache."""
    first = client.get(url, **headers)
    assert first.status_code == 200, (url, first.content[:300])
    second = client.get(url, **headers)
    assert second[HEADER] == "hit", url
    assert second.content == first.content or CSRF_PLACEHOLDER not in second.content
    return second


def fresh(client, url, **headers):
    """The next anonymous read after a write: rendered again, not the kept answer."""
    response = client.get(url, **headers)
    assert response.status_code == 200, (url, response.content[:300])
    assert response[HEADER] == "miss", f"{url} was answered from the cache after a write"
    return response


def streamed(client, url, **headers):
    """An anonymous read of an export: streamed by the view, not kept (``pass``)."""
    response = client.get(url, **headers)
    assert response.status_code == 200, url
    assert response.streaming and response[HEADER] == "pass", url
    return response


def text(response):
    return response.content.decode()


# A hit ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/en/",
        "/places/jinzhong/",
        "/relationships/",
        "/map/",
        "/search/?q=%E6%99%8B%E4%B8%AD",
        "/api/relationships/",
        "/api/places/?q=wuhan",
        "/sitemap.xml",
    ],
)
def test_a_hit_is_the_same_answer_for_one_query(anonymous, url):
    first = anonymous.get(url)
    assert first[HEADER] == "miss"
    with CaptureQueriesContext(connection) as queries:
        hit = anonymous.get(url)
    assert hit[HEADER] == "hit"
    assert len(queries) == 1, [query["sql"] for query in queries.captured_queries]
    assert "operations_registrygeneration" in queries.captured_queries[0]["sql"]
    assert hit.status_code == 200
    assert hit["Content-Type"] == first["Content-Type"]
    if b"csrfmiddlewaretoken" not in first.content:
        assert hit.content == first.content


@pytest.mark.parametrize(
    ("url", "marker"),
    [
        ("/api/relationships/?format=csv&chinese_place=jinzhong", "缓存测试用语"),
        ("/api/relationships/?format=geojson&chinese_place=jinzhong", "缓存测试用语"),
        ("/api/relationships/?chinese_place=jinzhong", "缓存测试用语"),  # Accept: text/csv
    ],
)
def test_a_streamed_export_is_never_kept_nor_stale(anonymous, como, url, marker):
    """Exports are streamed (``StreamingHttpResponse``) and not kept: each read runs the
    view, so a write is seen by the very next read; a reader that has the file already
    sends its validators back and gets a ``304``."""
    headers = {"HTTP_ACCEPT": "text/csv"} if "format=" not in url else {}
    first = streamed(anonymous, url, **headers)
    body = content(first)
    assert marker.encode() not in body and first["ETag"] and first["Last-Modified"]
    with CaptureQueriesContext(connection) as queries:
        again = streamed(anonymous, url, **headers)
        assert content(again) == body
    assert len(queries) > 1  # the view ran again: nothing was kept
    unchanged = anonymous.get(url, HTTP_IF_NONE_MATCH=first["ETag"], **headers)
    assert unchanged.status_code == 304
    como.wording = marker
    como.save()
    after = streamed(anonymous, url, **headers)
    assert marker.encode() in content(after) and after["ETag"] != first["ETag"]
    changed = streamed(anonymous, url, HTTP_IF_NONE_MATCH=first["ETag"], **headers)
    assert marker.encode() in content(changed)


def test_head_is_answered_from_the_get_entry(anonymous):
    warm(anonymous, "/api/places/")
    head = anonymous.head("/api/places/")
    assert head.status_code == 200 and head[HEADER] == "hit" and head.content == b""


def test_a_conditional_request_still_gets_its_304(anonymous):
    first = warm(anonymous, "/api/places/")
    again = anonymous.get("/api/places/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


# Separate entries ------------------------------------------------------------------------


def test_language_format_and_representation_are_separate_entries(anonymous):
    zh = warm(anonymous, "/places/jinzhong/")
    en = fresh(anonymous, "/en/places/jinzhong/")
    assert "Jinzhong" in text(en) and en.content != zh.content
    json_zh = warm(anonymous, "/api/places/?q=jinzhong")
    json_en = fresh(anonymous, "/api/places/?q=jinzhong", HTTP_ACCEPT_LANGUAGE="en")
    assert json_en.content != json_zh.content
    assert anonymous.get("/api/places/?q=jinzhong", HTTP_ACCEPT_LANGUAGE="en")[HEADER] == "hit"
    # The exports are streamed and never kept: each is the view's own answer in its format,
    # never the JSON kept under the same path.
    csv = streamed(anonymous, "/api/places/?q=jinzhong&format=csv")
    assert csv["Content-Type"].startswith("text/csv")
    accept_csv = streamed(anonymous, "/api/places/?q=jinzhong", HTTP_ACCEPT="text/csv")
    assert accept_csv["Content-Type"].startswith("text/csv")
    assert content(accept_csv) == content(csv)
    geojson = streamed(anonymous, "/api/places/?q=jinzhong&format=geojson")
    assert geojson["Content-Type"].startswith("application/geo+json")
    assert content(geojson) != json_zh.content
    assert b"FeatureCollection" in content(geojson)


def without_csrf_tokens(response):
    return CSRF_INPUT.sub(rb"\1\3", response.content)


BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def test_a_page_is_one_entry_whatever_its_reader_accepts_an_api_read_one_per_representation(
    anonymous,
):
    page = warm(anonymous, "/places/jinzhong/")
    for accept in (BROWSER_ACCEPT, "*/*", "application/json"):
        again = anonymous.get("/places/jinzhong/", HTTP_ACCEPT=accept)
        assert again[HEADER] == "hit", accept
        assert without_csrf_tokens(again) == without_csrf_tokens(page)
    api = warm(anonymous, "/api/places/?q=jinzhong")
    assert anonymous.get("/api/places/?q=jinzhong", HTTP_ACCEPT="*/*")[HEADER] == "hit"
    json = fresh(anonymous, "/api/places/?q=jinzhong", HTTP_ACCEPT="application/json")
    assert json.json() == api.json()
    assert anonymous.get("/api/places/?q=jinzhong", HTTP_ACCEPT="application/json")[HEADER] == (
        "hit"
    )


@pytest.mark.urls("operations.tests.urls")
def test_a_page_that_varies_on_accept_is_never_kept(anonymous):
    for accept, body in (("text/html", b"<p>html</p>"), ("text/plain", b"text")) * 2:
        response = anonymous.get("/negotiated/", HTTP_ACCEPT=accept)
        assert response.content == body
        assert HEADER not in response  # rendered every time, never kept
    assert anonymous.get("/negotiated/", HTTP_ACCEPT="text/plain").content == b"text"


def test_each_reader_gets_a_csrf_token_of_its_own(anonymous):
    warm(anonymous, "/")
    readers = [Client(), Client()]
    for reader in readers:
        page = reader.get("/")
        assert page[HEADER] == "hit"
        assert CSRF_PLACEHOLDER not in page.content
        secret = reader.cookies["csrftoken"].value
        tokens = set(
            part.split('"')[0]
            for part in text(page).split('name="csrfmiddlewaretoken" value="')[1:]
        )
        assert tokens and all(_unmask_cipher_token(token) == secret for token in tokens)
    assert readers[0].cookies["csrftoken"].value != readers[1].cookies["csrftoken"].value
    # The language switch works from a kept page (CSRF checked for real).
    checked = Client(enforce_csrf_checks=True)
    page = checked.get("/")
    assert page[HEADER] == "hit"
    token = text(page).split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    switched = checked.post(
        "/i18n/setlang/", {"csrfmiddlewaretoken": token, "language": "en", "next": "/en/"}
    )
    assert switched.status_code == 302


# Staff and accounts ----------------------------------------------------------------------


def test_staff_are_never_answered_from_the_cache_nor_kept(anonymous, client, staff, como):
    url = f"/relationships/{como.pk}/"
    for _ in range(2):
        mine = client.get(url)
        assert mine.status_code == 200 and HEADER not in mine
    assert fresh(anonymous, url)
    assert HEADER not in client.get(url)
    for _ in range(2):
        assert HEADER not in client.get("/admin/")


def test_token_clients_and_session_cookies_pass_by(api_admin, anonymous):
    warm(anonymous, "/api/places/")
    for _ in range(2):
        response = api_admin.get("/api/places/")
        assert response.status_code == 200 and HEADER not in response
        assert response["Cache-Control"] == "private, no-store"
    stranger = Client()
    stranger.cookies["sessionid"] = "not-a-session"
    assert HEADER not in stranger.get("/api/places/")
    assert HEADER not in anonymous.get("/api/places/?format=api")  # browsable: private


def test_cache_off_answers_every_read_from_the_view(anonymous, settings):
    settings.READ_CACHE = False
    for _ in range(2):
        assert HEADER not in anonymous.get("/api/places/")


# Every write path --------------------------------------------------------------------------


def test_admin_change_is_seen_at_once(anonymous, client, staff, como):
    page, api = f"/relationships/{como.pk}/", f"/api/relationships/{como.pk}/"
    warm(anonymous, page)
    warm(anonymous, api)
    data = {**form_data(client.get(change_url(como))), "wording": "缓存测试用语"}
    assert client.post(change_url(como), data).status_code == 302
    assert fresh(anonymous, api).json()["wording"] == "缓存测试用语"
    assert "缓存测试用语" in text(fresh(anonymous, page))


def test_admin_add_is_seen_at_once(anonymous, boss):
    url = "/api/cooperation-fields/?limit=500"
    assert "test-cache-ports" not in text(warm(anonymous, url))
    data = {"slug": "test-cache-ports", "name_zh": "港口缓存", "name_en": "Ports"}
    response = boss.post(reverse("admin:cities_cooperationfield_add"), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert "test-cache-ports" in text(fresh(anonymous, url))


def test_admin_delete_and_the_bulk_delete_action_are_seen_at_once(anonymous, client, staff):
    jinzhong = Place.objects.get(slug="jinzhong")
    one, two, three = (new_relationship(jinzhong) for _ in range(3))
    url = "/places/jinzhong/"
    page = text(warm(anonymous, url))
    assert one.foreign_place.name_zh in page
    delete_url = reverse("admin:cities_relationship_delete", args=[one.pk])
    assert client.post(delete_url, confirmation(client.get(delete_url))).status_code == 302
    page = text(fresh(anonymous, url))
    assert one.foreign_place.name_zh not in page and two.foreign_place.name_zh in page
    warm(anonymous, url)
    data = confirmation(ask_to_delete(client, [two, three]))
    assert client.post(reverse(CHANGELIST), data).status_code == 302
    page = text(fresh(anonymous, url))
    assert two.foreign_place.name_zh not in page and three.foreign_place.name_zh not in page


def test_an_inline_row_is_seen_at_once(anonymous, client, staff):
    como_province = Place.objects.get(slug="como-province")
    url = f"/api/places/{como_province.pk}/"
    assert "科摩省" not in text(warm(anonymous, url))
    data = add_row(form_data(client.get(change_url(como_province))), "aliases", name="科摩省")
    assert client.post(change_url(como_province), data).status_code == 302
    assert "科摩省" in text(fresh(anonymous, url))


def test_an_import_is_seen_at_once(anonymous, client, staff, news, partners):  # noqa: F811
    url = "/places/jinzhong/"
    assert "测试一市" not in text(warm(anonymous, url))
    preview = upload(client, rows())
    form = preview.context["confirm_form"]
    data = {name: form.initial.get(name, "") for name in form.fields}
    assert client.post(reverse("admin:cities_relationship_process_import"), data).status_code == 302
    page = text(fresh(anonymous, url))
    assert "测试一市" in page and "测试二市" in page


def test_a_history_revert_is_seen_at_once(anonymous, client, staff, como):
    url = f"/api/relationships/{como.pk}/"
    original = como.wording
    data = {**form_data(client.get(change_url(como))), "wording": "错误的用语"}
    assert client.post(change_url(como), data).status_code == 302
    assert warm(anonymous, url).json()["wording"] == "错误的用语"
    version = como.history.filter(wording=original).first()
    revert = reverse("admin:cities_relationship_simple_history", args=[como.pk, version.history_id])
    assert client.post(revert, form_data(client.get(revert))).status_code == 302
    assert fresh(anonymous, url).json()["wording"] == original


@pytest.mark.parametrize("change", ["create", "update", "delete"])
def test_api_writes_are_seen_at_once(anonymous, api_admin, world, change):
    url = "/api/places/?parent=test-home"
    before = warm(anonymous, url).json()
    if change == "create":
        body = {"slug": "test-cache-new", "name_zh": "测试缓存区", "level": "district",
                "country": "CN", "parent": world.home.pk}  # fmt: skip
        assert api_admin.post("/api/places/", body, format="json").status_code == 201
    elif change == "update":
        response = api_admin.patch(
            f"/api/places/{world.county.pk}/", {"name_en": "Cached County"}, format="json"
        )
        assert response.status_code == 200
    else:
        assert api_admin.delete(f"/api/places/{world.county.pk}/").status_code == 204
    after = fresh(anonymous, url).json()
    assert after != before
    names = {place["slug"]: place["name_en"] for place in after["results"]}
    expected = {
        "create": "test-cache-new" in names,
        "update": names.get("test-home-county") == "Cached County",
        "delete": "test-home-county" not in names,
    }
    assert expected[change]


def test_link_changes_from_either_side_are_seen_at_once(anonymous, world):
    url = f"/api/relationships/{world.relationship.pk}/"
    assert warm(anonymous, url).json()["fields"] == []
    world.relationship.fields.add(world.field)
    assert [field["slug"] for field in fresh(anonymous, url).json()["fields"]] == ["test-field"]
    warm(anonymous, url)
    world.field.relationships.remove(world.relationship)
    assert fresh(anonymous, url).json()["fields"] == []


def test_load_registry_is_seen_at_once(anonymous, tmp_path, settings):
    fixtures = tmp_path / "fixtures"
    shutil.copytree(settings.REGISTRY_FIXTURES_DIR, fixtures)
    path = fixtures / "wuhan.yaml"
    records = yaml.safe_load(path.read_text(encoding="utf-8"))
    oita = next(r for r in records if r["model"] == "cities.place" and r["pk"] == 3001)
    oita["fields"]["name_en"] = "Oita (cache test)"
    path.write_text(yaml.safe_dump(records, allow_unicode=True, sort_keys=False), "utf-8")
    url = f"/api/places/{Place.objects.get(slug=oita['fields']['slug']).pk}/"
    assert warm(anonymous, url).json()["name_en"] == "Oita"
    call_command("load_registry", fixtures_dir=str(fixtures), verbosity=0)
    assert fresh(anonymous, url).json()["name_en"] == "Oita (cache test)"


def test_seed_scale_and_its_removal_are_seen_at_once(anonymous):
    url = "/api/relationships/?limit=1"
    count = warm(anonymous, url).json()["count"]
    out = StringIO()
    call_command("seed_scale", relationships=7, exchanges=5, stdout=out, stderr=out)
    assert fresh(anonymous, url).json()["count"] == count + 7
    warm(anonymous, url)
    call_command("seed_scale", remove=True, stdout=out)
    assert fresh(anonymous, url).json()["count"] == count


def test_a_signal_free_bulk_write_with_an_explicit_bump_is_seen(anonymous, world):
    url = "/api/cooperation-fields/?limit=500"
    warm(anonymous, url)
    CooperationField.objects.filter(pk=world.field.pk).update(name_en="Bulk renamed")
    assert anonymous.get(url)[HEADER] == "hit"  # what the explicit bump is for
    generation.bump()
    assert "Bulk renamed" in text(fresh(anonymous, url))


def test_every_save_raises_the_generation_in_its_transaction(world):
    before = generation.current()
    world.field.name_en = "Raised"
    world.field.save()
    after = generation.current()
    assert after.value == before.value + 1 and after.stamp != before.stamp


def test_writes_held_back_by_raised_once_raise_the_generation_once_at_its_end(world, anonymous):
    """``load_registry``'s hundreds of saves raise the generation once, in their transaction."""
    url = "/api/cooperation-fields/?limit=500"
    warm(anonymous, url)
    before = generation.current()
    with transaction.atomic():
        with generation.raised_once():
            for name in ("Once", "Twice"):
                world.field.name_en = name
                with generation.raised_once():  # an inner block leaves the raise to the outer
                    world.field.save()
            assert generation.current() == before  # held back until the block ends
        assert generation.current().value == before.value + 1
    assert "Twice" in text(fresh(anonymous, url))


def test_raised_once_raises_even_when_the_block_fails_but_the_transaction_commits(world):
    before = generation.current()
    with transaction.atomic():
        with pytest.raises(ValueError), generation.raised_once():
            world.field.name_en = "Kept"
            world.field.save()
            raise ValueError("a caller catches this and commits")
    assert generation.current().value == before.value + 1


def test_a_hit_still_counts_against_the_anonymous_rate(anonymous, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/minute"},
    }
    answers = [anonymous.get("/api/cooperation-fields/") for _ in range(4)]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    assert [answer.get(HEADER) for answer in answers[:3]] == ["miss", "hit", "hit"]
    # Pages are not throttled.
    assert [anonymous.get("/").status_code for _ in range(4)] == [200] * 4


@pytest.mark.django_db(transaction=True)
def test_a_restored_database_is_never_answered_with_pages_of_the_database_it_replaced(
    tmp_path,
):
    call_command("load_registry", verbosity=0)
    relationship = Relationship.objects.order_by("pk").first()
    relationship.notes = "在备份中"
    relationship.save()
    dump = tmp_path / "registry.dump"
    call_command("backup", output=str(dump), verbosity=0)
    relationship.refresh_from_db()
    relationship.notes = "备份之后"
    relationship.save()
    anonymous, url = Client(), f"/api/relationships/{relationship.pk}/"
    assert warm(anonymous, url).json()["notes"] == "备份之后"
    before = generation.current()
    call_command("restore", str(dump), interactive=False, verbosity=0)
    assert generation.current().stamp != before.stamp
    assert fresh(anonymous, url).json()["notes"] == "在备份中"


def test_a_write_to_a_table_a_kept_figure_does_not_read_still_renews_every_answer(anonymous, world):
    """The relationships' order is kept for their tables' generations, which an exchange's
    save leaves alone; the read cache keys on the registry's, which every write raises: the
    list is rendered again (from the kept order), the same answer as before."""
    url = "/api/relationships/"
    before = warm(anonymous, url)
    exchange = new_exchange(world.home)
    assert "exchanges_exchange" in generation.current().tables
    after = fresh(anonymous, url)
    assert after.content == before.content
    exchange.title_en = "Renamed"
    exchange.save()
    assert fresh(anonymous, url).content == before.content
    assert fresh(anonymous, "/api/exchanges/?limit=500").json()["count"] >= 1
