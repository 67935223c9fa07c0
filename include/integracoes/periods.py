"""A period a user picks to look at data (suggestions received, sales reconciled): in order and bounded."""

from __future__ import annotations

from datetime import date

from include.problems import Problem

MAX_DAYS = 93  # a quarter: enough to review, small enough to answer at once
# No pharmacy movement we hold is older than FIRST_DAY, and no period ends after LAST_DAY: a date outside
# them is a typo (year 0001, 20255) that must not reach date arithmetic, SQL or a partner.
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2099, 12, 31)


def period_problems(start: date, end: date, *, max_days: int = MAX_DAYS) -> dict[str, Problem]:
    """The problems of a period, by field (`end`); empty when it is fine."""
    if end < start:
        return {"end": Problem("period.order")}
    if (end - start).days >= max_days:
        return {"end": Problem("period.too_long", {"days": max_days})}
    return {}
