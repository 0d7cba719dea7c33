"""The rows the list tags join (``relationship_items``, ``exchange_items``) are the rows the
template loops wrote, byte for byte, in both languages: the loops are kept here as the
reference. The directory's narrow read (only the columns a row shows) is all a row needs:
writing the rows makes no query."""

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from cities import statistics
from cities.models import CooperationField, Place, RelationshipStage
from cities.templatetags.registry import relationship_labels
from cities.views import RelationshipListView
from exchanges.models import Exchange
from exchanges.selectors import exchange_rows
from tests.builders import new_exchange, new_relationship

pytestmark = pytest.mark.django_db

RELATIONSHIP_LOOP = (
    '{% load i18n registry %}{% translate "中方" as chinese_label %}'
    '{% translate "外方" as foreign_label %}{% translate "国家" as country_label %}'
    '{% translate "类别" as kind_label %}{% translate "阶段" as stage_label %}'
    '{% translate "始于" as began_label %}{% translate "详情" as details_label %}'
    "{% for relationship in relationships %}\n"
    "  <tr>\n"
    '    <td data-label="{{ chinese_label }}">{% place_name relationship.chinese_place %}</td>\n'
    '    <td data-label="{{ foreign_label }}">{% place_name relationship.foreign_place %}</td>\n'
    '    <td data-label="{{ country_label }}">{% country relationship.foreign_place.country %}'
    "</td>\n"
    '    <td data-label="{{ kind_label }}">{{ relationship.get_kind_display }}'
    '{% if relationship.wording %}<br><small class="wording">“{{ relationship.wording }}”'
    "</small>{% endif %}</td>\n"
    '    <td data-label="{{ stage_label }}"><span class="stage stage-{{ relationship.stage }}">'
    "{{ relationship.get_stage_display }}</span></td>\n"
    '    <td data-label="{{ began_label }}">{{ relationship.established|default:"—" }}</td>\n'
    '    <td><a href="{{ relationship.get_absolute_url }}" aria-label="{% blocktranslate with '
    'name=relationship %}{{ name }}：详情{% endblocktranslate %}">{{ details_label }}</a></td>\n'
    "  </tr>\n"
    "  {% endfor %}"
)

EXCHANGE_LOOP = (
    "{% load i18n registry %}{% for exchange in exchanges %}\n"
    "  <tr>\n"
    '    <td data-label="{% translate "日期" %}">{{ exchange.start|default:"—" }}'
    "{% if exchange.end and exchange.end != exchange.start %} – {{ exchange.end }}{% endif %}"
    "</td>\n"
    '    <td data-label="{% translate "名称" %}">{% bilingual exchange.title_zh '
    "exchange.title_en exchange.get_absolute_url %}</td>\n"
    '    <td data-label="{% translate "中方" %}">{% place_name exchange.chinese_place %}</td>\n'
    '    <td data-label="{% translate "参与方" %}">{% participants exchange %}</td>\n'
    '    <td data-label="{% translate "类型" %}">{{ exchange.get_kind_display }}</td>\n'
    '    <td data-label="{% translate "领域" %}">{% for field in exchange.fields.all %}'
    "{{ field }}{% if not forloop.last %}{% sep %}{% endif %}{% endfor %}</td>\n"
    "  </tr>\n"
    "  {% endfor %}"
)


def render(source, **context):
    return Template(source).render(Context(context))


@pytest.fixture
def jinzhong():
    return Place.objects.get(slug="jinzhong")


