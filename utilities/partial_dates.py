"""Partial dates: a year, a year and month, or a full date, kept at the source's precision.

A report says "1984年", "1997年10月" or "10月28日"; the registry never invents the parts a
source leaves out. On a model a partial date is three nullable columns
``<prefix>_year``, ``<prefix>_month`` and ``<prefix>_day`` (so the database can filter,
sort and constrain them) and :class:`PartialDate` is the value object read from them.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass
from functools import lru_cache, total_ordering

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .languages import is_chinese


class Precision(models.TextChoices):
    YEAR = "year", _("年")
    MONTH = "month", _("月")
    DAY = "day", _("日")


ENGLISH_MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip

ISO_PATTERN = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?$")


@total_ordering
@dataclass(frozen=True)
class PartialDate:
    """A date known to the year, the month or the day. A less precise date sorts before
    the more precise ones inside it (1997 < 1997-10 < 1997-10-01)."""

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self):
        errors = partial_date_errors(self.year, self.month, self.day)
        if errors:
            raise ValueError("; ".join(str(message) for message in errors.values()))

    @classmethod
    def parse(cls, value: str) -> PartialDate:
        """Read "1997", "1997-10" or "1997-10-28"."""
        match = ISO_PATTERN.match(value.strip()) if isinstance(value, str) else None
        if not match:
            raise ValueError(f"not a partial date (YYYY, YYYY-MM or YYYY-MM-DD): {value!r}")
        parts = {key: int(part) for key, part in match.groupdict().items() if part}
        return cls(**parts)

    def sort_key(self):
        return (self.year, self.month or 0, self.day or 0)

    def __lt__(self, other):
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self.sort_key() < other.sort_key()

    @property
    def precision(self) -> str:
        if self.day is not None:
            return Precision.DAY
        if self.month is not None:
            return Precision.MONTH
        return Precision.YEAR

    def isoformat(self) -> str:
        if self.precision == Precision.DAY:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.precision == Precision.MONTH:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    def earliest(self) -> datetime.date:
        """The first day the partial date can mean: for ordering, never for display."""
        return datetime.date(self.year, self.month or 1, self.day or 1)

    def latest(self) -> datetime.date:
        """The last day the partial date can mean."""
        month = self.month or 12
        day = self.day or calendar.monthrange(self.year, month)[1]
        return datetime.date(self.year, month, day)

    def format(self, language: str | None = None) -> str:
        """Show the date at its own precision in Chinese or English."""
        if is_chinese(language):
            text = f"{self.year}年"
            if self.month is not None:
                text += f"{self.month}月"
            if self.day is not None:
                text += f"{self.day}日"
            return text
        if self.precision == Precision.DAY:
            return f"{self.day} {ENGLISH_MONTHS[self.month - 1]} {self.year}"
        if self.precision == Precision.MONTH:
            return f"{ENGLISH_MONTHS[self.month - 1]} {self.year}"
        return str(self.year)

    def __str__(self) -> str:
        return self.format()


def partial_date_errors(year, month, day, prefix=None) -> dict:
    """Field-keyed messages (Chinese / English) for parts that do not make a partial date."""
    name = (lambda part: f"{prefix}_{part}") if prefix else (lambda part: part)
    errors = {}
    if year is None and (month is not None or day is not None):
        errors[name("year")] = _("有月或日时必须有年份。")
    if month is None and day is not None:
        errors[name("day")] = _("有日时必须有月份。")
    if month is not None and not 1 <= month <= 12:
        errors[name("month")] = _("月份须在 1 到 12 之间")
    if year is not None and not 1 <= year <= 9999:
        errors[name("year")] = _("年份无效。")
    if day is not None and month is not None and 1 <= month <= 12 and year is not None:
        if not 1 <= day <= calendar.monthrange(year, month)[1]:
            errors[name("day")] = _("该月没有这一天。")
    return errors


def partial_date_fields(verbose_name, help_text=""):
    """The three columns of one partial date, for unpacking in a model body:

    ``date_year, date_month, date_day = partial_date_fields(_("日期"))``
    """
    return (
        models.PositiveSmallIntegerField(
            verbose_name=verbose_name,
            null=True,
            blank=True,
            validators=[MinValueValidator(1), MaxValueValidator(9999)],
            help_text=help_text,
        ),
        models.PositiveSmallIntegerField(
            verbose_name=_("月"),
            null=True,
            blank=True,
            validators=[MinValueValidator(1), MaxValueValidator(12)],
        ),
        models.PositiveSmallIntegerField(
            verbose_name=_("日"),
            null=True,
            blank=True,
            validators=[MinValueValidator(1), MaxValueValidator(31)],
        ),
    )


def partial_date_constraints(prefix):
    """Database checks that the parts nest (no day without month, no month without year)
    and lie in range; the calendar check (no 30 February) lives in ``clean()``."""
    year, month, day = f"{prefix}_year", f"{prefix}_month", f"{prefix}_day"
    nested = (
        Q(**{f"{year}__isnull": True, f"{month}__isnull": True, f"{day}__isnull": True})
        | Q(**{f"{year}__isnull": False, f"{month}__isnull": True, f"{day}__isnull": True})
        | Q(**{f"{year}__isnull": False, f"{month}__isnull": False, f"{day}__isnull": True})
        | Q(**{f"{year}__isnull": False, f"{month}__isnull": False, f"{day}__isnull": False})
    )
    in_range = (
        Q(**{f"{month}__isnull": True}) | Q(**{f"{month}__gte": 1, f"{month}__lte": 12})
    ) & (Q(**{f"{day}__isnull": True}) | Q(**{f"{day}__gte": 1, f"{day}__lte": 31}))
    return [
        models.CheckConstraint(
            condition=nested,
            name=f"%(app_label)s_%(class)s_{prefix}_precision_matches_parts",
            violation_error_message=_("日期的精度与其组成部分不符。"),
        ),
        models.CheckConstraint(
            condition=in_range,
            name=f"%(app_label)s_%(class)s_{prefix}_parts_in_range",
        ),
    ]


def partial_date_order(prefix, descending=False):
    """Order expressions for a partial date: by year, month and day, with missing parts
    (an undated row, a date known only to the year) last in either direction."""
    direction = "desc" if descending else "asc"
    return [
        getattr(models.F(f"{prefix}_{part}"), direction)(nulls_last=True)
        for part in ("year", "month", "day")
    ]


# A PartialDate is immutable and made from its three parts alone: the dates a worker read
# last are kept (some 300 bytes each), since checking the calendar costs more than making
# most cells of an export's row.
@lru_cache(maxsize=4096)
def partial_date(year, month, day) -> PartialDate | None:
    """The partial date of three columns as read: none without a year, or for parts that
    make no date. Made once per three parts (a date is an immutable value): a page of
    relationships reads each of its stages' dates a dozen times."""
    if year is None:
        return None
    try:
        return PartialDate(year, month, day)
    except ValueError:
        return None


