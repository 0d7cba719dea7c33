"""Bulk import and export in the admin: staff upload a CSV or XLSX of relationships, see a dry-run preview with per-row errors (nothing written), and confirm to
apply it atomically (a file with one bad row writes nothing); every list exports as CSV or
XLSX with its current filters. The import of exchanges: ``exchanges/tests/``."""

import csv
import io

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cities.models import Place, Relationship
from cities.resources import RelationshipResource
from exchanges.models import Exchange
from offices.tests.admin_forms import unchanged_post
from sources.models import Citation, SourceReport
from tests.builders import office_user
from utilities.testing.admin import CSV_FORMAT, XLSX_FORMAT, as_csv

pytestmark = pytest.mark.django_db

NEWS = "2026年5月18日，晋中市与测试一市签署建立国际友好城市协议书。同日，晋中市与测试二市签署友好交流协议。"
HEADERS = [
    "中方地方",
    "外方地方",
    "类别",
    "阶段",
    "中方层级",
    "签约日期",
    "合作领域",
    "引文报告",
    "引文",
]


@pytest.fixture
def partners():
    one = Place.objects.create(
        slug="test-partner-one", name_zh="测试一市", name_en="Testone", level="city", country="FR"
    )
    two = Place.objects.create(
        slug="test-partner-two", name_zh="测试二市", name_en="Testtwo", level="city", country="DE"
    )
    return one, two


@pytest.fixture
def news(partners):
    return SourceReport.objects.create(
        slug="test-jinzhong-news",
        title="晋中市新签友城消息",
        chinese_place=Place.objects.get(slug="jinzhong"),
        text=NEWS,
    )


def rows(*extra):
    good = [
        ["晋中市", "测试一市", "友好城市", "存续", "市级", "2026-05-18", "文化、教育", "test-jinzhong-news",
         "晋中市与测试一市签署建立国际友好城市协议书"],
        ["晋中", "Testtwo", "友好交流城市", "存续", "市级", "2026年5月18日", "", "test-jinzhong-news",
         "晋中市与测试二市签署友好交流协议"],
    ]  # fmt: skip
    return [HEADERS, *good, *extra]


def upload(client, table, name="new-partners.csv", fmt=CSV_FORMAT, content=None):
    content = content if content is not None else as_csv(table)
    return client.post(
        reverse("admin:cities_relationship_import"),
        {"format": fmt, "resource": "0", "import_file": SimpleUploadedFile(name, content)},
    )


def snapshot():
    return Relationship.objects.count(), Citation.objects.count(), Exchange.objects.count()


class TestDryRunPreview:
    def test_a_good_file_is_previewed_and_nothing_is_written(self, client, staff, news):
        before = snapshot()
        response = upload(client, rows())
        assert response.status_code == 200
        result = response.context["result"]
        assert not result.has_errors() and not result.has_validation_errors()
        assert [row.import_type for row in result.valid_rows()] == ["new", "new"]
        assert response.context["confirm_form"] is not None
        page = response.content.decode()
        assert "测试一市" in page and "2026-05-18" in page
        assert snapshot() == before

    def test_a_bad_row_is_reported_with_its_column_and_nothing_can_be_confirmed(
        self, client, staff, news
    ):
        before = snapshot()
        bad = ["晋中市", "不存在市", "友好城市", "存续", "市级", "2026", "", "", ""]
        response = upload(client, rows(bad))
        result = response.context["result"]
        assert result.has_validation_errors()
        [invalid] = result.invalid_rows
        assert invalid.number == 3
        assert "找不到外国地方“不存在市”" in " ".join(invalid.error_dict["外方地方"])
        assert "confirm_form" not in response.context or not response.context["confirm_form"]
        assert "找不到外国地方" in response.content.decode()
        assert snapshot() == before

    @pytest.mark.parametrize(
        ("row", "column", "message"),
        [
            (["晋中市", "测试一市", "友好城市", "存续", "", "", "", "test-jinzhong-news", "报告里没有这句话"],
             "引文", "中找不到"),
            (["镇江市", "测试一市", "友好城市", "存续", "", "", "", "", ""],
             "中方地方", "只能修改本市及下辖地方的记录"),
            (["晋中市", "晋中市", "友好城市", "存续", "", "", "", "", ""],
             "外方地方", "找不到外国地方"),
            (["晋中市", "测试一市", "姐妹城市", "存续", "", "", "", "", ""], "类别", "不是可选值"),
            (["晋中市", "测试一市", "友好城市", "存续", "", "2026-13", "", "", ""], "签约日期", "无法识别"),
        ],
        ids=["quote-not-in-report", "other-office", "same-country", "unknown-kind", "bad-date"],
    )  # fmt: skip
    def test_each_kind_of_bad_row_says_why(self, client, staff, news, row, column, message):
        before = snapshot()
        response = upload(client, [HEADERS, row])
        [invalid] = response.context["result"].invalid_rows
        assert message in " ".join(invalid.error_dict[column])
        assert snapshot() == before

    def test_an_intent_after_the_agreement_is_refused(self, client, staff, news):
        table = [
            [*HEADERS, "意向日期"],
            ["晋中市", "测试一市", "友好城市", "存续", "", "2026-01", "", "", "", "2026-06"],
        ]
        [invalid] = upload(client, table).context["result"].invalid_rows
        assert "日期早于前一阶段（意向/备忘录，2026年6月）" in " ".join(
            invalid.error_dict["签约日期"]
        )

    def test_an_xlsx_file_is_read_too(self, client, staff, news):
        table = rows()
        book = tablib.Dataset(*table[1:], headers=table[0]).export("xlsx")
        response = upload(client, None, name="new-partners.xlsx", fmt=XLSX_FORMAT, content=book)
        result = response.context["result"]
        assert not result.has_validation_errors()
        assert len(result.valid_rows()) == 2


