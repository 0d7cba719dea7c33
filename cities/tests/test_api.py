"""The generic API checks (utilities.testing.api) for the cities endpoints: places,
relationships, their stages, reported figures, fields of cooperation, and the two computed
read-only lists (reported vs recorded, anniversaries)."""

import datetime
import itertools
from types import SimpleNamespace
from unittest import mock

from rest_framework.test import APIClient

from cities.models import (
    CooperationField,
    Place,
    Relationship,
    RelationshipStage,
    ReportedFigure,
    RuleAcknowledgement,
)
from utilities.testing.api import APITests, ReadOnlyAPITests, days_from_today

PLACE_BRIEF = ["id", "url", "display", "slug", "name_zh", "name_en", "country"]


def partner(world, index):
    return Place.objects.create(
        slug=f"test-foreign-{index}",
        name_zh=f"测试外国城市{index}",
        name_en=f"Foreign {index}",
        level="city",
        country="DE",
        latitude="50.1",
        longitude="8.6",
    )


class TestPlaceAPI(APITests):
    model = Place
    list_url = "/api/places/"
    brief_fields = PLACE_BRIEF
    brief_embedding = ("/api/relationships/", "chinese_place")
    isolate = {"parent": "test-home-county"}
    formats = ("json", "csv", "geojson")

    def make_record(self, world, index):
        return Place.objects.create(
            slug=f"test-town-{index}",
            name_zh=f"测试镇{index}",
            level="district",
            country="CN",
            parent=world.county,
            latitude="30.5",
            longitude="114.2",
        )

    def create_data(self, world):
        return {
            "slug": "test-new-district",
            "name_zh": "测试新区",
            "name_en": "New District",
            "level": "district",
            "country": "CN",
            "parent": world.home.pk,
            "latitude": 30.6,
            "longitude": 114.4,
            "editor_added_fields": ["name_en", "latitude", "longitude"],
        }

    def update_data(self, world):
        return {"name_en": "Renamed District", "wikidata_id": "Q42"}


class TestRelationshipAPI(APITests):
    model = Relationship
    list_url = "/api/relationships/"
    brief_fields = [
        "id",
        "url",
        "display",
        "kind",
        "kind_display",
        "chinese_place",
        "foreign_place",
    ]
    brief_embedding = ("/api/relationship-stages/", "relationship")
    isolate = {"chinese_place": "test-home-county"}
    formats = ("json", "csv", "geojson")

    def make_record(self, world, index):
        record = Relationship.objects.create(
            chinese_place=world.county, foreign_place=partner(world, index), kind="friendly"
        )
        record.citations.set([world.citation])
        return record

    def create_data(self, world):
        return {
            "chinese_place": world.county.pk,
            "foreign_place": world.partner_c.pk,
            "kind": "friendly",
            "wording": "友好交流城市",
            "stage": "intent",
            "level": "county",
            "fields": [world.field.pk],
            "citations": [world.citation.pk],
        }

    def update_data(self, world):
        return {"wording": "友好合作关系城市", "stage": "active"}


class TestRelationshipStageAPI(APITests):
    model = RelationshipStage
    list_url = "/api/relationship-stages/"
    brief_fields = [
        "id", "url", "display", "stage", "stage_display", "date", "date_precision", "document",
    ]  # fmt: skip
    brief_embedding = ("/api/relationships/", "stages")
    isolate = {"chinese_place": "test-home-county"}

    def make_record(self, world, index):
        relationship, _ = Relationship.objects.get_or_create(
            chinese_place=world.county, foreign_place=world.partner_c, kind="sister"
        )
        record = RelationshipStage.objects.create(
            relationship=relationship, stage="intent", date_year=2000, date_month=1 + index % 12
        )
        record.citations.set([world.citation])
        return record

    def create_data(self, world):
        return {
            "relationship": world.relationship.pk,
            "stage": "intent",
            "date": "2015-03",
            "document": "《缔结友好城市意向书》",
            "citations": [world.citation.pk],
        }

    def update_data(self, world):
        return {"date": "2015-04-02", "document": "《备忘录》"}


