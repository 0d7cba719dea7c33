"""The generic API checks (utilities.testing.api) for source reports and citations."""

from sources.models import Citation, SourceReport
from utilities.testing.api import APITests


class TestSourceReportAPI(APITests):
    model = SourceReport
    list_url = "/api/reports/"
    brief_fields = ["id", "url", "display", "slug", "title", "kind", "kind_display"]
    brief_embedding = ("/api/citations/", "report")
    isolate = {"chinese_place": "test-home-county"}

    def make_record(self, world, index):
        return SourceReport.objects.create(
            slug=f"test-report-{index}",
            title=f"测试县报告{index}",
            chinese_place=world.county,
            published_year=2018,
            text="测试县外事工作概述。",
        )

    def create_data(self, world):
        return {
            "slug": "test-new-report",
            "title": "测试市友城工作新报告",
            "chinese_place": world.home.pk,
            "publisher": "测试市外办",
            "published": "2019-10-30",
            "script": "simplified",
            "source_url": "https://example.org/report",
            "text": "测试市友城工作。",
        }

    def update_data(self, world):
        return {"published": "2019-10", "title": "测试市友城工作报告（修订）"}


class TestCitationAPI(APITests):
    model = Citation
    list_url = "/api/citations/"
    brief_fields = ["id", "url", "display", "quote", "report"]
    brief_embedding = ("/api/relationships/", "citations")
    isolate = {"report": "test-home-report"}

    def make_record(self, world, index):
        if index == 0:
            # The world's own citation already quotes the home report.
            return world.citation
        return Citation.objects.create(report=world.report, quote=f"测试引文{index}")

    def create_data(self, world):
        return {"report": world.report.pk, "quote": "目前测试市有友好城市20多个。", "note": "总数"}

    def update_data(self, world):
        return {"note": "报告所说的总数"}
