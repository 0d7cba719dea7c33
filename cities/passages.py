"""Places, relationships and reported figures read from a passage of a report: the cities
app's part of "record from this passage" (``sources.admin_passages``).

Places are recognised by every name staff and reports use: the Chinese name, the name
without its administrative word (大分市 → 大分), the English and local names and the
aliases (曼姆 for Mannheim), in simplified or traditional characters. Names the registry
lacks are offered for creation with the country named before them.
"""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils import translation
from django_countries import countries as country_list

from sources.admin_passages import FromPassageMixin
from sources.passages import NameMatcher
from utilities.countries import NOT_PARTNER_COUNTRIES
from utilities.trees import nests_in

from .choices import FigureMetric, Stage
from .models import Place, Relationship

# Administrative words a report may leave out: 大分市 is also written 大分.
SUFFIXES = ("市", "县", "省", "州", "郡", "区")
# The relationship's current stage when a passage states a step.
CURRENT_STAGE = {"intent": Stage.INTENT, "agreement": Stage.ACTIVE, "ended": Stage.ENDED}


def place_names(place):
    names = [place.name_zh, place.name_local]
    if place.name_zh.endswith(SUFFIXES) and len(place.name_zh) >= 3:
        names.append(place.name_zh[:-1])
    if place.name_en and len(place.name_en) >= 3:
        names.append(place.name_en)
    names += [alias.name for alias in place.aliases.all()]
    return names


def place_matcher():
    places = Place.objects.prefetch_related("aliases").select_related("parent")
    return NameMatcher([(place, place_names(place)) for place in places])


def country_names():
    """Chinese names of the countries a partner may be in, to their codes."""
    with translation.override("zh-hans"):
        return {str(name): code for code, name in country_list if code not in NOT_PARTNER_COUNTRIES}


def sides(report, passage):
    """The Chinese side (a place of the passage inside the report's city, else the city)
    and the foreign places the passage names, in its order."""
    city = report.chinese_place
    chinese = city
    foreign = []
    for match in passage.places:
        place = match.record
        if place.is_chinese:
            if chinese is city and place.pk != city.pk and nests_in(place, city):
                chinese = place
        else:
            foreign.append(place)
    return chinese, foreign


def date_initial(prefix, date):
    if date is None:
        return {}
    return {f"{prefix}_year": date.year, f"{prefix}_month": date.month, f"{prefix}_day": date.day}


def quantity_initial(quantity):
    return {
        "value": quantity.value,
        "value_max": quantity.value_max,
        "qualifier": quantity.qualifier,
    }


class PlacePassageMixin(FromPassageMixin):
    """Recognises places (and offers new ones) in a passage."""

    def passage_matchers(self, request, citation):
        return {"places": place_matcher(), "countries": country_names()}

    def new_place_url(self, name, country):
        query = {"name_zh": name}
        if country:
            query["country"] = country
        return f"{reverse('admin:cities_place_add')}?{urlencode(query)}"


class RelationshipPassageMixin(PlacePassageMixin):
    def initial_from_passage(self, request, citation, passage):
        chinese, foreign = sides(citation.report, passage)
        return {
            "chinese_place": chinese.pk,
            "foreign_place": foreign[0].pk if foreign else None,
            "kind": passage.kind,
            "wording": passage.kind_wording,
            "stage": CURRENT_STAGE.get(passage.stage),
        }

    def inline_initial_from_passage(self, request, inline, citation, passage):
        if inline.model is not Relationship.stages.rel.related_model or not passage.stage:
            return []
        return [
            {
                "stage": passage.stage,
                **date_initial("date", passage.date),
                "document": passage.document,
                "citations": [citation.pk],
            }
        ]


class StagePassageMixin(PlacePassageMixin):
    def initial_from_passage(self, request, citation, passage):
        chinese, foreign = sides(citation.report, passage)
        relationship = None
        if foreign:
            relationship = (
                Relationship.objects.filter(chinese_place=chinese, foreign_place=foreign[0])
                .order_by("kind" if passage.kind is None else "pk")
                .first()
            )
        return {
            "relationship": relationship.pk if relationship else None,
            "stage": passage.stage,
            **date_initial("date", passage.date),
            "document": passage.document,
        }


class FigurePassageMixin(PlacePassageMixin):
    def initial_from_passage(self, request, citation, passage):
        chinese, _foreign = sides(citation.report, passage)
        quantities = passage.quantities
        chosen = next((q for q in quantities if passage.metric_of(q)), None)
        chosen = chosen or (quantities[0] if quantities else None)
        initial = {"chinese_place": chinese.pk, **date_initial("as_of", passage.date)}
        if passage.date is None:
            initial.update(date_initial("as_of", citation.report.published))
        if chosen is not None:
            initial.update(quantity_initial(chosen))
            initial["metric"] = passage.metric_of(chosen) or FigureMetric.OTHER
            initial["wording"] = clause_around(passage.text, chosen.start, chosen.end)[:200]
        return initial


def clause_around(text, start, end):
    """The clause of the passage holding ``start:end`` (between commas or full stops)."""
    stops = "，。；,;：:"
    left = max(text.rfind(char, 0, start) for char in stops) + 1
    rights = [i for i in (text.find(char, end) for char in stops) if i >= 0]
    right = min(rights) if rights else len(text)
    return text[left:right].strip()
