"""The award FilterSet on the loaded registry: one test per filter, malformed values."""

import pytest

from awards.filtersets import AwardFilterSet, AwardTypeFilterSet
from awards.models import AwardType
from cities.models import Place
from utilities.testing.filtersets import FilterSetTests, covers, refused, run

pytestmark = pytest.mark.django_db


def recipients(**params):
    return {award.recipient_display("zh-hans") for award in run(AwardFilterSet, **params)}


TEMPE_PAIR = "镇江市 – 坦佩市"


class TestAwardFilterSet(FilterSetTests):
    """Awards: one test per filter, malformed values."""

    filterset = AwardFilterSet

    def test_q_matches_the_recipient_and_the_award_name(self):
        assert "札幌市" in recipients(q="Sapporo")
        assert "曼海姆市" in recipients(q="曼姆")  # an alias of the recipient
        assert TEMPE_PAIR in recipients(q="中美友好城市文化交流奖")
        assert TEMPE_PAIR in recipients(q="Tempe")  # one side of a pair

    def test_award_type_id(self):
        exchange_award = AwardType.objects.get(name_zh="对华友好城市交流合作奖")
        found = recipients(award_type_id=exchange_award.pk)
        assert {"札幌市", "曼海姆市"} <= found and TEMPE_PAIR not in found

    def test_level(self):
        assert "札幌市" in recipients(level="national")
        assert "札幌市" not in recipients(level="municipal")

    def test_recipient_kind(self):
        assert recipients(recipient_kind="pair") >= {TEMPE_PAIR}
        assert TEMPE_PAIR not in recipients(recipient_kind="place")

    @covers("chinese_place_id")
    def test_chinese_place(self):
        shenyang = recipients(chinese_place="shenyang")
        assert "札幌市" in shenyang and "曼海姆市" not in shenyang
        assert recipients(chinese_place="liaoning") == shenyang
        zhenjiang = Place.objects.get(slug="zhenjiang")
        assert recipients(chinese_place_id=zhenjiang.pk) == recipients(chinese_place="zhenjiang")

    @covers("place_id")
    def test_place_includes_awards_to_a_pair(self):
        assert "曼海姆市" in recipients(place="mannheim")
        assert TEMPE_PAIR in recipients(place="tempe")
        tempe = Place.objects.get(slug="tempe")
        assert recipients(place_id=tempe.pk) == recipients(place="tempe")

    def test_country(self):
        american = recipients(country="US")
        assert {"芝加哥市", TEMPE_PAIR} <= american and "札幌市" not in american

    @covers("year_min", "year_max")
    def test_year_range_on_conferral(self):
        assert recipients(year_min=2013, year_max=2013) >= {TEMPE_PAIR}
        assert "曼海姆市" in recipients(year_min=2016)
        assert TEMPE_PAIR not in recipients(year_min=2014)

    @pytest.mark.parametrize(
        "params, field",
        [
            ({"level": "cosmic"}, "level"),
            ({"recipient_kind": "cat"}, "recipient_kind"),
            ({"award_type_id": "nine"}, "award_type_id"),
            ({"place": "nowhere"}, "place"),
            ({"country": "1"}, "country"),
            ({"year_min": "MMXIII"}, "year_min"),
        ],
    )
    def test_malformed_values_are_validation_errors(self, params, field):
        assert field in refused(AwardFilterSet, **params)


def award_types(**params):
    return set(run(AwardTypeFilterSet, **params).values_list("name_zh", flat=True))


class TestAwardTypeFilterSet(FilterSetTests):
    """Award types (API only): ``q`` over names and conferring body, and level."""

    filterset = AwardTypeFilterSet

    def test_q_matches_names_and_the_conferring_body(self):
        assert "对华友好城市交流合作奖" in award_types(q="Exchange and Cooperation")
        assert "对华友好城市交流合作奖" in award_types(q="全国友协")
        assert "对华友好城市交流合作奖" not in award_types(q="中法地方政府合作奖")

    def test_level(self):
        national = run(AwardTypeFilterSet, level="national")
        assert "对华友好城市交流合作奖" in {row.name_zh for row in national}
        assert {row.level for row in national} == {"national"}
        others = set(AwardType.objects.exclude(level="national").values_list("name_zh", flat=True))
        assert not others & {row.name_zh for row in national}

    def test_malformed_level_is_a_validation_error(self):
        assert "level" in refused(AwardTypeFilterSet, **{"level": "cosmic"})

    def test_q_matches_an_alias(self):
        assert award_types(q="国际友城战略发展奖") == {"国际友城发展战略奖"}

    def test_status(self):
        AwardType.objects.create(name_zh="测试待确认奖", level="municipal", status="proposed")
        assert {row.name_zh for row in run(AwardTypeFilterSet, status="proposed")} == {
            "测试待确认奖"
        }
        assert "测试待确认奖" not in {
            row.name_zh for row in run(AwardTypeFilterSet, status="confirmed")
        }
        assert "status" in refused(AwardTypeFilterSet, status="maybe")
