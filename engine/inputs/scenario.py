"""Scenario files: a sentence for a name, a window, dated events, assumptions, and the findings expected.

Loading validates everything and reports the first problem as ``path:line: message``. Events come back in
the engine's processing order, which does not depend on their order in the file: by instant, then by the
type order of :data:`engine.inputs.vocabulary.TYPE_ORDER`, then by id. Events without an ``id`` get one derived from
their type, date and content, so the same events always get the same ids.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..errors import ScenarioError, reported_as
from . import limits as _limits
from .actors import ActorRegistry
from .checking import EventChecker, auto_id, full_digest
from .nogc import no_cycle_collection
from .plainmodel import plain_validator
from .scenario_model import Expectations, ExpectedFinding, Scenario, sort_key
from .sources import LineMap, describe_validation_error, first_error, load, parse
from .vocabulary import Event, parse_instant

#: the first and last days a scenario's window may cover: every instant is then a four-digit year, and a duty
#: repeated every day of the window stays a bounded amount of work
EARLIEST_DAY = date(1945, 1, 1)
LATEST_DAY = date(2099, 12, 31)


class _Header(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)  # built only for what plain checks leave to it

    name: str = Field(min_length=3, max_length=300, description="a sentence saying what the scenario shows")

    @field_validator("name", mode="after")
    @classmethod
    def _one_line(cls, value: str) -> str:  # a sentence: line breaks and runs of spaces become one space
        return " ".join(value.split())
    description: str | None = None
    start: date | None = None
    until: date | None = None
    assumptions: dict[str, Any] = Field(default_factory=dict)
    events: list[Any] = Field(default_factory=list)
    events_from: str | None = Field(default=None, description="an event log (.jsonl or .csv), relative to this file")
    expect: Expectations | None = None

    @field_validator("start", "until", mode="before")
    @classmethod
    def _day(cls, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                raise ValueError(f"{value!r} is not a real date (YYYY-MM-DD)") from None
        return value


_plain_header: Callable[[Any], Any] = plain_validator(_Header)


def check_window(start: date, until: date, *, path: str, lines: LineMap | None = None) -> None:
    """Refuse a window that ends before it starts or leaves the days :data:`EARLIEST_DAY` to :data:`LATEST_DAY`."""
    where = lines or LineMap()
    if until < start:
        raise ScenarioError(f"`until` ({until}) is before `start` ({start})", path=path,
                            line=where.line_of(("until",)))
    for key, day in (("start", start), ("until", until)):
        if not EARLIEST_DAY <= day <= LATEST_DAY:
            raise ScenarioError(f"`{key}` ({day.isoformat()}) is outside the days a scenario may cover, "
                                f"{EARLIEST_DAY.isoformat()} to {LATEST_DAY.isoformat()}", path=path,
                                line=where.line_of((key,)))


def in_order(scenario: Scenario) -> Scenario:
    """The scenario with its events in the engine's processing order, for one built by hand (files are sorted when
    loaded). Refuses a window out of range and events that are not events, or lack an id, or share one."""
    check_window(scenario.start, scenario.until, path=scenario.path)
    seen: set[str] = set()
    first, limit = scenario.window  # (once: it is computed on each read)
    for event in scenario.events:
        if not isinstance(event, Event):
            raise ScenarioError(f"an event is an engine.vocabulary event model, not {type(event).__name__}",
                                path=scenario.path)
        if event.id is None or event.id in seen:
            raise ScenarioError(f"every event needs an id of its own (event at {event.at.isoformat()}: "
                                f"{event.id!r})", path=scenario.path)
        seen.add(event.id)
        if not first <= event.at < limit:
            raise ScenarioError(f"event {event.id} at {event.at.isoformat()} is outside the scenario's window "
                                f"{scenario.start} to {scenario.until}", path=scenario.path)
    keys = [sort_key(event) for event in scenario.events]
    if all(a <= b for a, b in itertools.pairwise(keys)):
        return scenario
    return dataclasses.replace(scenario, events=sorted(scenario.events, key=sort_key))


def build(data: Any, lines: LineMap, *, path: str, actors: ActorRegistry, default_start: date,
          default_until: date) -> Scenario:
    """Validate parsed scenario data."""
    if not isinstance(data, dict):
        raise ScenarioError("a scenario is a mapping with `name` and `events`", path=path, line=lines.line_of(()))
    # the common file, checked in plain Python (never a variant: the keys of one are not the header's); else the
    # variant's reading, or pydantic, decides and words it
    header = _plain_header(data)
    if header is None:
        from .variants import VARIANT_KEYS, read_variant

        if not VARIANT_KEYS.isdisjoint(data):  # `extends`, `remove`, `shift`: a variant of another scenario
            variant = read_variant(data, lines, path=path)
            with variant.loading():
                base = load_scenario(variant.base_path, actors=actors, default_start=default_start,
                                     default_until=default_until)
            own = build(variant.own_data, lines, path=path, actors=actors, default_start=base.start,
                        default_until=base.until)
            return variant.apply(base, own)
        try:
            header = _Header.model_validate(data)
        except ValidationError as exc:
            raise first_error(exc, path=path, lines=lines, error_type=ScenarioError) from None
    max_events = _limits.current().max_events
    if len(header.events) > max_events:
        raise ScenarioError(f"{len(header.events):,} events; the limit is {max_events:,} (--max-events)", path=path,
                            line=lines.line_of(("events",)))
    start = header.start or default_start
    until = header.until or default_until
    check_window(start, until, path=path, lines=lines)
    checker = EventChecker(path=path, actors=actors, start=start, until=until)
    events: list[Event] = []
    ids: dict[str, int] = {}  # id -> index of the event in the file
    derived: set[str] = set()  # the ids derived from content
    given = lambda: lines  # noqa: E731
    for i, raw in enumerate(header.events):
        event, explicit = checker.check(raw, given, ("events", i))
        assert event.id is not None
        if not explicit and event.id in derived and full_digest(raw) != full_digest(header.events[ids[event.id]]):
            # two different events whose short derived ids agree: this one takes its whole digest
            object.__setattr__(event, "id", auto_id(event, raw, digits=64))
        if event.id in ids:
            first, here = lines.lines_of([("events", ids[event.id]), ("events", i)]).values()
            message = (f"event id {event.id!r} is used twice (first at line {first})" if explicit
                       else f"this event repeats the one at line {first} exactly; give them ids"
                       if event.id in derived
                       else f"this event's derived id {event.id!r} is the id of the event at line {first}; give "
                       "this one an id")
            raise ScenarioError(message, path=path, line=lines.line_of(("events", i, "id")) if explicit else here)
        ids[event.id] = i
        if not explicit:
            derived.add(event.id)
        events.append(event)
    events.sort(key=sort_key)
    log = None
    if header.events_from is not None:
        from .eventlog import read_log, resolve_log

        log_path, shown = resolve_log(path, header.events_from, lines)
        log_checker = EventChecker(path=shown, actors=actors, start=start, until=until)
        log = read_log(log_path, shown, log_checker, taken=ids, budget=max_events - len(events))
    located = lines.lines_of([("assumptions", name) for name in header.assumptions]) if header.assumptions else {}
    assumption_lines = {name: located[("assumptions", name)] for name in header.assumptions}
    return Scenario(path=path, name=header.name, description=header.description, start=start, until=until,
                    events=events, assumptions=dict(header.assumptions), assumption_lines=assumption_lines,
                    expect=header.expect, log=log, expected_paragraphs=_expected_paragraphs(header.expect, lines))


def _expected_paragraphs(expect: Expectations | None, lines: LineMap) -> list[tuple[str, int | None]]:
    """The paragraphs ``expect`` names with their lines (looked up together, once)."""
    if expect is None:
        return []
    named: list[tuple[str, tuple[str | int, ...]]] = [(p, ("expect", "paragraphs", i))
                                                      for i, p in enumerate(expect.paragraphs or [])]
    named += [(f.paragraph, ("expect", "findings", i, "paragraph")) for i, f in enumerate(expect.findings)
              if f.paragraph is not None]
    located = lines.lines_of([loc for _, loc in named]) if named else {}
    return [(paragraph, located[tuple(loc)]) for paragraph, loc in named]


def load_scenario(path: Path | str, *, actors: ActorRegistry, default_start: date, default_until: date) -> Scenario:
    """Read and validate a scenario file."""
    path = Path(path)
    with no_cycle_collection():
        with reported_as(ScenarioError):
            data, lines = load(path, what="scenario file")
        return build(data, lines, path=str(path), actors=actors, default_start=default_start,
                     default_until=default_until)


def scenario_from_text(text: str, *, path: str, actors: ActorRegistry, default_start: date,
                       default_until: date) -> Scenario:
    """A scenario from YAML or JSON text (``path``'s suffix decides which)."""
    with reported_as(ScenarioError):
        data, lines = parse(text, path=path)
    return build(data, lines, path=path, actors=actors, default_start=default_start, default_until=default_until)


__all__ = [
    "Expectations",
    "ExpectedFinding",
    "Scenario",
    "check_window",
    "describe_validation_error",
    "in_order",
    "load_scenario",
    "parse_instant",
    "scenario_from_text",
    "sort_key",
]
