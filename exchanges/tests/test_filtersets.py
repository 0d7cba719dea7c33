"""The exchange FilterSet on the loaded registry: one test per filter, malformed values."""

import pytest

from cities.models import CooperationField, Place, Relationship
from exchanges.filtersets import ExchangeDirectoryFilterSet, ExchangeFilterSet, RegionFilterSet
from exchanges.models import Region
from utilities.testing.filtersets import FilterSetTests, covers, refused, run

pytestmark = pytest.mark.django_db


def titles(filterset, **params):
    rows = list(run(filterset, **params))
    assert len(rows) == len({row.pk for row in rows}), "a row is repeated"
    return {row.title_zh for row in rows}


GARDEN = "德国曼海姆市“中国园”"
COMO_VISIT = "意大利伦巴第大区科莫省政府代表团访问晋中市"
PHOTO_FESTIVAL = "平遥国际摄影节"
CEE_MEETING = "第五次中国—中东欧国家地方领导人会议全体会议"


class TestExchangeFilterSet(FilterSetTests):
    """Exchanges: one test per filter, malformed values."""

    filterset = ExchangeFilterSet

    def titles(self, **params):
        return titles(self.filterset, **params)

    @pytest.mark.parametrize("query", ["中国园", "Chinese Garden", "曼海姆", "Mannheim", "曼姆"])
    def test_q_matches_titles_and_the_partner(self, query):
        assert GARDEN in self.titles(q=query)

    def test_q_in_traditional_characters_matches_a_simplified_title(self):
        assert PHOTO_FESTIVAL in self.titles(q="平遙國際攝影節")

    def test_kind(self):
        delegations = self.titles(kind="delegation")
        assert COMO_VISIT in delegations and GARDEN not in delegations

    @covers("chinese_place_id")
    def test_chinese_place_includes_places_inside_it(self):
        assert COMO_VISIT in self.titles(chinese_place="jinzhong")
        assert COMO_VISIT in self.titles(chinese_place="shanxi")
        assert GARDEN not in self.titles(chinese_place="jinzhong")
        jinzhong = Place.objects.get(slug="jinzhong")
        assert self.titles(chinese_place_id=jinzhong.pk) == self.titles(chinese_place="jinzhong")

    @covers("relationship_id")
    def test_relationship_id(self):
        como = Relationship.objects.get(foreign_place__slug="como-province")
        assert COMO_VISIT in self.titles(relationship_id=como.pk)
        assert GARDEN not in self.titles(relationship_id=como.pk)

    @covers("place_id")
    def test_place_covers_relationship_partner_and_other_participants(self):
        assert COMO_VISIT in self.titles(place="como-province")  # through the relationship
        assert PHOTO_FESTIVAL in self.titles(place="pingyao")  # a participating place
        pingyao = Place.objects.get(slug="pingyao")
        assert self.titles(place_id=pingyao.pk) == self.titles(place="pingyao")

    def test_country_covers_partners_places_and_named_countries(self):
        italian = self.titles(country="IT")
        assert COMO_VISIT in italian  # the relationship's partner is in Italy
        assert "2015“丝路之友”中国-意大利对话会" in italian  # the report names only the country
        assert GARDEN not in italian

    @covers("region_id")
    def test_region(self):
        cee = Region.objects.get(slug="central-eastern-europe")
        assert self.titles(region="central-eastern-europe") == {CEE_MEETING}
        assert self.titles(region_id=cee.pk) == {CEE_MEETING}

    def test_country_covers_the_countries_of_a_named_region(self):
        assert CEE_MEETING in self.titles(country="HU")
        assert CEE_MEETING not in self.titles(country="JP")

    @covers("field_id")
    def test_field(self):
        trade = CooperationField.objects.get(slug="trade")
        assert COMO_VISIT in self.titles(field="trade")
        assert self.titles(field_id=trade.pk) == self.titles(field="trade")
        assert PHOTO_FESTIVAL not in self.titles(field="trade")

    @covers("year_min", "year_max")
    def test_year_range_on_start(self):
        assert GARDEN in self.titles(year_min=2001, year_max=2001)
        assert GARDEN not in self.titles(year_min=2002)
        assert COMO_VISIT in self.titles(year_min=2019)

    @pytest.mark.parametrize(
        "params, field",
        [
            ({"kind": "party"}, "kind"),
            ({"country": "XYZ"}, "country"),
            ({"place": "nowhere"}, "place"),
            ({"relationship_id": "x"}, "relationship_id"),
            ({"field_id": "99999999999999999999999"}, "field_id"),
            ({"region": "atlantis"}, "region"),
            ({"region_id": "x"}, "region_id"),
            ({"year_min": "2019.5"}, "year_min"),
            ({"year_max": "0"}, "year_max"),
        ],
    )
    def test_malformed_values_are_validation_errors(self, params, field):
        assert field in refused(ExchangeFilterSet, **params)


class TestExchangeDirectoryFilterSet(TestExchangeFilterSet):
    """The directory's exchange filters (a common key's places asked row by row): every
    filter finds what the API's finds."""

    filterset = ExchangeDirectoryFilterSet


class TestRegionFilterSet(FilterSetTests):
    filterset = RegionFilterSet

    @pytest.fixture(autouse=True)
    def second_region(self):
        Region.objects.create(slug="test-nordic", name_zh="测试北欧", countries=["SE", "NO"])

    @pytest.mark.parametrize("query", ["中东欧", "Eastern Europe", "central-eastern"])
    def test_q_matches_names_and_slug(self, query):
        assert [r.slug for r in run(RegionFilterSet, q=query)] == ["central-eastern-europe"]
        assert not run(RegionFilterSet, q="东盟").exists()
