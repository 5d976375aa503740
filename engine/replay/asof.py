"""As-of replays: the state of a scenario as it was known at an instant, without hindsight.

``obligations run SCENARIO --as-of INSTANT`` replays only the events up to INSTANT and stops the clock there: a
duty due later is still ``active``, an authorization whose window has not ended is still ``granted``, and
nothing that opens after INSTANT appears. A date alone means the whole of that day (like a scenario's
``until``: as it ends, a duty due that day that is still unmet is violated); a date-time means up to and
including that second. An instant after the scenario's window is the window's end; the scenario's later events
are never refused, only not yet seen. The events of an event log (``events_from``) are cut at the same instant:
the replay stops reading the log there, and :func:`truncated` gives the explanations and pictures a scenario
whose events (:meth:`~engine.inputs.scenario_model.Scenario.all_events`) end there too.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta
from typing import Any

from ..dates import end_of
from ..inputs.eventtypes import _DATE, parse_instant
from ..inputs.scenario import Scenario
from ..inputs.scenario_model import known_by as known_by  # the as-of test, kept importable from here

ONE_SECOND = timedelta(seconds=1)  # the clock's resolution: a tick is one second


def as_of_instant(value: Any) -> datetime:
    """The last instant (inclusive, whole seconds, UTC) an as-of value covers; ``ValueError`` if it is none.

    A date (``2018-06-30``) covers its whole day; a date-time (``2018-04-14T16:10Z``) that second.
    """
    if isinstance(value, date) and not isinstance(value, datetime):
        return end_of(value) - ONE_SECOND
    if isinstance(value, str) and _DATE.match(value.strip()):
        try:
            return end_of(date.fromisoformat(value.strip())) - ONE_SECOND
        except ValueError:
            raise ValueError(f"{value.strip()!r} is not a real date") from None
    return parse_instant(value).replace(microsecond=0)


def truncated(scenario: Scenario, as_of: datetime) -> Scenario:
    """The scenario with only the events known by ``as_of`` (for explanations and pictures that read the events):
    the file's events up to then, and an event log read only up to then (:meth:`Scenario.all_events`)."""
    last = as_of if scenario.known_until is None else min(as_of, scenario.known_until)
    return dataclasses.replace(scenario, events=[e for e in scenario.events if known_by(e.at, last)],
                               known_until=last)
