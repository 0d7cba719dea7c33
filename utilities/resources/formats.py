"""CSV and XLSX for the admin's import and export, made safe to open and to upload.

Import: a CSV's encoding is found, not assumed: UTF-8 with or without a byte-order mark,
or GB18030 (a superset of GBK, what Excel writes on Chinese Windows); anything else is
refused with a message in the user's language. An XLSX archive is held to its unpacked
size limit before it is opened.

Export: a text value that a spreadsheet would run as a formula (``utilities.formulas``) is
written as text: with a leading single quote in CSV, as a string cell (never a formula
cell) in XLSX, where numbers stay numeric cells.

The spreadsheet libraries (openpyxl with Pillow, PyYAML: some 10 MB a process) load at
the first import or export in the admin, not when a process starts: see
:func:`formats_registered_not_loaded`. ``utilities.admin`` imports this module before
anything imports ``import_export.admin``.
"""

import codecs
import contextlib
import datetime
import importlib
import io
import zipfile

import tablib
from django.utils import timezone
from django.utils.translation import gettext
from tablib.formats import registry

from utilities.formulas import escape_formula, unescape_formula
from utilities.lazy_imports import lazy_module

from . import limits
from .errors import ImportRefused

openpyxl = lazy_module("openpyxl")


@contextlib.contextmanager
def formats_registered_not_loaded():
    """While django-import-export's formats module is imported: tablib's registry answers
    whether it has a format without importing the format's library.

    That module lists the formats it can use when it is imported, asking tablib for each
    one, and tablib imports a format's library to answer (openpyxl for XLSX, PyYAML for
    YAML). Whether it has the format is already known: tablib registers a format only when
    its library is installed, and refuses one it has not registered. A registered format
    is loaded when a file of that format is first read or written."""
    get_format = registry.get_format

    def registered(key):
        # A format not loaded yet is its dotted path. (Should tablib keep its formats
        # elsewhere one day, each is loaded as before: ``test_lazy_imports`` would say so.)
        entry = getattr(registry, "_formats", {}).get(key)
        return entry if isinstance(entry, str) else get_format(key)

    registry.get_format = registered
    try:
        yield
    finally:
        del registry.get_format  # the instance's own (the class's method again)


with formats_registered_not_loaded():
    base_formats = importlib.import_module("import_export.formats.base_formats")

# Tried in this order; a UTF-8 byte-order mark is dropped by "utf-8-sig".
ENCODINGS = ("utf-8-sig", "gb18030")


def unreadable():
    return ImportRefused(
        gettext(
            "无法识别文件的文字编码。请在 Excel 中选择“另存为”→“CSV UTF-8（逗号分隔）”后重新上传"
            "（可读取 UTF-8 和 GB18030/GBK 编码的 CSV 文件）。"
        )
    )


def decode(data):
    """The text of a CSV file in one of ``ENCODINGS``. A NUL byte never occurs in such a
    file (it marks UTF-16 or a binary file, and PostgreSQL refuses it in text)."""
    if b"\x00" in data or data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise unreadable()
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise unreadable()


def _dataset(headers, rows):
    dataset = tablib.Dataset(headers=headers)
    for row in rows:
        dataset.append(row)
    return dataset


class RegistryCSV(base_formats.CSV):
    """CSV in any of ``ENCODINGS``; formulas escaped on export and unescaped on import
    (an exported file imports back unchanged)."""

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            in_stream = decode(in_stream)
        try:
            dataset = super().create_dataset(in_stream, **kwargs)
        except Exception:  # noqa: BLE001 - csv and tablib raise several kinds
            raise unreadable() from None
        rows = [[unescape_formula(value) for value in row] for row in dataset]
        return _dataset(dataset.headers, rows)

    def export_data(self, dataset, **kwargs):
        rows = [[escape_formula(value) for value in row] for row in dataset]
        return super().export_data(_dataset(dataset.headers, rows), **kwargs)


def _cell_value(value):
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.make_naive(value)
    return value


class RegistryXLSX(base_formats.XLSX):
    """XLSX whose text cells are string cells: a value starting with "=" is never a
    formula cell. Characters XML cannot hold are replaced, not an error."""

    def create_dataset(self, in_stream):
        try:
            with zipfile.ZipFile(io.BytesIO(in_stream)) as archive:
                limits.check_unpacked_size(sum(info.file_size for info in archive.infolist()))
            return super().create_dataset(in_stream)
        except ImportRefused:
            raise
        except Exception:  # noqa: BLE001 - zipfile and openpyxl raise many kinds
            raise ImportRefused(
                gettext(
                    "无法打开这个 XLSX 文件。请确认它是 Excel 工作簿（.xlsx），或另存为 CSV 后上传。"
                )
            ) from None

    def export_data(self, dataset, **kwargs):
        book = openpyxl.Workbook()
        sheet = book.active
        table = [list(dataset.headers or [])] + [list(row) for row in dataset]
        for row_number, row in enumerate(table, start=1):
            for column, value in enumerate(row, start=1):
                cell = sheet.cell(row=row_number, column=column)
                if isinstance(value, str):
                    cell.value = openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE.sub(
                        "\N{REPLACEMENT CHARACTER}", value
                    )
                    cell.data_type = "s"  # openpyxl makes "=…" a formula cell
                else:
                    cell.value = _cell_value(value)
                if row_number == 1 and dataset.headers:
                    cell.font = openpyxl.styles.Font(bold=True)
        if dataset.headers:
            sheet.freeze_panes = "A2"
        output = io.BytesIO()
        book.save(output)
        return output.getvalue()
