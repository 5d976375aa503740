"""Event logs: the events of a scenario in a file of their own (``events_from: FILE``), read as a stream.

A log is JSON Lines (``.jsonl``, ``.ndjson``: one event object per line) or CSV (``.csv``: a header row of event
fields, then one event per row; an empty cell is an absent field, and a list field such as ``focus`` takes its
items separated by ``;``). Each event is validated as it is read, exactly as an event of the scenario file, and a
problem is reported as ``log-file:line: what is wrong``.

**Order.** A log need not be sorted. It is read once, in chunks of :data:`CHUNK_EVENTS` events, each event kept
as a compact record (:mod:`~engine.inputs.spill`); each full chunk is sorted in the engine's processing order
(instant, type order, id) and written to a temporary file, and the last one is sorted and kept in memory (an
external merge sort); the replay then merges the sorted chunks with the events of the scenario file, each event's
model built as it is read. Memory follows the chunk size, not the log's length; disk holds the log's events at
most once, and the temporary files are removed with the scenario. Ids must be unique across the file and the log:
a 64-bit digest per id (Python's hash of it) is kept (8 bytes per event) and checked once the log is read; a
repeated id is then reported at its line.
"""

from __future__ import annotations

import array
import heapq
import operator
import os
import shutil
import tempfile
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ScenarioError
from . import limits as _limits
from .checking import EventChecker
from .loglines import LogLines, csv_rows, json_blocks, json_rows
from .nogc import no_cycle_collection
from .plaincheck import Record
from .sources import LineMap, open_regular
from .spill import event_of, read_run, record_of, write_run

if TYPE_CHECKING:
    from .vocabulary import Event

CHUNK_EVENTS = 50_000  # events sorted in memory at once; more go to temporary files, sorted runs merged later
LOG_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}
_ID = operator.itemgetter(2)  # a record's id


@dataclass
class EventLog:
    """The validated events of a log, sorted, as temporary runs and a last chunk of records in memory, to
    merge."""

    path: str
    count: int
    _memory: list[Record] = field(default_factory=list)
    _runs: list[Path] = field(default_factory=list)
    _folder: str | None = None

    def __post_init__(self) -> None:
        if self._folder is not None:
            weakref.finalize(self, shutil.rmtree, self._folder, True)

    def __iter__(self) -> Iterator[Event]:
        """The events in processing order, each model built as it is read (records sort as tuples)."""
        if not self._runs:
            return map(event_of, self._memory)
        return map(event_of, heapq.merge(*(read_run(run) for run in self._runs), self._memory))


def _blocks(lines: LogLines, kind: str) -> Iterator[tuple[int, list[Any]]]:
    if kind == "jsonl":
        return json_blocks(lines)
    return ((number, [row]) for number, row in csv_rows(lines))


class _Reader:
    """Reads one log: validates each event into a record, sorts records in chunks, spills chunks to runs."""

    def __init__(self, path: Path, shown: str, checker: EventChecker, budget: int) -> None:
        self.path, self.shown, self.checker, self.budget = path, shown, checker, budget
        self.folder: str | None = None
        self.runs: list[Path] = []
        self.chunk: list[Record] = []
        self.digests = array.array("q")  # Python's hash of each id (a process keeps it the same)
        self.count = 0

    def read(self, blocks: Iterator[tuple[int, list[Any]]]) -> None:
        for first, rows in blocks:
            over = self.count + len(rows) - self.budget
            if over > 0:
                rows = rows[:len(rows) - over]  # the events under the limit are still checked first
            self.count += len(rows)
            done = 0
            while done < len(rows):  # in pieces that fill the chunk at most
                room = CHUNK_EVENTS - len(self.chunk)
                self._check(rows[done:done + room] if done or room < len(rows) else rows, first + done)
                done += room
                if len(self.chunk) >= CHUNK_EVENTS:
                    self._spill()
            if over > 0:
                raise ScenarioError(f"more events than the limit of {_limits.current().max_events:,} in the "
                                    "scenario and its log (--max-events)", path=self.shown, line=first + len(rows))

    def _check(self, rows: list[Any], first: int) -> None:
        """Check the values of consecutive lines, from line ``first``, into records added to the chunk."""
        checker, append = self.checker, self.chunk.append
        fast = checker.plain.records if checker.offsets == {True} else {}
        for number, row in enumerate(rows, first):
            try:
                record = fast[row["type"]](row, number)  # the checker of its type (a dict with a known type)
            except (KeyError, TypeError, IndexError):
                record = None
            if record is None:
                record = self._careful(row, number)
                fast = checker.plain.records if checker.offsets == {True} else {}
            append(record)

    def _careful(self, row: Any, number: int) -> Record:
        """The record of an event the plain checker left: checked by the checker's other paths (or refused)."""
        event, _ = self.checker.check(row, _at(number), (), path=self.shown)
        return record_of(event, number)

    def _spill(self) -> None:
        chunk = self.chunk
        self.digests.extend(map(hash, map(_ID, chunk)))
        self.folder = self.folder or tempfile.mkdtemp(prefix="obligations-log-")
        self.runs.append(write_run(chunk, Path(self.folder) / f"run-{len(self.runs):05d}.pickle"))
        chunk.clear()

    def finish(self, taken: dict[str, int]) -> EventLog:
        """Sort the last chunk, kept in memory (merged with the runs, if any, when read), and refuse an id used
        twice."""
        self.digests.extend(map(hash, map(_ID, self.chunk)))
        self.digests.extend(map(hash, taken))
        _check_unique(self.digests, self.path, self.shown, self.checker, taken)
        self.chunk.sort()
        return EventLog(path=self.shown, count=self.count, _memory=self.chunk, _runs=self.runs, _folder=self.folder)