class TestConfirmedImport:
    def confirm(self, client, preview):
        form = preview.context["confirm_form"]
        data = {name: form.initial.get(name, "") for name in form.fields}
        return client.post(reverse("admin:cities_relationship_process_import"), data)

    def test_confirming_writes_the_relationships_with_stages_citations_and_history(
        self, client, staff, news, partners
    ):
        response = self.confirm(client, upload(client, rows()))
        assert response.status_code == 302
        one = Relationship.objects.get(chinese_place__slug="jinzhong", foreign_place=partners[0])
        assert one.kind == "sister" and one.level == "municipal"
        assert str(one.agreement_date) == "2026年5月18日"
        assert [field.name_zh for field in one.fields.all()] == ["文化", "教育"]
        assert one.citations.get().quote == "晋中市与测试一市签署建立国际友好城市协议书"
        assert one.stages.get(stage="agreement").citations.count() == 1
        record = one.history.first()
        assert record.history_user == staff
        assert "new-partners.csv" in record.history_change_reason
        two = Relationship.objects.get(foreign_place=partners[1])
        assert two.kind == "friendly"

    def test_a_file_that_turns_bad_before_confirming_writes_nothing(
        self, client, staff, news, partners
    ):
        preview = upload(client, rows())
        partners[1].delete()  # someone removed a partner between preview and confirmation
        before = snapshot()
        response = self.confirm(client, preview)
        assert response.status_code == 302
        assert response["Location"] == reverse("admin:cities_relationship_import")
        assert snapshot() == before
        assert not Relationship.objects.filter(foreign_place=partners[0]).exists()
        messages = [str(m) for m in response.wsgi_request._messages]
        assert any("没有写入任何记录" in m and "2" in m for m in messages)

    def test_the_resource_itself_is_all_or_nothing(self, staff, news, partners):
        table = rows(["晋中市", "不存在市", "友好城市", "存续", "", "", "", "", ""])
        dataset = tablib.Dataset(*table[1:], headers=table[0])
        before = snapshot()
        result = RelationshipResource().import_data(dataset, dry_run=False, user=staff)
        assert result.has_validation_errors()
        assert snapshot() == before

    @pytest.mark.parametrize("notes", ["据新消息补充", ""], ids=["fields-and-links", "links-only"])
    def test_an_imported_row_is_one_change_with_its_links(
        self, client, staff, news, partners, notes
    ):
        """A row that updates a relationship and sets its links (a new citation, fewer
        fields of cooperation) raises its version once and writes one history row, which
        holds the final links."""
        self.confirm(client, upload(client, rows()))
        one = Relationship.objects.get(foreign_place=partners[0])
        version, histories = one.version, one.history.count()
        quote = "同日，晋中市与测试二市签署友好交流协议"
        table = [
            [*HEADERS, "说明"],
            ["晋中市", "测试一市", "友好城市", "存续", "市级", "2026-05-18", "文化" if notes else "文化、教育",
             "test-jinzhong-news", quote, notes],
        ]  # fmt: skip
        preview = upload(client, table, name="update.csv")
        [row] = preview.context["result"].valid_rows()
        assert row.import_type == "update"
        assert Relationship.objects.get(pk=one.pk).version == version  # the preview wrote nothing
        assert self.confirm(client, preview).status_code == 302

        one = Relationship.objects.get(pk=one.pk)
        assert one.version == version + 1
        assert one.history.count() == histories + 1
        assert one.notes == notes
        assert quote in [citation.quote for citation in one.citations.all()]
        latest = one.history.first()
        assert latest.version == one.version
        assert latest.history_user == staff
        assert "update.csv" in latest.history_change_reason
        assert sorted(link.citation.quote for link in latest.citations.all()) == sorted(
            citation.quote for citation in one.citations.all()
        )
        assert latest.fields.count() == one.fields.count() == (1 if notes else 2)

    def test_a_record_changed_after_the_preview_is_not_overwritten(
        self, client, staff, news, partners
    ):
        """The confirmation writes what the preview showed: a record someone changed in
        between is not overwritten, nothing is written, and the page says who changed it."""
        self.confirm(client, upload(client, rows()))
        one = Relationship.objects.get(foreign_place=partners[0])
        table = [[*HEADERS, "说明"], [*rows()[1], "导入的说明"]]
        preview = upload(client, table, name="notes.csv")
        assert [row.import_type for row in preview.context["result"].valid_rows()] == ["update"]

        other = Client()
        other.force_login(office_user("test-import-other", "jinzhong"))
        url = reverse("admin:cities_relationship_change", args=[one.pk])
        data = {**unchanged_post(other.get(url)), "notes": "同事刚补充的说明"}
        assert other.post(url, data).status_code == 302
        before = snapshot(), Relationship.history.count()

        response = self.confirm(client, preview)
        assert response.status_code == 302
        assert response["Location"] == reverse("admin:cities_relationship_import")
        assert (snapshot(), Relationship.history.count()) == before
        assert Relationship.objects.get(pk=one.pk).notes == "同事刚补充的说明"
        messages = " ".join(str(m) for m in response.wsgi_request._messages)
        assert "预览之后，以下记录已被他人修改或删除" in messages
        assert f"“{one}”已被修改" in messages and "test-import-other" in messages

        # A new preview shows the colleague's notes being replaced; confirming it writes.
        self.confirm(client, upload(client, table, name="notes.csv"))
        assert Relationship.objects.get(pk=one.pk).notes == "导入的说明"

    def test_reimporting_the_same_file_changes_nothing(self, client, staff, news, partners):
        self.confirm(client, upload(client, rows()))
        before = snapshot()
        histories = Relationship.history.count()
        preview = upload(client, rows())
        assert [row.import_type for row in preview.context["result"].valid_rows()] == [
            "skip",
            "skip",
        ]
        self.confirm(client, preview)
        assert snapshot() == before
        assert Relationship.history.count() == histories


