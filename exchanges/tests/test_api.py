"""The generic API checks (utilities.testing.api) for exchanges."""

from exchanges.models import Exchange, ExchangeCount, Region
from utilities.testing.api import APITests


def a_region():
    region, _created = Region.objects.get_or_create(
        slug="test-region", defaults={"name_zh": "测试地区", "countries": ["HU", "PL"]}
    )
    return region


class TestRegionAPI(APITests):
    model = Region
    list_url = "/api/regions/"
    brief_fields = ["id", "url", "display", "slug", "name_zh", "name_en"]
    brief_embedding = ("/api/exchanges/", "regions")
    isolate = {"q": "测试区域"}
    office_scoped = False

    def make_record(self, world, index):
        return Region.objects.create(
            slug=f"test-area-{index}", name_zh=f"测试区域{index}号", countries=["HU"]
        )

    def create_data(self, world):
        return {
            "slug": "test-baltic",
            "name_zh": "测试波罗的海国家",
            "name_en": "Test Baltic states",
            "countries": ["EE", "LV", "LT"],
        }

    def update_data(self, world):
        return {"name_en": "Renamed region", "notes": "成员随时间变化。"}


class TestExchangeAPI(APITests):
    model = Exchange
    list_url = "/api/exchanges/"
    isolate = {"chinese_place": "test-home"}

    def make_record(self, world, index):
        exchange = Exchange.objects.create(
            title_zh=f"测试交流项目{index}",
            kind="event",
            chinese_place=world.home,
            relationship=world.relationship,
            start_year=2010 + index % 10,
        )
        exchange.places.set([world.partner_b])
        exchange.regions.set([a_region()])
        exchange.fields.set([world.field])
        exchange.citations.set([world.citation])
        ExchangeCount.objects.create(
            exchange=exchange, value=300, qualifier="odd", unit_zh="名嘉宾"
        )
        return exchange

    def create_data(self, world):
        return {
            "title_zh": "测试市代表团访问测试甲市",
            "title_en": "Testville delegation to Testa",
            "kind": "delegation",
            "chinese_place": world.home.pk,
            "relationship": world.relationship.pk,
            "places": [world.partner_b.pk],
            "countries": ["JP", "us"],
            "regions": [a_region().pk],
            "fields": [world.field.pk],
            "start": "2019-10",
            "end": "2019-10-28",
            "citations": [world.citation.pk],
        }

    def update_data(self, world):
        return {"end": "2019-11", "description": "回访。"}
