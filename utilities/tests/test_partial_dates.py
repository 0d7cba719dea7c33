"""Partial dates are shown at the precision the source gives, in Chinese and in English."""

import pytest
from django.utils import translation

from utilities.partial_dates import PartialDate, Precision, date_facts, partial_date


@pytest.mark.parametrize(
    ("value", "chinese", "english", "precision"),
    [
        ("1984", "1984年", "1984", Precision.YEAR),
        ("1997-10", "1997年10月", "October 1997", Precision.MONTH),
        ("2019-10-28", "2019年10月28日", "28 October 2019", Precision.DAY),
        ("2019-02", "2019年2月", "February 2019", Precision.MONTH),
    ],
)
def test_format_at_source_precision(value, chinese, english, precision):
    date = PartialDate.parse(value)
    assert date.precision == precision
    assert date.isoformat() == value
    assert date.format("zh-hans") == chinese
    assert date.format("en") == english
    with translation.override("en"):
        assert str(date) == english
    with translation.override("zh-hans"):
        assert str(date) == chinese


@pytest.mark.parametrize("bad", ["97", "1997-13", "1997-02-30", "1997-1", "1997-10-28T00:00", ""])
def test_parse_rejects_what_is_not_a_partial_date(bad):
    with pytest.raises(ValueError):
        PartialDate.parse(bad)


def test_day_needs_month():
    with pytest.raises(ValueError):
        PartialDate(2019, None, 28)


def test_partial_dates_sort_and_span():
    assert PartialDate(1997) < PartialDate(1997, 10) < PartialDate(1997, 10, 1) < PartialDate(1998)
    october = PartialDate(1997, 10)
    assert (october.earliest().isoformat(), october.latest().isoformat()) == (
        "1997-10-01",
        "1997-10-31",
    )
    assert PartialDate(2020, 2).latest().day == 29


def test_partial_date_of_columns_is_kept_and_still_checked():
    """``partial_date`` keeps the dates it made (they are immutable): the same parts give
    the same date, and parts that make no date give none, the second time too."""
    first = partial_date(1997, 10, 28)
    assert first == PartialDate(1997, 10, 28) and partial_date(1997, 10, 28) is first
    assert partial_date(1997, 2, 29) is None and partial_date(1997, 2, 29) is None
    assert partial_date(None, 2, 1) is None
    assert partial_date(1996, 2, 29) == PartialDate(1996, 2, 29)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_dates_facts_are_what_partial_date_reads(language):
    """Every kind of parts: none, a year, a month, a day; out of range, the 29th of February
    in leap years and others, the last day of every month; a day without a month."""
    chinese = language == "zh-hans"
    parts = [
        (year, month, day)
        for year in (None, 0, 1, 1900, 1984, 2000, 2023, 2024, 9999, 10000)
        for month in (None, 0, 1, 2, 4, 12, 13)
        for day in (None, 0, 1, 28, 29, 30, 31, 32)
    ]
    dates = 0
    for year, month, day in parts:
        date = partial_date(year, month, day)
        expected = None
        if date is not None:
            order = date.year * 10000 + (date.month or 0) * 100 + (date.day or 0)
            expected = order, (date.isoformat(), str(date.precision)), date.format(language)
            dates += 1
        assert date_facts(year, month, day, chinese) == expected, (year, month, day)
    assert dates > 100
