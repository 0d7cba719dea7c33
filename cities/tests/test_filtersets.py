"""The place and relationship FilterSets on the loaded registry: one test per filter, and
malformed values as validation errors (the API answers 400, the site shows a message)."""

import pytest
from django.http import QueryDict
from django.utils.http import urlencode

from cities.filtersets import PlaceFilterSet, RelationshipFilterSet
from cities.models import CooperationField, Place, Relationship

pytestmark = pytest.mark.django_db


def run(filterset_class, **params):
    filterset = filterset_class(QueryDict(urlencode(params, doseq=True)))
    assert filterset.is_valid(), filterset.errors
    return filterset.qs


def pairs(**params):
    return {
        (r.chinese_place.slug, r.foreign_place.slug)
        for r in run(RelationshipFilterSet, **params).select_related(
            "chinese_place", "foreign_place"
        )
    }


def place_slugs(**params):
    return set(run(PlaceFilterSet, **params).values_list("slug", flat=True))


def pk(slug):
    return Place.objects.get(slug=slug).pk


# Relationships


@pytest.mark.parametrize("query", ["科莫", "Como", "como province", "科莫省"])
def test_relationship_q_finds_the_foreign_side(query):
    assert ("jinzhong", "como-province") in pairs(q=query)


@pytest.mark.parametrize("query", ["晋中", "jinzhong", "Jin Zhong", "jìnzhōng"])
def test_relationship_q_finds_the_chinese_side_in_pinyin_with_or_without_tones(query):
    found = pairs(q=query)
    assert ("jinzhong", "como-province") in found
    # Pingyao County's relationships may match too: their notes name Jinzhong.
    assert {chinese for chinese, _foreign in found} <= {"jinzhong", "pingyao"}


def test_relationship_q_with_two_names_finds_the_pair():
    assert pairs(q="晋中 科莫") == {("jinzhong", "como-province")}


def test_relationship_kind():
    friendly = pairs(kind="friendly")
    assert ("jinzhong", "bikenfeierde") in friendly
    assert ("jinzhong", "como-province") not in friendly
    assert all(r.kind == "friendly" for r in run(RelationshipFilterSet, kind="friendly"))


def test_relationship_stage():
    intents = pairs(stage="intent")
    assert {("pingyao", "kyakhta"), ("jinzhong", "bikenfeierde")} <= intents
    assert ("jinzhong", "como-province") not in intents


def test_relationship_level():
    assert {("pingyao", "provins"), ("pingyao", "kyakhta")} == pairs(level="county") & {
        ("pingyao", "provins"),
        ("pingyao", "kyakhta"),
    }
    assert all(chinese == "pingyao" for chinese, _ in pairs(level="county"))


@pytest.mark.parametrize("code", ["JP", "jp"])
def test_relationship_country_accepts_either_case(code):
    japanese = pairs(country=code)
    assert {("zhenjiang", "tsu"), ("zhenjiang", "kurashiki")} <= japanese
    assert all(
        r.foreign_place.country == "JP"
        for r in run(RelationshipFilterSet, country=code).select_related("foreign_place")
    )


def test_relationship_several_countries():
    both = pairs(country=["JP", "IT"])
    assert ("zhenjiang", "tsu") in both and ("jinzhong", "como-province") in both


def test_relationship_chinese_place_includes_places_inside_it():
    jinzhong = pairs(chinese_place="jinzhong")
    assert ("jinzhong", "como-province") in jinzhong
    assert ("pingyao", "provins") in jinzhong  # Pingyao County is in Jinzhong
    assert pairs(chinese_place_id=pk("jinzhong")) == jinzhong
    assert pairs(chinese_place="shanxi") == jinzhong  # the province holds the same
    assert ("zhenjiang", "tsu") not in jinzhong


def test_relationship_foreign_place():
    assert pairs(foreign_place="como-province") == {("jinzhong", "como-province")}
    assert pairs(foreign_place_id=pk("como-province")) == {("jinzhong", "como-province")}


