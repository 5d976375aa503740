"""The replay: a SimPy clock feeds a scenario's events to the matcher and keeps every deadline and window.

SimPy owns all time. Processes (each takes ``env`` first):

* :func:`feed` — delivers the scenario's events at their instants, in the scenario's processing order;
* :func:`scheduled_obligation` — opens each period of a scheduled duty (paragraphs 47 and 48) and starts its
  deadline;
* :func:`deadline` — at an obligation's limit, an obligation still active is violated;
* :func:`window_end` — at the end of its window (paragraph 15's mandate), an authorization still only granted
  lapses;
* :func:`forget` — retracts, once no join can still use them, the facts kept for joins (durable-rules keeps about
  8 KB per stored fact, so memory follows open matters, not the length of the scenario).

Time is integer ticks (seconds since the adoption) in half-steps (see :mod:`engine.calendar`): at each instant,
deadlines and window ends settle before that instant's events are seen. durable-rules only matches; what a
match does is applied here, to the :class:`~engine.ledger.Ledger`, in a fixed order (the pack's rule order,
then the matched events' ids).
"""

from __future__ import annotations

import collections
from collections.abc import Generator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from string import Formatter
from typing import Any

import simpy

from ..dates import PHASE_EVENTS, PHASE_SETTLE, Clock, end_of, long_date, start_of
from ..inputs.scenario import Scenario, sort_key
from ..inputs.vocabulary import Event
from ..rulepack.compiler import CompiledEffect, CompiledPack, CompiledRule, FieldRef, Value, list_key
from ..rulepack.pack import RulePack
from ..rulepack.rulebook import Authorization, Obligation
from .ledger import Evidence, Finding, FindingKind, Ledger, Status, Step
from .matcher import Matcher, Session
from .schedules import Period, add, periods

Process = Generator[simpy.Event, Any, None]


