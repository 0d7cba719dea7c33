"""A report's page, in Chinese and English, on the loaded registry: its whole text as
received, every cited passage highlighted and linked to the records that cite it."""

import re

import pytest

from sources.models import Citation, SourceReport
from utilities.testing.pages import in_english, page

pytestmark = pytest.mark.django_db


def test_report_page_highlights_every_cited_passage_and_links_to_the_records(client):
    report = SourceReport.objects.get(slug="jinzhong-2019-10-30")
    body = page(client, report.get_absolute_url())
    text = body[body.index('class="report-text"') : body.index("</section>")]
    marked = "".join(re.findall(r"<mark>(.*?)</mark>", text, re.S))
    for citation in report.citations.all():
        assert f'id="citation-{citation.pk}"' in text
        assert f'href="#records-{citation.pk}"' in text
        # every character of the quote is highlighted (quotes may overlap)
        assert all(char in marked for char in set(citation.quote))
    records = body[body.index('class="cited"') :]
    como = report.citations.get(quote__startswith="10月28日")
    entry = records[records.index(f'id="records-{como.pk}"') :]
    entry = entry[: entry.index("</li>\n    \n")] if "</li>\n    \n" in entry else entry
    assert "/relationships/" in entry  # the relationship that cites it


def test_traditional_report_keeps_its_text_and_glosses(client):
    body = page(client, "/reports/jinan-2019-10-18/")
    assert "濟(jì)南" in body
    assert "<mark>" in body
    assert Citation.objects.filter(report__slug="jinan-2019-10-18").exists()


def test_report_page_in_english(client):
    body = page(client, in_english("/reports/wuhan-2017-09-15/"))
    assert "Full text of the report" in body and "Citations and records" in body
    assert "15 September 2017" in body
    assert "1979年武汉与日本大分市" in body  # the text stays as received
