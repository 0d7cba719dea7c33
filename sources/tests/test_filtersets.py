"""The report and citation FilterSets on the loaded registry."""

import pytest

from cities.models import Place
from sources.filtersets import CitationFilterSet, SourceReportFilterSet
from sources.models import SourceReport
from utilities.testing.filtersets import FilterSetTests, covers, refused, run

pytestmark = pytest.mark.django_db


def reports(**params):
    return set(run(SourceReportFilterSet, **params).values_list("slug", flat=True))


class TestSourceReportFilterSet(FilterSetTests):
    """Reports: one test per filter; malformed values of both FilterSets."""

    filterset = SourceReportFilterSet

    def test_q_matches_the_city_in_any_script_and_the_title(self):
        assert reports(q="濟南") == {"jinan-2019-10-18"}
        assert reports(q="jinzhong") == {"jinzhong-2019-10-30"}
        assert "wuhan-2017-09-15" in reports(q="国际友好城市交流工作概述")

    @covers("chinese_place_id")
    def test_chinese_place_includes_the_places_inside_it(self):
        shenyang = Place.objects.get(slug="shenyang")
        assert reports(chinese_place="shenyang") == {"shenyang-2022-10-19"}
        assert reports(chinese_place_id=shenyang.pk) == {"shenyang-2022-10-19"}
        # Liaoning's filter includes Shenyang's report, as every chinese_place filter does.
        assert shenyang.parent.slug == "liaoning"
        assert reports(chinese_place="liaoning") == {"shenyang-2022-10-19"}

    def test_script(self):
        assert reports(script="traditional") == {"jinan-2019-10-18"}

    def test_kind(self):
        five = {report.slug for report in SourceReport.objects.all()}
        assert reports(kind="municipal_report") == five
        roll = SourceReport.objects.first()
        roll.kind = "national_roll"
        roll.save()
        assert reports(kind="national_roll") == {roll.slug}
        assert reports(kind=["national_roll", "municipal_report"]) == five

    @covers("year_min", "year_max")
    def test_year_range_on_publication(self):
        assert reports(year_min=2019, year_max=2019) == {"jinan-2019-10-18", "jinzhong-2019-10-30"}
        assert reports(year_max=2017) == {"wuhan-2017-09-15"}

    @pytest.mark.parametrize(
        "filterset_class, params, field",
        [
            (SourceReportFilterSet, {"chinese_place": "como-province"}, "chinese_place"),
            (SourceReportFilterSet, {"script": "cursive"}, "script"),
            (SourceReportFilterSet, {"kind": "pamphlet"}, "kind"),
            (SourceReportFilterSet, {"year_min": "late"}, "year_min"),
            (CitationFilterSet, {"report": "nope"}, "report"),
            (CitationFilterSet, {"report_id": "-3"}, "report_id"),
        ],
    )
    def test_malformed_values_are_validation_errors(self, filterset_class, params, field):
        assert field in refused(filterset_class, **params)


class TestCitationFilterSet(FilterSetTests):
    """Citations: by report (slug or id) and ``q`` over the quote."""

    filterset = CitationFilterSet

    @covers("report_id", "q")
    def test_report_and_q(self):
        jinzhong = SourceReport.objects.get(slug="jinzhong-2019-10-30")
        quotes = list(
            run(CitationFilterSet, report=jinzhong.slug, q="科莫").values_list("quote", flat=True)
        )
        assert quotes and all("科莫" in quote for quote in quotes)
        assert run(CitationFilterSet, report_id=jinzhong.pk).count() == jinzhong.citations.count()