@dataclass
class Replay:
    """The state of one replay."""

    compiled: CompiledPack
    scenario: Scenario
    clock: Clock
    env: simpy.Environment
    session: Session
    ledger: Ledger
    end_tick: int

    def __post_init__(self) -> None:
        self.live: dict[str, tuple[Event, dict[str, Any]]] = {}
        self.pending: dict[str, collections.deque[tuple[int, dict[str, Any]]]] = {}
        self.waiting: dict[str, simpy.Event] = {}  # forget() processes idle until a fact of their type comes
        self.peak_live_facts = 0
        self.evidence: Evidence | None = None  # the match being applied
        self.recorded: set[tuple[str, Evidence]] = set()  # (finding id, evidence) already in its provenance
        self.exercised: set[str] = set()  # ids of rules, obligations, authorizations and windows that acted
        self._periods: dict[str, list[Period]] = {}  # scheduled duties' periods, computed once per replay

    @property
    def pack(self) -> RulePack:
        return self.compiled.pack

    def now_tick(self) -> int:
        return Clock.tick_of(self.env.now)

    # ---- events ----------------------------------------------------------------------------------------------
    def observe(self, event: Event, tick: int | None = None) -> None:
        """One scenario event: assert it, act on every match, then keep or retract the fact."""
        if event.type not in self.compiled.types:
            return
        message = message_of(event, self.clock, tick)
        matches = self.session.assert_fact(message)
        if matches is None:
            return  # it met no condition of any rule: durable-rules did not store it
        self.live[message["id"]] = (event, message)
        self.peak_live_facts = max(self.peak_live_facts, len(self.live))
        bound_matches = []
        for rule_name, bound in matches:
            rule = self.compiled.rules.get(rule_name)
            if rule is None:
                continue
            events = {alias: self.live[msg["id"]][0] for alias, msg in bound.items()}
            bound_matches.append((rule.order, tuple(events[a].id or "" for a, _ in rule.aliases), rule, events))
        for _, _, rule, events in sorted(bound_matches, key=lambda item: (item[0], item[1])):
            if self.within(rule, events):
                self.apply(rule, events)
        keep = self.compiled.retention.get(event.type)
        if keep is None:
            self.retract(message)
        else:
            queue = self.pending.get(event.type)
            if queue is None:
                queue = self.pending[event.type] = collections.deque()
                self.env.process(forget(self.env, self, event.type))
            queue.append((message["t"] + keep + 1, message))
            waiter = self.waiting.pop(event.type, None)
            if waiter is not None:
                waiter.succeed()

    def retract(self, message: dict[str, Any]) -> None:
        self.session.retract_fact(message)
        del self.live[message["id"]]

    def within(self, rule: CompiledRule, events: dict[str, Event]) -> bool:
        if rule.within is None or len(events) < 2:
            return True
        moments = sorted(e.at for e in events.values())
        earliest, latest = moments[0], moments[-1]
        limit = datetime.combine(add(earliest.date(), rule.within), earliest.timetz())
        return latest <= limit

    # ---- effects ---------------------------------------------------------------------------------------------
    def apply(self, rule: CompiledRule, events: dict[str, Event]) -> None:
        self.evidence = Evidence(
            rule=rule.rule_id, tick=self.now_tick(),
            conditions=tuple((alias, events[alias].id or "", event_type, condition)
                             for (alias, event_type), condition in zip(rule.aliases, rule.conditions, strict=True)),
        )
        self.exercised.add(rule.rule_id)
        for effect in rule.effects:
            subject = resolve(effect.subject, events)
            if subject is None:
                continue
            handler = getattr(self, f"do_{effect.name}")
            handler(rule, effect, subject, events)

    def touch(self, finding: Finding) -> Finding:
        """Record the match being applied as evidence for ``finding``."""
        # a set, not `in finding.provenance`: that scan made n matches on one finding cost n² (minutes for a
        # few hundred supports of one attack)
        if self.evidence is not None and (finding.id, self.evidence) not in self.recorded:
            self.recorded.add((finding.id, self.evidence))
            finding.provenance.append(self.evidence)
        return finding

    def explain(self, rule: CompiledRule, events: dict[str, Event]) -> str:
        return f'Paragraph {rule.paragraph}: "{rule.says}". {fill(rule.explain, events, self.pack)}'

    def trigger(self, events: dict[str, Event]) -> Event:
        """The event that completed the match (the latest in processing order)."""
        return max(events.values(), key=sort_key)

    def event_ids(self, events: dict[str, Event]) -> list[str]:
        return [e.id for e in sorted(events.values(), key=sort_key) if e.id is not None]

    def do_eligibility(self, rule: CompiledRule, effect: CompiledEffect, subject: str,
                       events: dict[str, Event]) -> None:
        finding_id = f"{rule.paragraph}({effect.criterion}):{subject}"
        existing = self.ledger.get(finding_id)
        if existing is not None:
            for event_id in self.event_ids(events):
                existing.add_event(event_id)
            self.touch(existing)
            return
        self.touch(self.ledger.open(
            id=finding_id, paragraph=rule.paragraph, rule=rule.rule_id, kind=FindingKind.ELIGIBILITY,
            subject=subject, tick=self.now_tick(), events=self.event_ids(events), criterion=effect.criterion,
            incident=incident_of(events),
            explanation=f"{self.explain(rule, events)} {self.pack.actors.name_of(subject)} is eligible for "
                        f"consideration of targeted sanctions under criterion ({effect.criterion}).",
        ))

    def do_breach(self, rule: CompiledRule, effect: CompiledEffect, subject: str,
                  events: dict[str, Event]) -> None:
        trigger = self.trigger(events)
        figure = resolve(effect.figure, events) if effect.figure else None
        detail = ""
        if figure is not None and effect.ceiling is not None:
            detail = f" {int(figure):,} is above the {effect.limit} of {effect.ceiling:,}."
        self.touch(self.ledger.open(
            id=f"{rule.rule_id}:{trigger.id}", paragraph=rule.paragraph, rule=rule.rule_id, kind=FindingKind.BREACH,
            subject=subject, tick=self.now_tick(), events=self.event_ids(events), incident=incident_of(events),
            explanation=self.explain(rule, events) + detail,
        ))

    def authorization(self, authorization_id: str) -> Authorization:
        return self.pack.authorizations[authorization_id][0]

    def do_grant(self, rule: CompiledRule, effect: CompiledEffect, subject: str, events: dict[str, Event]) -> None:
        assert effect.target is not None
        authorization = self.authorization(effect.target)
        incident = resolve(effect.incident, events) if effect.incident else None
        first, last = self.pack.window_days(authorization.window)
        now = self.clock.moment(self.now_tick())
        if not start_of(first) <= now < end_of(last):
            self.exercised.add(authorization.window)
            return  # outside the window nothing is granted; an act relying on it is reported as not covered
        finding_id = f"{effect.target}:{subject}:{incident}"
        existing = self.ledger.get(finding_id)
        if existing is not None:
            for event_id in self.event_ids(events):
                existing.add_event(event_id)
            self.touch(existing)
            return
        finding = self.ledger.open(
            id=finding_id, paragraph=rule.paragraph, rule=effect.target, kind=FindingKind.AUTHORIZATION,
            subject=subject, tick=self.now_tick(), events=self.event_ids(events), due=last, incident=incident,
            explanation=f"{self.explain(rule, events)} For incident {incident}, until {long_date(last)} "
                        f"(paragraph 15), this authorizes {self.pack.actors.name_of(subject)} "
                        f"\"{' '.join(authorization.says.split())}\".",
        )
        self.touch(finding)
        self.exercised.add(effect.target)
        self.env.process(window_end(self.env, self, finding, self.clock.day_limit(last)))

    def do_exercise(self, rule: CompiledRule, effect: CompiledEffect, subject: str,
                    events: dict[str, Event]) -> None:
        assert effect.target is not None
        authorization = self.authorization(effect.target)
        incident = resolve(effect.incident, events) if effect.incident else None
        act = self.trigger(events)
        grant = self.ledger.get(f"{effect.target}:{subject}:{incident}") if incident else None
        _, last = self.pack.window_days(authorization.window)
        now = self.clock.moment(self.now_tick())
        in_force = now < end_of(last)
        if grant is not None and in_force and grant.status in (Status.GRANTED, Status.EXERCISED):
            if grant.status is Status.GRANTED:
                grant.move(Status.EXERCISED, self.now_tick(), event=act.id,
                           note=f"exercised by {act.id}")
            else:
                grant.add_event(act.id)
            self.touch(grant)
            if authorization.reported_by is not None:
                self.do_open_obligation(authorization.reported_by, self.pack.actor(
                    self.pack.obligations[authorization.reported_by][0].subject), events, rule)
            return
        if not in_force:
            self.exercised.add(authorization.window)
        if effect.otherwise == "breach":
            self.do_uncovered_breach(rule, effect, subject, events, incident, in_force, last)
            return
        if not in_force:
            why = f"it took place after the mandate ended on {long_date(last)} (paragraph 15)"
        elif incident is None:
            why = "it names no incident, so no threat and request can be linked to it"
        elif grant is not None:
            why = f"the authorization for incident {incident} had already lapsed"
        else:
            why = (f"for incident {incident} there was no imminent and serious threat to MINUSMA together with a "
                   f"request of the Secretary-General")
        self.touch(self.ledger.open(
            id=f"{effect.target}:not-covered:{act.id}", paragraph=rule.paragraph, rule=rule.rule_id,
            kind=FindingKind.NOT_COVERED, subject=subject, tick=self.now_tick(), events=self.event_ids(events),
            incident=incident,
            explanation=f"{self.explain(rule, events)} Not covered by paragraph {rule.paragraph}: {why}.",
        ))

    def do_uncovered_breach(self, rule: CompiledRule, effect: CompiledEffect, subject: str, events: dict[str, Event],
                            incident: str | None, in_force: bool, last: date) -> None:
        """An act outside the limit a paragraph sets (paragraphs 20(c)(ii) and 20(d): direct operations only
        pursuant to serious and credible threats)."""
        act = self.trigger(events)
        if not in_force:
            why = f"it took place after the mandate ended on {long_date(last)}"
        elif incident is None:
            why = "it names no incident, so no serious and credible threat can be linked to it"
        else:
            why = f"no serious and credible threat was reported for incident {incident}"
        self.touch(self.ledger.open(
            id=f"{rule.rule_id}:{act.id}", paragraph=rule.paragraph, rule=rule.rule_id, kind=FindingKind.BREACH,
            subject=subject, tick=self.now_tick(), events=self.event_ids(events), incident=incident,
            explanation=f"{self.explain(rule, events)} Outside the limit of paragraph {rule.paragraph}: {why}.",
        ))

    def do_engage(self, rule: CompiledRule, effect: CompiledEffect, subject: str, events: dict[str, Event]) -> None:
        """An event engaged a paragraph that sets no deadline: an exhortation, a mandate task, a standing
        authorization. Recorded per rule, addressee and event."""
        paragraph = self.pack.paragraph(rule.paragraph)
        act = self.trigger(events)
        name = self.pack.actors.name_of(subject)
        consequence = {
            "exhorting": f"This engages the Council's call on {name}, which binds no one.",
            "binding": f"This engages a duty of {name} under the mandate.",
            "empowering": f"This engages what {name} is authorized to do.",
            "declaratory": f"This engages what the Council declares concerning {name}.",
        }[str(paragraph.force)]
        self.touch(self.ledger.open(
            id=f"{rule.rule_id}:{subject}:{act.id}", paragraph=rule.paragraph, rule=rule.rule_id,
            kind=FindingKind.ENGAGEMENT, subject=subject, tick=self.now_tick(), events=self.event_ids(events),
            incident=incident_of(events),
            explanation=f"{self.explain(rule, events)} {consequence}",
        ))

    def do_open(self, rule: CompiledRule, effect: CompiledEffect, subject: str, events: dict[str, Event]) -> None:
        assert effect.target is not None
        self.do_open_obligation(effect.target, subject, events, rule)

    def do_open_obligation(self, obligation_id: str, subject: str, events: dict[str, Event],
                           rule: CompiledRule) -> None:
        obligation, paragraph = self.pack.obligations[obligation_id]
        assert obligation.due is not None
        now = self.clock.moment(self.now_tick())
        due_rule = obligation.due
        ends_with_ground = False
        if due_rule.within is not None:
            due = add(now.date(), self.pack.duration_of(due_rule.within))
        else:
            assert due_rule.aligned_with is not None
            period = self.next_reporting_period(due_rule.aligned_with, now)
            if period is not None:
                due = period.due
            elif due_rule.window is not None:
                # after the last period of the aligned duty: the duty's ground ends with the window, and the
                # next report falls to the next resolution's cycle, so it expires rather than being violated
                due = self.pack.window_days(due_rule.window)[1]
                if end_of(due) <= now:
                    return  # the window ended before the act: the duty's ground is gone, nothing is engaged
                ends_with_ground = True
            else:
                return
        finding_id = f"{obligation_id}:{subject}:{due.isoformat()}"
        if obligation.once_per == "period" and finding_id in self.ledger:
            self.ledger.findings[finding_id].add_event(self.trigger(events).id)
            self.touch(self.ledger.findings[finding_id])
            return
        if finding_id in self.ledger:
            finding_id = f"{finding_id}:{self.trigger(events).id}"
        finding = self.ledger.open(
            id=finding_id, paragraph=paragraph.id, rule=obligation_id, kind=FindingKind.OBLIGATION,
            subject=subject, tick=self.now_tick(), events=self.event_ids(events), due=due,
            incident=incident_of(events),
            explanation=f'Paragraph {paragraph.id}: "{" ".join(obligation.says.split())}". Engaged because '
                        f"{_clause(fill(rule.explain, events, self.pack))}; due {long_date(due)}.",
        )
        finding.ends_with_ground = ends_with_ground
        self.touch(finding)
        self.exercised.add(obligation_id)
        self.env.process(deadline(self.env, self, finding, self.clock.day_limit(due)))

    def next_reporting_period(self, obligation_id: str, now: datetime) -> Period | None:
        """The period of a scheduled duty whose report will next come: the first whose due date has not
        passed and whose report has not been made yet (a duty engaged after this quarter's report was filed
        is met by the next one)."""
        cached = self._periods.get(obligation_id)
        if cached is None:
            cached = self._periods[obligation_id] = periods(self.pack, self.pack.obligations[obligation_id][0])
        for period in cached:
            if end_of(period.due) <= now:
                continue
            finding = self.ledger.get(f"{obligation_id}:{period.due.isoformat()}")
            if finding is not None and finding.answered:
                continue
            return period
        return None

    def do_fulfil(self, rule: CompiledRule, effect: CompiledEffect, subject: str,
                  events: dict[str, Event]) -> None:
        """Acts answer a duty's periods in sequence: an act answers the oldest period not yet answered. In
        time, it fulfils it; after its due date, it is recorded on the violated period as a late answer (so
        a late report does not silently count for the next period)."""
        assert effect.target is not None
        act = self.trigger(events)
        while True:
            finding = self.ledger.unanswered(effect.target, subject, self.now_tick())
            if finding is None:
                return
            self.answer(finding, act)
            if effect.answers != "all":
                return

    def answer(self, finding: Finding, act: Event) -> None:
        finding.answered = True
        self.touch(finding)
        day = long_date(act.at.date())
        if finding.status is Status.ACTIVE:
            finding.move(Status.FULFILLED, self.now_tick(), event=act.id, note=f"fulfilled by {act.type} {act.id}")
            finding.explanation += f" Fulfilled by {act.type} {act.id} on {day}."
        else:
            assert finding.due is not None
            late = (act.at.date() - finding.due).days
            finding.add_event(act.id)
            finding.history.append(Step(self.now_tick(), finding.status, act.id, f"late {act.type}"))
            finding.explanation += f" The {act.type} {act.id} came on {day}, {late} day{'s' if late != 1 else ''} late."

    # ---- scheduled obligations ---------------------------------------------------------------------------------
    def open_period(self, obligation: Obligation, paragraph_id: str, period: Period) -> Finding:
        subject = self.pack.actor(obligation.subject)
        schedule = obligation.schedule
        assert schedule is not None
        ordinal = f"period {period.number} " if schedule.every is not None else ""
        finding = self.ledger.open(
            id=f"{obligation.id}:{period.due.isoformat()}", paragraph=paragraph_id, rule=obligation.id,
            kind=FindingKind.OBLIGATION, subject=subject, tick=max(self.clock.tick(period.opens), self.now_tick()),
            events=[], due=period.due,
            explanation=f'Paragraph {paragraph_id}: "{" ".join(obligation.says.split())}". '
                        f"{self.pack.actors.name_of(subject)}'s {ordinal}duty, due {long_date(period.due)}.",
            note="arose by schedule",
        )
        finding.provenance.append(Evidence(rule=f"{obligation.id}/schedule", tick=finding.opened, conditions=()))
        self.exercised.add(obligation.id)
        return finding


