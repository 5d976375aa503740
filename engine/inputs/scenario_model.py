"""What a validated scenario is: :class:`Scenario` (its window, events in processing order, assumptions and
expectations); the models of its file's top level are in :mod:`.header`. :func:`sort_key`, the engine's
processing order of events, is defined with the vocabulary and re-exported here. Nothing here imports pydantic.

Built by :mod:`.scenario` (plain scenarios) and :mod:`.variants` (scenarios that extend another); read by every
later stage.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol

from ..dates import end_of, start_of
from .eventtypes import sort_key as sort_key  # the processing order, kept importable from here

if TYPE_CHECKING:
    from .header import Expectations
    from .vocabulary import Event


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
