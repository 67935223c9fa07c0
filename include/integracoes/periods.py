"""A period a user picks to look at data (suggestions received, sales reconciled): in order and bounded."""

from __future__ import annotations

from datetime import date

from include.connectors.config import Problem

MAX_DAYS = 93  # a quarter: enough to review, small enough to answer at once


def period_problems(start: date, end: date, *, max_days: int = MAX_DAYS) -> dict[str, Problem]:
    """The problems of a period, by field (`end`); empty when it is fine."""
    if end < start:
        return {"end": Problem("period.order")}
    if (end - start).days >= max_days:
        return {"end": Problem("period.too_long", {"days": max_days})}
    return {}
