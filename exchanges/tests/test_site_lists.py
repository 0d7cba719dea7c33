"""The exchange directory on the loaded registry, in Chinese and English."""

import pytest

from utilities.testing.pages import in_english, page

pytestmark = pytest.mark.django_db


def test_exchange_directory(client):
    body = page(client, "/exchanges/?chinese_place=zhenjiang&kind=project")
    assert "中国园" in body and "2001年" in body
    english = page(client, in_english("/exchanges/?q=Mannheim"))
    assert 'lang="en"' in english
    assert "The Chinese Garden in Mannheim" in english and "2001" in english
