"""CSV injection (OWASP's rule): a spreadsheet runs a cell that starts with ``=``, ``+``,
``-`` or ``@`` (or a tab or carriage return, which some spreadsheets skip before them) as a
formula: ``=HYPERLINK(…)`` leaks, ``+cmd|…`` runs a program. Every export writes such a
text value as text, by a leading single quote; a value that is a plain number (``-74.006``)
is not a formula and is left alone, so negative numbers stay numbers."""

import re

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")


def is_formula_like(text):
    """Whether a spreadsheet would read this text as the start of a formula."""
    return text.startswith(TRIGGERS) and not NUMBER.match(text)


def escape_formula(value):
    """The value to write to a CSV cell: text a spreadsheet would run gets a leading
    single quote; anything else is returned unchanged."""
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


def unescape_formula(value):
    """The inverse on import, so that an exported file imports back unchanged: a single
    quote before what would be a formula is dropped."""
    if isinstance(value, str) and value.startswith("'") and is_formula_like(value[1:]):
        return value[1:]
    return value
