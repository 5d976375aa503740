"""Variant scenarios: a scenario that ``extends`` another and changes it, like a reform applied to a baseline.

A variant names its base (a path relative to the variant's own file) and says what to change::

    name: If the Secretary-General had not asked the French forces to intervene at Timbuktu, ...
    extends: timbuktu-2018.yaml        # chains work: the base may itself extend another scenario
    remove: [tbk-request]              # events of the base, by id
    shift:                             # move events of the base in time (weeks, days, hours, minutes;
      q2: {days: 7}                    # negative values move them earlier)
    assumptions:                       # on top of the base's own overrides
      quarterly_interval: {days: 90}
    events: [...]                      # events added to the base's
    expect: ...                        # the variant's own expectations (never inherited)

``start`` and ``until`` default to the base's. Every mistake is reported as ``path:line`` of the file that
makes it: an unknown or removed id, a shift out of the window, an event id the base already uses, a base that
does not exist, or a chain of ``extends`` that comes back to a file already in it.

A base with an event log (``events_from``) keeps it: ``remove`` and ``shift`` may name its events, found in one
pass over the log (:meth:`Variant._scan_log`), and the variant's log is the base's edited as it is read
(:class:`.logedits.EditedLog`), never held whole.

:func:`engine.inputs.scenario.build` hands any scenario that uses one of :data:`VARIANT_KEYS` to
:func:`read_variant`, which checks the variant's own keys and finds its base; it then loads the base (inside
:meth:`Variant.loading`, which keeps the chain of ``extends`` to catch cycles), builds the variant's own part
as a plain scenario, and :meth:`Variant.apply` combines the two. This module never builds a scenario itself, so
the dependency goes one way: :mod:`.scenario` uses :mod:`.variants`, both use :mod:`.scenario_model`.
"""

from __future__ import annotations

import contextvars
import dataclasses
import itertools
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictInt, ValidationError, model_validator

from ..dates import end_of, start_of
from ..errors import ScenarioError
from .logedits import edited, nearest_ids
from .scenario_model import Scenario, sort_key
from .sources import LineMap, first_error
from .vocabulary import Event

VARIANT_KEYS = frozenset({"extends", "remove", "shift"})
MAX_CHAIN = 32  # extends within extends; deeper is a mistake, not a study

#: the files being loaded through `extends`, outermost first (to detect cycles)
_CHAIN: contextvars.ContextVar[tuple[Path, ...]] = contextvars.ContextVar("variant_chain", default=())