@pytest.fixture
def awkward_relationships(jinzhong):
    """Rows with what a row must escape or leave out: markup in a wording and a name, a
    partner without an English name, dated and undated beginnings."""
    plain = new_relationship(jinzhong)
    marked = new_relationship(jinzhong)
    marked.wording = '<b>"友好" & 合作</b>'
    marked.save()
    partner = marked.foreign_place
    partner.name_en = ""
    partner.name_zh = "<i>无英文名</i>市"
    partner.save()
    RelationshipStage.objects.create(
        relationship=plain, stage="agreement", date_year=1997, date_month=10
    )
    return [plain, marked]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_relationship_rows_are_the_loops_rows(language, awkward_relationships, jinzhong):
    rows = list(
        RelationshipListView()
        .get_base_queryset()
        .filter(chinese_place__in=[jinzhong, *Place.objects.within(jinzhong)])
        .order_by("pk")
    )
    assert len(rows) >= 2
    for relationship in rows:
        relationship.established = statistics.established(relationship)
    with translation.override(language):
        joined = render("{% load registry %}{% relationship_items rows %}", rows=rows)
        reference = render(RELATIONSHIP_LOOP, relationships=rows)
    assert joined == reference
    assert "&lt;b&gt;&quot;友好&quot; &amp; 合作&lt;/b&gt;" in joined
    assert "&lt;i&gt;无英文名&lt;/i&gt;市" in joined


def test_a_directory_row_reads_nothing_more(awkward_relationships, django_assert_num_queries):
    rows = list(
        RelationshipListView()
        .get_base_queryset()
        .filter(pk__in=[r.pk for r in awkward_relationships])
    )
    for relationship in rows:
        relationship.established = statistics.established(relationship)
    with django_assert_num_queries(0):
        render("{% load registry %}{% relationship_items rows %}", rows=rows)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_exchange_rows_are_the_loops_rows(language, jinzhong, awkward_relationships):
    ranged = new_exchange(jinzhong)
    ranged.title_en = "<Garden> & co"
    ranged.start_month, ranged.end_year, ranged.end_month = 5, 2021, 3
    ranged.countries = ["FR", "DE"]
    ranged.relationship = awkward_relationships[1]
    ranged.save()
    same_day = new_exchange(jinzhong)
    same_day.end_year = same_day.start_year
    same_day.save()
    undated = new_exchange(jinzhong)
    undated.start_year = None
    undated.save()
    ranged.places.add(awkward_relationships[0].foreign_place)
    ranged.fields.set(CooperationField.objects.order_by("pk")[:2])
    exchanges = list(exchange_rows(Exchange.objects.all()).order_by("pk"))
    with translation.override(language):
        joined = render("{% load registry %}{% exchange_items exchanges %}", exchanges=exchanges)
        reference = render(EXCHANGE_LOOP, exchanges=exchanges)
    assert joined == reference
    assert "&lt;Garden&gt; &amp; co" in joined
    assert joined.count("<tr>") == len(exchanges) >= 3


def test_a_city_pages_exchange_rows_read_nothing_more(client, jinzhong, awkward_relationships):
    """A place's page reads only the columns its exchange rows show: more exchanges (with
    a relationship, other places, fields and countries) cost no more queries."""

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/places/jinzhong/", HTTP_ACCEPT_LANGUAGE="en").status_code == 200
        return len(captured)

    def add_exchange():
        exchange = new_exchange(jinzhong)
        exchange.relationship = awkward_relationships[1]
        exchange.countries = ["FR"]
        exchange.save()
        exchange.places.add(awkward_relationships[0].foreign_place)
        exchange.fields.set(CooperationField.objects.order_by("pk")[:2])

    first = new_exchange(jinzhong)
    first.relationship = awkward_relationships[0]
    first.save()
    queries()  # the page's figures made
    # Each count after the same writes: the figures that read what they wrote are made
    # again (the exchanges'), the others kept (the partners').
    add_exchange()
    before = queries()
    for _ in range(3):
        add_exchange()
    assert queries() == before


def test_labels_are_in_the_language_asked_for_whatever_is_active():
    relationship_labels.cache_clear()
    with translation.override("zh-hans"):
        columns, kinds, _stages = relationship_labels("en")
    assert columns[0] != "中方" and kinds["sister"] != "友好城市"
    with translation.override("en"):
        columns, kinds, _stages = relationship_labels("zh-hans")
    assert columns[0] == "中方" and kinds["sister"] == "友好城市"