def test_relationship_field():
    tourism = CooperationField.objects.get(slug="tourism")
    assert ("jinzhong", "como-province") in pairs(field="tourism")
    assert pairs(field_id=tourism.pk) == pairs(field="tourism")
    assert ("zhenjiang", "tsu") not in pairs(field="tourism")


def test_relationship_year_range_uses_the_first_dated_step():
    nineties = pairs(year_min=1990, year_max=1999)
    assert ("zhenjiang", "kurashiki") in nineties  # 1997年10月
    assert ("zhenjiang", "tsu") not in nineties  # 1984
    recent = pairs(year_min=2019)
    assert {("jinzhong", "como-province"), ("pingyao", "kyakhta")} <= recent
    assert ("zhenjiang", "tsu") in pairs(year_max=1984)


@pytest.mark.parametrize(
    "params, field",
    [
        ({"kind": "twin"}, "kind"),
        ({"stage": "x"}, "stage"),
        ({"level": "galactic"}, "level"),
        ({"country": "XX"}, "country"),
        ({"chinese_place": "atlantis"}, "chinese_place"),
        ({"chinese_place": "como-province"}, "chinese_place"),  # not a Chinese place
        ({"chinese_place_id": "abc"}, "chinese_place_id"),
        ({"chinese_place_id": "99999999999999999999999"}, "chinese_place_id"),
        ({"foreign_place_id": "-1"}, "foreign_place_id"),
        ({"field": "astrology"}, "field"),
        ({"year_min": "abc"}, "year_min"),
        ({"year_max": "1e5"}, "year_max"),
        ({"year_min": "99999"}, "year_min"),
        ({"q": "x" * 500}, "q"),
    ],
)
def test_relationship_malformed_values_are_validation_errors(params, field):
    filterset = RelationshipFilterSet(QueryDict(urlencode(params)))
    assert not filterset.is_valid()
    assert field in filterset.errors
    list(filterset.qs)  # the valid part still runs, without a database error


# Places


@pytest.mark.parametrize("query", ["濟南", "济南", "jinan", "Ji Nan", "jǐnán", "JINAN"])
def test_place_q_finds_jinan_in_any_script(query):
    assert "jinan" in place_slugs(q=query)


def test_place_q_finds_an_alias():
    assert "mannheim" in place_slugs(q="曼姆")  # the report's variant of 曼海姆


def test_place_q_finds_two_character_names():
    assert "jinzhong" in place_slugs(q="晋中")


def test_place_side():
    chinese = place_slugs(side="chinese")
    foreign = place_slugs(side="foreign")
    assert "jinzhong" in chinese and "jinzhong" not in foreign
    assert "como-province" in foreign and "como-province" not in chinese


def test_place_country_and_level():
    assert place_slugs(country="it") >= {"como-province", "lombardy"}
    assert "pingyao" in place_slugs(level="county")
    assert "jinzhong" not in place_slugs(level="county")


def test_place_parent():
    assert place_slugs(parent="jinzhong") == {"pingyao"}
    assert place_slugs(parent_id=pk("jinzhong")) == {"pingyao"}


def test_place_kind():
    friendly = place_slugs(kind="friendly")
    assert {"jinzhong", "bikenfeierde"} <= friendly
    assert "tsu" not in friendly


@pytest.mark.parametrize(
    "params, field",
    [
        ({"side": "both"}, "side"),
        ({"country": "ZZ"}, "country"),
        ({"level": "planet"}, "level"),
        ({"parent": "nowhere"}, "parent"),
        ({"parent_id": "1.5"}, "parent_id"),
        ({"kind": "bad"}, "kind"),
    ],
)
def test_place_malformed_values_are_validation_errors(params, field):
    filterset = PlaceFilterSet(QueryDict(urlencode(params)))
    assert not filterset.is_valid()
    assert field in filterset.errors


def test_relationship_filters_keep_one_row_per_relationship():
    """Filters through many-to-many fields do not repeat rows."""
    rows = list(run(RelationshipFilterSet, field=["trade", "tourism", "culture"]))
    assert len(rows) == len(set(rows))
    assert Relationship.objects.filter(pk__in=[r.pk for r in rows]).count() == len(rows)
