"""The SimPy processes that keep time for what a match started (each takes ``env`` first).

* :func:`deadline` — at an obligation's limit, an obligation still active is violated (or expires, when its
  ground ended first);
* :func:`window_end` — at the end of its window (paragraph 15's mandate), an authorization still only granted
  lapses.

(The facts kept for joins are retracted once no join can still use them by the replay itself, before it asserts
the next event: :meth:`engine.replay.runtime.Replay.forget_until`.)

They run in the settling phase of an instant, before that instant's events are seen (see :mod:`engine.dates`).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import simpy

from ..dates import PHASE_SETTLE, Clock, long_date
from .ledger import Finding, Status
from .state import ReplayState

Process = Generator[simpy.Event, Any, None]


def deadline(env: simpy.Environment, replay: ReplayState, finding: Finding, limit_tick: int) -> Process:
    """At the limit of its due date, an obligation still active is violated."""
    at = Clock.sim_time(limit_tick, PHASE_SETTLE)
    if at > env.now:
        yield env.timeout(at - env.now)
    if finding.status is Status.ACTIVE:
        assert finding.due is not None
        if finding.ends_with_ground:
            finding.move(Status.EXPIRED, limit_tick, note="its ground ended")
            finding.tell(f" Expired unmet: its ground ended with the mandate on {long_date(finding.due)}, after the "
                         "last reporting date of paragraph 47.")
        else:
            finding.move(Status.VIOLATED, limit_tick, note="due date passed")
            finding.tell(f" Violated: nothing fulfilled it by {long_date(finding.due)}.")


def window_end(env: simpy.Environment, replay: ReplayState, finding: Finding, limit_tick: int) -> Process:
    """At the end of its window, an authorization never exercised lapses."""
    while True:  # an authorization that lasts while its threat does lapses first when the threat is stale
        covered = finding.covered_until
        # a grant whose threat was stale before the request came lapses as it opens
        cover_tick = max(replay.clock.tick(covered) + 1, finding.opened) if covered is not None else None
        end = min(limit_tick, cover_tick) if cover_tick is not None else limit_tick
        at = Clock.sim_time(end, PHASE_SETTLE)
        if at <= env.now:
            end = max(end, Clock.tick_of(env.now))
            break
        yield env.timeout(at - env.now)
        if finding.covered_until == covered:  # not renewed by a later threat while waiting
            break
    if finding.status is Status.GRANTED:
        if end < limit_tick and finding.threat_at is not None:
            finding.move(Status.LAPSED, end, note="threat no longer imminent")
            finding.tell(f" Lapsed unexercised: the threat of {long_date(finding.threat_at.date())} was no longer "
                         f"{finding.threat_lasting}.")
            return
        window = replay.pack.authorizations[finding.rule][0].window
        replay.exercised.add(window)
        finding.move(Status.LAPSED, limit_tick, note="window ended")
        finding.tell(" Lapsed unexercised when the mandate ended.")