class Shift(BaseModel):
    """How far to move one event: any of weeks, days, hours and minutes (negative: earlier)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)  # built when first used

    weeks: StrictInt = Field(default=0, ge=-5_200, le=5_200)
    days: StrictInt = Field(default=0, ge=-36_500, le=36_500)
    hours: StrictInt = Field(default=0, ge=-876_000, le=876_000)
    minutes: StrictInt = Field(default=0, ge=-52_560_000, le=52_560_000)

    @model_validator(mode="after")
    def _moves(self) -> Shift:
        if not self.delta:
            raise ValueError("a shift needs at least one of `weeks`, `days`, `hours`, `minutes`, not zero")
        return self

    @property
    def delta(self) -> timedelta:
        return timedelta(weeks=self.weeks, days=self.days, hours=self.hours, minutes=self.minutes)

    def describe(self) -> str:
        parts = [f"{value:+d} {unit}{'s' if abs(value) != 1 else ''}"
                 for unit, value in (("week", self.weeks), ("day", self.days), ("hour", self.hours),
                                     ("minute", self.minutes)) if value]
        return " ".join(parts)


def _error(message: str, path: str, lines: LineMap, loc: tuple[Any, ...]) -> ScenarioError:
    return ScenarioError(message, path=path, line=lines.line_of(loc))


def _ids(data: Any, key: str, path: str, lines: LineMap) -> list[tuple[str, int]]:
    """``remove: [id, ...]`` as (id, index), each a string, none twice."""
    if not isinstance(data, list):
        raise _error(f"`{key}` is a list of event ids of the base scenario", path, lines, (key,))
    seen: dict[str, int] = {}
    out = []
    for i, item in enumerate(data):
        if not isinstance(item, str) or not item:
            raise _error(f"{key}: expected an event id, got {item!r}", path, lines, (key, i))
        if item in seen:
            raise _error(f"{key}: {item!r} is listed twice", path, lines, (key, i))
        seen[item] = i
        out.append((item, i))
    return out


def _shifts(data: Any, path: str, lines: LineMap) -> dict[str, Shift]:
    if not isinstance(data, dict):
        raise _error("`shift` maps event ids to how far to move them, e.g. `q2: {days: 7}`", path, lines,
                     ("shift",))
    out = {}
    for event_id, raw in data.items():
        try:
            out[str(event_id)] = Shift.model_validate(raw)
        except ValidationError as exc:
            raise first_error(exc, path=path, lines=lines, prefix=("shift", event_id),
                              error_type=ScenarioError) from None
    return out


@dataclass(frozen=True)
class Variant:
    """A variant's changes to its base, checked but not yet applied: the base file, the ids to remove, the
    shifts, and the variant's own keys (name, window, assumptions, events, expectations) as plain data."""

    data: dict[str, Any]
    lines: LineMap
    path: str
    base_path: Path
    removals: list[tuple[str, int]]
    shifts: dict[str, Shift]

    @property
    def own_data(self) -> dict[str, Any]:
        """The variant's own keys, to be built as a plain scenario with the base's window as default."""
        return {key: value for key, value in self.data.items() if key not in VARIANT_KEYS}

    @contextmanager
    def loading(self) -> Iterator[None]:
        """Around the loading of the base: this file joins the chain of ``extends`` being followed."""
        token = _CHAIN.set((*_CHAIN.get(), Path(self.path).resolve()))
        try:
            yield
        finally:
            _CHAIN.reset(token)

    def apply(self, base: Scenario, own: Scenario) -> Scenario:
        """The base's events with the removals and shifts (of the file's events and of its log's, the log still
        streamed), then the variant's own events; the base's assumptions overridden by the variant's; the
        variant's name, window and expectations."""
        data, lines, path, base_path, shifts = self.data, self.lines, self.path, self.base_path, self.shifts
        first, limit = start_of(own.start), end_of(own.until)
        by_id = {event.id: event for event in base.events if event.id is not None}
        scan = self._scan_log(base, own, by_id)
        removed: set[str] = set()
        for event_id, index in self.removals:
            if event_id not in by_id and event_id not in scan.named:
                raise _error(f"remove: {self._no_event(base, event_id)}", path, lines, ("remove", index))
            removed.add(event_id)
        for event_id in shifts:
            if event_id in removed:
                raise _error(f"shift: {event_id!r} is removed by `remove`; it cannot also be moved", path, lines,
                             ("shift", event_id))
            if event_id not in by_id and event_id not in scan.named:
                raise _error(f"shift: {self._no_event(base, event_id)}", path, lines, ("shift", event_id))
        events: list[Event] = []
        for event in base.events:
            assert event.id is not None
            if event.id in removed:
                continue
            shift = shifts.get(event.id)
            if shift is not None:
                event = self._moved(event, shift, own)
            elif not first <= event.at < limit:
                key = "start" if event.at < first else "until"
                raise _error(f"the base's event {event.id} at {event.at.isoformat()} is outside this scenario's "
                             f"window {own.start} to {own.until}", path, lines, (key,))
            events.append(event)
        moved = [self._moved(scan.named[event_id], shift, own) for event_id, shift in shifts.items()
                 if event_id in scan.named]
        if scan.outside is not None:
            event, key = scan.outside, "start" if scan.outside.at < first else "until"
            raise _error(f"the base's event {event.id} at {event.at.isoformat()} (in its log {scan.log_name}) is "
                         f"outside this scenario's window {own.start} to {own.until}", path, lines, (key,))
        kept = {event.id for event in events}
        for index, event in enumerate(own.events):
            if event.id in kept:
                raise _error(f"event id {event.id!r} is already used by the base scenario {base_path.name} "
                             "(remove it there first to replace it)", path, lines,
                             ("events", _position(data, event.id, index), "id"))
            events.append(event)
        if scan.clash is not None:
            raise _error(f"event id {scan.clash!r} is already used by the base scenario's event log {scan.log_name} "
                         "(remove it there first to replace it)", path, lines,
                         ("events", _position(data, scan.clash, 0), "id"))
        events.sort(key=sort_key)
        log = own.log
        if base.log is not None:
            log = edited(base.log, [event_id for event_id in removed if event_id in scan.named], moved)

        assumptions = {**base.assumptions, **own.assumptions}
        assumption_lines = {**base.assumption_lines, **own.assumption_lines}
        # each assumption stays located in the file that gives it: the base's (or its own base's), or this one
        assumption_paths = {name: base.assumption_paths.get(name, base.path) for name in base.assumptions}
        for name in own.assumptions:
            assumption_paths.pop(name, None)
        return dataclasses.replace(own, path=path, events=events, assumptions=assumptions,
                                   assumption_lines=assumption_lines, assumption_paths=assumption_paths, log=log)

    def _moved(self, event: Event, shift: Shift, own: Scenario) -> Event:
        """``event`` moved by ``shift``; refused at the shift's line when it leaves the variant's window."""
        moved: datetime = event.at + shift.delta
        if not start_of(own.start) <= moved < end_of(own.until):
            raise _error(f"shift: {event.id} moved {shift.describe()} falls on {moved.isoformat()}, outside the "
                         f"scenario's window {own.start} to {own.until}", self.path, self.lines, ("shift", event.id))
        return event.model_copy(update={"at": moved})

    def _no_event(self, base: Scenario, event_id: str) -> str:
        """That the base has no event ``event_id``, with the nearest ids of its file and its log (read again)."""
        ids: Iterable[str] = (event.id for event in base.events if event.id is not None)
        where = ""
        if base.log is not None:
            ids = itertools.chain(ids, (event.id for event in base.log if event.id is not None))
            where = f" in the file or its log {Path(base.log.path).name}"
        close = nearest_ids(event_id, ids)
        hint = "; did you mean " + " or ".join(repr(c) for c in close) + "?" if close else ""
        return f"the base scenario {self.base_path.name} has no event {event_id!r}{where}{hint}"

    def _scan_log(self, base: Scenario, own: Scenario, by_id: dict[str, Event]) -> _LogScan:
        """One pass over the base's event log (``events_from``, which the variant keeps, streamed), when the
        variant names ids its file lacks, adds events or changes the window: the log's events that ``remove`` and
        ``shift`` name, the first id of the variant's own events the log keeps, and the first of its events (not
        moved) outside the variant's window. A log of the variant's own beside the base's is refused."""
        if base.log is None:
            return _LogScan("")
        scan = _LogScan(Path(base.log.path).name)
        if own.log is not None:
            raise _error(f"events_from: the base scenario takes its events from the log {scan.log_name}; a variant "
                         "keeps that log and lists its own events under `events:`", self.path, self.lines,
                         ("events_from",))
        removing = {event_id for event_id, _ in self.removals}
        wanted = {event_id for event_id in removing | set(self.shifts) if event_id not in by_id}
        added = {event.id for event in own.events}
        first, limit = start_of(own.start), end_of(own.until)
        if not wanted and not added and (own.start, own.until) == (base.start, base.until):
            return scan
        for event in base.log:
            assert event.id is not None
            if event.id in wanted:
                scan.named[event.id] = event
            elif scan.outside is None and not first <= event.at < limit:
                scan.outside = event
            if scan.clash is None and event.id in added and event.id not in removing:
                scan.clash = event.id
        return scan


