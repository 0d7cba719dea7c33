"""Every invariant of places, relationships and stages rejects bad input with a clear, field-keyed message in
Chinese (the default) and English, and saves nothing; where the database can hold the rule
it refuses the row even when ``clean()`` is skipped."""

from decimal import Decimal

import pytest
from django.utils import translation

from cities.choices import PlaceLevel, RelationshipKind, Stage
from cities.models import Place, Relationship, RelationshipStage
from utilities.testing.validation import assert_refused_by_database, full_clean_error, messages


@pytest.fixture
def sister(wuhan, oita):
    return Relationship.objects.create(
        chinese_place=wuhan, foreign_place=oita, kind=RelationshipKind.SISTER
    )


class TestRelationshipJoinsOneChineseAndOneForeignPlace:
    def test_chinese_side_abroad_is_refused(self, oita, borlange):
        relationship = Relationship(
            chinese_place=oita, foreign_place=borlange, kind=RelationshipKind.SISTER
        )
        error = full_clean_error(relationship)
        assert "中方地方须在中国" in messages(error, "chinese_place")
        assert not Relationship.objects.filter(foreign_place=borlange).exists()

    def test_foreign_side_in_china_is_refused_in_english_too(self, wuhan, hubei):
        relationship = Relationship(
            chinese_place=wuhan, foreign_place=hubei, kind=RelationshipKind.FRIENDLY
        )
        with translation.override("en"):
            error = full_clean_error(relationship)
            assert "The foreign side must be a place outside China." in messages(
                error, "foreign_place"
            )
        assert not Relationship.objects.filter(chinese_place=wuhan).exists()

    def test_database_refuses_a_place_partnered_with_itself(self, wuhan):
        assert_refused_by_database(
            lambda: Relationship.objects.create(
                chinese_place=wuhan, foreign_place=wuhan, kind=RelationshipKind.SISTER
            )
        )
        assert not Relationship.objects.filter(chinese_place=wuhan).exists()


class TestNoDuplicateRelationship:
    def test_same_pair_and_kind_is_refused(self, sister, wuhan, oita):
        duplicate = Relationship(
            chinese_place=wuhan, foreign_place=oita, kind=RelationshipKind.SISTER
        )
        error = full_clean_error(duplicate)
        assert "这两地之间已有同类关系" in str(error)
        assert_refused_by_database(duplicate.save)
        assert Relationship.objects.filter(chinese_place=wuhan).count() == 1

    def test_same_pair_of_another_kind_is_allowed(self, sister, wuhan, oita):
        upgraded_from = Relationship(
            chinese_place=wuhan, foreign_place=oita, kind=RelationshipKind.FRIENDLY
        )
        upgraded_from.full_clean()
        upgraded_from.save()
        assert Relationship.objects.filter(chinese_place=wuhan).count() == 2


class TestStageDates:
    def test_agreement_before_intent_is_refused(self, sister):
        RelationshipStage.objects.create(
            relationship=sister, stage=Stage.INTENT, date_year=2019, date_month=2
        )
        agreement = RelationshipStage(
            relationship=sister, stage=Stage.AGREEMENT, date_year=2018, date_month=10
        )
        error = full_clean_error(agreement)
        assert "日期早于前一阶段" in messages(error, "date_year")
        with translation.override("en"):
            error = full_clean_error(agreement)
            assert "before the previous stage" in messages(error, "date_year")
        assert sister.stages.count() == 1

    def test_same_month_at_other_precision_is_not_before(self, sister):
        RelationshipStage.objects.create(
            relationship=sister, stage=Stage.INTENT, date_year=2019, date_month=10, date_day=20
        )
        agreement = RelationshipStage(
            relationship=sister, stage=Stage.AGREEMENT, date_year=2019, date_month=10
        )
        agreement.full_clean()

    def test_intent_after_agreement_is_refused(self, sister):
        RelationshipStage.objects.create(relationship=sister, stage=Stage.AGREEMENT, date_year=1979)
        intent = RelationshipStage(relationship=sister, stage=Stage.INTENT, date_year=1980)
        error = full_clean_error(intent)
        assert "日期晚于后一阶段" in messages(error, "date_year")


