"""The why-not of an authorization: why a complete match engaged nothing — a grant outside its window, an
intervention no grant covered (none for its incident, granted only later, lapsed), or an act after the mandate."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ...dates import end_of, long_date, start_of
from ...inputs.scenario import sort_key
from ...inputs.vocabulary import Event
from ...replay.messages import resolve  # the same reading of alias.field as the replay's
from ...rulepack.compiler import FieldRef
from ...rulepack.rulebook import ALIAS_REF, Rule
from ..why import when
from .phrasing import actor_phrase, noun
from .question import Question


def effect_reasons(question: Question, rule: Rule, binding: dict[str, Event]) -> list[str] | None:
    """Why a complete match engaged no finding (None when its effects took place)."""
    def value(raw: str | None) -> Any:
        if raw is None:
            return None
        match = ALIAS_REF.match(raw)
        if match and match.group(1) in binding:
            return resolve(FieldRef(match.group(1), match.group(2)), dict(binding))
        return question.pack.actor(raw)

    trigger = max(binding.values(), key=sort_key)
    reasons: list[str] = []
    for effect in rule.then:
        body = effect.body
        subject_raw = getattr(body, "subject", None)
        subject = value(subject_raw) if subject_raw else None
        if subject_raw and subject is None:
            reasons.append(f"{subject_raw} is not given, so there is no one the finding would concern")
            continue
        if effect.name == "grant":
            authorization = question.pack.authorizations[body.authorization][0]
            first, last = question.pack.window_days(authorization.window)
            if not start_of(first) <= trigger.at < end_of(last):
                reasons.append(outside(question, trigger, authorization.window, first, last))
        elif effect.name == "exercise":
            reason = exercise_reason(question, body, binding, trigger, value)
            if reason:
                reasons.append(reason)
    return reasons or None


def outside(question: Question, event: Event, window: str, first: date, last: date) -> str:
    if event.at >= end_of(last):
        return (f"the {noun(event.type)} {event.id} on {when(event.at)} is after the {window} ended on "
                f"{long_date(last)}")
    return (f"the {noun(event.type)} {event.id} on {when(event.at)} is before the {window} began on "
            f"{long_date(first)}")


def exercise_reason(question: Question, body: Any, binding: dict[str, Event], act: Event, value: Any) -> str | None:
    authorization = question.pack.authorizations[body.authorization][0]
    first, last = question.pack.window_days(authorization.window)
    subject = value(body.subject)
    incident = value(body.incident)
    if act.at >= end_of(last):
        return outside(question, act, authorization.window, first, last)
    granting = [rule.id for rule, _ in question.pack.rules
                if any(e.name == "grant" and e.body.authorization == body.authorization for e in rule.then)]
    see = f" (see {', '.join(granting)})" if granting else ""
    if incident is None:
        return (f"the {noun(act.type)} {act.id} names no incident, so no grant of authorization "
                f"{body.authorization} can cover it")
    grant = question.report.by_id(f"{body.authorization}:{subject}:{incident}")
    whom = actor_phrase(question.pack, str(subject))
    if grant is None:
        return (f"no authorization {body.authorization} was granted to {whom} for incident {incident}{see}")
    if act.id in grant.events and grant.status == "exercised":
        return None
    opened = datetime.fromisoformat(grant.opened.replace("Z", "+00:00"))
    if opened > act.at:
        return (f"the authorization for incident {incident} was granted only on {when(opened)}, after the "
                f"{noun(act.type)} on {when(act.at)}")
    if grant.status == "lapsed":
        threats = [e for e in question.by_type.get("threat", ()) if e.id in grant.events and e.at <= act.at]
        if threats:  # the grant lasted while its threat did (an authorization's `lasts`)
            return (f"the threat of {when(max(threats, key=lambda e: e.at).at)} was no longer imminent on "
                    f"{when(act.at)}: the authorization for incident {incident} had lapsed")
        return f"the authorization for incident {incident} had lapsed"
    return None
