"""The admin's list of exchanges on the loaded registry: filtered by year and by city."""

import pytest

from cities.models import Place
from exchanges.models import Exchange
from utilities.testing.admin import listed

pytestmark = pytest.mark.django_db


class TestFilters:
    def test_exchanges_by_year_and_city(self, client, staff):
        jinzhong = Place.objects.get(slug="jinzhong")
        results = (
            listed(client, Exchange, year="2019", chinese_place=jinzhong.pk)
            .context["cl"]
            .result_list
        )
        assert results
        assert all(e.start_year == 2019 and e.chinese_place.is_chinese for e in results)
