"""Exchanges read from a passage of a report: the exchanges app's part of "record from this
passage" (``sources.admin_passages``): kind, places, start date, and a count row for each
number the passage gives, with its qualifier, range and unit."""

import re

from cities.models import Relationship
from cities.passages import PlacePassageMixin, date_initial, quantity_initial, sides

from .models import ExchangeCount

TITLE_LENGTH = 60
# A clause that only dates or frames the passage is not its title.
FRAME = re.compile(r"^(?:\d{4}年|今年|去年|明年|前年)?(?:\d{1,2}月)?(?:\d{1,2}日)?(?:以来|期间)?$")


def title_of(text):
    """A first proposal of the exchange's name: the passage's first clause that says
    more than a date, without its date."""
    for clause in re.split(r"[，。；,;！!？?]", text):
        clause = clause.strip()
        if clause and not FRAME.match(clause):
            return clause[:TITLE_LENGTH]
    return text[:TITLE_LENGTH]


class ExchangePassageMixin(PlacePassageMixin):
    def initial_from_passage(self, request, citation, passage):
        chinese, foreign = sides(citation.report, passage)
        relationship = None
        if len(foreign) == 1:
            relationship = Relationship.objects.filter(
                chinese_place__in=[chinese, citation.report.chinese_place],
                foreign_place=foreign[0],
            ).first()
        return {
            "title_zh": title_of(passage.text),
            "kind": passage.exchange_kind,
            "chinese_place": chinese.pk,
            "relationship": relationship.pk if relationship else None,
            "places": [] if relationship else [place.pk for place in foreign],
            **date_initial("start", passage.date),
            "description": passage.text,
        }

    def inline_initial_from_passage(self, request, inline, citation, passage):
        if inline.model is not ExchangeCount:
            return []
        return [
            {**quantity_initial(quantity), "unit_zh": quantity.unit_zh or quantity.measure}
            for quantity in passage.quantities
            if quantity.unit_zh or quantity.measure
        ]
