"""When scheduled obligations arise and fall due, computed on dates from the rule pack's data.

Paragraph 47's "every three months after the adoption" gives periods that follow each other without a gap:
the first opens at the adoption, each later one at the limit of the one before (00:00 UTC the day after its
due date), and each falls due at its due date. Paragraph 48's "within 180 days after the adoption" gives a
single period.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from ..dates import add_months, end_of, start_of
from ..record import Frozen
from ..rulepack.pack import RulePack

if TYPE_CHECKING:
    from ..rulepack.rulebook import Duration, Obligation


class Period(Frozen):
    """One instance of a scheduled obligation: it is open from ``opens`` and due on ``due`` (inclusive)."""

    _fields = ("number", "opens", "due")
    number: int
    opens: datetime
    due: date

    def __init__(self, number: int, opens: datetime, due: date) -> None:
        self.__dict__.update(number=number, opens=opens, due=due)


def add(day: date, duration: Duration) -> date:
    if duration.months is not None:
        return add_months(day, duration.months)
    if duration.weeks is not None:
        return day + timedelta(weeks=duration.weeks)
    assert duration.days is not None
    return day + timedelta(days=duration.days)


MAX_PERIODS = 10_000  # a recurring duty with a zero or tiny interval is a rule-file mistake, not a schedule


def periods(pack: RulePack, obligation: Obligation) -> list[Period]:
    """All periods of a scheduled obligation, in order."""
    schedule = obligation.schedule
    assert schedule is not None
    first = pack.date_of(schedule.from_)
    if schedule.within is not None:
        return [Period(1, start_of(first), add(first, pack.duration_of(schedule.within)))]
    assert schedule.every is not None and schedule.through is not None
    every = pack.duration_of(schedule.every)
    through = pack.date_of(schedule.through)
    out: list[Period] = []
    opens = start_of(first)
    number = 1
    while len(out) < MAX_PERIODS:
        due = _nth(first, every, number)
        if due > through or due <= first:
            break
        out.append(Period(number, opens, due))
        opens = end_of(due)
        number += 1
    return out


def _nth(first: date, every: Duration, n: int) -> date:
    """The n-th due date, counted from ``first`` (not from the previous due date, so no day drifts)."""
    if every.months is not None:
        return add_months(first, every.months * n)
    step = every.weeks * 7 if every.weeks is not None else every.days
    assert step is not None
    return first + timedelta(days=step * n)

