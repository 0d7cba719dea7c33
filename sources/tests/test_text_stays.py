"""Report texts and quotes stay byte for byte on every write path: a report pasted with
Windows line endings is stored with LF, a multi-line quote copied from it is accepted,
whitespace between a quote's characters does not matter (the report's exact passage is
stored), a quote that is not there is answered with the nearest passage, and an edit of a
report's text that would lose quotes is refused with the quotes and the records citing
them (quotes that are only re-spaced follow the text)."""

import unicodedata
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation

from cities.models import Place, Relationship
from sources.models import Citation, SourceReport
from tests.builders import office_user
from utilities.testing.admin import admin_url, change_url, form_data
from utilities.text import normalise_text

pytestmark = pytest.mark.django_db

# A report as a Windows clipboard gives it: CRLF line endings, a space before one of them.
PASTED = (
    "晋中市外办2026年工作简报\r\n"
    "今年3月，晋中市代表团访问意大利科莫省，双方签署了\r\n"
    "《职业教育合作备忘录》。 \r\n"
    "两市将在文化旅游领域开展交流。"
)
STORED = (
    "晋中市外办2026年工作简报\n"
    "今年3月，晋中市代表团访问意大利科莫省，双方签署了\n"
    "《职业教育合作备忘录》。\n"
    "两市将在文化旅游领域开展交流。"
)
JINZHONG_REPORT = "jinzhong-2019-10-30"
CITED_QUOTE = "县级1对,平遥县与法国普罗万市"


@pytest.fixture
def staff(client):
    client.force_login(office_user("test-text-staff", "jinzhong"))
    return client


@pytest.fixture
def jinzhong():
    return Place.objects.get(slug="jinzhong")


def report_data(jinzhong, text, slug="test-jz-2026-brief"):
    return {
        "slug": slug,
        "title": "晋中市外办2026年工作简报",
        "chinese_place": jinzhong.pk,
        "kind": "municipal_report",
        "script": "simplified",
        "text": text,
    }


def errors_of(response, field):
    return [str(message) for message in response.context["adminform"].form.errors.get(field, [])]


