"""What a validated scenario is: :class:`Scenario` (its window, events in processing order, assumptions and
expectations) and the expected findings it states. :func:`sort_key`, the engine's processing order of events, is
defined with the vocabulary and re-exported here.

Built by :mod:`.scenario` (plain scenarios) and :mod:`.variants` (scenarios that extend another); read by every
later stage.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..dates import end_of, start_of
from .vocabulary import Event
from .vocabulary import sort_key as sort_key  # the processing order, kept importable from here


class EventStream(Protocol):
    """Events read as a stream, in processing order, from a log file: an event log
    (:class:`~engine.inputs.eventlog.EventLog`) or a variant's edit of one
    (:class:`~engine.inputs.logedits.EditedLog`)."""

    @property
    def path(self) -> str:
        """The log file, as shown in messages."""
        ...

    @property
    def count(self) -> int:
        """How many events iterating yields."""
        ...

    def __iter__(self) -> Iterator[Event]:
        ...


def known_by(event_at: datetime, as_of: datetime) -> bool:
    """Whether an event at ``event_at`` has happened by ``as_of`` (compared to the second, as the clock does)."""
    return event_at.replace(microsecond=0) <= as_of


class ExpectedFinding(BaseModel):
    """A finding a scenario expects: every field given must match; fields left out match anything."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)  # built when first used

    id: str | None = None
    paragraph: str | None = None
    rule: str | None = None
    kind: str | None = None
    subject: str | None = None
    status: str | None = None
    criterion: str | None = None
    incident: str | None = None
    opened: str | None = None
    due: str | None = None
    closed: str | None = None
    events: list[str] | None = None

    @field_validator("opened", "due", "closed", mode="before")
    @classmethod
    def _date_text(cls, value: Any) -> Any:
        if isinstance(value, date | datetime):
            return value.isoformat()
        return value


class ExpectedNote(BaseModel):
    """A note a scenario expects (an event the resolution does not govern): every field given must match."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    kind: str | None = None
    paragraph: str | None = None
    rule: str | None = None
    event: str | None = None


class Expectations(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    findings: list[ExpectedFinding] = Field(default_factory=list)
    notes: list[ExpectedNote] | None = Field(
        default=None, description="the notes expected (of the paragraphs looked at); when given, no other may arise")
    paragraphs: list[str] | None = Field(
        default=None, description="look only at findings of these paragraphs (default: all)"
    )
    exhaustive: bool = Field(default=True, description="no finding beyond those listed may arise")


@dataclass
class Scenario:
    """A validated scenario."""

    path: str
    name: str
    description: str | None
    start: date
    until: date
    events: list[Event]
    assumptions: dict[str, Any] = field(default_factory=dict)
    assumption_lines: dict[str, int | None] = field(default_factory=dict)
    expect: Expectations | None = None
    #: the file that gives each assumption, when not ``path`` (a variant's base)
    assumption_paths: dict[str, str] = field(default_factory=dict)
    #: the paragraphs ``expect`` names, each with its line (checked against the rule pack by the engine)
    expected_paragraphs: list[tuple[str, int | None]] = field(default_factory=list)
    #: events read from `events_from`, streamed (not in ``events``); in a variant, as it removes and moves them
    log: EventStream | None = None
    #: an as-of view (:func:`engine.replay.asof.truncated`): only the events up to this instant (inclusive, to the
    #: second) are known; the log is read no further
    known_until: datetime | None = None

    @property
    def event_count(self) -> int:
        """Events of the scenario file and of its event log (in an as-of view, those known; the log is read)."""
        if self.known_until is not None and self.log is not None:
            return sum(1 for _ in self.all_events())
        return len(self.events) + (self.log.count if self.log is not None else 0)

    def all_events(self) -> Iterator[Event]:
        """Every event in processing order: the file's and the log's, merged; the log is streamed (memory follows
        its sorted chunks, not its length). Every consumer of a scenario's events reads them here."""
        merged = iter(self.events) if self.log is None or self.log.count == 0 else heapq.merge(
            self.events, self.log, key=sort_key)
        if self.known_until is None:
            return merged
        last = self.known_until
        return itertools.takewhile(lambda e: known_by(e.at, last), merged)

    @property
    def window(self) -> tuple[datetime, datetime]:
        """First instant and limit instant (exclusive) of the replay."""
        return start_of(self.start), end_of(self.until)
