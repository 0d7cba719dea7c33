"""A record's choice labels (``get_<field>_display()``) are read from one mapping kept on
the field (``utilities.models.RegistryModel``), and still translated when read, in the
language of that moment."""

from django.utils import translation

from cities.choices import PlaceLevel, RelationshipKind
from cities.models import Place, Relationship


def test_a_label_follows_the_language_each_time_it_is_read():
    relationship = Relationship(kind=RelationshipKind.SISTER)
    place = Place(level=PlaceLevel.PREFECTURE_CITY, country="JP")
    with translation.override("zh-hans"):
        assert relationship.get_kind_display() == "友好城市"
    with translation.override("en"):
        assert relationship.get_kind_display() == "Sister city"
        assert place.get_level_display() == str(PlaceLevel.PREFECTURE_CITY.label)
        assert place.get_country_display() == "Japan"  # choices computed when read
    with translation.override("zh-hans"):
        assert relationship.get_kind_display() == "友好城市"
        assert place.get_level_display() == str(PlaceLevel.PREFECTURE_CITY.label)


def test_a_value_outside_the_choices_shows_as_it_is():
    assert Relationship(kind="not-a-kind").get_kind_display() == "not-a-kind"
