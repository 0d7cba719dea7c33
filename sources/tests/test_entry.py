"""From a report's passage to a cited record, through the admin (Django test client, real
database): registering a report in one step (pasted or uploaded, duplicates refused),
citing the exact selected span in the reader, the forms a passage opens prefilled, what is
left to enter, and the office rule on each of these."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from awards.models import AwardType
from cities.models import Place, Relationship, RelationshipStage, ReportedFigure
from exchanges.models import Exchange, ExchangeCount
from sources.models import Citation, SourceReport
from sources.reading import whats_left
from tests.builders import office_user

REPORT = (
    "晋中市外事办公室2026年友城工作简报\n"
    "\n"
    "今年3月，晋中市与法国维希市签署《缔结友好城市关系协议书》，两市正式结为国际友好城市。\n"
    "今年5月，维希市代表团一行约30人来访，双方互派1—2个青年团。\n"
    "截至今年9月，晋中市已与20多个国家的城市建立友好关系。\n"
    "2025年，维希市获得“对华友好城市交流合作奖”。\n"
)
pytestmark = pytest.mark.django_db

SENTENCES = [line for line in REPORT.splitlines()[2:] if line]


@pytest.fixture
def jinzhong(db):
    return Place.objects.get(slug="jinzhong")


@pytest.fixture
def vichy(db):
    return Place.objects.create(
        slug="test-vichy", name_zh="维希市", name_en="Vichy", level="city", country="FR"
    )


@pytest.fixture
def report(jinzhong):
    return SourceReport.objects.create(
        slug="test-jinzhong-2026",
        title="晋中市外事办公室2026年友城工作简报",
        chinese_place=jinzhong,
        published_year=2026,
        published_month=10,
        text=REPORT,
    )


def add_form_data(**extra):
    data = {
        "title": "晋中市外事办公室2026年友城工作简报",
        "title_en": "Jinzhong Foreign Affairs Office: partner-city work in 2026",
        "slug": "",
        "chinese_place": Place.objects.get(slug="jinzhong").pk,
        "publisher": "晋中市外事办公室",
        "script": "simplified",
        "kind": "municipal_report",
        "url": "",
        "published_year": "2026",
        "published_month": "10",
        "published_day": "",
        "text": REPORT.replace("\n", "\r\n"),
        "notes": "",
        "change_reason": "",
    }
    data.update(extra)
    return data


ADD = "/admin/sources/sourcereport/add/"


def errors_of(response):
    form = response.context["adminform"].form
    return {name: [str(e) for e in errors] for name, errors in form.errors.items()}


def test_an_office_registers_its_report_in_one_step(client, staff, jinzhong):
    response = client.post(ADD, add_form_data())
    assert response.status_code == 302, errors_of(response)
    report = SourceReport.objects.get(title="晋中市外事办公室2026年友城工作简报")
    assert report.text == REPORT  # CRLF became LF
    assert report.slug == "jinzhong-2026-10"  # made from the city and the date
    assert report.title_en.startswith("Jinzhong Foreign Affairs Office")
    assert report.chinese_place == jinzhong
    assert report.history.get().history_user == staff


def test_an_uploaded_text_file_in_gb18030_gives_the_text(client, staff):
    upload = SimpleUploadedFile("report.txt", REPORT.encode("gb18030"), "text/plain")
    response = client.post(ADD, add_form_data(text="", upload=upload))
    assert response.status_code == 302, errors_of(response)
    assert SourceReport.objects.get(slug="jinzhong-2026-10").text == REPORT


def docx(paragraphs):
    """A minimal Word document, as Word writes its body: one w:p per paragraph."""
    body = "".join(
        f'<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>' for text in paragraphs
    )
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    )
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", xml)
    return data.getvalue()


def test_an_uploaded_docx_gives_its_paragraphs_as_lines(client, staff):
    upload = SimpleUploadedFile("report.docx", docx(REPORT.splitlines()))
    response = client.post(ADD, add_form_data(text="", upload=upload))
    assert response.status_code == 302, errors_of(response)
    assert SourceReport.objects.get(slug="jinzhong-2026-10").text == REPORT.rstrip("\n")


def test_an_unreadable_upload_and_no_text_are_refused_with_a_message(client, staff):
    upload = SimpleUploadedFile("report.pdf", b"%PDF-1.4")
    errors = errors_of(client.post(ADD, add_form_data(text="", upload=upload)))
    assert ".docx" in errors["upload"][0]
    errors = errors_of(client.post(ADD, add_form_data(text="")))
    assert "粘贴报告全文" in errors["text"][0]
    assert not SourceReport.objects.filter(slug__startswith="jinzhong-2026").exists()


def test_the_same_text_is_refused_naming_the_report_that_holds_it(client, staff, report):
    # The same report pasted again, with other line breaks and spaces.
    text = REPORT.replace("\n", " \r\n ").replace("，", "， ")
    errors = errors_of(client.post(ADD, add_form_data(title="另一个标题", text=text)))
    assert errors["text"] == [
        "这份全文已登记为报告《晋中市外事办公室2026年友城工作简报》（test-jinzhong-2026）："
        "同一份报告不必再登记。"
    ]
    assert not SourceReport.objects.filter(title="另一个标题").exists()


def test_the_same_city_date_and_title_are_refused(client, staff, report):
    errors = errors_of(client.post(ADD, add_form_data(text="另一份全文。")))
    assert "test-jinzhong-2026" in errors["title"][0]
    assert SourceReport.objects.filter(title=report.title).count() == 1


def test_the_duplicate_rule_holds_on_the_api(report):
    from tests.builders import token_client

    client = token_client(office_user("test-jz-api", "jinzhong"))
    response = client.post(
        "/api/reports/",
        {
            "slug": "test-again",
            "title": "重复",
            "chinese_place": report.chinese_place_id,
            "text": REPORT,
        },
        format="json",
    )
    assert response.status_code == 400
    assert "test-jinzhong-2026" in str(response.json()["errors"]["text"])


def test_an_office_cannot_register_a_report_for_another_city(client, staff):
    wuhan = Place.objects.get(slug="wuhan")
    response = client.post(ADD, add_form_data(chinese_place=wuhan.pk))
    assert response.status_code == 200
    assert "chinese_place" in errors_of(response)
    assert not SourceReport.objects.filter(chinese_place=wuhan, title__contains="晋中").exists()


# The reader: citing by selection ---------------------------------------------------------


def cite(client, report, start, end):
    return client.post(
        reverse("admin:sources_sourcereport_cite", args=[report.pk]), {"start": start, "end": end}
    )


def test_a_selection_becomes_a_citation_of_the_exact_stored_span(client, staff, report):
    start = REPORT.index("今年5月")
    end = REPORT.index("青年团。") + len("青年团。")
    # A selection that runs on into the line break keeps the passage without it.
    response = cite(client, report, start, end + 1)
    citation = Citation.objects.get(report=report)
    assert citation.quote == REPORT[start:end]
    assert response.status_code == 302
    assert response["Location"].endswith(f"?citation={citation.pk}#passage")
    # Selecting it again reuses the citation.
    cite(client, report, start, end)
    assert Citation.objects.filter(report=report).count() == 1
    # The reader shows it highlighted and offers the forms it can fill.
    page = client.get(response["Location"]).content.decode()
    assert f'<mark data-citations="{citation.pk}">{citation.quote}</mark>' in page
    # What the parser reads is shown before any form is opened.
    assert "<dt>日期</dt><dd>2026年5月</dd>" in page
    assert "<dt>数字</dt><dd>约30人、1—2个</dd>" in page
    for name in ("relationship", "relationshipstage", "exchange", "award", "reportedfigure"):
        assert f"?passage={citation.pk}" in page and f'data-record="{name}"' in page


@pytest.mark.parametrize(("start", "end"), [(5, 5), (10, 2), (-1, 3), (0, 10**6), ("a", "b")])
def test_a_bad_selection_creates_nothing(client, staff, report, start, end):
    cite(client, report, start, end)
    assert not Citation.objects.filter(report=report).exists()


def test_another_office_reads_the_report_but_cannot_cite_it(client, report):
    client.force_login(office_user("test-wuhan-clerk", "wuhan"))
    reader = client.get(reverse("admin:sources_sourcereport_read", args=[report.pk]))
    assert reader.status_code == 200
    assert 'id="cite-form"' not in reader.content.decode()
    assert "只能修改本市及下辖地方的记录" in reader.content.decode()
    assert cite(client, report, 0, 10).status_code == 403
    assert not Citation.objects.filter(report=report).exists()


# Record from this passage -----------------------------------------------------------------


def passage(report, first, last=None):
    start = REPORT.index(first)
    end = REPORT.index(last or "。", start) + len(last or "。")
    return Citation.objects.create(report=report, quote=REPORT[start:end])


def initial(client, path, citation):
    response = client.get(f"{path}?passage={citation.pk}")
    assert response.status_code == 200
    return response


def test_a_relationship_form_opens_prefilled_with_its_stage(client, staff, report, vichy):
    citation = passage(report, "今年3月")
    response = initial(client, "/admin/cities/relationship/add/", citation)
    form = response.context["adminform"].form
    assert form.initial["chinese_place"] == report.chinese_place_id
    assert form.initial["foreign_place"] == vichy.pk
    assert form.initial["kind"] == "sister"
    assert form.initial["stage"] == "active"
    assert form.initial["citations"] == [citation.pk]
    stages = response.context["inline_admin_formsets"][0].formset
    assert stages.forms[0].initial == {
        "stage": "agreement",
        "date_year": 2026,
        "date_month": 3,
        "date_day": None,
        "document": "《缔结友好城市关系协议书》",
        "citations": [citation.pk],
    }
    assert "已按所选原文预填" in response.content.decode()
    # Nothing was saved by opening the form.
    assert not Relationship.objects.filter(foreign_place=vichy).exists()


def test_a_place_the_registry_lacks_is_offered_for_creation(client, staff, report):
    citation = passage(report, "今年3月")
    page = initial(client, "/admin/cities/relationship/add/", citation).content.decode()
    assert "原文中的“维希市”不在登记册中" in page
    assert "/admin/cities/place/add/?name_zh=%E7%BB%B4%E5%B8%8C%E5%B8%82&amp;country=FR" in page


def test_a_stage_form_finds_the_relationship(client, staff, report, vichy, jinzhong):
    relationship = Relationship.objects.create(
        chinese_place=jinzhong, foreign_place=vichy, kind="sister", stage="active"
    )
    citation = passage(report, "今年3月")
    form = (
        initial(client, "/admin/cities/relationshipstage/add/", citation).context["adminform"].form
    )
    assert form.initial["relationship"] == relationship.pk
    assert (form.initial["stage"], form.initial["date_year"], form.initial["date_month"]) == (
        "agreement",
        2026,
        3,
    )


def test_an_exchange_form_opens_with_its_counts(client, staff, report, vichy, jinzhong):
    relationship = Relationship.objects.create(
        chinese_place=jinzhong, foreign_place=vichy, kind="sister", stage="active"
    )
    citation = passage(report, "今年5月")
    response = initial(client, "/admin/exchanges/exchange/add/", citation)
    form = response.context["adminform"].form
    assert form.initial["kind"] == "delegation"
    assert form.initial["relationship"] == relationship.pk
    assert (form.initial["start_year"], form.initial["start_month"]) == (2026, 5)
    assert form.initial["title_zh"] == "维希市代表团一行约30人来访"
    counts = next(
        f.formset
        for f in response.context["inline_admin_formsets"]
        if f.formset.model is ExchangeCount
    )
    assert [row.initial for row in counts.forms] == [
        {"value": 30, "value_max": None, "qualifier": "about", "unit_zh": "人"},
        {"value": 1, "value_max": 2, "qualifier": "exact", "unit_zh": "个青年团"},
    ]


def test_a_figure_form_reads_the_approximate_total(client, staff, report):
    citation = passage(report, "截至今年9月")
    form = initial(client, "/admin/cities/reportedfigure/add/", citation).context["adminform"].form
    assert form.initial["metric"] == "countries"
    assert (form.initial["value"], form.initial["qualifier"]) == (20, "odd")
    assert (form.initial["as_of_year"], form.initial["as_of_month"]) == (2026, 9)


def test_an_award_form_matches_the_known_award_type(client, staff, report, vichy):
    citation = passage(report, "2025年，")
    form = initial(client, "/admin/awards/award/add/", citation).context["adminform"].form
    assert form.initial["award_type"] == AwardType.objects.get(name_zh="对华友好城市交流合作奖").pk
    assert (form.initial["recipient_kind"], form.initial["place"]) == ("place", vichy.pk)
    assert form.initial["conferred_year"] == 2025


# What's left ------------------------------------------------------------------------------


def test_whats_left_until_every_sentence_and_figure_is_recorded(report, vichy, jinzhong):
    left = whats_left(report)
    assert [s.text for s in left.sentences] == SENTENCES  # the title line is not a sentence
    assert [q.text for q, _s in left.figures] == ["约30人", "1—2个", "20多个"]
    assert not left.done

    first, second, third, fourth = (passage(report, s[:6]) for s in SENTENCES)
    relationship = Relationship.objects.create(
        chinese_place=jinzhong, foreign_place=vichy, kind="sister", stage="active"
    )
    relationship.citations.set([first])
    stage = RelationshipStage.objects.create(
        relationship=relationship, stage="agreement", date_year=2026, date_month=3
    )
    stage.citations.set([first])
    left = whats_left(report)
    assert [s.text for s in left.sentences] == []
    # Cited but not yet recorded.
    assert left.unused == [second, third, fourth]

    exchange = Exchange.objects.create(
        title_zh="维希市代表团来访", kind="delegation", chinese_place=jinzhong
    )
    exchange.citations.set([second])
    exchange.counts.create(value=30, qualifier="about", unit_zh="人")
    left = whats_left(report)
    # The range 1—2 is not recorded yet.
    assert [q.text for q, _s in left.figures] == ["1—2个", "20多个"]
    exchange.counts.create(value=1, value_max=2, unit_zh="个青年团")
    figure = ReportedFigure.objects.create(
        chinese_place=jinzhong, metric="countries", value=20, qualifier="odd"
    )
    figure.citations.set([third])
    award = vichy.awards.create(
        award_type=AwardType.objects.get(name_zh="对华友好城市交流合作奖"),
        chinese_place=jinzhong,
        recipient_kind="place",
        conferred_year=2025,
    )
    award.citations.set([fourth])
    assert whats_left(report).done


def test_the_dashboard_links_each_report_to_whats_left(client, staff, report):
    page = client.get(reverse("office-dashboard")).content.decode()
    assert reverse("admin:sources_sourcereport_left", args=[report.pk]) in page
    assert "尚余 7 项" in page  # 4 sentences and 3 figures
    left = client.get(reverse("admin:sources_sourcereport_left", args=[report.pk]))
    assert "还有 7 项尚未录入" in left.content.decode()


def test_the_reader_and_whats_left_make_the_same_queries_for_one_citation_or_many(
    client, staff, report, vichy, jinzhong
):
    from utilities.testing.queries import count_queries

    urls = [
        reverse("admin:sources_sourcereport_read", args=[report.pk]),
        reverse("admin:sources_sourcereport_left", args=[report.pk]),
    ]
    first = passage(report, SENTENCES[0][:6])
    relationship = Relationship.objects.create(
        chinese_place=jinzhong, foreign_place=vichy, kind="sister", stage="active"
    )
    relationship.citations.set([first])
    # An exchange from the start: its counts are fetched once whatever their number.
    exchange = Exchange.objects.create(title_zh="交流", kind="event", chinese_place=jinzhong)
    exchange.citations.set([first])
    for url in urls:
        client.get(url)
    few = [count_queries(client, url)[0] for url in urls]
    for sentence in SENTENCES[1:]:
        citation = passage(report, sentence[:6])
        exchange = Exchange.objects.create(
            title_zh=sentence[:10], kind="event", chinese_place=jinzhong
        )
        exchange.citations.set([citation])
        exchange.counts.create(value=1, unit_zh="个")
        relationship.citations.add(citation)
    many = [count_queries(client, url)[0] for url in urls]
    assert many == few


def test_the_english_title_is_shown_in_english_and_given_by_the_api(client, report):
    report.title_en = "Jinzhong: partner-city work in 2026"
    report.save()
    chinese = client.get(report.get_absolute_url()).content.decode()
    assert f"<h1>{report.title}</h1>" in chinese
    english = client.get("/en" + report.get_absolute_url()).content.decode()
    assert "<h1>Jinzhong: partner-city work in 2026</h1>" in english
    api = client.get(f"/api/reports/{report.pk}/").json()
    assert api["title_en"] == "Jinzhong: partner-city work in 2026"


def test_a_prefilled_form_saves_what_it_shows_and_returns_to_the_passage(client, staff, report):
    from utilities.testing.admin import form_data

    citation = passage(report, "截至今年9月")
    url = f"/admin/cities/reportedfigure/add/?passage={citation.pk}"
    data = form_data(client.get(url))
    data["_save"] = "1"
    response = client.post(url, data)
    assert response.status_code == 302
    reader = reverse("admin:sources_sourcereport_read", args=[report.pk])
    assert response["Location"] == f"{reader}?citation={citation.pk}#passage"
    figure = ReportedFigure.objects.get(citations=citation)
    assert (figure.metric, figure.value, figure.qualifier) == ("countries", 20, "odd")
    assert (figure.as_of_year, figure.as_of_month, figure.chinese_place) == (
        2026,
        9,
        report.chinese_place,
    )
    assert figure.history.get().history_user == staff
