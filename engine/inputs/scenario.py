"""Scenario files: a sentence for a name, a window, dated events, assumptions, and the findings expected.

Loading validates everything and reports the first problem as ``path:line: message``. Events come back in
the engine's processing order, which does not depend on their order in the file: by instant, then by the
type order of :data:`engine.inputs.vocabulary.TYPE_ORDER`, then by id. Events without an ``id`` get one derived from
their type, date and content, so the same events always get the same ids.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..errors import InputError, ScenarioError
from . import limits as _limits
from .actors import ActorRegistry
from .checking import EventChecker
from .scenario_model import Expectations, ExpectedFinding, Scenario, sort_key
from .sources import LineMap, describe_validation_error, first_error, load, parse
from .variants import VARIANT_KEYS, read_variant
from .vocabulary import Event, parse_instant


class _Header(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=3, max_length=300, description="a sentence saying what the scenario shows")
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


def build(data: Any, lines: LineMap, *, path: str, actors: ActorRegistry, default_start: date,
          default_until: date) -> Scenario:
    """Validate parsed scenario data."""
    if not isinstance(data, dict):
        raise ScenarioError("a scenario is a mapping with `name` and `events`", path=path, line=lines.line_of(()))
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
    if until < start:
        raise ScenarioError(f"`until` ({until}) is before `start` ({start})", path=path,
                            line=lines.line_of(("until",)))
    if until >= date.max:  # the replay ends at 00:00 the day after `until`, which would not exist
        raise ScenarioError(f"`until` ({until}) is the last day a date can name; give an earlier one", path=path,
                            line=lines.line_of(("until",)))
    checker = EventChecker(path=path, actors=actors, start=start, until=until)
    events: list[Event] = []
    ids: dict[str, int] = {}  # id -> index of the event in the file
    given = lambda: lines  # noqa: E731
    for i, raw in enumerate(header.events):
        event, explicit = checker.check(raw, given, ("events", i))
        assert event.id is not None
        if event.id in ids:
            first, here = lines.lines_of([("events", ids[event.id]), ("events", i)]).values()
            message = (f"event id {event.id!r} is used twice (first at line {first})" if explicit
                       else f"this event repeats the one at line {first} exactly; give them ids")
            raise ScenarioError(message, path=path, line=lines.line_of(("events", i, "id")) if explicit else here)
        ids[event.id] = i
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
                    expect=header.expect, log=log)


def load_scenario(path: Path | str, *, actors: ActorRegistry, default_start: date, default_until: date) -> Scenario:
    """Read and validate a scenario file."""
    path = Path(path)
    try:
        data, lines = load(path, what="scenario file")
    except ScenarioError:
        raise
    except InputError as exc:
        raise ScenarioError(exc.message, path=exc.path, line=exc.line) from None
    return build(data, lines, path=str(path), actors=actors, default_start=default_start,
                 default_until=default_until)


def scenario_from_text(text: str, *, path: str, actors: ActorRegistry, default_start: date,
                       default_until: date) -> Scenario:
    """A scenario from YAML or JSON text (``path``'s suffix decides which)."""
    try:
        data, lines = parse(text, path=path)
    except ScenarioError:
        raise
    except InputError as exc:
        raise ScenarioError(exc.message, path=exc.path, line=exc.line) from None
    return build(data, lines, path=path, actors=actors, default_start=default_start, default_until=default_until)


__all__ = [
    "Expectations",
    "ExpectedFinding",
    "Scenario",
    "describe_validation_error",
    "load_scenario",
    "parse_instant",
    "scenario_from_text",
    "sort_key",
]