class TestExport:
    def export(self, client, path, query=""):
        url = reverse(f"admin:{path}_export") + query
        form = client.get(url).context["form"]
        data = {"format": CSV_FORMAT, "resource": "0"}
        data.update(
            {
                name: "on"
                for name, field in form.fields.items()
                if name not in data and field.initial is True
            }
        )
        response = client.post(url, data)
        assert response.status_code == 200, response.context and response.context["form"].errors
        assert response["Content-Type"].startswith("text/csv")
        return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))

    def test_a_filtered_list_exports_only_its_rows(self, client, staff):
        zhenjiang = Place.objects.get(slug="zhenjiang")
        exported = self.export(client, "cities_relationship", f"?chinese_place={zhenjiang.pk}")
        expected = Relationship.objects.filter(
            chinese_place__in=Place.objects.within(zhenjiang)
        ).count()
        assert len(exported) == expected > 0
        assert {row["中方地方"] for row in exported} <= {"镇江市"} | set(
            Place.objects.filter(parent=zhenjiang).values_list("name_zh", flat=True)
        )
        kurashiki = next(row for row in exported if row["外方地方"] == "仓敷市")
        assert kurashiki["签约日期"] == "1997-10"  # at the precision of the source
        assert kurashiki["类别"] == "友好城市"

    def test_every_list_exports(self, client, staff):
        for path in [
            "cities_place", "cities_placealias", "cities_relationshipstage", "cities_reportedfigure",
            "exchanges_exchange", "exchanges_exchangecount", "awards_award", "awards_awardtype",
            "sources_sourcereport", "sources_citation", "cities_cooperationfield",
        ]:  # fmt: skip
            assert self.export(client, path), path

    def test_an_export_reimports_without_changes(self, client, staff):
        jinzhong = Place.objects.get(slug="jinzhong")
        exported = self.export(client, "cities_relationship", f"?chinese_place={jinzhong.pk}")
        table = [list(exported[0].keys())] + [list(row.values()) for row in exported]
        before = snapshot()
        response = upload(client, table)
        result = response.context["result"]
        assert not result.has_validation_errors(), [r.error_dict for r in result.invalid_rows]
        assert {row.import_type for row in result.valid_rows()} == {"skip"}
        assert snapshot() == before
