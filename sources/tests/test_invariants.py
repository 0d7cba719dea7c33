"""The invariants of citations: a quote must be a passage of its report, and the database
refuses an empty one even when ``clean()`` is skipped."""

from sources.models import Citation
from utilities.testing.validation import assert_refused_by_database, full_clean_error, messages


class TestCitation:
    def test_quote_not_in_report_is_refused(self, wuhan_report):
        citation = Citation(report=wuhan_report, quote="1980年武汉与日本大分市")
        error = full_clean_error(citation)
        assert "引文在报告" in messages(error, "quote")
        assert not Citation.objects.filter(report=wuhan_report).exists()

    def test_verbatim_quote_is_accepted(self, wuhan_report):
        citation = Citation(report=wuhan_report, quote="瑞典博伦厄市自2008年至今")
        citation.full_clean()
        citation.save()
        assert citation.offset > 0

    def test_empty_quote_is_refused_by_database(self, wuhan_report):
        assert_refused_by_database(lambda: Citation.objects.create(report=wuhan_report, quote=""))
