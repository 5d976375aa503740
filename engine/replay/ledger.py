"""Findings and their lifecycle.

A finding is what a replay reports: an obligation, an authorization, an eligibility, a breach, or an act not
covered by an authorization. Each has an id that is stable across runs, a status that moves only along the
transitions below, the ids of the events that caused it, and a sentence that quotes the
paragraph.

=============  ============================================================
kind           statuses
=============  ============================================================
obligation     active -> fulfilled | violated | expired | discharged
authorization  granted -> exercised | lapsed
eligibility    eligible
breach         breach  (a limit was crossed: paragraph 16's ceilings)
not_covered    not_covered  (an act that needed an authorization none gave:
               paragraph 37's intervention without threat and request, or
               after the mandate). Kept apart from ``breach`` because such
               an act may rest on another legal basis; the resolution only
               says paragraph 37 does not cover it.
engagement     engaged  (an event engaged a paragraph that sets no deadline:
               an exhortation such as paragraph 3's, a mandate task such as
               paragraph 20(e)'s, a standing authorization such as 22(b)'s)
=============  ============================================================
"""

from __future__ import annotations

import collections
from collections.abc import Callable, Iterator
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from ..record import Frozen, Record


class FindingKind(StrEnum):
    OBLIGATION = "obligation"
    AUTHORIZATION = "authorization"
    ELIGIBILITY = "eligibility"
    BREACH = "breach"
    NOT_COVERED = "not_covered"
    ENGAGEMENT = "engagement"


class Status(StrEnum):
    ACTIVE = "active"
    FULFILLED = "fulfilled"
    VIOLATED = "violated"
    EXPIRED = "expired"
    DISCHARGED = "discharged"
    GRANTED = "granted"
    EXERCISED = "exercised"
    LAPSED = "lapsed"
    ELIGIBLE = "eligible"
    BREACH = "breach"
    NOT_COVERED = "not_covered"
    ENGAGED = "engaged"


INITIAL: dict[FindingKind, Status] = {
    FindingKind.OBLIGATION: Status.ACTIVE,
    FindingKind.AUTHORIZATION: Status.GRANTED,
    FindingKind.ELIGIBILITY: Status.ELIGIBLE,
    FindingKind.BREACH: Status.BREACH,
    FindingKind.NOT_COVERED: Status.NOT_COVERED,
    FindingKind.ENGAGEMENT: Status.ENGAGED,
}

TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.ACTIVE: frozenset({Status.FULFILLED, Status.VIOLATED, Status.EXPIRED, Status.DISCHARGED}),
    Status.GRANTED: frozenset({Status.EXERCISED, Status.LAPSED}),
}


Told = str | Callable[[], str]  # a part of a finding's explanation: text, or a function that writes it when read

_ANSWERABLE = (Status.ACTIVE, Status.VIOLATED)  # an obligation in these may still be answered (late, if violated)


class LifecycleError(AssertionError):
    """A status change the lifecycle does not allow: a bug in the engine, never a user's mistake."""


class Step(Record):
    """One change in a finding's life."""

    _fields = ("tick", "status", "event", "note")
    tick: int
    status: Status
    event: str | None
    note: str

    def __init__(self, tick: int, status: Status, event: str | None, note: str) -> None:
        self.tick, self.status, self.event, self.note = tick, status, event, note


class Evidence(Frozen):
    """One match that engaged a finding: the rule, when, and which event met which condition."""

    _fields = ("rule", "tick", "conditions")
    rule: str
    tick: int
    conditions: tuple[tuple[str, str, str, str], ...]  # (as, event id, event type, the condition in words)

    def __init__(self, rule: str, tick: int, conditions: tuple[tuple[str, str, str, str], ...]) -> None:
        self.__dict__.update(rule=rule, tick=tick, conditions=conditions)


