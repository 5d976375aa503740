"""Calendar arithmetic and the integer clock.

The resolution speaks in dates and durations ("every three months after the adoption", "within 180 days",
"until 30 June 2018"). They are computed here on real dates, then turned into integer ticks for SimPy.

Conventions (documented in README "Time"):

* All instants are UTC. A tick is one second after the clock's origin (the resolution's adoption, 00:00 UTC).
* A day named as a limit ("until 30 June 2018", "due 29 September 2017") includes the whole of that day: the
  limit falls at 00:00 UTC on the next day. An act at 23:59 on the due date is in time; at 00:00 the next day
  it is late.
* Months are calendar months; a day that does not exist in the target month is clamped to its last day
  (31 August + 1 month = 30 September).
* SimPy time runs in half-steps, ``2 * tick + phase``: at every instant the clock first settles what falls due
  then (phase 0: deadlines, window ends, fact retention), then processes the scenario's events of that instant
  (phase 1). An event is therefore never "in time" for a limit that falls at its own instant.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from .record import Frozen

SECONDS_PER_DAY = 86_400
PHASE_SETTLE = 0  # deadlines, window ends and retention expiries
PHASE_EVENTS = 1  # the scenario's events


def add_months(day: date, months: int) -> date:
    """``day`` plus a number of calendar months, clamping to the last day of the target month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(index, 12)
    last = _stdlib_calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(day.day, last))


def start_of(day: date) -> datetime:
    """00:00 UTC on ``day``."""
    return datetime.combine(day, time(0, 0), tzinfo=UTC)


def end_of(day: date) -> datetime:
    """The limit instant of a day named as a limit: 00:00 UTC on the following day."""
    return start_of(day + timedelta(days=1))


def local_date(moment: datetime, zone: str) -> date:
    """The calendar day of an instant in a time zone (an IANA name, or "UTC"): the day a duty's due date is
    compared with, when its due days end in that zone (paragraph 47's reports: New York, unless the assumption
    council_time_zone says UTC)."""
    return moment.astimezone(UTC if zone == "UTC" else _zone(zone)).date()


def end_in(day: date, zone: str) -> datetime:
    """The limit instant of a day named as a limit where ``zone`` (an IANA name, or "UTC") keeps time: 00:00 there
    on the following day, as an instant in UTC."""
    if zone == "UTC":
        return end_of(day)
    return datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=_zone(zone)).astimezone(UTC)


def _zone(name: str) -> tzinfo:
    """The IANA time zone ``name`` (:mod:`zoneinfo` is imported only when a zone other than UTC is asked for: it
    reads the interpreter's configuration to find the zone files, a few milliseconds of every start)."""
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def iso_instant(moment: datetime) -> str:
    """An instant as ISO 8601 UTC with a ``Z`` (the JSON contract's form for ``opened`` and ``closed``)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def human_instant(moment: datetime) -> str:
    """An instant for tables: the date alone at midnight, else date and time."""
    moment = moment.astimezone(UTC)
    if moment.time() == time(0, 0):
        return moment.strftime("%Y-%m-%d")
    return moment.strftime("%Y-%m-%d %H:%M")


def long_date(day: date) -> str:
    """'30 June 2018', as the resolution writes dates."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")  # English whatever the locale; strftime('%B') cost 5% of a replay
TWO_DIGITS = tuple(f"{n:02d}" for n in range(60))  # hours, minutes and seconds as instants are written


class Clock(Frozen):
    """Converts between UTC instants, integer ticks (seconds since ``origin``) and SimPy time."""

    _fields = ("origin",)
    origin: datetime

    def __init__(self, origin: datetime) -> None:
        self.__dict__["origin"] = origin

    def tick(self, moment: datetime) -> int:
        delta = moment - self.origin
        return delta.days * SECONDS_PER_DAY + delta.seconds

    def moment(self, tick: int) -> datetime:
        return self.origin + timedelta(seconds=tick)

    def day_limit(self, day: date) -> int:
        """Tick of the limit instant of ``day`` (00:00 UTC the day after)."""
        return self.tick(end_of(day))

    @staticmethod
    def sim_time(tick: int, phase: int) -> int:
        return 2 * tick + phase

    @staticmethod
    def tick_of(sim_time: float) -> int:
        return int(sim_time) // 2
