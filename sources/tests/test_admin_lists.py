"""The admin's list of citations on the loaded registry: a search in simplified characters
finds the quotes of a report kept in traditional ones (Jinan's)."""

import pytest

from sources.models import Citation
from utilities.testing.admin import listed

pytestmark = pytest.mark.django_db


class TestSearch:
    def test_citations_by_simplified_text_of_a_traditional_report(self, client, staff):
        jinan = [
            c for c in Citation.objects.filter(report__slug="jinan-2019-10-18") if "關" in c.quote
        ]
        assert jinan, "the loaded registry quotes Jinan's report in traditional characters"
        word = jinan[0].quote[jinan[0].quote.index("關") : jinan[0].quote.index("關") + 1]
        results = listed(client, Citation, q="关").context["cl"].result_list
        assert word == "關" and any("關" in c.quote for c in results)
