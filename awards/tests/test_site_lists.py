"""The award directory on the loaded registry, in Chinese and English."""

import pytest

from utilities.testing.pages import in_english, page

pytestmark = pytest.mark.django_db


def test_award_directory(client):
    body = page(client, "/awards/?country=US")
    assert "中美友好城市文化交流奖" in body and "2013年" in body
    assert "芝加哥市" in body
    english = page(client, in_english("/awards/?place=mannheim"))
    assert 'lang="en"' in english and "Mannheim" in english and "2016" in english