class TestAdmin:
    def test_a_report_pasted_with_windows_line_endings_is_stored_with_lf(self, staff, jinzhong):
        response = staff.post(admin_url(SourceReport, "add"), report_data(jinzhong, PASTED))
        assert response.status_code == 302
        report = SourceReport.objects.get(slug="test-jz-2026-brief")
        assert report.text == STORED
        # Saved unchanged from its change page, it stays as it is.
        page = staff.get(change_url(report))
        assert page.status_code == 200
        data = form_data(page)
        data["text"] = data["text"].replace("\n", "\r\n")  # as a browser submits a textarea
        assert staff.post(change_url(report), data).status_code == 302
        report.refresh_from_db()
        assert report.text == STORED

    def test_a_multi_line_quote_copied_from_the_report_is_accepted(self, staff, jinzhong):
        report = SourceReport.objects.create(
            slug="test-jz-2026-brief", title="简报", chinese_place=jinzhong, text=STORED
        )
        # Two lines of the report, as the browser submits the textarea: with CRLF.
        typed = "双方签署了\r\n《职业教育合作备忘录》。"
        response = staff.post(admin_url(Citation, "add"), {"report": report.pk, "quote": typed})
        assert response.status_code == 302, errors_of(response, "quote")
        citation = Citation.objects.get(report=report)
        assert citation.quote == "双方签署了\n《职业教育合作备忘录》。"
        assert citation.offset == STORED.index("双方签署了")

    def test_a_quote_typed_without_the_line_break_keeps_the_reports_passage(self, staff, jinzhong):
        report = SourceReport.objects.create(
            slug="test-jz-2026-brief", title="简报", chinese_place=jinzhong, text=STORED
        )
        typed = "双方签署了《职业教育合作备忘录》"
        response = staff.post(admin_url(Citation, "add"), {"report": report.pk, "quote": typed})
        assert response.status_code == 302, errors_of(response, "quote")
        # The stored citation is the report's exact passage, line break included.
        assert Citation.objects.get(report=report).quote == "双方签署了\n《职业教育合作备忘录》"

    def test_a_quote_not_found_shows_the_nearest_passage(self, staff):
        report = SourceReport.objects.get(slug=JINZHONG_REPORT)
        before = Citation.objects.count()
        typed = "目前晋中市已与六个国际城市建立了友好城市关系"  # "六" for the report's "6"
        response = staff.post(admin_url(Citation, "add"), {"report": report.pk, "quote": typed})
        assert response.status_code == 200
        errors = errors_of(response, "quote")
        assert errors[0] == f"引文在报告《{report.title}》中找不到。"
        assert errors[1] == (
            "报告中最接近的原文是：“目前晋中市已与6个国际城市建立了友好城市关系”。"
            "请对照原文修改引文。"
        )
        assert Citation.objects.count() == before

    def test_the_hint_is_english_in_english(self, staff):
        report = SourceReport.objects.get(slug=JINZHONG_REPORT)
        typed = "目前晋中市已与六个国际城市建立了友好城市关系"
        response = staff.post(
            admin_url(Citation, "add"),
            {"report": report.pk, "quote": typed},
            HTTP_ACCEPT_LANGUAGE="en",
        )
        with translation.override("en"):
            errors = errors_of(response, "quote")
        assert errors[1].startswith("The nearest passage of the report is: “目前晋中市已与6个")

    def test_an_edit_that_would_orphan_a_quote_is_refused_with_the_list(self, staff):
        report = SourceReport.objects.get(slug=JINZHONG_REPORT)
        original = report.text
        citation = Citation.objects.get(report=report, quote=CITED_QUOTE)
        citing = list(citation.relationships.all())
        assert citing, "the fixture quote supports a relationship"
        page = staff.get(change_url(report))
        data = form_data(page)
        data["text"] = original.replace(";" + CITED_QUOTE, "")
        response = staff.post(change_url(report), data)
        assert response.status_code == 200
        errors = errors_of(response, "text")
        assert errors[0].startswith("修改后的全文中找不到以下 1 条引文，因此不能保存。")
        assert errors[1].startswith(f"引文“{CITED_QUOTE}”，被以下记录引用：")
        for relationship in citing:
            assert str(relationship) in errors[1]
        report.refresh_from_db()
        assert report.text == original

    def test_an_edit_that_only_respaces_a_quote_moves_it(self, staff, client):
        report = SourceReport.objects.get(slug=JINZHONG_REPORT)
        citation = Citation.objects.get(report=report, quote=CITED_QUOTE)
        page = staff.get(change_url(report))
        data = form_data(page)
        # The editor breaks the line inside the quote.
        data["text"] = report.text.replace("平遥县与法国", "平遥县与\r\n法国")
        response = staff.post(change_url(report), data)
        assert response.status_code == 302
        citation.refresh_from_db()
        assert citation.quote == "县级1对,平遥县与\n法国普罗万市"
        assert citation.quote in SourceReport.objects.get(pk=report.pk).text
        assert citation.relationships.exists()
        public = client.get(report.get_absolute_url()).content.decode()
        assert "这段引文在报告中找不到" not in public


class TestAPI:
    def test_a_report_and_a_multi_line_quote_written_with_lf(self, insider, world):
        text = "测试市外办简报\r\n测试市与测试甲市签署了\r\n《友好交流意向书》。  \r\n"
        response = insider.post(
            "/api/reports/",
            {
                "slug": "test-api-brief",
                "title": "测试市外办简报",
                "chinese_place": world.home.pk,
                "script": "simplified",
                "text": text,
            },
            format="json",
        )
        assert response.status_code == 201, response.json()
        assert (
            response.json()["text"]
            == "测试市外办简报\n测试市与测试甲市签署了\n《友好交流意向书》。\n"
        )
        report = SourceReport.objects.get(slug="test-api-brief")
        response = insider.post(
            "/api/citations/",
            {"report": report.pk, "quote": "签署了\n《友好交流意向书》"},
            format="json",
        )
        assert response.status_code == 201, response.json()
        assert response.json()["quote"] == "签署了\n《友好交流意向书》"
        assert response.json()["offset"] == report.text.index("签署了")

    def test_a_quote_with_other_whitespace_is_stored_as_the_reports_passage(self, insider, world):
        response = insider.post(
            "/api/citations/",
            {"report": world.report.pk, "quote": "测试市与日本 测试甲市\n于2016年10月28日"},
            format="json",
        )
        assert response.status_code == 201, response.json()
        assert response.json()["quote"] == "测试市与日本测试甲市于2016年10月28日"
        assert response.json()["offset"] >= 0

    def test_a_quote_not_found_shows_the_nearest_passage(self, insider, world):
        response = insider.post(
            "/api/citations/",
            {"report": world.report.pk, "quote": "测试市与日本测试甲市于2017年10月28日缔结"},
            format="json",
        )
        assert response.status_code == 400
        messages = response.json()["quote"]
        assert messages[0] == f"引文在报告《{world.report.title}》中找不到。"
        assert "测试市与日本测试甲市于2016年10月28日缔结" in messages[1]

    def test_an_edit_that_would_orphan_a_quote_is_refused_with_the_list(self, insider, world):
        original = world.report.text
        new_text = original.replace(world.citation.quote, "测试市与日本测试甲市签约")
        response = insider.patch(
            f"/api/reports/{world.report.pk}/", {"text": new_text}, format="json"
        )
        assert response.status_code == 400
        messages = response.json()["text"]
        assert messages[0].startswith("修改后的全文中找不到以下 1 条引文")
        assert f"引文“{world.citation.quote}”" in messages[1]
        assert str(world.relationship) in messages[1]
        world.report.refresh_from_db()
        assert world.report.text == original

    def test_an_unchanged_text_sent_with_crlf_is_no_edit(self, insider, world):
        original = world.report.text
        response = insider.patch(
            f"/api/reports/{world.report.pk}/",
            {"text": original.replace("\n", "\r\n")},
            format="json",
        )
        assert response.status_code == 200
        world.report.refresh_from_db()
        assert world.report.text == original


