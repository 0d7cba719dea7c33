"""The size limits an import is held to before anything reads it, so that no upload can
keep a worker past its timeout or fill its memory. Both come from the environment
(``sister_cities.settings``): ``IMPORT_MAX_BYTES`` (default 2 MB) and ``IMPORT_MAX_ROWS``
(default 150 data rows: a preview costs some 40–170 ms a row, measured on a loaded
2-core machine, and must finish inside gunicorn's 30 s timeout). An XLSX file is a zip
archive: its unpacked size is held to ``XLSX_EXPANSION`` times the byte limit."""

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext

from .errors import ImportRefused

DEFAULT_MAX_BYTES = 2 * 1024 * 1024
DEFAULT_MAX_ROWS = 150
XLSX_EXPANSION = 20


def max_bytes():
    return getattr(settings, "IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)


def max_rows():
    return getattr(settings, "IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS)


def check_size(size):
    """Refuse a file larger than the byte limit (asked before the file is read)."""
    if size > max_bytes():
        raise ImportRefused(
            gettext("文件太大（%(size)s）：一次最多导入 %(limit)s。请分成几个文件导入。")
            % {"size": filesizeformat(size), "limit": filesizeformat(max_bytes())}
        )


def check_unpacked_size(size):
    """Refuse an XLSX archive that unpacks to more than its share."""
    limit = max_bytes() * XLSX_EXPANSION
    if size > limit:
        raise ImportRefused(
            gettext("这个 XLSX 文件解压后太大（%(size)s，上限 %(limit)s）。请分成几个文件导入。")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
        )


def check_rows(dataset):
    """Refuse a file with more data rows than the row limit."""
    if dataset.height > max_rows():
        raise ImportRefused(
            gettext("文件有 %(rows)s 行数据：一次最多导入 %(limit)s 行。请分成几个文件导入。")
            % {"rows": dataset.height, "limit": max_rows()}
        )
