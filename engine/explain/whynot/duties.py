"""The why-not of an obligation: every duty that was not fulfilled, and the acts that came closest — by
someone else, of another kind, after the due date, or answering another period (under the late-report rule: a
report more than late_report_window late answers the period it is filed in, see :mod:`.late`) — or why no duty
was opened."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ...dates import long_date
from ...inputs.vocabulary import Event
from ...outputs.report import FindingView
from ...rulepack.rulebook import Obligation
from ..why import describe_event, when
from .answers import Near, ObligationAnswer
from .late import LateWindow, Placing, days_late, due_limit, late_window, placing, zone_of
from .patterns import Pattern, headline, judge
from .phrasing import actor_phrase
from .question import Question
from .search import NEAR


def obligation_answer(question: Question, obligation: Obligation) -> ObligationAnswer:
    answer = ObligationAnswer(obligation=obligation.id, says=" ".join(obligation.says.split()))
    subject = question.pack.actor(obligation.subject)
    if question.subject is not None and subject != question.subject:
        answer.note = f"Not part of this question: it is a duty of {actor_phrase(question.pack, subject)}."
        return answer
    findings = [f for f in question.report.findings if f.rule == obligation.id and f.kind == "obligation"
                and (question.incident is None or obligation.schedule is not None or f.incident == question.incident)]
    answer.findings = [{"id": f.id, "status": f.status} for f in findings]
    if not findings:
        answer.reasons.append(never_opened(question, obligation))
        return answer
    by = obligation.fulfilled_by
    pattern = Pattern("act", by.event, dict(by.where))
    events = question.by_type.get(by.event, [])
    acts = {e.id: e for e in events if e.id is not None}
    duties = [f for f in question.report.findings if f.rule == obligation.id and f.kind == "obligation"]
    window = late_window(question, obligation)
    zone = zone_of(question, obligation)
    answer.late_window = window.as_dict() if window is not None else None
    placings: dict[int, Placing] = {}

    def placed(event: Event) -> Placing:
        """Where the replay placed ``event`` among the obligation's duties (worked out once per event)."""
        key = id(event)
        if key not in placings:
            placings[key] = placing(duties, event, acts, window)
        return placings[key]

    for finding in findings:
        if finding.status == "fulfilled":
            continue
        assert finding.due is not None
        due = date.fromisoformat(finding.due)
        limit = due_limit(question, obligation, due)
        state = {"violated": f"was violated: nothing fulfilled it by {long_date(due)}",
                 "expired": f"expired unmet when its ground ended on {long_date(due)}",
                 "active": f"was still open when the replay ended (due {long_date(due)})"}.get(
                     finding.status, f"is {finding.status}")
        answer.reasons.append(f"{finding.id} {state}")
        ranked: list[tuple[tuple[Any, ...], Event, list[str]]] = []
        for event in events:
            verdict = judge(question.pack, pattern, event, {})
            reasons = list(verdict.reasons)
            if not reasons:
                reasons = timing(event, finding, due, limit, placed(event), window, zone)
            if not reasons:
                continue
            key = (bool(verdict.reasons), len(verdict.reasons), abs((event.at - limit).total_seconds()))
            ranked.append((key, event, reasons))
        ranked.sort(key=lambda item: item[0])
        nears = []
        for _, event, reasons in ranked[:NEAR]:
            after = event.at >= limit
            extra = {"answered": [f.id for f in placed(event).answered],
                     "days_late": days_late(event, due, zone) if after else None,
                     "within_late_window": window.allows(event, due) if after and window is not None else None,
                     "unmet": unmet_fields(question, pattern, event)}
            nears.append(Near(describe_event(question.pack, event), reasons, extra))
        if nears:
            answer.near[finding.id] = nears
        else:
            answer.reasons.append(headline(question.pack, pattern, {}) + f" (the scenario has no {by.event} event)"
                                  if not events else headline(question.pack, pattern, {}))
    if all(f.status == "fulfilled" for f in findings):
        answer.note = "Every duty of this obligation in the replay was fulfilled."
    return answer


