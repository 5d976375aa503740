"""The replay: a SimPy clock feeds a scenario's events to the matcher, and what a match does is applied.

SimPy owns all time. :func:`run` starts these processes (each takes ``env`` first):

* :func:`feed` — delivers the scenario's events at their instants, in the scenario's processing order;
* :func:`scheduled_obligation` — opens each period of a scheduled duty (paragraphs 47 and 48) and starts its
  deadline;

and matches start the processes of :mod:`.processes` (deadlines and window ends); the facts kept for joins are
retracted as their retention ends, before the next event is asserted (:meth:`Replay.forget_until`). Time is
integer ticks (seconds since the adoption) in half-steps (see :mod:`engine.dates`): at each instant, deadlines,
window ends and the ends of retention settle before that instant's events are seen. durable-rules only matches;
:class:`Replay` applies a match's effects (:mod:`.effects`) to the :class:`~engine.replay.ledger.Ledger`, in a
fixed order (the pack's rule order, then the matched events' ids).
"""

from __future__ import annotations

import collections
import contextlib
import gc
import itertools
from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

import simpy

from ..dates import PHASE_EVENTS, PHASE_SETTLE, Clock, end_of, long_date, start_of
from ..inputs.eventtypes import sort_key
from ..inputs.nogc import set_aside_already
from ..rulepack.compiler import CompiledPack, CompiledRule
from .effects import HANDLERS, open_each_period, open_period
from .ledger import Evidence, Ledger, Note
from .matcher import Match, Matcher
from .messages import resolve
from .processes import Process, deadline
from .schedules import add, periods
from .state import Fact, ReplayState

if TYPE_CHECKING:
    from ..inputs.scenario import Scenario
    from ..inputs.vocabulary import Event
    from ..rulepack.rulebook import Obligation


_NEVER = 1 << 62  # a tick after any expiry: nothing kept for joins


def _first(item: tuple[int, Any, Any]) -> int:
    return item[0]


def _match_order(item: tuple[int, tuple[str, ...], CompiledRule, dict[str, Event]]) -> tuple[int, tuple[str, ...]]:
    return item[0], item[1]  # the pack's rule order, then the matched events' ids


