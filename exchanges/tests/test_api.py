"""The generic API checks (utilities.testing.api) for exchanges."""

from exchanges.models import Exchange, ExchangeCount
from utilities.testing.api import APITests


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
            "fields": [world.field.pk],
            "start": "2019-10",
            "end": "2019-10-28",
            "citations": [world.citation.pk],
        }

    def update_data(self, world):
        return {"end": "2019-11", "description": "回访。"}
