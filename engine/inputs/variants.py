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

:func:`engine.inputs.scenario.build` hands any scenario that uses one of :data:`VARIANT_KEYS` to
:func:`read_variant`, which checks the variant's own keys and finds its base; it then loads the base (inside
:meth:`Variant.loading`, which keeps the chain of ``extends`` to catch cycles), builds the variant's own part
as a plain scenario, and :meth:`Variant.apply` combines the two. This module never builds a scenario itself, so
the dependency goes one way: :mod:`.scenario` uses :mod:`.variants`, both use :mod:`.scenario_model`.
"""

from __future__ import annotations

import contextvars
import dataclasses
import difflib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictInt, ValidationError, model_validator

from ..dates import end_of, start_of
from ..errors import ScenarioError
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


def _nearest(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=3, cutoff=0.4)
    if close:
        return "; did you mean " + " or ".join(repr(c) for c in close) + "?"
    return ""


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
        """The base's events with the removals and shifts, then the variant's own events; the base's
        assumptions overridden by the variant's; the variant's name, window and expectations."""
        data, lines, path, base_path, shifts = self.data, self.lines, self.path, self.base_path, self.shifts
        first, limit = start_of(own.start), end_of(own.until)
        by_id = {event.id: event for event in base.events if event.id is not None}
        known = sorted(by_id)
        if base.log is not None:
            self._keep_base_log(base, own, by_id)
        removed: set[str] = set()
        for event_id, index in self.removals:
            if event_id not in by_id:
                raise _error(f"remove: the base scenario {base_path.name} has no event {event_id!r}"
                             + _nearest(event_id, known), path, lines, ("remove", index))
            removed.add(event_id)
        events: list[Event] = []
        for event in base.events:
            assert event.id is not None
            if event.id in removed:
                continue
            shift = shifts.get(event.id)
            if shift is not None:
                moved: datetime = event.at + shift.delta
                if not first <= moved < limit:
                    raise _error(f"shift: {event.id} moved {shift.describe()} falls on {moved.isoformat()}, "
                                 f"outside the scenario's window {own.start} to {own.until}", path, lines,
                                 ("shift", event.id))
                event = event.model_copy(update={"at": moved})
            elif not first <= event.at < limit:
                key = "start" if event.at < first else "until"
                raise _error(f"the base's event {event.id} at {event.at.isoformat()} is outside this scenario's "
                             f"window {own.start} to {own.until}", path, lines, (key,))
            events.append(event)
        for event_id in shifts:
            if event_id in removed:
                raise _error(f"shift: {event_id!r} is removed by `remove`; it cannot also be moved", path, lines,
                             ("shift", event_id))
            if event_id not in by_id:
                raise _error(f"shift: the base scenario {base_path.name} has no event {event_id!r}"
                             + _nearest(event_id, known), path, lines, ("shift", event_id))
        kept = {event.id for event in events}
        for index, event in enumerate(own.events):
            if event.id in kept:
                raise _error(f"event id {event.id!r} is already used by the base scenario {base_path.name} "
                             "(remove it there first to replace it)", path, lines,
                             ("events", _position(data, event.id, index), "id"))
            events.append(event)
        events.sort(key=sort_key)

        assumptions = {**base.assumptions, **own.assumptions}
        assumption_lines = {**base.assumption_lines, **own.assumption_lines}
        # each assumption stays located in the file that gives it: the base's (or its own base's), or this one
        assumption_paths = {name: base.assumption_paths.get(name, base.path) for name in base.assumptions}
        for name in own.assumptions:
            assumption_paths.pop(name, None)
        return dataclasses.replace(own, path=path, events=events, assumptions=assumptions,
                                   assumption_lines=assumption_lines, assumption_paths=assumption_paths,
                                   log=base.log if own.log is None else own.log)

    def _keep_base_log(self, base: Scenario, own: Scenario, by_id: dict[str, Event]) -> None:
        """The base's event log (``events_from``) stays the variant's, read as a stream: refuse, at their lines,
        a log of the variant's own beside it, ``remove`` or ``shift`` naming one of its events (they change the
        events listed in a file), an event of the variant with an id of the log, and a log event outside the
        variant's window. One pass over the log, when any of these can arise."""
        assert base.log is not None
        name = Path(base.log.path).name
        if own.log is not None:
            raise _error(f"events_from: the base scenario takes its events from the log {name}; a variant keeps "
                         "that log and lists its own events under `events:`", self.path, self.lines, ("events_from",))
        named: dict[str, tuple[str, str | int]] = {event_id: ("remove", index) for event_id, index in self.removals
                                                   if event_id not in by_id}
        named |= {event_id: ("shift", event_id) for event_id in self.shifts if event_id not in by_id}
        added = {event.id: index for index, event in enumerate(own.events)}
        first, limit = start_of(own.start), end_of(own.until)
        if not named and not added and (own.start, own.until) == (base.start, base.until):
            return
        for event in base.log:
            if event.id in named:
                raise _error(f"{named[event.id][0]}: {event.id!r} is an event of the base's log {name}; remove and "
                             "shift change the events listed in a scenario file", self.path, self.lines,
                             named[event.id])
            if event.id in added:
                raise _error(f"event id {event.id!r} is already used by the base scenario's event log {name}",
                             self.path, self.lines, ("events", _position(self.data, event.id, added[event.id]), "id"))
            if not first <= event.at < limit:
                key = "start" if event.at < first else "until"
                raise _error(f"the base's event {event.id} at {event.at.isoformat()} (in its log {name}) is outside "
                             f"this scenario's window {own.start} to {own.until}", self.path, self.lines, (key,))


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
