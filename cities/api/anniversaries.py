"""Round anniversaries of agreements falling in the next twelve months.

An anniversary counts from the relationship's agreement date (its earliest dated
RelationshipStage with stage "agreement"); rounds are 5, 10, 15, 20, 25, 30, 40 and 50
years. Ended relationships are skipped. The rounds and the date arithmetic
(``cities.anniversaries``) are shared with the office dashboard, but the two computations
are separate and do not always agree: this feed's window is the next twelve months with an
exclusive end and an inexact anniversary listed while any day of its month or year lies in
it; the dashboard has its own loop over one office's relationships.

The anniversary keeps the agreement date's precision, because the registry never invents a
day a source does not give:

- a full date ("2019-10-28") gives an exact anniversary ("2029-10-28"); an agreement of
  29 February is marked on 28 February in common years;
- a month ("1997-10") gives an anniversary month ("2027-10"), and a year ("1984") an
  anniversary year ("2034"). Such an anniversary is *inexact*: it is listed while any day of
  its month or year lies in the window (so a year-only anniversary of this year stays listed
  until 31 December), and in the calendar it is a single all-day event on the first day of
  that month or year whose title says the day is not known.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from cities.anniversaries import ROUND_YEARS, anniversary_of
from cities.choices import Stage
from utilities.partial_dates import PartialDate, Precision


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
    agreement: PartialDate
    date: PartialDate

    @property
    def id(self):
        return f"{self.relationship.pk}-{self.years}"

    @property
    def exact(self):
        return self.agreement.precision == Precision.DAY

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
    def description(self):
        values = {"date": self.agreement.format()}
        if self.agreement.precision == Precision.MONTH:
            return (
                _("协议签署于%(date)s。来源只给出月份，周年的具体日期不详；日历中标在该月1日。")
                % values
            )
        if self.agreement.precision == Precision.YEAR:
            return (
                _("协议签署于%(date)s。来源只给出年份，周年的具体日期不详；日历中标在该年1月1日。")
                % values
            )
        return _("协议签署于%(date)s。") % values


def upcoming_anniversaries(relationships, today=None):
    """The round anniversaries of these relationships (stages prefetched) that fall in the
    next twelve months, soonest first."""
    start, until = window(today or timezone.localdate())
    found = []
    for relationship in relationships:
        if relationship.stage == Stage.ENDED:
            continue
        agreement = relationship.agreement_date
        if agreement is None:
            continue
        for years in ROUND_YEARS:
            date = anniversary_of(agreement, years)
            if date.latest() >= start and date.earliest() < until:
                found.append(Anniversary(relationship, years, agreement, date))
    found.sort(key=lambda item: (item.starts, item.relationship.pk, item.years))
    return found
