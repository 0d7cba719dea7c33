"""Bulk import of exchanges in the admin: a row finds its relationship by the partner it
names, and a partner the office has no relationship with is refused with a message."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cities.models import Place
from exchanges.models import Exchange
from sources.models import SourceReport
from utilities.testing.admin import CSV_FORMAT, as_csv

pytestmark = pytest.mark.django_db


class TestExchangeImport:
    def test_an_exchange_row_finds_its_relationship_by_the_partner(self, client, staff):
        SourceReport.objects.create(
            slug="test-como-visit",
            title="科莫省代表团来访消息",
            chinese_place=Place.objects.get(slug="jinzhong"),
            text="2026年3月，科莫省职业院校代表团来访晋中。",
        )
        table = [
            ["中方地方", "外方地方", "名称", "类型", "开始", "合作领域", "引文报告", "引文"],
            ["晋中市", "科莫省", "测试：科莫省职业院校代表团来访", "代表团互访", "2026-03", "教育",
             "test-como-visit", "科莫省职业院校代表团来访晋中"],
        ]  # fmt: skip
        response = client.post(
            reverse("admin:exchanges_exchange_import"),
            {
                "format": CSV_FORMAT,
                "resource": "0",
                "import_file": SimpleUploadedFile("x.csv", as_csv(table)),
            },
        )
        result = response.context["result"]
        assert not result.has_validation_errors(), [r.error_dict for r in result.invalid_rows]
        form = response.context["confirm_form"]
        data = {name: form.initial.get(name, "") for name in form.fields}
        client.post(reverse("admin:exchanges_exchange_process_import"), data)
        exchange = Exchange.objects.get(title_zh="测试：科莫省职业院校代表团来访")
        assert exchange.relationship.foreign_place.slug == "como-province"
        assert str(exchange.start) == "2026年3月"

    def test_a_partner_without_relationship_is_refused(self, client, staff):
        table = [["中方地方", "外方地方", "名称", "类型"], ["晋中市", "津市", "测试交流", "活动"]]
        response = client.post(
            reverse("admin:exchanges_exchange_import"),
            {
                "format": CSV_FORMAT,
                "resource": "0",
                "import_file": SimpleUploadedFile("x.csv", as_csv(table)),
            },
        )
        [invalid] = response.context["result"].invalid_rows
        assert "没有记录友好关系" in " ".join(invalid.error_dict["外方地方"])