class Finding(Record):
    """One finding of a replay (an obligation, authorization, eligibility, breach or engagement) and its life."""

    _FIELDS = ("id", "paragraph", "rule", "kind", "subject", "status", "opened", "due", "closed", "events",
               "criterion", "incident", "history", "provenance", "answered", "answered_by", "days_late",
               "ends_with_ground", "threat_at", "covered_until", "threat_lasting")
    _fields = _FIELDS  # (shown; ``told``, the explanation's parts, and ``_event_set`` are not)
    _compared = (*_FIELDS, "_event_set")  # (``told`` is not compared)
    _made_from = (*_FIELDS, "told")
    id: str
    paragraph: str
    rule: str
    kind: FindingKind
    subject: str
    status: Status
    opened: int  # tick
    told: list[Told]  # the explanation's parts, as :attr:`explanation` reads them
    due: date | None
    closed: int | None
    events: list[str]
    criterion: str | None
    incident: str | None
    history: list[Step]
    provenance: list[Evidence]
    answered: bool  # an obligation some act has answered (in time or late)
    answered_by: str | None  # the id of that act (a report answers one period: this one)
    days_late: int | None  # answered after its due date: by how many days, counted where its due days end
    ends_with_ground: bool  # at its due date it expires (its ground ended) instead of being violated
    threat_at: datetime | None  # an authorization that lasts while its threat does: the threat's instant
    covered_until: datetime | None  # ... and the instant after which no act is covered
    threat_lasting: str  # what the threat is while it covers: 'imminent' or 'current'
    _event_set: set[str]  # `events` as a set, for O(1) membership

    def __init__(self, id: str, paragraph: str, rule: str, kind: FindingKind, subject: str, status: Status,
                 opened: int, told: list[Told], due: date | None = None, closed: int | None = None,
                 events: list[str] | None = None, criterion: str | None = None, incident: str | None = None,
                 history: list[Step] | None = None, provenance: list[Evidence] | None = None,
                 answered: bool = False, answered_by: str | None = None, days_late: int | None = None,
                 ends_with_ground: bool = False, threat_at: datetime | None = None,
                 covered_until: datetime | None = None, threat_lasting: str = "imminent") -> None:
        self.id, self.paragraph, self.rule, self.kind, self.subject = id, paragraph, rule, kind, subject
        self.status, self.opened, self.told, self.due, self.closed = status, opened, told, due, closed
        self.events = [] if events is None else events
        self.criterion, self.incident = criterion, incident
        self.history = [] if history is None else history
        self.provenance = [] if provenance is None else provenance
        self.answered, self.answered_by, self.days_late = answered, answered_by, days_late
        self.ends_with_ground, self.threat_at, self.covered_until = ends_with_ground, threat_at, covered_until
        self.threat_lasting = threat_lasting
        self._event_set = set(self.events)

    @property
    def explanation(self) -> str:
        """The sentences that explain the finding. Parts that take work (a rule's sentence filled in from the
        matched events) are written only when first read: a sweep that reads no explanation never pays for
        them."""
        told = self.told
        if len(told) == 1:  # most findings: text, or one function that writes it
            text = told[0]
            if isinstance(text, str):
                return text
            text = text()
        else:
            text = "".join([part if isinstance(part, str) else part() for part in told])
        self.told = [text]
        return text

    @explanation.setter
    def explanation(self, text: str) -> None:
        self.told = [text]

    def tell(self, more: Told) -> None:
        """Add to the explanation (text, or a function that writes it when the explanation is first read)."""
        self.told.append(more)

    def __getstate__(self) -> dict[str, Any]:
        """Pickled with its explanation written out (its deferred parts may hold what does not pickle)."""
        self.explanation  # noqa: B018 (writes the deferred parts)
        return dict(self.__dict__)

    def add_event(self, event_id: str | None) -> None:
        if event_id is not None and event_id not in self._event_set:
            self._event_set.add(event_id)
            self.events.append(event_id)

    def move(self, status: Status, tick: int, *, event: str | None = None, note: str) -> None:
        """Change status along an allowed transition, closing the finding."""
        if status not in TRANSITIONS.get(self.status, frozenset()):
            raise LifecycleError(f"finding {self.id}: {self.status} cannot become {status}")
        if tick < self.opened:
            raise LifecycleError(f"finding {self.id}: closed at tick {tick}, before it opened at {self.opened}")
        self.status = status
        self.closed = tick
        self.add_event(event)
        self.history.append(Step(tick, status, event, note))