# ---- SimPy processes -------------------------------------------------------------------------------------------


def feed(env: simpy.Environment, replay: Replay) -> Process:
    """Deliver the scenario's events at their instants (phase 1), in processing order."""
    for event in replay.scenario.events:
        tick = replay.clock.tick(event.at)
        at = Clock.sim_time(tick, PHASE_EVENTS)
        if at > env.now:
            yield env.timeout(at - env.now)
        replay.observe(event, tick)


def scheduled_obligation(env: simpy.Environment, replay: Replay, obligation: Obligation, paragraph_id: str) -> Process:
    """Open each period of a scheduled obligation when it begins, and start its deadline."""
    first_tick = Clock.tick_of(env.now)
    for period in periods(replay.pack, obligation):
        limit = replay.clock.day_limit(period.due)
        if limit <= first_tick:
            continue  # fell due before the scenario starts: outside what the scenario looks at
        opens = Clock.sim_time(max(replay.clock.tick(period.opens), first_tick), PHASE_SETTLE)
        if opens >= Clock.sim_time(replay.end_tick, PHASE_SETTLE):
            return
        if opens > env.now:
            yield env.timeout(opens - env.now)
        finding = replay.open_period(obligation, paragraph_id, period)
        env.process(deadline(env, replay, finding, limit))