class TestPartialDatePrecision:
    def test_day_without_month_is_refused(self, sister):
        stage = RelationshipStage(
            relationship=sister, stage=Stage.AGREEMENT, date_year=2019, date_day=28
        )
        error = full_clean_error(stage)
        assert "有日时必须有月份" in messages(error, "date_day")
        assert_refused_by_database(stage.save)
        assert not RelationshipStage.objects.filter(relationship=sister).exists()

    def test_month_without_year_is_refused(self, sister):
        stage = RelationshipStage(relationship=sister, stage=Stage.AGREEMENT, date_month=10)
        error = full_clean_error(stage)
        assert "有月或日时必须有年份" in messages(error, "date_year")
        assert_refused_by_database(stage.save)

    def test_thirtieth_of_february_is_refused(self, sister):
        stage = RelationshipStage(
            relationship=sister, stage=Stage.AGREEMENT, date_year=2019, date_month=2, date_day=30
        )
        with translation.override("en"):
            error = full_clean_error(stage)
            assert "That month has no such day." in messages(error, "date_day")

    def test_month_thirteen_is_refused_by_database(self, sister):
        stage = RelationshipStage(
            relationship=sister, stage=Stage.AGREEMENT, date_year=2019, date_month=13
        )
        assert "date_month" in full_clean_error(stage).message_dict
        assert_refused_by_database(stage.save)


class TestCoordinates:
    @pytest.mark.parametrize(
        ("field", "value"), [("latitude", 91), ("latitude", -90.5), ("longitude", 181)]
    )
    def test_out_of_range_is_refused(self, oita, field, value):
        setattr(oita, field, value)
        other = "longitude" if field == "latitude" else "latitude"
        setattr(oita, other, 0)
        assert field in full_clean_error(oita).message_dict
        assert_refused_by_database(oita.save)
        oita.refresh_from_db()
        assert oita.latitude is None

    def test_latitude_without_longitude_is_refused(self, oita):
        oita.latitude = 33.2
        error = full_clean_error(oita)
        assert "经纬度须同时填写" in messages(error, "longitude")
        assert_refused_by_database(oita.save)

    def test_valid_coordinates_are_kept(self, oita):
        oita.latitude, oita.longitude = Decimal("33.23809"), Decimal("131.61264")
        oita.full_clean()
        oita.save()
        oita.refresh_from_db()
        assert float(oita.latitude) == pytest.approx(33.23809)


class TestPlaceParent:
    def test_parent_in_another_country_is_refused(self, hubei, oita):
        oita.parent = hubei
        assert "上级地方须在同一国家" in messages(full_clean_error(oita), "parent")

    def test_unknown_editor_field_is_refused(self, oita):
        oita.editor_added_fields = ["name_en", "population"]
        assert "editor_added_fields" in full_clean_error(oita).message_dict


class TestSearchKeys:
    def test_place_search_finds_every_spelling(self, oita, borlange):
        borlange.aliases.create(name="博伦厄")
        for query, place in [
            ("大分", oita),
            ("ōita", oita),
            ("博伦厄", borlange),
            ("borlange", borlange),
            ("bo lang e", borlange),
        ]:
            assert place in Place.objects.search(query), query
        assert borlange not in Place.objects.search("大分")

    def test_within_covers_subordinate_places(self, hubei, wuhan):
        county = Place.objects.create(
            slug="test-county",
            name_zh="测试区",
            level=PlaceLevel.DISTRICT,
            country="CN",
            parent=wuhan,
        )
        assert set(Place.objects.within(hubei)) == {hubei, wuhan, county}
        assert set(Place.objects.within(wuhan)) == {wuhan, county}
