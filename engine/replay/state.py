"""The state of one replay, shared by its matching (:mod:`.runtime`), effects (:mod:`.effects`) and processes
(:mod:`.processes`).

It holds the compiled pack, the scenario, the clock, the SimPy environment, the durable-rules session and the
ledger, the facts kept for joins, the match being applied (so every finding it touches records it as evidence)
and which rules, duties and windows acted. It owns no behaviour beyond small lookups on that state.
"""

from __future__ import annotations

import collections
import functools
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import simpy

from ..dates import Clock, end_in, local_date
from ..inputs.eventtypes import sort_key
from ..rulepack.compiler import CompiledPack, CompiledRule
from ..rulepack.pack import RulePack
from .ledger import Evidence, Finding, Ledger, Told
from .matcher import Session
from .messages import MessageWriter, explained
from .schedules import Period, periods
from .verdicts import Unmatched

if TYPE_CHECKING:
    from ..inputs.scenario import Scenario
    from ..inputs.vocabulary import Event
    from ..rulepack.rulebook import Authorization, Obligation


class Fact:
    """An event asserted in durable-rules, under the id the session gave it."""

    __slots__ = ("event", "id")

    def __init__(self, fact_id: str, event: Event) -> None:
        self.id, self.event = fact_id, event


class ReplayState:
    """The state of one replay."""

    def __init__(self, compiled: CompiledPack, scenario: Scenario, clock: Clock, env: simpy.Environment,
                 session: Session, ledger: Ledger, end_tick: int) -> None:
        self.compiled, self.scenario, self.clock, self.env = compiled, scenario, clock, env
        self.session, self.ledger, self.end_tick = session, ledger, end_tick
        valued, present = self.session.names
        # the text durable-rules reads for each event: the properties its tests can read
        self.messages = MessageWriter(self.compiled.membership, valued | present)
        self.live: dict[str, Fact] = {}  # facts durable-rules holds, by their id
        # facts kept for joins, per type, oldest first: (tick at which to forget it, the fact, its key in `latest`)
        self.pending: dict[str, collections.deque[tuple[int, Fact, tuple[Any, ...]]]] = {}
        self.next_expiry = 1 << 62  # the earliest tick at which a fact kept for joins is to be forgotten
        self.latest: dict[tuple[Any, ...], Fact] = {}  # facts kept for joins, the latest of each kind
        self.peak_live_facts = 0
        # kinds of event durable-rules found to engage nothing, or to match what joins nothing
        self.unmatched = Unmatched(self.session.names, self.session.ordered, self.session.joined,
                                   frozenset(self.compiled.retention))
        self.evidence: Evidence | None = None  # the match being applied
        self.recorded: set[tuple[str, Evidence]] = set()  # (finding id, evidence) already in its provenance
        self.exercised: set[str] = set()  # ids of rules, obligations, authorizations and windows that acted
        self._periods: dict[str, list[Period]] = {}  # scheduled duties' periods, computed once per replay
        self._governs: dict[str, tuple[datetime | None, datetime | None]] = {}  # rule -> when it governs (in_force)
        self._conditions: dict[str, tuple[tuple[str, str, str], ...]] = {}  # rule -> (alias, type, condition)
        self._ceased: dict[str, str] = {}  # rule -> the end of its not-in-force note after the mandate
        self.grants: dict[str, str] = {}  # authorization:subject:incident -> the id of its latest grant

    @property
    def pack(self) -> RulePack:
        return self.compiled.pack

    def now_tick(self) -> int:
        return Clock.tick_of(self.env.now)

    def is_live(self, fact: Fact) -> bool:
        """Whether ``fact`` is still asserted (ids are reused once a fact is gone, so the id alone does not say:
        the fact that holds it now must be this one)."""
        return self.live.get(fact.id) is fact

    def retract(self, fact: Fact) -> None:
        """Retract a fact from durable-rules and forget its event."""
        self.session.retract_id(fact.id)
        del self.live[fact.id]

    def touch(self, finding: Finding) -> Finding:
        """Record the match being applied as evidence for ``finding``."""
        # a set, not `in finding.provenance`: that scan made n matches on one finding cost n² (minutes for a
        # few hundred supports of one attack)
        if self.evidence is not None:
            key = (finding.id, self.evidence)
            if key not in self.recorded:
                self.recorded.add(key)
                finding.provenance.append(self.evidence)
        return finding

    def explain(self, rule: CompiledRule, events: dict[str, Event], then: str = "") -> Told:
        """What a match says (see :func:`.messages.explained`), written when the explanation is first read."""
        return functools.partial(explained, rule, events, self.pack, then)

    def trigger(self, events: dict[str, Event]) -> Event:
        """The event that completed the match (the latest in processing order)."""
        if len(events) == 1:
            return next(iter(events.values()))
        return max(events.values(), key=sort_key)

    def event_ids(self, events: dict[str, Event]) -> list[str]:
        """The ids of the matched events, in processing order."""
        if len(events) == 1:
            only = next(iter(events.values())).id
            return [only] if only is not None else []
        return [e.id for e in sorted(events.values(), key=sort_key) if e.id is not None]

    def authorization(self, authorization_id: str) -> Authorization:
        return self.pack.authorizations[authorization_id][0]

    def day_of(self, obligation_id: str, moment: datetime) -> date:
        """The calendar day of ``moment`` where the obligation's due days end (its time zone; UTC when it names
        none): the day its due date and its late-report window are compared with."""
        return local_date(moment, self.pack.time_zone_of(self.pack.obligations[obligation_id][0]))

    def due_limit(self, obligation: Obligation, due: date) -> int:
        """The tick at which a duty due on ``due`` is late: the end of that day in the obligation's time zone
        (paragraph 47's reports: New York, where the Council sits, unless the assumption council_time_zone says
        UTC)."""
        return self.clock.tick(end_in(due, self.pack.time_zone_of(obligation)))

    def periods_of(self, obligation_id: str) -> list[Period]:
        """The periods of a scheduled duty, computed once per replay."""
        cached = self._periods.get(obligation_id)
        if cached is None:
            cached = self._periods[obligation_id] = periods(self.pack, self.pack.obligations[obligation_id][0])
        return cached
