"""Round anniversaries: the one computation behind the API's anniversary feed
(``cities.api.views.AnniversaryViewSet``) and the office dashboard (``dashboard.views``).

An anniversary counts from when the relationship began (``Relationship.began``: its
agreement, else its letter of intent, memorandum or "active" step); rounds are 5, 10, 15,
20, 25, 30, 40 and 50 years. Relationships that have ended, or are still only at the
letter-of-intent stage, are skipped. The window is the next twelve months: from today
(included) to the same day a year later (excluded).

The anniversary keeps the beginning's precision, because the registry never invents a day
a source does not give:

- a full date ("2019-10-28") gives an exact anniversary ("2029-10-28"); a beginning on
  29 February is marked on 28 February in common years;
- a month ("1997-10") gives an anniversary month ("2027-10"), and a year ("1984") an
  anniversary year ("2034"). Such an anniversary is *inexact*: it is listed while any day of
  its month or year lies in the window (so a year-only anniversary of this year stays listed
  until 31 December), and in the calendar it is a single all-day event on the first day of
  that month or year whose title says the day is not known.

A whole list (the API's, an export of a national registry) is read a chunk at a time
(:class:`UpcomingAnniversaries`): its order is found from a few plain values per
relationship, and only the relationships of a page or a chunk are read whole.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from django.utils import timezone
from django.utils.translation import gettext as _

from utilities.lookups import Among  # noqa: F401 (registers ``__among``)
from utilities.partial_dates import PartialDate, Precision, partial_date

from .choices import Stage

# The anniversaries cities celebrate: years apart enough that a relationship has one
# anniversary at most in any window (``UpcomingAnniversaries`` reads each relationship once).
ROUND_YEARS = (5, 10, 15, 20, 25, 30, 40, 50)
# Relationships with no anniversary to celebrate: not yet twinned, or no longer.
NOT_CELEBRATED = (Stage.PURSUING, Stage.INTENT, Stage.ENDED)


def years_before(day, years):
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def years_after(day, years):
    return years_before(day, -years)


def anniversary_of(began, years):
    day = began.day
    if day is not None and began.month == 2 and day == 29:
        try:
            datetime.date(began.year + years, 2, 29)
        except ValueError:
            day = 28
    return PartialDate(began.year + years, began.month, day)


def window(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """Today and the same day a year later (exclusive): the next twelve months."""
    try:
        until = today.replace(year=today.year + 1)
    except ValueError:  # 29 February
        until = datetime.date(today.year + 1, 3, 1)
    return today, until


@dataclass(frozen=True)
class Anniversary:
    relationship: object
    years: int
    began: PartialDate
    date: PartialDate  # the anniversary, at the precision of the beginning

    @property
    def id(self):
        return f"{self.relationship.pk}-{self.years}"

    @property
    def exact(self):
        return self.began.precision == Precision.DAY

    @property
    def starts(self):
        return self.date.earliest()

    @property
    def ends(self):
        return self.date.latest()

    @property
    def display(self):
        return _("%(relationship)s 结好%(years)s周年") % {
            "relationship": self.relationship,
            "years": self.years,
        }

    @property
    def summary(self):
        """The calendar title: an inexact anniversary says so."""
        if self.exact:
            return self.display
        return _("%(title)s（%(date)s，具体日期不详）") % {
            "title": self.display,
            "date": self.date.format(),
        }

    @property
    def from_agreement(self):
        """Whether the relationship began with its agreement (else with a letter of
        intent, a memorandum or an "active" step)."""
        return self.began == getattr(self.relationship, "agreement_date", None)

    @property
    def description(self):
        values = {"date": self.began.format()}
        precision = self.began.precision
        if not self.from_agreement:
            if precision == Precision.MONTH:
                return (
                    _("关系始于%(date)s。来源只给出月份，周年的具体日期不详；日历中标在该月1日。")
                    % values
                )
            if precision == Precision.YEAR:
                return (
                    _(
                        "关系始于%(date)s。来源只给出年份，周年的具体日期不详；日历中标在该年1月1日。"
                    )
                    % values
                )
            return _("关系始于%(date)s。") % values
        if precision == Precision.MONTH:
            return (
                _("协议签署于%(date)s。来源只给出月份，周年的具体日期不详；日历中标在该月1日。")
                % values
            )
        if precision == Precision.YEAR:
            return (
                _("协议签署于%(date)s。来源只给出年份，周年的具体日期不详；日历中标在该年1月1日。")
                % values
            )
        return _("协议签署于%(date)s。") % values


def may_fall_in_window(relationships, today=None):
    """Of a queryset ``with_began()``, the relationships that can have a round anniversary
    in the next twelve months: celebrated, and begun a round number of years before the
    window's one or two years (a big city's office has thousands of relationships, of
    which a few hundred qualify). :func:`upcoming_anniversaries` then finds the dates."""
    start, until = window(today or timezone.localdate())
    years = {year - rounds for year in (start.year, until.year) for rounds in ROUND_YEARS}
    return relationships.exclude(stage__in=NOT_CELEBRATED).filter(began_year__in=years)


def upcoming_anniversaries(relationships, today=None):
    """The round anniversaries of these relationships that fall in the next twelve months,
    soonest first. Give a queryset ``with_began()`` (or relationships with their stages
    prefetched): each is read through ``Relationship.began``."""
    start, until = window(today or timezone.localdate())
    found = []
    for relationship in relationships:
        if relationship.stage in NOT_CELEBRATED:
            continue
        began = relationship.began
        if began is None:
            continue
        for years in ROUND_YEARS:
            # Only an anniversary in the window's one or two years can fall in it: the
            # others are not built (a big city's brief has thousands of relationships).
            if not start.year <= began.year + years <= until.year:
                continue
            date = anniversary_of(began, years)
            if date.latest() >= start and date.earliest() < until:
                found.append(Anniversary(relationship, years, began, date))
    found.sort(key=lambda item: (item.starts, item.relationship.pk, item.years))
    return found


class Candidate(NamedTuple):
    """What :func:`upcoming_anniversaries` reads of a relationship, from plain values."""

    pk: int
    stage: str
    began: PartialDate | None


class UpcomingAnniversaries(Sequence):
    """``upcoming_anniversaries`` of a whole list, holding its relationships' ids rather
    than the relationships: a national list has thousands of anniversaries, each with its
    relationship, places and agreement steps (some 230 MB for an export of 50,000
    relationships when they were read at once).

    ``relationships``: a queryset ``with_began()`` (``may_fall_in_window`` of the filtered
    list); their ids are put in the anniversaries' order from each one's id, stage and
    beginning, by :func:`upcoming_anniversaries` itself. ``rows``: the relationships as the
    records show them (``with_began()``, their places and agreement steps), from which a
    slice (a page) or a chunk (:meth:`iterator`, an export) is read by id. A slice of the
    order sorted again by the same key keeps its order, so each is
    ``upcoming_anniversaries`` of its relationships. A relationship deleted after the ids
    were read is left out of its page or chunk; one changed keeps its place in the order."""

    def __init__(self, relationships, rows, today):
        values = (
            relationships.prefetch_related(None)
            .order_by()
            .values_list("pk", "stage", "began_year", "began_month", "began_day")
        )
        candidates = (
            Candidate(pk, stage, partial_date(year, month, day))
            for pk, stage, year, month, day in values.iterator()
        )
        found = upcoming_anniversaries(candidates, today)
        self.ids = [anniversary.relationship.pk for anniversary in found]
        # From the database the ids came from (a request's replica): an export's chunks
        # are read while the file is sent, after the request's routing has ended.
        self.rows = rows.using(values.db).order_by()
        self.today = today

    def __len__(self):
        return len(self.ids)

    def __getitem__(self, index):
        if isinstance(index, slice):
            if index.step not in (None, 1):
                raise ValueError("UpcomingAnniversaries: a slice is read in the list's order.")
            return self.read(self.ids[index])
        return self.read([self.ids[index]])[0]

    def __iter__(self):
        return self.iterator()

    def iterator(self, chunk_size=2000):
        """Every anniversary, its relationships read ``chunk_size`` at a time (as
        ``QuerySet.iterator``, whose default chunk size this takes; an export gives its
        own)."""
        for start in range(0, len(self.ids), chunk_size):
            yield from self.read(self.ids[start : start + chunk_size])

    def read(self, ids):
        """The anniversaries of the relationships of these ids (one query, and one for the
        agreement steps), in their order."""
        if not ids:
            return []
        return upcoming_anniversaries(self.rows.filter(pk__among=set(ids)), self.today)
