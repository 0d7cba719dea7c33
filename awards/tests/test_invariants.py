"""The invariants of awards reject bad input with a clear, field-keyed message in Chinese
and English, and the database refuses the row even when ``clean()`` is skipped."""

import pytest
from django.utils import translation

from awards.choices import AwardLevel, RecipientKind
from awards.models import Award, AwardType
from utilities.testing.validation import assert_refused_by_database, full_clean_error, messages


@pytest.fixture
def award_type(db):
    return AwardType.objects.create(name_zh="测试奖（test-award）", level=AwardLevel.NATIONAL)


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
