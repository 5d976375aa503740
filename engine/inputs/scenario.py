"""Scenario files: a sentence for a name, a window, dated events, assumptions, and the findings expected.

Loading validates everything and reports the first problem as ``path:line: message``. Events come back in
the engine's processing order, which does not depend on their order in the file: by instant, then by the
type order of :data:`engine.inputs.vocabulary.TYPE_ORDER`, then by id. Events without an ``id`` get one derived from
their type, date and content, so the same events always get the same ids.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..dates import end_of, start_of
from ..errors import InputError, ScenarioError
from .actors import ActorRegistry
from .scenario_model import Expectations, ExpectedFinding, Scenario, sort_key
from .sources import LineMap, describe_validation_error, first_error, load, parse
from .variants import VARIANT_KEYS, read_variant
from .vocabulary import EVENT_TYPES, Event, has_offset, parse_instant

MAX_EVENTS = 200_000


class _Header(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=3, max_length=300, description="a sentence saying what the scenario shows")
    description: str | None = None
    start: date | None = None
    until: date | None = None
    assumptions: dict[str, Any] = Field(default_factory=dict)
    events: list[Any] = Field(default_factory=list)
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


def _auto_id(event: Event, raw: dict[str, Any]) -> str:
    content = json.dumps({k: v for k, v in sorted(raw.items()) if k != "id"}, sort_keys=True, default=str)
    digest = hashlib.sha256(content.encode()).hexdigest()[:6]
    return f"{event.type}-{event.at.strftime('%Y%m%d')}-{digest}"


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
    if len(header.events) > MAX_EVENTS:
        raise ScenarioError(f"{len(header.events):,} events; a scenario holds at most {MAX_EVENTS:,}", path=path,
                            line=lines.line_of(("events",)))
    start = header.start or default_start
    until = header.until or default_until
    if until < start:
        raise ScenarioError(f"`until` ({until}) is before `start` ({start})", path=path,
                            line=lines.line_of(("until",)))
    if until >= date.max:  # the replay ends at 00:00 the day after `until`, which would not exist
        raise ScenarioError(f"`until` ({until}) is the last day a date can name; give an earlier one", path=path,
                            line=lines.line_of(("until",)))
    first, limit = start_of(start), end_of(until)
    events: list[Event] = []
    ids: dict[str, int] = {}
    offsets: set[bool] = set()
    for i, raw in enumerate(header.events):
        loc = ("events", i)
        line = lines.line_of(loc)
        if not isinstance(raw, dict):
            raise ScenarioError("an event is a mapping with `at`, `type` and its fields", path=path, line=line)
        kind = raw.get("type")
        if kind not in EVENT_TYPES:
            import difflib

            close = difflib.get_close_matches(str(kind), list(EVENT_TYPES), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; known types: {', '.join(EVENT_TYPES)}"
            what = "an event needs a `type`" if kind is None else f"unknown event type {kind!r}"
            raise ScenarioError(what + hint, path=path, line=lines.line_of((*loc, "type")))
        try:
            event = EVENT_TYPES[kind].model_validate(raw, context={"actors": actors})
        except ValidationError as exc:
            raise first_error(exc, path=path, lines=lines, prefix=loc, error_type=ScenarioError) from None
        aware = has_offset(raw.get("at"))
        if aware is not None:
            offsets.add(aware)
            if len(offsets) > 1:
                raise ScenarioError("this file mixes date-times with and without a UTC offset; give all an offset "
                                    "(e.g. Z) or none", path=path, line=lines.line_of((*loc, "at")))
        if not first <= event.at < limit:
            raise ScenarioError(f"event at {event.at.isoformat()} is outside the scenario's window {start} to "
                                f"{until} (set `start`/`until` to widen it)", path=path,
                                line=lines.line_of((*loc, "at")))
        if event.id is None:
            event = event.model_copy(update={"id": _auto_id(event, raw)})
            explicit = False
        else:
            explicit = True
        assert event.id is not None
        if event.id in ids:
            message = (f"event id {event.id!r} is used twice (first at line {ids[event.id]})" if explicit
                       else f"this event repeats the one at line {ids[event.id]} exactly; give them ids")
            raise ScenarioError(message, path=path, line=lines.line_of((*loc, "id")) if explicit else line)
        ids[event.id] = line or 0
        events.append(event)
    events.sort(key=sort_key)
    assumption_lines = {name: lines.line_of(("assumptions", name)) for name in header.assumptions}
    return Scenario(path=path, name=header.name, description=header.description, start=start, until=until,
                    events=events, assumptions=dict(header.assumptions), assumption_lines=assumption_lines,
                    expect=header.expect)


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
