"""The anniversaries feed reads the one computation in ``cities.anniversaries`` (shared with
the office dashboard): round anniversaries of when relationships began, in the next twelve
months."""

from cities.anniversaries import (  # noqa: F401 (the feed's names)
    ROUND_YEARS,
    Anniversary,
    upcoming_anniversaries,
    window,
)
