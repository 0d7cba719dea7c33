"""A worker carries only the libraries its requests use: pypinyin's dictionaries,
WeasyPrint, icalendar and the spreadsheet libraries (openpyxl, Pillow) load at the first
pinyin key, PDF, calendar or admin import/export, not at start-up nor for a Chinese
country list (whose Chinese order comes from ``utilities.country_pinyin``). Checked in a
fresh process: the test run itself has loaded them long before."""

import json
import os
import subprocess
import sys

from django.conf import settings

from utilities.lazy_imports import lazy_module

WORKER = """
import json, sys
import django
django.setup()
import sister_cities.urls
from django.utils import translation
from django_countries import countries
from cities.api.briefs import PlaceBriefSerializer
with translation.override("zh-hans"):
    # What an API list with places does: a country field lists every country, in order.
    PlaceBriefSerializer().fields["country"]
    names = [name for _code, name in countries]

def loaded(name):
    module = sys.modules.get(name)
    return module is not None and type(module).__name__ == "module"

LIBRARIES = ("pypinyin", "weasyprint", "icalendar", "openpyxl", "PIL")
before = {name: loaded(name) for name in LIBRARIES}
from utilities.search import pinyin_key
key = pinyin_key("济南")
# The formats import-export lists are those it finds with every library loaded.
from import_export.formats import base_formats
listed = [f.__name__ for f in base_formats.DEFAULT_FORMATS]
import tablib
from utilities.resources.formats import RegistryXLSX
workbook = RegistryXLSX().export_data(tablib.Dataset(["济南"], headers=["name"]))
found = [f.__name__ for f in base_formats.DEFAULT_FORMATS if f.is_available()]
binary = [f.__name__ for f in base_formats.BINARY_FORMATS]
after = {name: loaded(name) for name in LIBRARIES}
print(json.dumps({
    "before": before, "first": names[1], "key": key, "after": after, "listed": listed,
    "found": found, "binary": binary, "workbook": workbook[:2].decode(),
}))
"""


def test_a_worker_loads_pinyin_and_pdf_libraries_only_when_used():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "sister_cities.settings"}
    result = subprocess.run(
        [sys.executable, "-c", WORKER],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert not any(found["before"].values()), found["before"]
    assert found["first"] == "阿尔巴尼亚"  # after 中国 (first): the pinyin order
    assert found["key"] == "jinan"
    assert found["after"] == {
        "pypinyin": True, "weasyprint": False, "icalendar": False, "openpyxl": True, "PIL": True
    }  # fmt: skip
    assert "XLSX" in found["listed"]
    assert found["listed"] == found["found"]
    assert found["binary"] == ["XLSX"]
    assert found["workbook"] == "PK"  # a zip archive: the workbook was written


def test_a_lazy_module_is_the_module_once_used():
    json_module = lazy_module("json")  # imported already: the module itself
    assert json_module is json
    assert lazy_module("weasyprint").HTML.__name__ == "HTML"
