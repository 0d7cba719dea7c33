"""Template tags for the public site: names in the page language with the other language
alongside, bilingual titles, approximate quantities, and server-rendered SVG bar charts."""

import html
import json
from functools import lru_cache

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from cities import statistics
from cities.choices import RelationshipKind, Stage
from cities.statistics import place_url
from utilities.languages import is_chinese, page_and_other
from utilities.views import country_names

register = template.Library()


def quick_format_html(format_string, *args):
    """``format_html`` for the tags below, which write thousands of values a page: the
    same escaping (a value with ``__html__`` as it says, any other as ``escape`` does it:
    ``html.escape(str(value))``) without ``conditional_escape``'s lazy-string wrappers,
    which took a third of the rows' time."""
    return mark_safe(
        format_string.format(
            *(arg.__html__() if hasattr(arg, "__html__") else html.escape(str(arg)) for arg in args)
        )
    )


def _bilingual(zh, en, link, language):
    primary, other = page_and_other(zh, en, language)
    if other:
        other_lang = "en" if is_chinese(language) or not en else "zh-Hans"
        alt = quick_format_html(' <span class="alt" lang="{}">{}</span>', other_lang, other)
    else:
        alt = ""
    if link:
        return quick_format_html(
            '<a href="{}"><span class="primary">{}</span>{}</a>', link, primary, alt
        )
    return quick_format_html('<span class="primary">{}</span>{}', primary, alt)


@register.simple_tag
def bilingual(zh, en, link=""):
    """A name or title in the page language, with the other language after it."""
    return _bilingual(zh, en, link, get_language())


@register.simple_tag
def place_name(place, link=True):
    """大分市 <span lang="en">Oita</span> on a Chinese page, Oita 大分市 on an English one."""
    if place is None:
        return ""
    return bilingual(place.name_zh, place.name_en, place_url(place) if link else "")


class RowWriter:
    """What the row tags below write of many rows in the page's language: the language
    and the addresses' patterns read once (not per row), each place's name once."""

    def __init__(self):
        self.language = get_language()
        self.chinese = is_chinese(self.language)
        self.separator = "、" if self.chinese else ", "
        self.place_url = statistics.addresses("cities:place")
        self.relationship_url = statistics.addresses("cities:relationship")
        self.countries = country_names(self.language)
        self._places = {}

    def place(self, place, link=True):
        """``place_name(place, link)``."""
        key = (place.pk, link)
        html = self._places.get(key)
        if html is None:
            url = self.place_url(place.slug) if link else ""
            html = self._places[key] = _bilingual(place.name_zh, place.name_en, url, self.language)
        return html

    def country(self, value):
        """``country(value)`` of a Country."""
        code = value.code
        if not code:
            return ""
        return quick_format_html(
            '<span class="country">{}</span>', self.countries.get(code) or value.name
        )

    def name(self, record):
        """``record.display_name()`` of a place (``str`` of a field of cooperation)."""
        if self.chinese or not record.name_en:
            return record.name_zh
        return record.name_en


# The characters ``json_script`` escapes, so the data cannot close its <script> element.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def compact_json_script(value, element_id):
    """``json_script`` with names as UTF-8 rather than ``\\uXXXX`` escapes (half the bytes
    for Chinese) and no spaces after separators: the same data for the page's script (a
    map's places: a fifth of a city page)."""
    data = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))
    return quick_format_html(
        '<script id="{}" type="application/json">{}</script>',
        element_id,
        mark_safe(data.translate(JSON_SCRIPT_ESCAPES)),
    )


@register.filter
def relationship_url(relationship):
    """A relationship's address (``get_absolute_url``), without a ``reverse`` per row."""
    return statistics.relationship_url(relationship)


@register.simple_tag
def country(code_or_country):
    """A country's name in the page language (django-countries translates it). No flag
    emoji: many Windows systems show them as two letters."""
    if not code_or_country:
        return ""
    name = getattr(code_or_country, "name", code_or_country)
    return quick_format_html('<span class="country">{}</span>', name)


@register.inclusion_tag("cities/includes/bar_chart.html")
def bar_chart(rows, title, chart_id="chart"):
    """A horizontal bar chart drawn as SVG on the server. ``rows``: dicts with ``label``,
    ``value`` and optionally ``url`` (each bar links to the matching directory page),
    ``scale`` (the value of a full bar, when rows measure different things) and
    ``display`` (the text shown for the value)."""
    rows = list(rows)
    label_width, bar_width, row_height, value_width = 200, 290, 28, 50
    top = max((row["value"] for row in rows), default=0) or 1
    bars = []
    for index, row in enumerate(rows):
        share = min(row["value"] / (row.get("scale") or top), 1)
        width = max(round(bar_width * share), 2 if row["value"] else 0)
        y = index * row_height
        bars.append(
            {
                **row,
                "y": y,
                "text_y": y + row_height / 2 + 5,
                "width": width,
                "x": label_width,
                "value_x": label_width + width + 6,
            }
        )
    return {
        "bars": bars,
        "title": title,
        "chart_id": chart_id,
        "label_x": label_width - 8,
        "bar_height": row_height - 8,
        "width": label_width + bar_width + value_width,
        "height": max(len(rows) * row_height, row_height),
    }