class Replay(ReplayState):
    """One replay: its state, and the feeding of events to durable-rules and the matching of what comes back."""

    def observe(self, event: Event, tick: int, kind: tuple[Any, ...]) -> None:
        """One scenario event that some rule looks at, at its tick, of a kind durable-rules has not turned away
        (see :func:`feed`): assert it, act on every match, then keep or retract the fact."""
        if tick >= self.next_expiry:
            self.forget_until(tick)
        asserted = self.session.assert_text(self.messages.text(event, tick))
        if asserted is None:
            self.unmatched.add(kind)
            return  # it met no condition of any rule: durable-rules did not store it
        fact_id, matches = asserted
        fact = Fact(fact_id, event)
        live = self.live
        live[fact_id] = fact
        if len(live) > self.peak_live_facts:
            self.peak_live_facts = len(live)
        if self.unmatched.remembers_matches_of(event.type):
            self._remember(kind, fact_id, matches)
        if matches:
            rules = self.compiled.rules
            bound_matches = []
            for rule_name, bound in matches:
                rule = rules.get(rule_name)
                if rule is None:
                    continue
                events = {alias: live[msg["id"]].event for alias, msg in bound.items()}
                bound_matches.append((rule.order, tuple([events[a].id or "" for a, _ in rule.aliases]), rule, events))
            if len(bound_matches) > 1:
                bound_matches.sort(key=_match_order)
            for _, _, rule, events in bound_matches:
                if len(events) > 1 and not (self.within(rule, events) and self.ordered(rule, events)):
                    continue  # (one event is always within and in order)
                if rule.exclusions and not self.apart(rule, events):
                    continue
                if self.in_force(rule, events):
                    self.apply(rule, events)
        keep = self.compiled.retention.get(event.type)
        if keep is None:
            self.retract(fact)
        else:
            queue = self.pending.get(event.type)
            if queue is None:
                queue = self.pending[event.type] = collections.deque()
            expires = tick + keep + 1
            queue.append((expires, fact, self.keep_latest_only(event.type, fact)))
            if expires < self.next_expiry:
                self.next_expiry = expires

    def forget_until(self, tick: int) -> None:
        """Retract the facts kept for joins whose retention ended by ``tick`` (their expiry at most ``tick``),
        oldest first per type, and forget the kind of each that was the latest of its kind. Called before each
        event is asserted: what durable-rules holds is read only when an event is asserted, so retracting there
        is retracting at the expiries (in the settling phase of their instants, before their events; see
        :mod:`engine.dates`) without a SimPy event per fact. Memory follows the facts kept, as before."""
        following = _NEVER
        for queue in self.pending.values():
            while queue and queue[0][0] <= tick:
                _, fact, key = queue.popleft()
                if self.is_live(fact):  # (else already retracted: a later fact of its kind replaced it)
                    self.retract(fact)
                if self.latest.get(key) is fact:  # the latest of its kind is gone: forget the kind too
                    del self.latest[key]
            if queue and queue[0][0] < following:
                following = queue[0][0]
        self.next_expiry = following

    def _remember(self, kind: tuple[Any, ...], fact_id: str, matches: list[Match]) -> None:
        """Remember the rules an event of a type that joins nothing matched (see :mod:`.verdicts`): (rule, alias)
        in the pack's rule order, each bound to this fact alone; anything else is not remembered."""
        rules = self.compiled.rules
        found = []
        for rule_name, bound in matches:
            rule = rules.get(rule_name)
            if rule is None:
                continue
            if len(bound) != 1 or len(rule.aliases) != 1:
                return
            ((alias, message),) = bound.items()
            if message.get("id") != fact_id:
                return
            found.append((rule.order, rule, alias))
        found.sort(key=_first)
        self.unmatched.remember(kind, tuple([(rule, alias) for _, rule, alias in found]))

    def alone(self, event: Event, known: tuple[tuple[CompiledRule, str], ...]) -> None:
        """An event of a kind whose matches are remembered: act on each, in the pack's rule order, as
        :meth:`observe` does on the same matches, without asserting it (nothing would be kept of it)."""
        for rule, alias in known:
            events = {alias: event}
            if rule.exclusions and not self.apart(rule, events):
                continue
            if self.in_force(rule, events):
                self.apply(rule, events)

    def keep_latest_only(self, event_type: str, fact: Fact) -> tuple[Any, ...]:
        """Of the facts kept for joins that say the same thing (same type, same fields but for their instant,
        id and location), keep only the latest: an event to come would join each of them alike, and the latest
        is the nearest to it and stays joinable longest. So N threats and N requests about one incident make N
        matches, not N² (see README, "Limits"). Returns what the fact says (its key among the latest), which
        :meth:`forget_until` drops with the fact."""
        key = self.messages.says(fact.event)
        older = self.latest.get(key)
        self.latest[key] = fact
        if older is not None and self.is_live(older):  # (else its retention ended already)
            self.retract(older)
        return key

    def within(self, rule: CompiledRule, events: dict[str, Event]) -> bool:
        """Whether joined events fall within the rule's ``within`` of the earliest."""
        if rule.within is None or len(events) < 2:
            return True
        moments = sorted(e.at for e in events.values())
        earliest, latest = moments[0], moments[-1]
        limit = datetime.combine(add(earliest.date(), rule.within), earliest.timetz())
        return latest <= limit

    def ordered(self, rule: CompiledRule, events: dict[str, Event]) -> bool:
        """Whether joined events come in the order of the rule's patterns, when the rule asks for it
        (paragraph 37 with the assumption request_may_precede_threat false: the threat first)."""
        if rule.any_order or len(events) < 2:
            return True
        moments = [events[alias].at for alias, _ in rule.aliases]
        return all(a <= b for a, b in itertools.pairwise(moments))

    def in_force(self, rule: CompiledRule, events: dict[str, Event]) -> bool:
        """Whether the rule's paragraph governs the matched events: nothing before the adoption, and for a
        provision of the mandate nothing after its end. Otherwise the match is noted as not in force."""
        bounds = self._governs.get(rule.rule_id)
        if bounds is None:
            bounds = self._governs[rule.rule_id] = (
                start_of(rule.governs_from) if rule.governs_from is not None else None,
                end_of(rule.governs_through) if rule.governs_through is not None else None)
        starts, ends = bounds
        if starts is None and ends is None:
            return True
        if len(events) == 1:
            earliest = act = next(iter(events.values()))
        else:
            earliest = min(events.values(), key=sort_key)
            act = max(events.values(), key=sort_key)
        before = starts is not None and earliest.at < starts
        if not before and (ends is None or act.at < ends):
            return True
        if (rule.rule_id, act.id or "") in self.ledger.notes:
            return False  # noted already (the first note of a rule and event stands)
        if before:
            assert rule.governs_from is not None
            reason = (f"{earliest.type.replace('_', ' ')} {earliest.id} of {long_date(earliest.at.date())} came "
                      f"before the resolution was adopted on {long_date(rule.governs_from)}; it governs nothing "
                      "earlier")
        else:
            ceased = self._ceased.get(rule.rule_id)
            if ceased is None:  # the rule's part of the sentence, the same for every event it notes
                assert rule.governs_through is not None
                ceased = self._ceased[rule.rule_id] = (
                    f" came after paragraph {rule.paragraph} ceased to govern on {long_date(rule.governs_through)} "
                    f"({rule.scope_why[:1].lower() + rule.scope_why[1:].rstrip('.')})")
            reason = f"{act.type.replace('_', ' ')} {act.id} of {long_date(act.at.date())}{ceased}"
        self.ledger.note(Note(kind="not_in_force", paragraph=rule.paragraph, rule=rule.rule_id, event=act.id or "",
                              tick=self.now_tick(), reason=reason))
        return False

    def apart(self, rule: CompiledRule, events: dict[str, Event]) -> bool:
        """Whether the rule's ``not_part_of`` tests hold: each actor is neither the other nor part of it."""
        for alias, name, other_alias, other_name in rule.exclusions:
            mine = getattr(events[alias], name, None)
            theirs = getattr(events[other_alias], other_name, None)
            if mine is not None and theirs is not None and (
                    mine == theirs or theirs in self.pack.actors.ancestors(mine)):
                return False
        return True

    def apply(self, rule: CompiledRule, events: dict[str, Event]) -> None:
        """Act on one match: record it as the evidence at hand and run each effect's handler."""
        conditions = self._conditions.get(rule.rule_id)
        if conditions is None:
            conditions = self._conditions[rule.rule_id] = tuple(
                (alias, event_type, condition)
                for (alias, event_type), condition in zip(rule.aliases, rule.conditions, strict=True))
        self.evidence = Evidence(
            rule=rule.rule_id, tick=self.now_tick(),
            conditions=tuple([(alias, events[alias].id or "", event_type, condition)
                              for alias, event_type, condition in conditions]),
        )
        self.exercised.add(rule.rule_id)
        for effect in rule.effects:
            subject = resolve(effect.subject, events)
            if subject is None:
                continue
            HANDLERS[effect.name](self, rule, effect, subject, events)


