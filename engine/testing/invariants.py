"""The invariants every replay keeps, as :func:`check_report` (and one check per invariant, which
:class:`~engine.testing.machine.ReplayMachine` runs as its own ``@invariant()`` methods)."""

from __future__ import annotations

import itertools
from datetime import date

from ..dates import end_of
from ..inputs.scenario import Scenario
from ..outputs.report import Report
from ..replay.ledger import INITIAL, TRANSITIONS, FindingKind, Status
from .helpers import _engine, instant


def _statuses(kind: str) -> set[str]:
    first = INITIAL[FindingKind(kind)]
    return {first, *TRANSITIONS.get(first, frozenset())}


def _known_rules() -> set[str]:
    pack = _engine().pack
    return {r.id for r, _ in pack.rules} | set(pack.obligations) | set(pack.authorizations)


def _paragraph_problems(report: Report, scenario: Scenario) -> list[str]:
    paragraphs = {p.id for p in _engine().pack.paragraphs}
    rules = _known_rules()
    return [f"{f.id}: paragraph {f.paragraph} / rule {f.rule} is not the pack's"
            for f in report.findings if f.paragraph not in paragraphs or f.rule not in rules]


def _identity_problems(report: Report, scenario: Scenario) -> list[str]:
    ids = [f.id for f in report.findings]
    known = {e.id for e in scenario.all_events()}  # the event log's too
    problems = [f"finding id {i} is used twice" for i in sorted({i for i in ids if ids.count(i) > 1})]
    problems += [f"{f.id}: cites unknown events {sorted(set(f.events) - known)}"
                 for f in report.findings if not set(f.events) <= known]
    return problems


def _lifecycle_problems(report: Report, scenario: Scenario) -> list[str]:
    """Each finding is in one legal state for its kind, reached along allowed transitions, closed when (and only
    when) it left its initial state, and settled once its due date has passed within the run."""
    problems = []
    limit = end_of(scenario.until)
    for f in report.findings:
        first = INITIAL[FindingKind(f.kind)]
        steps = [Status(h["status"]) for h in f.history]
        if f.status not in _statuses(f.kind):
            problems.append(f"{f.id}: status {f.status} is not one a {f.kind} can have")
        if not steps or steps[0] is not first or steps[-1] != f.status:
            problems.append(f"{f.id}: history {[str(s) for s in steps]} does not lead from {first} to {f.status}")
        for before, after in itertools.pairwise(steps):
            if after != before and after not in TRANSITIONS.get(before, frozenset()):
                problems.append(f"{f.id}: {before} cannot become {after}")
        if (f.closed is None) != (f.status == first):
            problems.append(f"{f.id}: status {f.status} but closed={f.closed}")
        if f.closed is not None and instant(f.closed) < instant(f.opened):
            problems.append(f"{f.id}: closed {f.closed} before it opened {f.opened}")
        settled_by = end_of(date.fromisoformat(f.due)) if f.due is not None else None
        if f.status == first and first in TRANSITIONS and settled_by is not None and settled_by <= limit:
            problems.append(f"{f.id}: still {f.status} although its due date {f.due} passed within the run")
    return problems


def _causality_problems(report: Report, scenario: Scenario) -> list[str]:
    """A finding opens when the last event of the match that caused it happens: never before it, never later;
    and inside the replay's window."""
    problems = []
    at = {e.id: e.at for e in scenario.all_events()}
    first, limit = scenario.window
    for f in report.findings:
        opened = instant(f.opened)
        if not first <= opened < limit:
            problems.append(f"{f.id}: opened {f.opened} outside the replay {scenario.start} to {scenario.until}")
        cause = [c["event"] for c in f.provenance[0]["conditions"]] if f.provenance else []
        if cause and opened != max(at[e] for e in cause if e in at):
            problems.append(f"{f.id}: opened {f.opened}, not when its cause {cause} completed")
    return problems


_CHECKS = (_paragraph_problems, _identity_problems, _lifecycle_problems, _causality_problems)


def check_report(report: Report, scenario: Scenario) -> None:
    """Raise ``AssertionError`` listing every broken invariant of a replay: findings only about the pack's
    paragraphs and rules; unique ids; only the scenario's events cited; statuses legal for their kind and reached
    along allowed transitions; closed at or after opening, and settled once due; nothing opened before (or after)
    the events that caused it, nor outside the replay."""
    problems = [p for check in _CHECKS for p in check(report, scenario)]
    assert not problems, "; ".join(problems)
