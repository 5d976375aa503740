"""What a match does: the effects a rule names (``eligibility``, ``breach``, ``grant``, ``exercise``,
``engage``, ``open``, ``fulfil``), applied to the ledger of one replay.

Each handler takes the replay's state, the matched rule, the effect, its subject and the matched events by alias;
:data:`HANDLERS` maps an effect's name to its handler (:meth:`engine.replay.runtime.Replay.apply` dispatches
through it). Handlers open or move findings and start the processes that keep their deadlines and windows
(:mod:`.processes`). :func:`open_period` opens a period of a scheduled duty (paragraphs 47 and 48).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING

from ..dates import end_of, long_date, start_of
from ..rulepack.compiler import CompiledEffect, CompiledRule
from ..rulepack.plain import describe, is_param
from .ledger import Evidence, Finding, FindingKind, Status, Step
from .messages import eligible, engaged, engaged_because, incident_of, resolve
from .processes import deadline, window_end
from .schedules import Period, add
from .state import ReplayState

if TYPE_CHECKING:
    from ..inputs.vocabulary import Event
    from ..rulepack.rulebook import DurationValue, Obligation

Handler = Callable[[ReplayState, CompiledRule, CompiledEffect, str, dict[str, "Event"]], None]


def eligibility(replay: ReplayState, rule: CompiledRule, effect: CompiledEffect, subject: str,
                events: dict[str, Event]) -> None:
    finding_id = f"{rule.paragraph}({effect.criterion}):{subject}"
    existing = replay.ledger.get(finding_id)
    if existing is not None:
        for event_id in replay.event_ids(events):
            existing.add_event(event_id)
        replay.touch(existing)
        return
    replay.touch(replay.ledger.open(
        id=finding_id, paragraph=rule.paragraph, rule=rule.rule_id, kind=FindingKind.ELIGIBILITY,
        subject=subject, tick=replay.now_tick(), events=replay.event_ids(events), criterion=effect.criterion,
        incident=incident_of(events),
        explanation=functools.partial(eligible, rule, events, replay.pack, subject, effect.criterion or ""),
    ))


def breach(replay: ReplayState, rule: CompiledRule, effect: CompiledEffect, subject: str,
           events: dict[str, Event]) -> None:
    trigger = replay.trigger(events)
    figure = resolve(effect.figure, events) if effect.figure else None
    detail = ""
    if figure is not None and effect.ceiling is not None:
        detail = f" {int(figure):,} is above the {effect.limit} of {effect.ceiling:,}."
    replay.touch(replay.ledger.open(
        id=f"{rule.rule_id}:{trigger.id}", paragraph=rule.paragraph, rule=rule.rule_id, kind=FindingKind.BREACH,
        subject=subject, tick=replay.now_tick(), events=replay.event_ids(events), incident=incident_of(events),
        explanation=replay.explain(rule, events, detail),
    ))


def grant(replay: ReplayState, rule: CompiledRule, effect: CompiledEffect, subject: str,
          events: dict[str, Event]) -> None:
    assert effect.target is not None
    authorization = replay.authorization(effect.target)
    incident = resolve(effect.incident, events) if effect.incident else None
    first, last = replay.pack.window_days(authorization.window)
    now = replay.clock.moment(replay.now_tick())
    if not start_of(first) <= now < end_of(last):
        replay.exercised.add(authorization.window)
        return  # outside the window nothing is granted; an act relying on it is reported as not covered
    base_id = f"{effect.target}:{subject}:{incident}"
    finding_id = replay.grants.get(base_id, base_id)
    threat_at, covered_until = _cover(replay, authorization.lasts, effect, events)
    existing = replay.ledger.get(finding_id)
    if (existing is not None and existing.status is Status.LAPSED and covered_until is not None
            and existing.covered_until is not None and covered_until > existing.covered_until):
        # a fresh threat after the last one went stale: a new grant for the incident
        finding_id, existing = f"{base_id}:{replay.trigger(events).id}", None
    if existing is not None:
        for event_id in replay.event_ids(events):
            existing.add_event(event_id)
        if (covered_until is not None and existing.covered_until is not None and existing.status is Status.GRANTED
                and covered_until > existing.covered_until):  # a renewed threat: imminent again
            existing.threat_at, existing.covered_until = threat_at, covered_until
            existing.threat_lasting = _lasting(events[effect.since or ""])
        replay.touch(existing)
        return
    if covered_until is not None and covered_until < end_of(last):
        until = (f"until {human(covered_until)}, {authorization_lasts(replay, authorization.lasts)} after the "
                 f"threat, while it is {_lasting(events[effect.since or ''])} (the mandate ends on "
                 f"{long_date(last)}, paragraph 15)")
        due = covered_until.date()
    else:
        until, due = f"until {long_date(last)} (paragraph 15)", last
    finding = replay.ledger.open(
        id=finding_id, paragraph=rule.paragraph, rule=effect.target, kind=FindingKind.AUTHORIZATION,
        subject=subject, tick=replay.now_tick(), events=replay.event_ids(events), due=due, incident=incident,
        explanation=replay.explain(rule, events, f" For incident {incident}, {until}, this authorizes "
                                   f"{replay.pack.actors.name_of(subject)} \"{' '.join(authorization.says.split())}"
                                   '".'),
    )
    replay.grants[base_id] = finding_id
    finding.threat_at, finding.covered_until = threat_at, covered_until
    if effect.since is not None:
        finding.threat_lasting = _lasting(events[effect.since])
    replay.touch(finding)
    replay.exercised.add(effect.target)
    replay.env.process(window_end(replay.env, replay, finding, replay.clock.day_limit(last)))


def _cover(replay: ReplayState, lasts: DurationValue | None, effect: CompiledEffect,
           events: dict[str, Event]) -> tuple[datetime | None, datetime | None]:
    """When the threat behind a grant came, and the instant after which it no longer covers an act."""
    if lasts is None or effect.since is None:
        return None, None
    threat_at = events[effect.since].at
    duration = replay.pack.duration_of(lasts)
    return threat_at, datetime.combine(add(threat_at.date(), duration), threat_at.timetz())


def _lasting(threat: Event) -> str:
    """What a threat is while it still covers an act: 'imminent' (paragraph 37), else 'current'."""
    return "imminent" if getattr(threat, "level", None) == "imminent_and_serious" else "current"


def authorization_lasts(replay: ReplayState, lasts: DurationValue | None) -> str:
    """'3 days (assumption threat_imminence_window)'."""
    if lasts is None:
        return ""
    name = f" (assumption {lasts.param})" if is_param(lasts) else ""
    return describe(replay.pack.duration_of(lasts)) + name


def human(moment: datetime) -> str:
    """'17 April 2018 at 14:30 UTC' (or the date alone at midnight)."""
    return long_date(moment.date()) + ("" if moment.hour == moment.minute == 0 else
                                       f" at {moment.strftime('%H:%M')} UTC")


def exercise(replay: ReplayState, rule: CompiledRule, effect: CompiledEffect, subject: str,
             events: dict[str, Event]) -> None:
    assert effect.target is not None
    authorization = replay.authorization(effect.target)
    incident = resolve(effect.incident, events) if effect.incident else None
    act = replay.trigger(events)
    base_id = f"{effect.target}:{subject}:{incident}"
    granted = replay.ledger.get(replay.grants.get(base_id, base_id)) if incident else None
    _, last = replay.pack.window_days(authorization.window)
    now = replay.clock.moment(replay.now_tick())
    in_force = now < end_of(last)
    stale = (granted is not None and granted.covered_until is not None and granted.threat_at is not None
             and act.at > granted.covered_until)
    if granted is not None and in_force and not stale and granted.status in (Status.GRANTED, Status.EXERCISED):
        if granted.status is Status.GRANTED:
            granted.move(Status.EXERCISED, replay.now_tick(), event=act.id, note=f"exercised by {act.id}")
        else:
            granted.add_event(act.id)
        replay.touch(granted)
        if authorization.reported_by is not None:
            open_obligation(replay, authorization.reported_by, replay.pack.actor(
                replay.pack.obligations[authorization.reported_by][0].subject), events, rule)
        return
    if not in_force:
        replay.exercised.add(authorization.window)
    no_longer = ""
    if stale:
        assert granted is not None and granted.threat_at is not None
        no_longer = (f"the threat of {human(granted.threat_at)} was no longer {granted.threat_lasting}: paragraph "
                     f"{rule.paragraph} covers an act within {authorization_lasts(replay, authorization.lasts)} of "
                     "the threat")
    if effect.otherwise == "breach":
        uncovered_breach(replay, rule, subject, events, incident, in_force, last, no_longer)
        return
    if not in_force:
        why = f"it took place after the mandate ended on {long_date(last)} (paragraph 15)"
    elif no_longer:
        why = no_longer
    elif incident is None:
        why = "it names no incident, so no threat and request can be linked to it"
    elif granted is not None:
        why = f"the authorization for incident {incident} had already lapsed"
    else:
        why = (f"for incident {incident} there was no imminent and serious threat to MINUSMA together with a "
               f"request of the Secretary-General")
    replay.touch(replay.ledger.open(
        id=f"{effect.target}:not-covered:{act.id}", paragraph=rule.paragraph, rule=rule.rule_id,
        kind=FindingKind.NOT_COVERED, subject=subject, tick=replay.now_tick(), events=replay.event_ids(events),
        incident=incident,
        explanation=replay.explain(rule, events, f" Not covered by paragraph {rule.paragraph}: {why}."),
    ))


def uncovered_breach(replay: ReplayState, rule: CompiledRule, subject: str, events: dict[str, Event],
                     incident: str | None, in_force: bool, last: date, no_longer: str = "") -> None:
    """An act outside the limit a paragraph sets (paragraphs 20(c)(ii) and 20(d): direct operations only
    pursuant to serious and credible threats)."""
    act = replay.trigger(events)
    if not in_force:
        why = f"it took place after the mandate ended on {long_date(last)}"
    elif no_longer:
        why = no_longer
    elif incident is None:
        why = "it names no incident, so no serious and credible threat can be linked to it"
    else:
        why = f"no serious and credible threat was reported for incident {incident}"
    replay.touch(replay.ledger.open(
        id=f"{rule.rule_id}:{act.id}", paragraph=rule.paragraph, rule=rule.rule_id, kind=FindingKind.BREACH,
        subject=subject, tick=replay.now_tick(), events=replay.event_ids(events), incident=incident,
        explanation=replay.explain(rule, events, f" Outside the limit of paragraph {rule.paragraph}: {why}."),
    ))


def engage(replay: ReplayState, rule: CompiledRule, effect: CompiledEffect, subject: str,
           events: dict[str, Event]) -> None:
    """An event engaged a paragraph that sets no deadline: an exhortation, a mandate task, a standing
    authorization. Recorded per rule, addressee and event."""
    act = replay.trigger(events)
    replay.touch(replay.ledger.open(
        id=f"{rule.rule_id}:{subject}:{act.id}", paragraph=rule.paragraph, rule=rule.rule_id,
        kind=FindingKind.ENGAGEMENT, subject=subject, tick=replay.now_tick(), events=replay.event_ids(events),
        incident=incident_of(events),
        explanation=functools.partial(engaged, rule, events, replay.pack, subject),
    ))


def open_(replay: ReplayState, rule: CompiledRule, effect: CompiledEffect, subject: str,
          events: dict[str, Event]) -> None:
    """The ``open`` effect: engage the obligation the effect names."""
    assert effect.target is not None
    open_obligation(replay, effect.target, subject, events, rule)


def open_obligation(replay: ReplayState, obligation_id: str, subject: str, events: dict[str, Event],
                    rule: CompiledRule) -> None:
    """Engage an obligation with a deadline (its own ``within``, or the next period of the duty it is aligned
    with) and start that deadline."""
    obligation, paragraph = replay.pack.obligations[obligation_id]
    assert obligation.due is not None
    now = replay.clock.moment(replay.now_tick())
    due_rule = obligation.due
    ends_with_ground = False
    if due_rule.within is not None:
        due = add(replay.day_of(obligation_id, now), replay.pack.duration_of(due_rule.within))
    else:
        assert due_rule.aligned_with is not None
        period = next_reporting_period(replay, due_rule.aligned_with, now)
        if period is not None:
            due = period.due
        elif due_rule.window is not None:
            # after the last period of the aligned duty: the duty's ground ends with the window, and the
            # next report falls to the next resolution's cycle, so it expires rather than being violated
            due = replay.pack.window_days(due_rule.window)[1]
            if end_of(due) <= now:
                return  # the window ended before the act: the duty's ground is gone, nothing is engaged
            ends_with_ground = True
        else:
            return
    finding_id = f"{obligation_id}:{subject}:{due.isoformat()}"
    if obligation.once_per == "period" and finding_id in replay.ledger:
        replay.ledger.findings[finding_id].add_event(replay.trigger(events).id)
        replay.touch(replay.ledger.findings[finding_id])
        return
    if finding_id in replay.ledger:
        finding_id = f"{finding_id}:{replay.trigger(events).id}"
    finding = replay.ledger.open(
        id=finding_id, paragraph=paragraph.id, rule=obligation_id, kind=FindingKind.OBLIGATION,
        subject=subject, tick=replay.now_tick(), events=replay.event_ids(events), due=due,
        incident=incident_of(events),
        explanation=functools.partial(engaged_because, rule, events, replay.pack, obligation.says, paragraph.id, due),
    )
    finding.ends_with_ground = ends_with_ground
    replay.touch(finding)
    replay.exercised.add(obligation_id)
    replay.env.process(deadline(replay.env, replay, finding, replay.due_limit(obligation, due)))


def next_reporting_period(replay: ReplayState, obligation_id: str, now: datetime) -> Period | None:
    """The period of a scheduled duty whose report will next come: the first whose due date has not
    passed and whose report has not been made yet (a duty engaged after this quarter's report was filed
    is met by the next one)."""
    obligation = replay.pack.obligations[obligation_id][0]
    for period in replay.periods_of(obligation_id):
        if replay.clock.moment(replay.due_limit(obligation, period.due)) <= now:  # its due day has ended there
            continue
        finding = replay.ledger.get(f"{obligation_id}:{period.due.isoformat()}")
        if finding is not None and finding.answered:
            continue
        return period
    return None


def fulfil(replay: ReplayState, rule: CompiledRule, effect: CompiledEffect, subject: str,
           events: dict[str, Event]) -> None:
    """Acts answer a duty's periods in sequence: an act answers the oldest period not yet answered. In
    time, it fulfils it; after its due date, it is recorded on the violated period as a late answer — but only
    while it is at most ``late_within`` late (assumption late_report_window): a report filed later than that
    answers the period in which it is filed, and the period nobody answered stays violated."""
    assert effect.target is not None
    act = replay.trigger(events)
    if effect.answers != "all":
        pending = replay.ledger.all_unanswered(effect.target, subject, replay.now_tick())
        if not pending:
            return
        oldest = pending[0]
        late_limit = add(oldest.due, effect.late_within) if oldest.due and effect.late_within else None
        filed = replay.day_of(oldest.rule, act.at)  # the act's day where the duty's due days end
        if oldest.status is Status.ACTIVE or late_limit is None or filed <= late_limit:
            answer(replay, oldest, act)
            return
        current = next((f for f in pending if f.status is Status.ACTIVE), None)
        if current is None:
            answer(replay, oldest, act)  # no later period to answer: it is the late answer to the oldest
            return
        assert oldest.due is not None and effect.late_within is not None
        current.tell(f" The {act.type} {act.id} of {long_date(filed)} came more than "
                     f"{describe(effect.late_within)} after the violated period due {long_date(oldest.due)} "
                     "(assumption late_report_window), so it answers this period, in which it was filed.")
        answer(replay, current, act)
        return
    while True:
        finding = replay.ledger.unanswered(effect.target, subject, replay.now_tick())
        if finding is None:
            return
        answer(replay, finding, act)
        if effect.answers != "all":
            return


def answer(replay: ReplayState, finding: Finding, act: Event) -> None:
    """``act`` answers ``finding``: it fulfils it while active, and is recorded as late after its due date."""
    finding.answered = True
    finding.answered_by = act.id
    replay.touch(finding)
    filed = replay.day_of(finding.rule, act.at)  # the act's day where the duty's due days end
    day = long_date(filed)
    if finding.status is Status.ACTIVE:
        finding.move(Status.FULFILLED, replay.now_tick(), event=act.id, note=f"fulfilled by {act.type} {act.id}")
        finding.tell(f" Fulfilled by {act.type} {act.id} on {day}.")
    else:
        assert finding.due is not None
        late = finding.days_late = (filed - finding.due).days
        finding.add_event(act.id)
        finding.history.append(Step(replay.now_tick(), finding.status, act.id, f"late {act.type}"))
        finding.tell(f" The {act.type} {act.id} came on {day}, {late} day{'s' if late != 1 else ''} late.")


def open_each_period(replay: ReplayState, obligation: Obligation, paragraph_id: str, period: Period) -> None:
    """A duty aligned with a scheduled one that arises in each of its periods whatever the events (paragraph
    47(i)-(iii) with the assumption report_must_cover_every_focus): opened as the period opens, under the id
    events would give it, so that events of the period join it."""
    subject = replay.pack.actor(obligation.subject)
    finding_id = f"{obligation.id}:{subject}:{period.due.isoformat()}"
    if finding_id in replay.ledger:
        return
    finding = _open_scheduled(replay, obligation, paragraph_id, period, finding_id, subject,
                              "Every quarterly report covers it (assumption report_must_cover_every_focus); "
                              f"due {long_date(period.due)}.")
    replay.env.process(deadline(replay.env, replay, finding, replay.due_limit(obligation, period.due)))


def open_period(replay: ReplayState, obligation: Obligation, paragraph_id: str, period: Period) -> Finding:
    """Open one period of a scheduled duty (it arose by schedule, not by an event)."""
    subject = replay.pack.actor(obligation.subject)
    schedule = obligation.schedule
    assert schedule is not None
    ordinal = f"period {period.number} " if schedule.every is not None else ""
    return _open_scheduled(replay, obligation, paragraph_id, period, f"{obligation.id}:{period.due.isoformat()}",
                           subject, f"{replay.pack.actors.name_of(subject)}'s {ordinal}duty, due "
                                    f"{long_date(period.due)}.")


def _open_scheduled(replay: ReplayState, obligation: Obligation, paragraph_id: str, period: Period,
                    finding_id: str, subject: str, sentence: str) -> Finding:
    """Open a duty that arose by schedule as its period opens (or now, if later), with the paragraph's words and
    ``sentence`` as its explanation and the schedule as its evidence."""
    finding = replay.ledger.open(
        id=finding_id, paragraph=paragraph_id, rule=obligation.id, kind=FindingKind.OBLIGATION, subject=subject,
        tick=max(replay.clock.tick(period.opens), replay.now_tick()), events=[], due=period.due,
        explanation=f'Paragraph {paragraph_id}: "{" ".join(obligation.says.split())}". {sentence}',
        note="arose by schedule",
    )
    finding.provenance.append(Evidence(rule=f"{obligation.id}/schedule", tick=finding.opened, conditions=()))
    replay.exercised.add(obligation.id)
    return finding


HANDLERS: dict[str, Handler] = {
    "eligibility": eligibility,
    "breach": breach,
    "grant": grant,
    "exercise": exercise,
    "engage": engage,
    "open": open_,
    "fulfil": fulfil,
}
"""Each effect's handler by the effect's name (the names :mod:`engine.rulepack.rulebook` allows)."""
