"""Awards read from a passage of a report: the awards app's part of "record from this
passage" (``sources.admin_passages``). Award types are recognised by their Chinese and
English names and, where award types keep aliases (several spellings of one award), by
those too: the matcher takes every name a type has."""

from urllib.parse import urlencode

from django.urls import reverse

from cities.passages import PlacePassageMixin, date_initial, sides
from sources.passages import NameMatcher

from .choices import RecipientKind
from .models import AwardType


def award_type_names(award_type):
    names = [award_type.name_zh, award_type.name_en]
    aliases = getattr(award_type, "aliases", None)
    if aliases is not None:  # a type's other spellings, where the model keeps them
        names += [getattr(alias, "name", "") for alias in aliases.all()]
    return names


def award_type_matcher():
    types = AwardType.objects.all()
    if hasattr(AwardType, "aliases"):
        types = types.prefetch_related("aliases")
    return NameMatcher([(award_type, award_type_names(award_type)) for award_type in types])


# Counted people who receive an award: "154位外国专家".
PEOPLE = ("位", "名")


class AwardPassageMixin(PlacePassageMixin):
    def new_award_type_url(self, name):
        # An office's new type is saved as proposed (``AwardType.status``).
        return f"{reverse('admin:awards_awardtype_add')}?{urlencode({'name_zh': name})}"

    def passage_matchers(self, request, citation):
        return {**super().passage_matchers(request, citation), "award_types": award_type_matcher()}

    def initial_from_passage(self, request, citation, passage):
        chinese, foreign = sides(citation.report, passage)
        initial = {
            "award_type": passage.award_types[0].record.pk if passage.award_types else None,
            "chinese_place": chinese.pk,
            **date_initial("conferred", passage.date),
        }
        people = [q for q in passage.quantities if q.measure in PEOPLE]
        countries = [q for q in passage.quantities if q.noun.startswith("国")]
        if foreign:
            initial.update(recipient_kind=RecipientKind.PLACE, place=foreign[0].pk)
        elif people:
            initial.update(
                recipient_kind=RecipientKind.GROUP,
                person_count=people[0].value,
                country_count=countries[0].value if countries else None,
            )
        else:
            initial.update(recipient_kind=RecipientKind.PLACE, place=chinese.pk)
        return initial
