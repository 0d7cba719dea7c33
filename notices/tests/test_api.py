"""The notices endpoint through the generic API checks (list, detail, brief form, fields,
create, update, delete for anonymous, other-office and own-office clients, query counts)."""

import datetime

from django.utils import timezone

from notices.models import Notice
from utilities.testing.api import APITests


class TestNoticeAPI(APITests):
    model = Notice
    list_url = "/api/notices/"
    isolate = {"chinese_place": "test-home"}

    def make_record(self, world, index):
        record = Notice.objects.create(
            chinese_place=world.home,
            title_zh=f"测试市寻找友城{index}",
            countries=["FR"],
            contact="测试外办",
            until=timezone.localdate() + datetime.timedelta(days=30 + index),
        )
        record.fields.set([world.field])
        return record

    def create_data(self, world):
        return {
            "chinese_place": world.home.pk,
            "title_zh": "测试市寻找法国城市",
            "kind": "sister",
            "countries": ["FR"],
            "population_min": 50000,
            "fields": [world.field.pk],
            "contact": "测试外办",
            "until": str(timezone.localdate() + datetime.timedelta(days=90)),
        }

    def update_data(self, world):
        return {"regions": "法国西部", "population_max": 900000}
