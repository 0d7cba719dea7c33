"""Approximate quantities keep their qualifier in both languages."""

import pytest

from utilities.quantities import Qualifier, format_quantity


@pytest.mark.parametrize(
    ("value", "qualifier", "chinese", "english"),
    [
        (20, Qualifier.ODD, "20多", "20-odd"),
        (170000, Qualifier.OVER, "逾17万", "over 170,000"),
        (37_000_000_000, Qualifier.ODD, "370多亿", "37,000,000,000-odd"),
        (100_000_000, Qualifier.OVER, "逾1亿", "over 100,000,000"),
        (1350, Qualifier.ODD, "1350多", "1,350-odd"),
        (25_000_000, Qualifier.EXACT, "2500万", "25,000,000"),
        (30, Qualifier.NEARLY, "近30", "nearly 30"),
        (200, Qualifier.ABOUT, "约200", "about 200"),
        (23, Qualifier.EXACT, "23", "23"),
    ],
)
def test_format(value, qualifier, chinese, english):
    assert format_quantity(value, qualifier, "zh-hans") == chinese
    assert format_quantity(value, qualifier, "en") == english