@dataclass
class _LogScan:
    """What one pass over a base's event log found (:meth:`Variant._scan_log`)."""

    log_name: str
    named: dict[str, Event] = field(default_factory=dict)  # the log's events named by `remove` or `shift`
    clash: str | None = None  # the first id of the variant's own events that the log keeps
    outside: Event | None = None  # the first event of the log (not moved) outside the variant's window


def read_variant(data: dict[str, Any], lines: LineMap, *, path: str) -> Variant:
    """Check a variant's ``extends``, ``remove`` and ``shift`` (``path:line`` of the mistake) and find its base."""
    if "extends" not in data:
        key = "remove" if "remove" in data else "shift"
        raise _error(f"`{key}` changes a base scenario: say which with `extends: BASE.yaml`", path, lines, (key,))
    extends = data["extends"]
    if not isinstance(extends, str) or not extends.strip():
        raise _error("`extends` is the path of the base scenario, relative to this file", path, lines, ("extends",))
    base_path = (Path(path).parent / extends.strip())
    chain = _CHAIN.get()
    if len(chain) >= MAX_CHAIN:
        raise _error(f"more than {MAX_CHAIN} scenarios extend one another", path, lines, ("extends",))
    try:
        here = Path(path).resolve()
        resolved = base_path.resolve()
    except (OSError, RuntimeError) as exc:  # RuntimeError: a loop of symbolic links (Python 3.11)
        raise _error(f"extends: cannot follow {extends!r}: {getattr(exc, 'strerror', None) or exc}", path, lines,
                     ("extends",)) from None
    if resolved == here or resolved in chain:
        walk = [*chain, here]
        loop = [*walk[walk.index(resolved):], resolved]
        shown = " → ".join(p.name for p in loop)
        raise _error(f"extends: a cycle of scenarios ({shown})", path, lines, ("extends",))
    if not resolved.is_file():
        raise _error(f"extends: no such scenario file {extends!r} (looked for {base_path})", path, lines,
                     ("extends",))
    removals = _ids(data["remove"], "remove", path, lines) if "remove" in data else []
    shifts = _shifts(data["shift"], path, lines) if "shift" in data else {}
    return Variant(data, lines, path, base_path, removals, shifts)


def _position(data: dict[str, Any], event_id: str | None, fallback: int) -> int:
    """The index in the file of the event with ``event_id`` (events come back sorted, not in file order)."""
    raw = data.get("events")
    if isinstance(raw, list):
        for i, item in enumerate(raw):
            if isinstance(item, dict) and item.get("id") == event_id:
                return i
    return fallback