class TestReportedFigureAPI(APITests):
    model = ReportedFigure
    list_url = "/api/reported-figures/"
    isolate = {"chinese_place": "test-home"}

    def make_record(self, world, index):
        record = ReportedFigure.objects.create(
            chinese_place=world.home,
            metric="sister_cities",
            value=20 + index,
            qualifier="odd",
            as_of_year=2019,
        )
        record.citations.set([world.citation])
        return record

    def create_data(self, world):
        return {
            "chinese_place": world.home.pk,
            "metric": "partners",
            "wording": "友好城市20多个",
            "value": 20,
            "qualifier": "odd",
            "as_of": "2019-10",
            "citations": [world.citation.pk],
        }

    def update_data(self, world):
        return {"value": 21, "as_of": "2019"}


class TestCooperationFieldAPI(APITests):
    model = CooperationField
    list_url = "/api/cooperation-fields/"
    brief_fields = ["id", "url", "display", "slug", "name_zh", "name_en"]
    brief_embedding = ("/api/relationships/", "fields")
    office_scoped = False

    def make_record(self, world, index):
        return CooperationField.objects.create(
            slug=f"test-field-{index}", name_zh=f"测试合作{index}", name_en=f"Test {index}"
        )

    def create_data(self, world):
        return {"slug": "test-new-field", "name_zh": "测试新领域", "name_en": "New field"}

    def update_data(self, world):
        return {"name_en": "Renamed field"}


class TestComparisonAPI(ReadOnlyAPITests):
    model = Place
    list_url = "/api/comparisons/"
    isolate = {"parent": "test-region"}

    def make_record(self, world, index):
        region, _ = Place.objects.get_or_create(
            slug="test-region",
            defaults={"name_zh": "测试区域", "level": "province", "country": "CN"},
        )
        city = Place.objects.create(
            slug=f"test-city-{index}",
            name_zh=f"测试城市{index}",
            level="prefecture_city",
            country="CN",
            parent=region,
        )
        ReportedFigure.objects.create(
            chinese_place=city, metric="sister_cities", value=3, as_of_year=2019
        )
        return city


class TestAnniversaryAPI(ReadOnlyAPITests):
    model = Relationship
    list_url = "/api/anniversaries/"
    isolate = {"chinese_place": "test-home-county"}
    formats = ("json", "csv", "ics")
    has_detail = False
    brief_mode = False  # a computed calendar, not records

    def make_record(self, world, index):
        relationship = Relationship.objects.create(
            chinese_place=world.county, foreign_place=partner(world, index), kind="sister"
        )
        day = days_from_today(1 + index)
        RelationshipStage.objects.create(
            relationship=relationship,
            stage="agreement",
            date_year=day.year - 10,
            date_month=day.month,
            date_day=min(day.day, 28),
        )
        return relationship

    def record_id(self, record):
        return f"{record.pk}-10"


def test_anniversaries_of_a_request_crossing_midnight_are_of_one_day(world):
    """A request that starts on the 15th and reads the clock again after midnight lists,
    and is kept under, the 15th's window: the 10th anniversary falling on the 15th is
    listed (the 16th's window would leave it out)."""
    day = datetime.date(2026, 6, 15)
    relationship = Relationship.objects.create(
        chinese_place=world.county, foreign_place=partner(world, 1), kind="sister"
    )
    RelationshipStage.objects.create(
        relationship=relationship, stage="agreement", date_year=2016, date_month=6, date_day=15
    )
    clock = itertools.chain([day], itertools.repeat(day + datetime.timedelta(days=1)))
    with mock.patch("cities.api.views.timezone", SimpleNamespace(localdate=lambda: next(clock))):
        response = APIClient().get("/api/anniversaries/", {"chinese_place": world.county.slug})
    assert response.status_code == 200
    assert [item["id"] for item in response.json()["results"]] == [f"{relationship.pk}-10"]


class TestRuleAcknowledgementAPI(APITests):
    model = RuleAcknowledgement
    list_url = "/api/rule-acknowledgements/"
    isolate = {"chinese_place": "test-home"}

    def make_record(self, world, index):
        partner = Place.objects.create(
            slug=f"test-ack-partner-{index}", name_zh=f"测试确认{index}", level="city", country="FR"
        )
        relationship = Relationship.objects.create(
            chinese_place=world.home, foreign_place=partner, kind="friendly"
        )
        return RuleAcknowledgement.objects.create(
            relationship=relationship, rule="active_without_agreement", reason="测试理由"
        )

    def create_data(self, world):
        return {
            "relationship": world.relationship.pk,
            "rule": "level_mismatch",
            "reason": "测试：历史特例",
        }

    def update_data(self, world):
        return {"reason": "测试：经全国友协特批"}