def read_log(path: Path, shown: str, checker: EventChecker, *, taken: dict[str, int], budget: int) -> EventLog:
    """Read, validate and sort the events of a log. ``taken``: the ids of the scenario file's events (to the
    index of each); ``budget``: how many events the log may still hold under the events limit."""
    kind = LOG_SUFFIXES.get(Path(shown).suffix.lower())
    if kind is None:
        raise ScenarioError("an event log is JSON Lines (.jsonl, .ndjson) or CSV (.csv)", path=shown)
    try:
        handle = open_regular(path, what="event log")
    except Exception as exc:
        raise ScenarioError(str(getattr(exc, "message", exc)), path=shown) from None
    reader = _Reader(path, shown, checker, budget)
    try:
        with handle, no_cycle_collection():
            reader.read(_blocks(LogLines(handle, shown), kind))
        return reader.finish(taken)
    except BaseException:
        if reader.folder is not None:
            shutil.rmtree(reader.folder, ignore_errors=True)
        raise


def _at(number: int) -> Any:
    return lambda: LineMap({(): number})


def _check_unique(digests: array.array[int], path: Path, shown: str, checker: EventChecker,
                  taken: dict[str, int]) -> None:
    """Refuse an id used twice in the file and the log (found by digest; then located by reading the log
    again)."""
    if len(digests) <= CHUNK_EVENTS:  # as many as a chunk held: a set, without importing numpy
        met: set[int] = set()
        repeated: set[int] = set()
        for digest in digests:
            (repeated if digest in met else met).add(digest)
    else:
        import numpy as np  # a matplotlib dependency: sorts the digests in place of a Python list 8 times larger

        ordered = np.sort(np.frombuffer(digests, dtype=np.int64))
        repeated = {int(d) for d in ordered[1:][ordered[1:] == ordered[:-1]]}
    if not repeated:
        return
    seen: dict[str, int | None] = {event_id: None for event_id in taken}  # None: in the scenario file
    with open_regular(path, what="event log") as handle:
        again = EventChecker(path=shown, actors=checker.context["actors"], start=checker.start, until=checker.until)
        for number, raw in _rows(LogLines(handle, shown), LOG_SUFFIXES[Path(shown).suffix.lower()]):
            event, explicit = again.check(raw, _at(number), (), path=shown)
            assert event.id is not None
            if hash(event.id) not in repeated:
                continue
            if event.id in seen:
                first = seen[event.id]
                where = "in the scenario file" if first is None else f"at line {first}"
                message = (f"event id {event.id!r} is used twice (first {where})" if explicit
                           else f"this event repeats the one {where} exactly; give them ids")
                raise ScenarioError(message, path=shown, line=number)
            seen[event.id] = number


def _rows(lines: LogLines, kind: str) -> Iterator[tuple[int, Any]]:
    return json_rows(lines) if kind == "jsonl" else csv_rows(lines)


def resolve_log(scenario_path: str, name: Any, lines: LineMap) -> tuple[Path, str]:
    """The path of ``events_from``, relative to the scenario file."""
    if not isinstance(name, str) or not name.strip():
        raise ScenarioError("`events_from` is the path of an event log (.jsonl or .csv), relative to this file",
                            path=scenario_path, line=lines.line_of(("events_from",)))
    target = Path(os.path.dirname(scenario_path)) / name.strip()
    return target, str(target)
