"""The browsable API's filter form (``utilities.api.filter_backends``): records are asked
for by slug or id in a text box, never listed in a menu of every record."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cities.models import Place

pytestmark = pytest.mark.django_db

RECORD_FILTERS = re.compile(
    r'<(input|select)[^>]*name="(chinese_place|chinese_place_id|relationship_id)"[^>]*>'
)


def browsable(url):
    client = Client()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_record_filters_are_text_boxes_that_keep_the_query():
    html, _queries = browsable("/api/exchanges/?chinese_place=wuhan&limit=1")
    boxes = {name: tag for tag, name in RECORD_FILTERS.findall(html)}
    assert boxes == {
        "chinese_place": "input",
        "chinese_place_id": "input",
        "relationship_id": "input",
    }
    assert re.search(r'<input type="text" name="chinese_place" value="wuhan"', html)
    assert 'aria-invalid="true"' not in html


def test_the_form_does_not_grow_with_the_places():
    browsable("/api/relationships/?limit=1")  # what is kept for the generation is made
    before, before_queries = browsable("/api/relationships/?limit=1")
    Place.objects.bulk_create(
        Place(name_zh=f"测试县{n}", name_en=f"Test County {n}", slug=f"test-county-{n}",
              country="CN", level="county")
        for n in range(200)
    )  # fmt: skip
    browsable("/api/relationships/?limit=1")
    after, after_queries = browsable("/api/relationships/?limit=1")
    assert after.count("<option") == before.count("<option")
    assert "测试县" not in after
    assert after_queries == before_queries