def deadline(env: simpy.Environment, replay: Replay, finding: Finding, limit_tick: int) -> Process:
    """At the limit of its due date, an obligation still active is violated."""
    at = Clock.sim_time(limit_tick, PHASE_SETTLE)
    if at > env.now:
        yield env.timeout(at - env.now)
    if finding.status is Status.ACTIVE:
        assert finding.due is not None
        if finding.ends_with_ground:
            finding.move(Status.EXPIRED, limit_tick, note="its ground ended")
            finding.explanation += (f" Expired unmet: its ground ended with the mandate on {long_date(finding.due)}, "
                                    "after the last reporting date of paragraph 47.")
        else:
            finding.move(Status.VIOLATED, limit_tick, note="due date passed")
            finding.explanation += f" Violated: nothing fulfilled it by {long_date(finding.due)}."


def window_end(env: simpy.Environment, replay: Replay, finding: Finding, limit_tick: int) -> Process:
    """At the end of its window, an authorization never exercised lapses."""
    at = Clock.sim_time(limit_tick, PHASE_SETTLE)
    if at > env.now:
        yield env.timeout(at - env.now)
    if finding.status is Status.GRANTED:
        window = replay.pack.authorizations[finding.rule][0].window
        replay.exercised.add(window)
        finding.move(Status.LAPSED, limit_tick, note="window ended")
        finding.explanation += " Lapsed unexercised when the mandate ended."


