"""The report directory on the loaded registry: every report, filtered by its city."""

import pytest

from utilities.testing.pages import page

pytestmark = pytest.mark.django_db


def test_report_directory(client):
    body = page(client, "/reports/")
    for title in ("武汉市国际友好城市交流工作概述", "晋中市外事办发布全市对外交往交流情况"):
        assert title in body
    wuhan = page(client, "/reports/?chinese_place=wuhan")
    assert "/reports/wuhan-2017-09-15/" in wuhan
    assert "/reports/jinzhong-2019-10-30/" not in wuhan
