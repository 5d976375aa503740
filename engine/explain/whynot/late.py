"""The late-report rule as the replay applies it, for the why-not of a duty.

A report answers the oldest period of its duty not yet answered: in time, or at most ``late_within`` late
(assumption late_report_window, 30 days) for a period that was missed; a report later than that answers the
period in which it is filed, and the missed one stays violated with no late answer. Which duties a report
answered is read from the replay (the findings' ``answered_by``); this module reconstructs what the replay saw
when the report came (the oldest duty not yet answered, the period it was filed in) only to say why, and falls
back to plainer words whenever that reconstruction does not give the replay's own answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ...dates import end_in, local_date
from ...inputs.vocabulary import Event
from ...outputs.report import FindingView
from ...replay.schedules import add
from ...rulepack.plain import describe, duration_fields, is_param
from ...rulepack.rulebook import Duration, Obligation
from .question import Question

_ANSWERABLE = ("active", "violated")  # the statuses in which the replay lets an act answer a duty


@dataclass(frozen=True)
class LateWindow:
    """How late a report may still answer a missed period (an obligation's ``late_within``), and what sets it."""

    duration: Duration
    parameter: str | None
    assumption: bool
    overridden: bool
    zone: str  # where the duty's due days end: an act's day is counted there, as the replay counts it

    def source(self) -> str:
        """'assumption late_report_window' (', overridden' when the scenario or --assume changed it)."""
        if self.parameter is None:
            return "set by the rule"
        return (f"{'assumption' if self.assumption else 'parameter'} {self.parameter}"
                + (", overridden" if self.overridden else ""))

    def change(self, days: int) -> str | None:
        """The option that would let reports up to ``days`` late answer a missed period."""
        if self.parameter is None:
            return None
        return f"--assume '{self.parameter}={{\"days\": {days}}}'"

    def allows(self, act: Event, due: date) -> bool:
        """Whether ``act`` is late by at most the window for a duty due on ``due`` (the replay's own test)."""
        return local_date(act.at, self.zone) <= add(due, self.duration)

    def as_dict(self) -> dict[str, Any]:
        return {"limit": describe(self.duration), "value": duration_fields(self.duration),
                "parameter": self.parameter, "assumption": self.assumption, "overridden": self.overridden}


def late_window(question: Question, obligation: Obligation) -> LateWindow | None:
    """The obligation's late-report window (None when its acts answer every open duty, or it sets none)."""
    by = obligation.fulfilled_by
    if by.answers != "oldest" or by.late_within is None:
        return None
    name = by.late_within.param if is_param(by.late_within) else None
    assumption = name is not None and question.pack.parameters[name].assumption is not None
    overridden = bool(name is not None and (question.report.assumptions.get(name) or {}).get("overridden"))
    return LateWindow(question.pack.duration_of(by.late_within), name, assumption, overridden,
                      zone_of(question, obligation))


def zone_of(question: Question, obligation: Obligation) -> str:
    """Where the obligation's due days end: its time zone, or UTC."""
    return question.pack.time_zone_of(obligation)


def due_limit(question: Question, obligation: Obligation, due: date) -> datetime:
    """The instant a duty due on ``due`` is late: the end of that day in the obligation's time zone (as the replay
    reckons it: paragraph 47's reports in New York unless the assumption council_time_zone says UTC)."""
    return end_in(due, zone_of(question, obligation))


def days_late(act: Event, due: date, zone: str) -> int:
    """Days between a duty's due date and an act, the act's day taken where the duty's due days end (``zone``):
    the replay's count for ``days_late``."""
    return (local_date(act.at, zone) - due).days


def _instant(iso: str) -> datetime:
    return datetime.fromisoformat(iso.replace("Z", "+00:00"))


def _status_before(finding: FindingView, act: Event) -> str | None:
    """The duty's status when ``act`` came, by its history, before the act's own effect (None before it opened)."""
    status = None
    for step in finding.history:
        at = _instant(step["at"])
        if at > act.at or (at == act.at and step["event"] == act.id):
            break
        status = step["status"]
    return status


@dataclass(frozen=True)
class Placing:
    """Where the replay placed one act among its obligation's duties, and what it saw when the act came."""

    answered: tuple[FindingView, ...]  # the duties the act answered in the replay
    oldest: FindingView | None  # the oldest duty not yet answered when it came
    current: FindingView | None  # the first duty then still open in time: the period it was filed in
    beyond: bool  # it came more than the window after the oldest's due date
    faithful: bool  # this reconstruction gives the replay's own answer (else only ``answered`` is said)


def placing(duties: list[FindingView], act: Event, acts: dict[str, Event], window: LateWindow | None) -> Placing:
    """How the replay placed ``act`` among ``duties`` (the obligation's, in the order they arose), ``acts`` being
    the acts of its kind by id (to tell which duties were still unanswered when it came)."""
    answered = tuple(f for f in duties if f.answered_by == act.id)

    def unanswered_then(finding: FindingView) -> bool:
        if finding.answered_by is None or finding.answered_by == act.id:
            return True
        other = acts.get(finding.answered_by)
        return other is not None and other.at > act.at

    pending = [f for f in duties if _instant(f.opened) <= act.at and _status_before(f, act) in _ANSWERABLE
               and unanswered_then(f)]
    oldest = pending[0] if pending else None
    current = next((f for f in pending if _status_before(f, act) == "active"), None)
    beyond = bool(oldest is not None and oldest.due is not None and window is not None
                  and _status_before(oldest, act) == "violated"
                  and not window.allows(act, date.fromisoformat(oldest.due)))
    predicted = None if oldest is None else (current if beyond and current is not None else oldest)
    faithful = predicted is not None and [f.id for f in answered] == [predicted.id]
    return Placing(answered, oldest, current, beyond, faithful)