class Note(Frozen):
    """Something the replay saw but the resolution does not govern (``not_in_force``: an event before the
    adoption, or after the end of the mandate for a provision of the mandate). Never a finding."""

    _fields = ("kind", "paragraph", "rule", "event", "tick", "reason")
    kind: str
    paragraph: str
    rule: str
    event: str
    tick: int
    reason: str

    def __init__(self, kind: str, paragraph: str, rule: str, event: str, tick: int, reason: str) -> None:
        self.__dict__.update(kind=kind, paragraph=paragraph, rule=rule, event=event, tick=tick, reason=reason)


class Ledger:
    """All findings of one replay, in the order they arose, and its notes."""

    def __init__(self) -> None:
        self.findings: dict[str, Finding] = {}
        self.notes: dict[tuple[str, str], Note] = {}  # (rule, event) -> note
        self._duties: dict[tuple[str, str], collections.deque[Finding]] = {}  # (rule, subject) -> obligations

    def note(self, note: Note) -> None:
        self.notes.setdefault((note.rule, note.event), note)

    def __contains__(self, finding_id: str) -> bool:
        return finding_id in self.findings

    def get(self, finding_id: str) -> Finding | None:
        return self.findings.get(finding_id)

    def open(self, *, id: str, paragraph: str, rule: str, kind: FindingKind, subject: str, tick: int,
             explanation: Told | list[Told], events: list[str], due: date | None = None, criterion: str | None = None,
             incident: str | None = None, note: str = "arose") -> Finding:
        if id in self.findings:
            raise LifecycleError(f"finding {id} opened twice")
        finding = Finding(id=id, paragraph=paragraph, rule=rule, kind=kind, subject=subject,
                          status=INITIAL[kind], opened=tick, due=due,
                          told=list(explanation) if isinstance(explanation, list) else [explanation],
                          criterion=criterion, incident=incident)
        for event in events:
            finding.add_event(event)
        finding.history.append(Step(tick, finding.status, events[0] if events else None, note))
        self.findings[id] = finding
        if kind is FindingKind.OBLIGATION:
            duties = self._duties.get((rule, subject))
            if duties is None:
                duties = self._duties[rule, subject] = collections.deque()
            duties.append(finding)
        return finding

    def unanswered(self, rule: str, subject: str, tick: int) -> Finding | None:
        """The oldest obligation of one definition and subject, open by ``tick``, that no act has answered."""
        return next(self._unanswered(rule, subject, tick), None)

    def all_unanswered(self, rule: str, subject: str, tick: int) -> list[Finding]:
        """Every obligation of one definition and subject, open by ``tick``, that no act has answered, oldest
        first."""
        return list(self._unanswered(rule, subject, tick))

    def _unanswered(self, rule: str, subject: str, tick: int) -> Iterator[Finding]:
        """An index per (definition, subject) keeps its obligations in the order they arose; those answered or
        closed for good (fulfilled, expired, discharged) are dropped from its front as they are met, so each
        call costs what the open duties of that definition and subject cost, not what all findings do."""
        duties = self._duties.get((rule, subject))
        if duties is None:
            return
        while duties and (duties[0].answered or duties[0].status not in _ANSWERABLE):
            duties.popleft()
        for finding in duties:
            if finding.opened <= tick and not finding.answered and finding.status in _ANSWERABLE:
                yield finding