EDITOR_FIELD_LABELS = {
    "name_en": _("英文名"),
    "name_local": _("当地名称"),
    "country": _("国家"),
    "level": _("行政级别"),
    "parent": _("上级地方"),
    "latitude": _("坐标"),
    "longitude": _("坐标"),
    "wikidata_id": "Wikidata",
}


@register.filter
def editor_fields(place):
    """The place facts the editors added (no report states them), as one readable list."""
    labels = []
    for name in place.editor_added_fields or []:
        label = str(EDITOR_FIELD_LABELS.get(name, name))
        if label not in labels:
            labels.append(label)
    return ("、" if is_chinese() else ", ").join(labels)


@register.simple_tag
def sep():
    """The separator between items of a list: 、 in Chinese, a comma in English."""
    return "、" if is_chinese() else ", "


@register.simple_tag
def participants(exchange, writer=None):
    """Who took part in an exchange besides the Chinese city: the relationship's partner,
    the other places, the countries a report names (uses prefetched ``places``)."""
    writer = writer or RowWriter()
    items, seen = [], set()
    if exchange.relationship_id:
        items.append(writer.place(exchange.relationship.foreign_place))
        seen.add(exchange.relationship.foreign_place_id)
    for place in exchange.places.all():
        if place.pk not in seen:
            items.append(writer.place(place))
            seen.add(place.pk)
    for code in exchange.countries:
        items.append(country(code))
    # Safe: every item is escaped (or already built with format_html).
    return mark_safe(writer.separator.join(conditional_escape(item) for item in items))


@register.filter
def brief_partners(partners):
    """A brief's partners (``sister_cities.briefs.Partner``) as one line: each name with its
    note, separated as ``sep`` separates. Joined here, not in a template loop: a big city's
    brief lists thousands."""
    item = '<span class="brief-partner">{}<span class="meta">{}</span></span>'
    # Safe: each item is built with format_html, the separator escaped.
    return mark_safe(
        conditional_escape(sep()).join(
            quick_format_html(item, partner.foreign_name, partner.note) for partner in partners
        )
    )


# A place's page lists a hundred partners and hundreds of dated steps: their rows are
# joined here, each with one format_html, where a template loop costs a lookup per value.
PARTNER_ITEM = (
    '\n<li><a class="partner" href="{}">{}</a>\n<span class="meta">{}{}{}</span>\n{}</li>'
)
TIMELINE_ITEM = '\n<li><time>{}</time> <span class="stage stage-{}">{}</span> <a href="{}#stage-{}">{}{}</a>{}</li>'


@register.simple_tag
def partner_items(relationships, place):
    """The items of a place's list of partners (``pages/chinese_place_detail.html``): the
    partner's name, its country, when it began and the wording, and who holds it when a
    place inside ``place`` does."""
    writer = RowWriter()
    items = []
    for relationship in relationships:
        partner = relationship.foreign_place
        began = relationship.established
        via = ""
        if relationship.chinese_place_id != place.pk:
            name = conditional_escape(writer.name(relationship.chinese_place))
            via = quick_format_html(
                '<span class="via">{}</span>', mark_safe(_("由%(name)s结好") % {"name": name})
            )
        items.append(
            quick_format_html(
                PARTNER_ITEM,
                writer.relationship_url(relationship.pk),
                writer.place(partner, link=False),
                writer.country(partner.country),
                f" · {began.format(writer.language)}" if began else "",
                f" · “{relationship.wording}”" if relationship.wording else "",
                via,
            )
        )
    return mark_safe("".join(items))


# The directory's rows (``cities/includes/relationship_rows.html``): fifty a page, each with
# seven cells that a template loop rendered value by value (most of the page's time).
RELATIONSHIP_ROW = (
    '\n  <tr>\n    <td data-label="{}">{}</td>\n    <td data-label="{}">{}</td>\n'
    '    <td data-label="{}">{}</td>\n    <td data-label="{}">{}{}</td>\n'
    '    <td data-label="{}"><span class="stage stage-{}">{}</span></td>\n'
    '    <td data-label="{}">{}</td>\n'
    '    <td><a href="{}" aria-label="{}">{}</a></td>\n  </tr>\n  '
)
# The column names, as the table's head says them.
RELATIONSHIP_COLUMNS = (
    _("中方"), _("外方"), _("国家"), _("类别"), _("阶段"), _("始于"), _("详情"),
)  # fmt: skip


