"""Every invariant of the schema rejects bad input with a clear, field-keyed message in
Chinese (the default) and English, and saves nothing; where the database can hold the rule
it refuses the row even when ``clean()`` is skipped."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from awards.choices import AwardLevel, RecipientKind
from awards.models import Award, AwardType
from cities.choices import PlaceLevel, RelationshipKind, Stage
from cities.models import Place, Relationship, RelationshipStage
from exchanges.choices import ExchangeKind
from exchanges.models import Exchange
from sources.models import Citation


def messages(error, field):
    return " ".join(error.message_dict[field])


def full_clean_error(instance):
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()
    return caught.value


def assert_refused_by_database(save):
    with pytest.raises(IntegrityError), transaction.atomic():
        save()


@pytest.fixture
def sister(wuhan, oita):
    return Relationship.objects.create(
        chinese_place=wuhan, foreign_place=oita, kind=RelationshipKind.SISTER
    )


@pytest.fixture
def award_type(db):
    return AwardType.objects.create(name_zh="测试奖（test-award）", level=AwardLevel.NATIONAL)


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

    def test_exchange_end_before_start_is_refused(self, wuhan):
        exchange = Exchange(
            title_zh="测试",
            kind=ExchangeKind.EVENT,
            chinese_place=wuhan,
            start_year=2015,
            start_month=9,
            end_year=2015,
            end_month=6,
        )
        assert "结束早于开始" in messages(full_clean_error(exchange), "end_year")


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


class TestAwardHasExactlyOneKindOfRecipient:
    def test_place_award_with_a_person_too_is_refused(self, award_type, wuhan, oita):
        award = Award(
            award_type=award_type,
            chinese_place=wuhan,
            recipient_kind=RecipientKind.PLACE,
            place=oita,
            person_name="格里希",
        )
        error = full_clean_error(award)
        assert "获奖者只能是一种" in messages(error, "person_name")
        assert_refused_by_database(award.save)
        assert not Award.objects.filter(chinese_place=wuhan).exists()

    def test_missing_recipient_is_refused(self, award_type, wuhan):
        award = Award(award_type=award_type, chinese_place=wuhan, recipient_kind=RecipientKind.PAIR)
        with translation.override("en"):
            assert "Give the recipient" in messages(full_clean_error(award), "relationship")
        assert_refused_by_database(award.save)

    def test_group_with_only_a_count_is_accepted(self, award_type, wuhan):
        award = Award(
            award_type=award_type,
            chinese_place=wuhan,
            recipient_kind=RecipientKind.GROUP,
            person_count=154,
            country_count=19,
        )
        award.full_clean()
        award.save()
        assert award.recipient_display("zh-hans") == "19个国家的154人"
        assert award.recipient_display("en") == "154 people from 19 countries"

    def test_country_count_on_a_place_award_is_refused(self, award_type, wuhan, oita):
        award = Award(
            award_type=award_type,
            chinese_place=wuhan,
            recipient_kind=RecipientKind.PLACE,
            place=oita,
            country_count=3,
        )
        assert "country_count" in full_clean_error(award).message_dict
        assert_refused_by_database(award.save)


class TestCitation:
    def test_quote_not_in_report_is_refused(self, wuhan_report):
        citation = Citation(report=wuhan_report, quote="1980年武汉与日本大分市")
        error = full_clean_error(citation)
        assert "引文在报告" in messages(error, "quote")
        assert not Citation.objects.filter(report=wuhan_report).exists()

    def test_verbatim_quote_is_accepted(self, wuhan_report):
        citation = Citation(report=wuhan_report, quote="瑞典博伦厄市自2008年至今")
        citation.full_clean()
        citation.save()
        assert citation.offset > 0

    def test_empty_quote_is_refused_by_database(self, wuhan_report):
        assert_refused_by_database(lambda: Citation.objects.create(report=wuhan_report, quote=""))


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
