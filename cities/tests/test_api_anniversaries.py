"""Which round anniversaries the API lists, for a fixed "today": rounds of 5..30, 40 and
50 years of the agreement date, inside the next twelve months, at the agreement date's
precision."""

import datetime
from dataclasses import dataclass

import pytest

from cities.anniversaries import ROUND_YEARS, upcoming_anniversaries, window
from utilities.partial_dates import PartialDate

TODAY = datetime.date(2026, 11, 22)


@dataclass
class Pair:
    """Stands in for a Relationship: what the calculation reads."""

    pk: int
    agreement_date: PartialDate | None
    stage: str = "active"

    @property
    def began(self):
        # When it began (``Relationship.began``): here, its agreement.
        return self.agreement_date

    def __str__(self):
        return f"pair {self.pk}"


def found(*pairs, today=TODAY):
    return [
        (item.relationship.pk, item.years, item.date.isoformat())
        for item in upcoming_anniversaries(pairs, today)
    ]


def test_round_years():
    assert ROUND_YEARS == (5, 10, 15, 20, 25, 30, 40, 50)


@pytest.mark.parametrize(
    ("agreement", "expected"),
    [
        ("2016-11-22", [(1, 10, "2026-11-22")]),  # today counts
        ("2016-11-21", []),  # yesterday's has passed
        ("1997-11-21", [(1, 30, "2027-11-21")]),  # the last day of the window
        ("1997-11-22", []),  # a year from today is outside
        ("1979-03", []),  # 48 years: not a round number
        ("1977-03", [(1, 50, "2027-03")]),
        ("1986-11", [(1, 40, "2026-11")]),  # this month: listed, the day is unknown
        ("2001", [(1, 25, "2026")]),  # this year: listed until 31 December
        ("2002", [(1, 25, "2027")]),
        ("1996", [(1, 30, "2026")]),
        ("1956", []),  # 70 years: past the rounds
    ],
)
def test_which_anniversaries_fall_in_the_next_twelve_months(agreement, expected):
    assert found(Pair(1, PartialDate.parse(agreement))) == expected


def test_a_29_february_agreement_is_marked_on_28_february_in_common_years():
    assert found(Pair(1, PartialDate(2012, 2, 29))) == [(1, 15, "2027-02-28")]
    assert found(Pair(1, PartialDate(2008, 2, 29)), today=datetime.date(2028, 1, 1)) == [
        (1, 20, "2028-02-29")
    ]


def test_ended_and_undated_relationships_are_skipped():
    assert found(Pair(1, PartialDate(2016, 11, 30), stage="ended"), Pair(2, None)) == []


def test_soonest_first():
    pairs = [
        Pair(1, PartialDate(2002)),
        Pair(2, PartialDate(2006, 12, 1)),
        Pair(3, PartialDate(1997, 1, 5)),
    ]
    # A year-only anniversary sorts by its first possible day (1 January).
    assert found(*pairs) == [(2, 20, "2026-12-01"), (1, 25, "2027"), (3, 30, "2027-01-05")]


def test_window_is_twelve_months_from_today():
    assert window(TODAY) == (TODAY, datetime.date(2027, 11, 22))
    assert window(datetime.date(2028, 2, 29)) == (
        datetime.date(2028, 2, 29),
        datetime.date(2029, 3, 1),
    )


def test_inexact_anniversaries_say_so():
    (month,) = upcoming_anniversaries([Pair(1, PartialDate(1997, 10))], datetime.date(2027, 1, 1))
    assert not month.exact
    assert (month.starts, month.ends) == (datetime.date(2027, 10, 1), datetime.date(2027, 10, 31))
    assert month.summary == "pair 1 结好30周年（2027年10月，具体日期不详）"
    (day,) = upcoming_anniversaries([Pair(1, PartialDate(1997, 10, 28))], datetime.date(2027, 1, 1))
    assert day.exact and day.summary == "pair 1 结好30周年"
    assert day.description == "协议签署于1997年10月28日。"