def forget(env: simpy.Environment, replay: Replay, event_type: str) -> Process:
    """Retract the facts of one type kept for joins, oldest first, when their retention ends."""
    queue = replay.pending[event_type]
    while True:
        if not queue:
            waiter = simpy.Event(env)
            replay.waiting[event_type] = waiter
            yield waiter
            continue
        expires, message = queue[0]
        at = Clock.sim_time(expires, PHASE_SETTLE)
        if at > env.now:
            yield env.timeout(at - env.now)
        queue.popleft()
        replay.retract(message)


# ---- helpers ---------------------------------------------------------------------------------------------------


_NOT_MATCHED = frozenset({"at", "note", "id"})


def message_of(event: Event, clock: Clock, tick: int | None = None) -> dict[str, Any]:
    """The flat message durable-rules sees: the event's fields (strings and integers only) and its tick."""
    message: dict[str, Any] = {"t": clock.tick(event.at) if tick is None else tick}
    for name, value in event.__dict__.items():  # the validated fields, without pydantic's iteration cost
        if value is None or name in _NOT_MATCHED:
            continue
        if value.__class__ is tuple:
            for item in value:
                message[list_key(name, str(item))] = 1
        else:
            message[name] = value
    return message


def resolve(value: Value | None, events: dict[str, Event]) -> Any:
    if value is None:
        return None
    if isinstance(value, FieldRef):
        return getattr(events[value.alias], value.field, None)
    return value