# Days in each month of a leap year (February's 29th is checked against the year).
MONTH_DAYS = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
YEAR, MONTH, DAY = str(Precision.YEAR), str(Precision.MONTH), str(Precision.DAY)


def date_facts(year, month, day, chinese):
    """``(sort key, (ISO text, precision), text)`` of a partial date's columns as
    ``partial_date`` reads them (``sort_key()``, ``isoformat()``, ``precision`` and
    ``format()`` in Chinese or English), None for no date (none, or parts that make no
    date). Made from the parts each time: an export meets some 14,000 dates, too many
    to keep and too few to share, and this costs less than one PartialDate
    (``cities/tests/test_api_export_rows`` checks it against ``partial_date`` for every
    kind of part)."""
    if year is None or not 1 <= year <= 9999:
        return None
    if month is None:
        if day is not None:
            return None
        return year * 10000, (f"{year:04d}", YEAR), f"{year}年" if chinese else str(year)
    if not 1 <= month <= 12:
        return None
    if day is None:
        shown = f"{year}年{month}月" if chinese else f"{ENGLISH_MONTHS[month - 1]} {year}"
        return year * 10000 + month * 100, (f"{year:04d}-{month:02d}", MONTH), shown
    if not 1 <= day <= MONTH_DAYS[month] or (
        month == 2 and day == 29 and not calendar.isleap(year)
    ):
        return None
    shown = f"{year}年{month}月{day}日" if chinese else f"{day} {ENGLISH_MONTHS[month - 1]} {year}"
    return year * 10000 + month * 100 + day, (f"{year:04d}-{month:02d}-{day:02d}", DAY), shown


def read_partial_date(instance, prefix) -> PartialDate | None:
    return partial_date(
        getattr(instance, f"{prefix}_year"),
        getattr(instance, f"{prefix}_month"),
        getattr(instance, f"{prefix}_day"),
    )


def write_partial_date(instance, prefix, value: PartialDate | None):
    setattr(instance, f"{prefix}_year", value.year if value else None)
    setattr(instance, f"{prefix}_month", value.month if value else None)
    setattr(instance, f"{prefix}_day", value.day if value else None)


def validate_partial_date(instance, prefix):
    errors = partial_date_errors(
        getattr(instance, f"{prefix}_year"),
        getattr(instance, f"{prefix}_month"),
        getattr(instance, f"{prefix}_day"),
        prefix=prefix,
    )
    if errors:
        raise ValidationError(errors)
