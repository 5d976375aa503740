"""The why-not of an obligation: every duty that was not fulfilled, and the acts that came closest — by
someone else, of another kind, after the due date, or answering another period — or why no duty was opened."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ...dates import end_of, long_date
from ...inputs.vocabulary import Event
from ...outputs.report import FindingView
from ...rulepack.rulebook import Obligation
from ..why import describe_event, when
from .answers import Near, ObligationAnswer
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
    all_findings = [f for f in question.report.findings if f.rule == obligation.id]
    for finding in findings:
        if finding.status == "fulfilled":
            continue
        assert finding.due is not None
        due = date.fromisoformat(finding.due)
        state = {"violated": f"was violated: nothing fulfilled it by {long_date(due)}",
                 "expired": f"expired unmet when its ground ended on {long_date(due)}",
                 "active": f"was still open when the replay ended (due {long_date(due)})"}.get(
                     finding.status, f"is {finding.status}")
        answer.reasons.append(f"{finding.id} {state}")
        ranked: list[tuple[tuple[Any, ...], Near]] = []
        for event in events:
            verdict = judge(question.pack, pattern, event, {})
            reasons = list(verdict.reasons)
            if not reasons:
                reasons = timing(question, event, finding, due, all_findings)
            if not reasons:
                continue
            key = (bool(verdict.reasons), len(verdict.reasons), abs((event.at - end_of(due)).total_seconds()))
            ranked.append((key, Near(describe_event(question.pack, event), reasons)))
        ranked.sort(key=lambda item: item[0])
        if ranked:
            answer.near[finding.id] = [near for _, near in ranked[:NEAR]]
        if not ranked:
            answer.reasons.append(headline(question.pack, pattern, {}) + f" (the scenario has no {by.event} event)"
                                  if not events else headline(question.pack, pattern, {}))
    if all(f.status == "fulfilled" for f in findings):
        answer.note = "Every duty of this obligation in the replay was fulfilled."
    return answer


def timing(question: Question, event: Event, finding: FindingView, due: date, others: list[FindingView]) -> list[str]:
    """Why an act of the right kind did not fulfil ``finding`` in time."""
    opened = datetime.fromisoformat(finding.opened.replace("Z", "+00:00"))
    answered = next((f for f in others if event.id in f.events and f.id != finding.id), None)
    if event.at >= end_of(due):
        late = (event.at.date() - due).days
        said = f"came {late} day{'s' if late != 1 else ''} after the due date ({long_date(due)})"
        if event.id in finding.events:
            said += " and is recorded on this duty as late"
        elif answered is not None:
            said += f"; it answered {answered.id}"
        return [said]
    if event.at < opened:
        said = f"came before this duty opened on {when(opened)}"
        if answered is not None:
            said += f"; it answered {answered.id}"
        return [said]
    if answered is not None:
        return [f"answered {answered.id} (an act answers the oldest duty not yet answered)"]
    return []


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
