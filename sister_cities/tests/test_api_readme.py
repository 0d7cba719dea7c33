"""The README's example requests work: each curl URL of its "REST API" section, asked of
the application with the loaded registry, answers 200 with what the comment promises."""

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from icalendar import Calendar
from rest_framework.test import APIClient

from utilities.testing.queries import content

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_requests():
    text = README.read_text(encoding="utf-8")
    section = text.split("## REST API", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"curl [^\n]*'(http://127\.0\.0\.1:8000/[^']+)'", section)


def test_the_readme_shows_three_requests():
    assert len(readme_requests()) == 3


@pytest.mark.django_db
@pytest.mark.parametrize("url", readme_requests())
def test_readme_request(url):
    cache.clear()
    parts = urlsplit(url)
    response = APIClient().get(f"{parts.path}?{parts.query}")
    assert response.status_code == 200, response.content[:300]
    kind = response["Content-Type"].split(";")[0]
    if kind == "application/json":
        assert response.json()["results"]
    elif kind == "application/geo+json":
        assert json.loads(content(response))["features"]
    else:
        assert kind == "text/calendar"
        assert Calendar.from_ical(content(response))["VERSION"] == "2.0"
