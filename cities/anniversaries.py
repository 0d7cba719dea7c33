"""Anniversary arithmetic shared by the API's anniversary feed (``cities.api.anniversaries``)
and the office dashboard (``dashboard.views``): the rounds cities celebrate and the date of
a round anniversary at the precision of the signing date."""

import datetime

from utilities.partial_dates import PartialDate

# The anniversaries cities celebrate.
ROUND_YEARS = (5, 10, 15, 20, 25, 30, 40, 50)


def years_before(day, years):
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def years_after(day, years):
    return years_before(day, -years)


def anniversary_of(signed, years):
    day = signed.day
    if day is not None and signed.month == 2 and day == 29:
        try:
            datetime.date(signed.year + years, 2, 29)
        except ValueError:
            day = 28
    return PartialDate(signed.year + years, signed.month, day)