def unmet_fields(question: Question, pattern: Pattern, event: Event) -> list[str]:
    """The fields of ``event`` that fail the fulfilment's tests ('by': a report by someone whose report does not
    fulfil the duty, such as the Security Council's for the Secretary-General's)."""
    return [name for name, constraint in sorted(pattern.where.items())
            if not judge(question.pack, Pattern("act", pattern.event, {name: constraint}), event, {}).met]


def timing(event: Event, finding: FindingView, due: date, limit: datetime, place: Placing,
           window: LateWindow | None, zone: str) -> list[str]:
    """Why an act of the right kind did not fulfil ``finding`` in time, as the replay placed it (``place``)."""
    opened = datetime.fromisoformat(finding.opened.replace("Z", "+00:00"))
    answered = next((f for f in place.answered if f.id != finding.id), None)
    if event.at >= limit:
        return [late_words(event, finding, due, place, window, zone)]
    if event.at < opened:
        said = f"came before this duty opened on {when(opened)}"
        if answered is not None:
            said += f"; it answered {answered.id}"
        return [said]
    if answered is not None:
        return [f"answered {answered.id} (an act answers the oldest duty not yet answered)"]
    return []


def late_words(event: Event, finding: FindingView, due: date, place: Placing, window: LateWindow | None,
               zone: str) -> str:
    """Why an act after the due date of ``finding`` is not its answer in time — and, under the late-report rule,
    whether it was its late answer or which period it answered instead."""
    late = days_late(event, due, zone)
    said = f"came {late} day{'s' if late != 1 else ''} after the due date ({long_date(due)})"
    answered = next((f for f in place.answered if f.id != finding.id), None)
    if any(f.id == finding.id for f in place.answered):
        said += " and is recorded on this duty as late"
        if window is None:
            return said
        if window.allows(event, due):
            return said + f" (a late report may answer a missed period for {window.duration.describe()}: " \
                          f"{window.source()})"
        return (said + f": more than the {window.duration.describe()} within which a late report answers a missed "
                f"period ({window.source()}), but no later period was open for it to answer")
    if answered is None:
        return said
    if window is None or not place.faithful or place.oldest is None:
        return said + f"; it answered {answered.id}"
    if place.beyond and place.oldest.id == finding.id:
        change = window.change(late)
        how = f"; to count reports up to {late} days late: {change}" if change else ""
        return (said + f", more than the {window.duration.describe()} within which a late report still answers a "
                f"missed period ({window.source()}{how}); so it answered {answered.id}, the period in which it "
                "was filed")
    if place.beyond:
        assert place.oldest.due is not None
        return (said + f"; the oldest period not yet answered, {place.oldest.id}, was then more than "
                f"{window.duration.describe()} past its due date ({window.source()}), so it answered "
                f"{answered.id}, the period in which it was filed")
    if answered.id == place.oldest.id:
        return said + f"; it answered {answered.id}, an earlier period not yet answered (a report answers the " \
                      "oldest period not yet answered)"
    return said + f"; it answered {answered.id}"


def never_opened(question: Question, obligation: Obligation) -> str:
    if obligation.schedule is not None:
        scenario = question.replayed.scenario
        return (f"no duty of {obligation.id} fell due within the scenario's window ({scenario.start} to "
                f"{scenario.until})")
    sources = [a.id for a, _ in question.pack.authorizations.values() if a.reported_by == obligation.id]
    about = f" for incident {question.incident}" if question.incident else ""
    if sources:
        return (f"{obligation.id} is opened when authorization {', '.join(sources)} is exercised; it was not "
                f"exercised{about}")
    openers = [rule.id for rule, _ in question.pack.rules
               if any(e.name == "open" and e.body.obligation == obligation.id for e in rule.then)]
    if openers:
        return f"{obligation.id} is opened by rule {', '.join(openers)}, which did not match{about}"
    return f"nothing opened {obligation.id}{about}"
