"""The reports' list is paged: each of its sorts ends with a key no two reports share, so a
report between two tied on the sort's other keys (one city's reports of one year) is on
exactly one page."""

import pytest

from sources.models import SourceReport
from sources.views import SourceReportListView


@pytest.mark.parametrize("sort", list(SourceReportListView.sort_options))
def test_every_sort_of_the_reports_ends_with_a_unique_key(sort):
    _label, fields = SourceReportListView.sort_options[sort]
    last = fields[-1]
    assert last == "pk" or SourceReport._meta.get_field(last).unique
