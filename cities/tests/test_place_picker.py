"""The directories' Chinese-place filter is a place picker, not a select of every Chinese
place: a text box showing the chosen place's name, that takes a slug (as links and the API
give it) or, without JavaScript, a name, which the directory resolves to its slug."""

import re

import pytest
from django.utils.http import urlencode

from cities.models import Relationship

pytestmark = pytest.mark.django_db

DIRECTORIES = ["/relationships/", "/exchanges/", "/awards/", "/notices/"]


@pytest.fixture(autouse=True)
def read_cache_off(settings):
    settings.READ_CACHE = False


def place_box(html):
    """The picker's text box (its attributes), and no select of Chinese places."""
    assert '<select id="filter-chinese_place"' not in html
    assert 'value="test-home-county"' not in html  # no option per place
    box = re.search(r'<input id="filter-chinese_place"[^>]*>', html)
    assert box, "no place picker"
    return box.group(0)


@pytest.mark.parametrize("directory", DIRECTORIES)
@pytest.mark.parametrize(("prefix", "name"), [("", "测试市"), ("/en", "Testville")])
def test_the_box_shows_the_chosen_places_name(client, world, directory, prefix, name):
    response = client.get(f"{prefix}{directory}", {"chinese_place": "test-home"})
    assert response.status_code == 200
    box = place_box(response.content.decode())
    assert f'value="{name}"' in box
    assert 'data-slug="test-home"' in box and 'name="chinese_place"' in box
    assert "site/place-picker" in response.content.decode()
    # Unchosen, the box is empty.
    assert 'value=""' in place_box(client.get(f"{prefix}{directory}").content.decode())


def test_the_box_follows_a_rename(client, world):
    world.home.name_zh = "测试新名市"
    world.home.save()
    html = client.get("/relationships/", {"chinese_place": "test-home"}).content.decode()
    assert 'value="测试新名市"' in place_box(html)


@pytest.mark.parametrize("directory", DIRECTORIES)
@pytest.mark.parametrize("name", ["测试市", "Testville", "TESTVILLE", " 测试县 "])
def test_a_typed_name_leads_to_the_list_filtered_by_its_slug(client, world, directory, name):
    slug = "test-home-county" if "县" in name else "test-home"
    response = client.get(directory, {"chinese_place": name, "page": "2", "sort": "-date"})
    assert response.status_code == 302
    assert (
        response["Location"] == f"{directory}?{urlencode({'chinese_place': slug, 'sort': '-date'})}"
    )
    # The English page stays English.
    response = client.get(f"/en{directory}", {"chinese_place": name})
    assert response["Location"] == f"/en{directory}?chinese_place={slug}"


def test_the_filtered_list_is_the_slugs(client, world):
    response = client.get("/relationships/", {"chinese_place": "Testville"}, follow=True)
    rows = list(response.context["object_list"])
    assert rows == list(Relationship.objects.filter(chinese_place__in=[world.home, world.county]))
    assert 'value="测试市"' in place_box(response.content.decode())


@pytest.mark.parametrize("name", ["无此地方", "测试"])  # none; several (测试市, 测试县…)
def test_a_name_that_is_not_one_place_is_named_as_invalid(client, world, name):
    response = client.get("/relationships/", {"chinese_place": name})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert"' in html and f"<code>{name}</code>" in html
    assert f'value="{name}"' in place_box(html)  # the box keeps what was typed
    # The filter is ignored, not applied as "nothing".
    assert response.context["paginator"].count == Relationship.objects.count()


def test_a_foreign_place_is_not_a_chinese_place(client, world):
    response = client.get("/relationships/", {"chinese_place": "Testa"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


def test_lower_case_pinyin_that_is_no_slug_is_looked_up_as_a_name(client, world):
    # "ceshishi" looks like a slug but no place has it: it is 测试市's pinyin.
    response = client.get("/relationships/", {"chinese_place": "ceshishi"})
    assert response.status_code == 302
    assert response["Location"] == "/relationships/?chinese_place=test-home"
    # A real slug is taken as it stands.
    assert client.get("/relationships/", {"chinese_place": "test-home"}).status_code == 200


@pytest.mark.parametrize("value", ["x\x00y", "测" * 101])
def test_a_value_no_name_can_be_is_named_as_invalid_not_a_server_error(client, world, value):
    # A NUL reached PostgreSQL in the name look-up (a 500 there); the filter refuses it.
    response = client.get("/relationships/", {"chinese_place": value})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