def feed(env: simpy.Environment, replay: Replay) -> Process:
    """Deliver the scenario's events at their instants (phase 1), in processing order. When no other SimPy
    event is due before an event's instant, the clock moves there directly instead of through a timeout (the
    same order of everything, without a SimPy event per scenario event).

    Events no rule looks at, and events of a kind durable-rules turned away before (:mod:`.verdicts`), are
    passed over without moving the clock: nothing would happen at their instant that does not happen as well
    when the clock moves to the next event that matters. An event of a kind whose matches are remembered (a type
    that joins nothing) is acted on from the memo, without being asserted again."""
    types, tick_of = replay.compiled.types, replay.clock.tick
    unmatched = replay.unmatched
    plans, turned_away, tests_tick = unmatched.plans, unmatched.seen, unmatched.tests_tick
    remembered = unmatched.matched
    for event in replay.scenario.all_events():
        if event.type not in types:
            continue
        plan = plans.get(event.__class__)
        kind = (plan or unmatched.plan(event))(event.__dict__)  # unmatched.key, inlined: most events stop here
        if tests_tick:
            tick = tick_of(event.at)
            kind = (*kind, tick)
            if kind in turned_away:
                continue
        else:
            if kind in turned_away:
                continue
            tick = tick_of(event.at)
        at = 2 * tick + PHASE_EVENTS  # Clock.sim_time, inlined
        if at > env.now:
            if env.peek() > at:  # nothing else is due before: move the clock as the timeout would, without one
                env._now = at
            else:
                yield env.timeout(at - env.now)
        known = remembered.get(kind)
        if known is None:
            replay.observe(event, tick, kind)
        else:
            replay.alone(event, known)


