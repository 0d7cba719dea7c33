"""The relationship and place directories on the loaded registry: filters in the URL
(a Chinese place includes its counties), years at the source's precision, both languages."""

import pytest

from utilities.testing.pages import in_english, page

pytestmark = pytest.mark.django_db


def test_relationship_directory_filters_by_country_and_kind(client):
    body = page(client, "/relationships/?country=JP&kind=sister")
    assert "津市" in body and "仓敷市" in body  # Zhenjiang's Japanese sister cities
    assert "科莫省" not in body  # Italy
    assert "日本" in body
    # The form shows the filter state from the URL.
    assert '<option value="JP" selected>' in body
    assert '<option value="sister" selected>' in body


def test_relationship_directory_chinese_place_includes_counties(client):
    body = page(client, "/relationships/?chinese_place=jinzhong")
    assert "科莫省" in body and "普罗万市" in body  # Provins is Pingyao County's partner
    assert "津市" not in body


def test_relationship_directory_year_range_and_field(client):
    body = page(client, "/relationships/?year_min=1990&year_max=1999")
    assert "仓敷市" in body and "1997年10月" in body  # shown at the source's precision
    assert "津市" not in body
    assert "科莫省" in page(client, "/relationships/?field=tourism")


def test_relationship_directory_in_english(client):
    body = page(client, in_english("/relationships/?country=JP"))
    assert "Relationships" in body
    assert "Kurashiki" in body and "October 1997" in body
    assert "Japan" in body
    assert "Sister city" in body


def test_place_directory(client):
    body = page(client, "/places/?side=foreign&country=IT")
    assert "科莫省" in body and "伦巴第大区" in body
    assert "晋中市" not in body
    body = page(client, in_english("/places/?q=濟南"))
    assert "Jinan" in body
