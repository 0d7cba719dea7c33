"""Terminal output of ``load_registry``: aligned tables (Chinese characters count as two
columns) of the records staff changed, kept or in conflict."""

import json
import unicodedata

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

VALUE_WIDTH = 36


def columns():
    """The header of the change tables."""
    return (
        pgettext("load_registry table", "文件"),
        pgettext("load_registry table", "键"),
        pgettext("load_registry table", "字段"),
        pgettext("load_registry table", "数据文件中的值"),
        pgettext("load_registry table", "当前的值"),
        pgettext("load_registry table", "修改人"),
        pgettext("load_registry table", "修改时间"),
    )


def width(text):
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def shorten(text, limit=VALUE_WIDTH):
    if width(text) <= limit:
        return text
    kept, used = [], 0
    for char in text:
        used += width(char)
        if used > limit - 1:
            break
        kept.append(char)
    return "".join(kept) + "…"


def show_value(value):
    if value is None:
        return "—"
    if isinstance(value, str):
        return shorten(json.dumps(value, ensure_ascii=False))
    return shorten(json.dumps(value, ensure_ascii=False, default=str))


def show_time(moment):
    if moment is None:
        return "—"
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def change_rows(changes):
    """One row per differing field of every change (a deletion is one row)."""
    rows = []
    for change in changes:
        fields = change.fields or [(_("（整条记录）"), None, None)]
        for name, fixture, current in fields:
            rows.append(
                (
                    change.file,
                    change.key,
                    name.removesuffix("_id") if name.endswith("_id") else name,
                    show_value(fixture)
                    if not (change.deleted and not change.fields)
                    else _("（未变）"),
                    _("（已删除）") if change.deleted else show_value(current),
                    change.changed_by or "—",
                    show_time(change.changed_at),
                )
            )
    return rows


def table(rows, header=None, indent="  "):
    """Lines of ``rows`` with every column padded to its widest cell."""
    header = header or columns()
    rows = [header, *rows]
    widths = [max(width(str(row[column])) for row in rows) for column in range(len(header))]
    lines = []
    for row in rows:
        cells = [str(cell) + " " * (widths[i] - width(str(cell))) for i, cell in enumerate(row)]
        lines.append((indent + "  ".join(cells)).rstrip())
    return lines
