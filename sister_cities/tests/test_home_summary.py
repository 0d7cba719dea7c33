"""The home page's national picture comes from one grouped query
(``cities.statistics.summary``) and says what the per-chart queries say."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from cities import statistics
from cities.models import Relationship, RelationshipStage
from tests.builders import add_rows

pytestmark = pytest.mark.django_db


def per_chart(relationships):
    chart, count = statistics.by_country(relationships)
    return {
        "kind_stage": statistics.by_kind_and_stage(relationships),
        "by_country": chart,
        "country_count": count,
        "by_decade": statistics.by_decade(relationships),
    }


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_one_query_says_what_the_charts_say(language):
    add_rows(30)  # undated partners in five countries
    # One relationship begun in a decade of its own (a gap decade is still shown).
    relationship = Relationship.objects.filter(stages__isnull=False).first()
    RelationshipStage.objects.filter(relationship=relationship).update(date_year=1951)
    relationships = Relationship.objects.all()
    with translation.override(language):
        expected = per_chart(relationships)
        with CaptureQueriesContext(connection) as queries:
            summary = statistics.summary(relationships)
    assert len(queries) == 1
    assert summary == expected
    assert summary["by_decade"][0]["label"] in {"1950年代", "1950s"}
    assert summary["kind_stage"]["total"] == relationships.count()


def test_the_home_page_shows_the_summary(client):
    summary = statistics.summary(Relationship.objects.all())
    page = client.get("/").content.decode()
    assert f"{summary['kind_stage']['total']} 对友好关系" in page
    assert f"{summary['country_count']} 个国家" in page
