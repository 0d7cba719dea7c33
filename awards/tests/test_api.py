"""The generic API checks (utilities.testing.api) for award types and awards."""

from awards.models import Award, AwardType
from utilities.testing.api import APITests


class TestAwardTypeAPI(APITests):
    model = AwardType
    list_url = "/api/award-types/"
    brief_fields = ["id", "url", "display", "name_zh", "name_en", "level", "status"]
    brief_embedding = ("/api/awards/", "award_type")
    isolate = {"q": "测试荣誉"}
    office_scoped = False

    # Any office may propose an award type (saved as "proposed"; see test_award_types.py).
    def test_create_outside_office(self, outsider, world):
        self._create(outsider, world, allowed=True)
        assert AwardType.objects.get(name_zh="测试杰出贡献奖").status == "proposed"

    def test_create_inside_office(self, insider, world):
        self._create(insider, world, allowed=True)
        assert AwardType.objects.get(name_zh="测试杰出贡献奖").status == "proposed"

    def make_record(self, world, index):
        return AwardType.objects.create(name_zh=f"测试荣誉{index}号", level="municipal")

    def create_data(self, world):
        return {
            "name_zh": "测试杰出贡献奖",
            "name_en": "Test Outstanding Contribution Award",
            "conferred_by_zh": "测试协会",
            "level": "national",
            "predecessor": world.award_type.pk,
        }

    def update_data(self, world):
        return {"name_en": "Renamed award", "level": "provincial"}


class TestAwardAPI(APITests):
    model = Award
    list_url = "/api/awards/"
    isolate = {"chinese_place": "test-home"}

    def make_record(self, world, index):
        record = Award.objects.create(
            award_type=world.award_type,
            chinese_place=world.home,
            recipient_kind="pair",
            relationship=world.relationship,
            conferred_year=2013,
        )
        record.citations.set([world.citation])
        return record

    def create_data(self, world):
        return {
            "award_type": world.award_type.pk,
            "chinese_place": world.home.pk,
            "recipient_kind": "group",
            "person_count": 154,
            "country_count": 19,
            "conferred": "2016",
            "citations": [world.citation.pk],
        }

    def update_data(self, world):
        return {"conferred": "2016-05", "notes": "报告只给出人数。"}