def scheduled_obligation(env: simpy.Environment, replay: Replay, obligation: Obligation, paragraph_id: str) -> Process:
    """Open each period of a scheduled obligation when it begins, and start its deadline."""
    first_tick = Clock.tick_of(env.now)
    for period in periods(replay.pack, obligation):
        limit = replay.due_limit(obligation, period.due)
        if limit <= first_tick:
            continue  # fell due before the scenario starts: outside what the scenario looks at
        opens = Clock.sim_time(max(replay.clock.tick(period.opens), first_tick), PHASE_SETTLE)
        if opens >= Clock.sim_time(replay.end_tick, PHASE_SETTLE):
            return
        if opens > env.now:
            yield env.timeout(opens - env.now)
        finding = open_period(replay, obligation, paragraph_id, period)
        env.process(deadline(env, replay, finding, limit))
        for aligned, aligned_paragraph in replay.pack.obligations.values():
            if (aligned.due is not None and aligned.due.aligned_with == obligation.id
                    and replay.pack.bool_of(aligned.each_period, False)):
                open_each_period(replay, aligned, aligned_paragraph.id, period)


SET_ASIDE_FROM_EVENTS = 10_000  # events of a scenario from which the objects alive before its replay are set aside


@contextlib.contextmanager
def _older_objects_set_aside(events: int) -> Iterator[None]:
    """While a long replay runs, the objects alive before it (the scenario's events, above all) are set aside
    from Python's cyclic garbage collector (``gc.freeze``): each full collection would otherwise walk all of them
    again, about an eighth of a 100,000-event replay. What the replay makes is collected as usual. The young
    generations are collected first, so that garbage waiting there (a ruleset the API's cache just dropped) is
    not kept until the next full collection, and the objects set aside are given back as the replay ends.
    Nothing is done for a short replay, or when something else froze objects already."""
    if events < SET_ASIDE_FROM_EVENTS or not gc.isenabled() or set_aside_already():
        yield
        return
    gc.collect(1)
    try:  # (the freeze inside: an interruption just after it must not leave the heap set aside for good)
        gc.freeze()
        yield
    finally:
        gc.unfreeze()


def run(compiled: CompiledPack, matcher: Matcher, scenario: Scenario,
        as_of: datetime | None = None) -> tuple[Ledger, Clock, dict[str, Any]]:
    """Replay ``scenario`` against ``compiled``; return the ledger, the clock and run statistics.

    With ``as_of`` (an inclusive instant, see :mod:`engine.replay.asof`) the clock stops after that instant's
    events and what falls due as it ends (a date's deadlines): nothing later is seen, settled or opened."""
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
            with _older_objects_set_aside(scenario.event_count):
                env.run(until=stop)
            replay.forget_until(Clock.tick_of(stop - 1))  # the retention that ended by the end of the replay
        if as_of is not None:  # a period that opens as the as-of second ends is not known yet
            last = clock.tick(as_of)
            for later in [f.id for f in ledger.findings.values() if f.opened > last]:
                del ledger.findings[later]
        stats: dict[str, Any] = {"events": scenario.event_count, "peak_live_facts": replay.peak_live_facts,
                                 "live_facts_at_end": session.live_facts, "exercised": sorted(replay.exercised)}
    return ledger, clock, stats