@lru_cache(maxsize=8)
def relationship_labels(language):
    """The column names and the kinds' and stages' labels in ``language``, translated
    once per language rather than in every row (in that language whatever is active, so
    the cache cannot hold another language's words)."""
    with translation.override(language):
        return (
            [str(label) for label in RELATIONSHIP_COLUMNS],
            {kind.value: str(kind.label) for kind in RelationshipKind},
            {stage.value: str(stage.label) for stage in Stage},
        )


@register.simple_tag
def relationship_items(relationships):
    """The rows of a list of relationships (the directory, the home page's newest): the
    two places, the partner's country, the kind with the wording, the stage, when it
    began (``established``) and a link to its page."""
    writer = RowWriter()
    (chinese, foreign, country_label, kind, stage, began, details), kinds, stages = (
        relationship_labels(writer.language)
    )
    aria = gettext("%(name)s：详情")
    rows = []
    for relationship in relationships:
        chinese_place, foreign_place = relationship.chinese_place, relationship.foreign_place
        wording = relationship.wording
        established = relationship.established
        name = f"{writer.name(chinese_place)} – {writer.name(foreign_place)}"
        rows.append(
            quick_format_html(
                RELATIONSHIP_ROW,
                chinese,
                writer.place(chinese_place),
                foreign,
                writer.place(foreign_place),
                country_label,
                writer.country(foreign_place.country),
                kind,
                kinds.get(relationship.kind, relationship.kind),
                quick_format_html('<br><small class="wording">“{}”</small>', wording)
                if wording
                else "",
                stage,
                relationship.stage,
                stages.get(relationship.stage, relationship.stage),
                began,
                established.format(writer.language) if established else "—",
                writer.relationship_url(relationship.pk),
                mark_safe(aria % {"name": conditional_escape(name)}),
                details,
            )
        )
    return mark_safe("".join(rows))


# A list of exchanges (``exchanges/includes/exchange_rows.html``): fifty a page.
EXCHANGE_ROW = (
    '\n  <tr>\n    <td data-label="{}">{}{}</td>\n    <td data-label="{}">{}</td>\n'
    '    <td data-label="{}">{}</td>\n    <td data-label="{}">{}</td>\n'
    '    <td data-label="{}">{}</td>\n    <td data-label="{}">{}</td>\n  </tr>\n  '
)
EXCHANGE_COLUMNS = (_("日期"), _("名称"), _("中方"), _("参与方"), _("类型"), _("领域"))


@register.simple_tag
def exchange_items(exchanges):
    """The rows of a list of exchanges: when, the title linked to its page, the Chinese
    place, who else took part (``participants``), the type and the fields of
    cooperation (prefetched, as ``exchange_rows`` reads them)."""
    writer = RowWriter()
    exchange_url = statistics.addresses("exchanges:exchange")
    date, title, chinese, others, kind, fields = (str(label) for label in EXCHANGE_COLUMNS)
    rows = []
    for exchange in exchanges:
        start, end = exchange.start, exchange.end
        rows.append(
            quick_format_html(
                EXCHANGE_ROW,
                date,
                start.format(writer.language) if start else "—",
                f" – {end.format(writer.language)}" if end and end != start else "",
                title,
                _bilingual(
                    exchange.title_zh, exchange.title_en, exchange_url(exchange.pk), writer.language
                ),
                chinese,
                writer.place(exchange.chinese_place),
                others,
                participants(exchange, writer),
                kind,
                exchange.get_kind_display(),
                fields,
                writer.separator.join(writer.name(field) for field in exchange.fields.all()),
            )
        )
    return mark_safe("".join(rows))


@register.simple_tag
def timeline_items(events, place):
    """The items of one year of a place's timeline: (date, stage, relationship) each."""
    writer = RowWriter()
    stages = relationship_labels(writer.language)[2]
    items = []
    for date, stage, relationship in events:
        holder = ""
        if relationship.chinese_place_id != place.pk:
            holder = f"{writer.name(relationship.chinese_place)} – "
        document = (
            quick_format_html(' <span class="meta">{}</span>', stage.document)
            if stage.document
            else ""
        )
        items.append(
            quick_format_html(
                TIMELINE_ITEM,
                date.format(writer.language),
                stage.stage,
                stages.get(stage.stage, stage.stage),
                writer.relationship_url(relationship.pk),
                stage.pk,
                holder,
                writer.name(relationship.foreign_place),
                document,
            )
        )
    return mark_safe("".join(items))


@register.filter
def page_url(pager, number):
    """The address of page ``number`` of a paginated section (``utilities.pagination``)."""
    return pager.url(number)


@register.filter
def bracketed(value):
    """A count or note in brackets as each language writes them: （3） in Chinese, " (3)" in
    English (full-width brackets have no place in an English line)."""
    if is_chinese():
        return quick_format_html("（{}）", value)
    return quick_format_html(" ({})", value)