class TestEveryOtherPath:
    def test_an_orm_save_normalises(self, jinzhong):
        decomposed = unicodedata.normalize("NFD", "Malmö 市长来访 \r\n次日返回")
        report = SourceReport.objects.create(
            slug="test-orm", title="ORM", chinese_place=jinzhong, text=decomposed
        )
        report.refresh_from_db()
        assert report.text == "Malmö 市长来访\n次日返回"
        assert unicodedata.is_normalized("NFC", report.text)
        citation = Citation.objects.create(report=report, quote=" 市长来访\r\n次日 ")
        citation.refresh_from_db()
        assert citation.quote == "市长来访\n次日"

    def test_full_clean_refuses_an_orphaning_edit(self, world):
        world.report.text = "测试报告全文已替换。"
        with pytest.raises(ValidationError) as refused:
            world.report.full_clean()
        assert "text" in refused.value.message_dict


def fixture_quotes():
    """Every citation quote in the fixtures, with its report's slug."""
    directory = Path(settings.REGISTRY_FIXTURES_DIR)
    slugs, quotes = {}, []
    for path in sorted(directory.glob("*.yaml")):
        for record in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            if record["model"] == "sources.sourcereport":
                slugs[record["pk"]] = record["fields"]["slug"]
            elif record["model"] == "sources.citation":
                quotes.append((record["fields"]["report"], record["fields"]["quote"]))
    return [(slugs.get(report, report), quote) for report, quote in quotes]


def test_the_five_fixture_reports_and_their_quotes_are_unchanged_by_the_normaliser():
    """The loader reads the reports byte for byte; the normaliser leaves them (and every
    fixture quote) as they are, so a reload finds nothing changed and every quote still
    stands in its report."""
    directory = Path(settings.REGISTRY_FIXTURES_DIR) / "reports"
    texts = {}
    for path in sorted(directory.glob("*.txt")):
        with open(path, encoding="utf-8", newline="") as handle:
            texts[path.stem] = handle.read()
        assert normalise_text(texts[path.stem]) == texts[path.stem], path.name
    assert len(texts) == 5
    quotes = fixture_quotes()
    assert quotes
    for slug, quote in quotes:
        assert normalise_text(quote, strip=True) == quote
        assert quote in texts.get(slug, ""), (slug, quote)


def test_loaded_reports_are_stored_as_the_files_have_them():
    directory = Path(settings.REGISTRY_FIXTURES_DIR) / "reports"
    for path in sorted(directory.glob("*.txt")):
        with open(path, encoding="utf-8", newline="") as handle:
            assert SourceReport.objects.get(slug=path.stem).text == handle.read()


def test_a_relationship_keeps_citing_a_moved_quote(world):
    """Re-anchoring changes the quote, not which records cite it."""
    world.report.text = world.report.text.replace("测试甲市于", "测试甲市\n于")
    world.report.save()
    world.citation.refresh_from_db()
    assert world.citation.quote in world.report.text
    assert "\n" in world.citation.quote
    assert list(Relationship.objects.filter(citations=world.citation)) == [world.relationship]
