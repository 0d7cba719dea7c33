"""An API list asked for without any of its filters is its whole queryset: the filter
backend makes no FilterSet (``RegistryFilterSet.whole_when_unasked``). That holds only for
a FilterSet that filters nothing when asked nothing; this checks every one."""

import pytest
from django.http import QueryDict

from tests.test_kept_filter_forms import registry_filtersets
from utilities.filtersets import RegistryFilterSet

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("filterset", registry_filtersets(), ids=lambda cls: cls.__name__)
def test_a_filterset_asked_nothing_filters_nothing_unless_it_says_so(filterset):
    everything = filterset._meta.model._default_manager.all()
    unasked = filterset(QueryDict(), queryset=everything).qs
    assert (str(unasked.query) == str(everything.query)) == filterset.whole_when_unasked


@pytest.fixture
def filtersets_made(monkeypatch):
    made = []
    init = RegistryFilterSet.__init__

    def counted(self, *args, **kwargs):
        made.append(type(self).__name__)
        init(self, *args, **kwargs)

    monkeypatch.setattr(RegistryFilterSet, "__init__", counted)
    return made


def test_an_unfiltered_api_list_makes_no_filterset(client, filtersets_made):
    unfiltered = client.get("/api/exchanges/", {"limit": 5})
    assert unfiltered.status_code == 200
    assert filtersets_made == []
    filtered = client.get("/api/exchanges/", {"limit": 5, "kind": "delegation"})
    assert filtered.status_code == 200
    assert filtersets_made == ["ExchangeFilterSet"]
    assert filtered.json()["count"] < unfiltered.json()["count"]


def test_a_list_that_filters_by_default_still_does(client, filtersets_made):
    answer = client.get("/api/notices/")
    assert answer.status_code == 200
    assert filtersets_made == ["NoticeFilterSet"]
