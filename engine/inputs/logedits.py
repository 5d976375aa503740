"""A variant's ``remove`` and ``shift`` applied to its base's event log as the log is read, never holding it.

A variant keeps its base's event log (``events_from``). When it removes or moves events of that log,
:class:`EditedLog` stands in for the log: iterating it reads the base's log as a stream, leaves out the removed
events and the moved ones, and merges the moved ones back, at their new instants, in the engine's processing
order. Only the moved events are held (their number is bounded by the variant file's size); the rest of the log
streams as before, so memory follows the log's sorted chunks, not its length. An edited log may itself be the
base of another variant (a chain of ``extends``): the edits then apply in turn.

:func:`nearest_ids` finds the ids closest to a mistyped one among a stream of ids (the file's and the log's),
keeping only the best few, for the hint of an unknown id.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import TYPE_CHECKING

from .eventtypes import sort_key
from .scenario_model import EventStream

if TYPE_CHECKING:
    from .vocabulary import Event

NEAREST_SHOWN = 3  # ids suggested for a mistyped one
NEAREST_CUTOFF = 0.4  # similarity (0 to 1, difflib's ratio) below which an id is not suggested


@dataclass(frozen=True)
class EditedLog:
    """The events of ``base`` (an event log, or an edited one) without ``removed`` and with ``moved`` (events of
    ``base``, same ids, new instants, in processing order) at their new place. ``removed`` holds only ids of
    events of ``base``."""

    base: EventStream
    removed: frozenset[str]
    moved: tuple[Event, ...]

    @property
    def path(self) -> str:
        """The file of the log (the base's)."""
        return self.base.path

    @property
    def count(self) -> int:
        """How many events the edited log holds: the base's, less those removed (moved ones stay)."""
        return self.base.count - len(self.removed)

    def __iter__(self) -> Iterator[Event]:
        left_out = self.removed | {event.id for event in self.moved if event.id is not None}
        kept = (event for event in self.base if event.id not in left_out)
        return _merge_few(kept, self.moved) if self.moved else kept


def _merge_few(events: Iterable[Event], few: tuple[Event, ...]) -> Iterator[Event]:
    """``events`` (in processing order) with ``few`` (sorted, few) merged in at their places: each event is compared
    by instant with the next of ``few`` only, by its whole processing key only when the instants tie."""
    pending = iter(few)
    upcoming = next(pending, None)
    for event in events:
        while upcoming is not None and (upcoming.at < event.at or (
                upcoming.at == event.at and sort_key(upcoming) < sort_key(event))):
            yield upcoming
            upcoming = next(pending, None)
        yield event
    if upcoming is not None:
        yield upcoming
        yield from pending


def edited(base: EventStream, removed: Iterable[str], moved: Iterable[Event]) -> EventStream:
    """``base`` with the removals and the moved events (the base itself when there are none)."""
    gone, shifted = frozenset(removed), tuple(sorted(moved, key=sort_key))
    if not gone and not shifted:
        return base
    return EditedLog(base, gone, shifted)


def nearest_ids(word: str, candidates: Iterable[str], *, n: int = NEAREST_SHOWN,
                cutoff: float = NEAREST_CUTOFF) -> list[str]:
    """The ``n`` ids of ``candidates`` most like ``word`` (best first), as :func:`difflib.get_close_matches`
    chooses them, but keeping only ``n`` at a time: ``candidates`` may be an event log read as a stream."""
    matcher = SequenceMatcher()
    matcher.set_seq2(word)
    best: list[tuple[float, str]] = []
    for candidate in candidates:
        matcher.set_seq1(candidate)
        if (matcher.real_quick_ratio() >= cutoff and matcher.quick_ratio() >= cutoff
                and matcher.ratio() >= cutoff):
            entry = (matcher.ratio(), candidate)
            if len(best) < n:
                heapq.heappush(best, entry)
            elif entry > best[0]:
                heapq.heapreplace(best, entry)
    return [candidate for _, candidate in sorted(best, reverse=True)]
