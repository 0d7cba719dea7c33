"""The home page's national picture comes from one query
(``cities.statistics.summary``) and says what the per-chart queries say."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from cities import statistics
from cities.choices import NOT_ESTABLISHED, Stage
from cities.models import Relationship, RelationshipStage
from tests.builders import add_rows

pytestmark = pytest.mark.django_db


def per_chart(relationships):
    established = relationships.exclude(stage__in=NOT_ESTABLISHED)
    chart, count = statistics.by_country(established)
    return {
        "kind_stage": statistics.by_kind_and_stage(relationships),
        "established_total": established.count(),
        "prospect_total": relationships.filter(stage__in=NOT_ESTABLISHED).count(),
        "by_country": chart,
        "country_count": count,
        "by_decade": statistics.by_decade(established),
    }


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_one_query_says_what_the_charts_say(language):
    add_rows(30)  # undated partners in five countries
    # One relationship begun in a decade of its own (a gap decade is still shown).
    relationship = (
        Relationship.objects.filter(stages__isnull=False).exclude(stage__in=NOT_ESTABLISHED).first()
    )
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
    assert f"{summary['established_total']} 对友好关系" in page
    assert f"{summary['country_count']} 个国家" in page


def test_the_home_page_counts_pursued_and_intended_ties_apart(client):
    """Jinan's pursued partners and the letters of intent are not "友好关系" yet."""
    relationships = Relationship.objects.all()
    prospects = relationships.filter(stage__in=[Stage.PURSUING, Stage.INTENT]).count()
    assert relationships.filter(stage=Stage.PURSUING, chinese_place__slug="jinan").exists()
    page = client.get("/").content.decode()
    assert f"{relationships.count() - prospects} 对友好关系" in page
    assert f"另有 {prospects} 对处于意向或推动/洽谈阶段" in page
    english = client.get("/en/").content.decode()
    assert f"The registry holds {relationships.count() - prospects} relationships" in english
    assert f"{prospects} relationships at the intent or pursuing stage" in english


def test_the_newest_say_when_each_began_as_their_pages_do(client):
    """The newest agreements read their beginnings apart from their rows (as the
    directory does): each row shows the date its relationship's page shows."""
    response = client.get("/")
    newest = response.context["newest"]
    assert len(newest) == 8
    stages = Relationship.objects.prefetch_related("stages")
    for relationship in newest:
        began = stages.get(pk=relationship.pk).began
        assert relationship.established == began
        assert began is not None
    rows = response.content.decode().split('id="newest-heading"')[1].split("</table>")[0]
    for relationship in newest:
        assert f'<td data-label="始于">{relationship.established.format("zh-hans")}</td>' in rows
