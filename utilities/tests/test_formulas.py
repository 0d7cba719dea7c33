"""The CSV-injection rule and the CSV reader, without the registry: what a spreadsheet
would run is written as text, numbers stay numbers, an exported file reads back
unchanged, and a CSV from Excel on Chinese Windows (GB18030) reads like UTF-8."""

import pytest
import tablib

from utilities.formulas import escape_formula, unescape_formula
from utilities.resources.errors import ImportRefused
from utilities.resources.formats import RegistryCSV, decode


@pytest.mark.parametrize(
    "value",
    ["=1+1", '=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
     "@SUM(A1)", "\t=1+1", "\r=1+1", "-", "+"],
)  # fmt: skip
def test_what_a_spreadsheet_would_run_is_quoted(value):
    assert escape_formula(value) == "'" + value
    assert unescape_formula(escape_formula(value)) == value


@pytest.mark.parametrize(
    "value", ["-74.006", "-5", "+7", "1e-3", "晋中市", "a=b", "'quoted", "", 3, -5, None]
)
def test_numbers_and_plain_text_are_left_alone(value):  # fmt: skip
    assert escape_formula(value) == value
    assert unescape_formula(value) == value


def test_an_exported_csv_reads_back_unchanged():
    dataset = tablib.Dataset(headers=["名称", "数值"])
    dataset.append(["=1+1", "-5"])
    text = RegistryCSV().export_data(dataset)
    assert text.splitlines()[1] == "'=1+1,-5"
    again = RegistryCSV().create_dataset(text.encode("gb18030"))
    assert list(again[0]) == ["=1+1", "-5"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_each_encoding_excel_writes_is_read(encoding):
    assert decode("中方地方,外方地方\n晋中市,科莫省\n".encode(encoding)).startswith("中方地方")


@pytest.mark.parametrize("data", ["中方地方".encode("utf-16"), b"\x00\x01binary", b"\xff\xfe\xfd"])
def test_anything_else_is_refused(data):
    with pytest.raises(ImportRefused):
        decode(data)