def incident_of(events: dict[str, Event]) -> str | None:
    for event in events.values():
        if event.incident is not None:
            return event.incident
    return None


def _clause(sentence: str) -> str:
    """A sentence made a clause: without its final stop, and with a leading article in lower case."""
    sentence = sentence.rstrip(". ")
    for article in ("An ", "A ", "The "):
        if sentence.startswith(article):
            return article.lower() + sentence[len(article):]
    return sentence


def fill(template: str, events: dict[str, Event], pack: RulePack) -> str:
    """A rule's ``explain`` sentence with its ``{alias.field}`` placeholders filled in."""
    out = []
    for literal, placeholder, _, _ in Formatter().parse(template):
        out.append(literal)
        if placeholder is None:
            continue
        alias, name = placeholder.split(".", 1)
        event = events[alias]
        value = getattr(event, name, None)
        if value is None:
            out.append("(not given)" if name != "by" else "an unidentified actor")
        elif name in event.actor_fields:
            known = value not in pack.actors.members("unattributed")
            out.append(pack.actors.name_of(value) if known else "an unidentified actor")
        elif isinstance(value, datetime):
            moment = value.astimezone(UTC)
            out.append(long_date(moment.date()) + ("" if moment.hour == moment.minute == 0 else
                                                    f" at {moment.strftime('%H:%M')} UTC"))
        elif isinstance(value, int):
            out.append(f"{value:,}")
        else:
            out.append(str(value))
    text = " ".join("".join(out).split())
    return text[:1].upper() + text[1:]



def run(compiled: CompiledPack, matcher: Matcher, scenario: Scenario,
        as_of: datetime | None = None) -> tuple[Ledger, Clock, dict[str, Any]]:
    """Replay ``scenario`` against ``compiled``; return the ledger, the clock and run statistics.

    With ``as_of`` (an inclusive instant, see :mod:`engine.replay.asof`) the clock stops after that instant's
    events: nothing later is seen or settled."""
    clock = Clock(start_of(compiled.pack.adopted))
    first, limit = scenario.window
    start_tick, end_tick = clock.tick(first), clock.tick(limit)
    env = simpy.Environment(initial_time=Clock.sim_time(start_tick, PHASE_SETTLE))
    ledger = Ledger()
    with matcher.session() as session:
        replay = Replay(compiled, scenario, clock, env, session, ledger, end_tick)
        for obligation_id, (obligation, paragraph) in compiled.pack.obligations.items():
            if obligation.schedule is not None:
                env.process(scheduled_obligation(env, replay, obligation, paragraph.id))
            del obligation_id
        env.process(feed(env, replay))
        stop = Clock.sim_time(end_tick, PHASE_SETTLE) + 1
        if as_of is not None:
            # through the as-of second's events, and what falls due as it ends (a date's deadline at midnight)
            stop = min(stop, Clock.sim_time(clock.tick(as_of) + 1, PHASE_SETTLE) + 1)
        if stop > env.now:  # an as-of instant before the scenario's start sees nothing
            env.run(until=stop)
        stats: dict[str, Any] = {"events": len(scenario.events), "peak_live_facts": replay.peak_live_facts,
                                 "live_facts_at_end": session.live_facts, "exercised": sorted(replay.exercised)}
    return ledger, clock, stats

