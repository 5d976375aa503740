"""Scenario files: a sentence for a name, a window, dated events, assumptions, and the findings expected.

Loading validates everything and reports the first problem as ``path:line: message``. Events come back in
the engine's processing order, which does not depend on their order in the file: by instant, then by the
type order of :data:`engine.inputs.vocabulary.TYPE_ORDER`, then by id. Events without an ``id`` get one derived from
their type, date and content, so the same events always get the same ids.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import operator
import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ScenarioError, reported_as
from ..light import Light
from . import limits as _limits
from .catalogue import HEADER, plans
from .checking import EventChecker, auto_id, full_digest
from .eventtypes import TYPE_ORDER, parse_instant
from .nogc import no_cycle_collection
from .plainmodel import checker
from .scenario_model import Scenario, sort_key
from .sources import LineMap, describe_validation_error, first_error, load, parse

if TYPE_CHECKING:
    from .header import Expectations
    from .registry import ActorRegistry
    from .vocabulary import Event

_VOCABULARY = "engine.inputs.vocabulary"  # the module of the event models
_AT, _ID, _TYPE = operator.attrgetter("at"), operator.attrgetter("id"), operator.attrgetter("type")

#: the first and last days a scenario's window may cover: every instant is then a four-digit year, and a duty
#: repeated every day of the window stays a bounded amount of work
EARLIEST_DAY = date(1945, 1, 1)
LATEST_DAY = date(2099, 12, 31)


def plain_header(data: Any) -> Any:
    """A file's top level checked in plain Python (a light instance of :class:`~engine.inputs.header.Header`), or
    None: pydantic decides."""
    return _header_checker()(data)


@functools.cache
def _header_checker() -> Callable[[Any], Any]:
    """The plain check of a file's top level, made when first needed."""
    return checker(plans(), HEADER)


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
    first, limit = scenario.window  # (once: it is computed on each read)
    with no_cycle_collection():  # the keys are many small objects, freed at once
        keys = _keys_if_sound(scenario.events, first, limit)
        if keys is None:  # something to refuse (or an event of another kind): looked at one event at a time
            keys = _keys_checked(scenario, first, limit)
        if all(map(operator.le, keys, itertools.islice(keys, 1, None))):
            return scenario
    return dataclasses.replace(scenario, events=sorted(scenario.events, key=sort_key))


def _keys_if_sound(events: list[Any], first: datetime, limit: datetime) -> list[tuple[datetime, int, str]] | None:
    """The sort keys of ``events``, read at C speed, when every event is a light event of a known type with an id
    of its own inside the window (what a loaded scenario holds); else None."""
    try:
        if not all(issubclass(kind, Light) and _is_event_class(kind) for kind in set(map(type, events))):
            return None
        ats = list(map(_AT, events))
        ids = list(map(_ID, events))
        ranks = list(map(TYPE_ORDER.__getitem__, map(_TYPE, events)))
        if ats and not (first <= min(ats) and max(ats) < limit):
            return None
    except (AttributeError, KeyError, TypeError):  # (a date-time without an offset does not compare)
        return None
    if not all(map(str.__instancecheck__, ids)) or len(set(ids)) != len(ids):
        return None
    return list(zip(ats, ranks, ids, strict=True))


def _keys_checked(scenario: Scenario, first: datetime, limit: datetime) -> list[tuple[datetime, int, str]]:
    """The sort keys of the scenario's events, each event checked in turn (the first problem refused)."""
    seen: set[str] = set()
    for event in scenario.events:
        if not _is_event(event):
            raise ScenarioError(f"an event is an engine.vocabulary event model, not {type(event).__name__}",
                                path=scenario.path)
        if event.id is None or event.id in seen:
            raise ScenarioError(f"every event needs an id of its own (event at {event.at.isoformat()}: "
                                f"{event.id!r})", path=scenario.path)
        seen.add(event.id)
        if not first <= event.at < limit:
            raise ScenarioError(f"event {event.id} at {event.at.isoformat()} is outside the scenario's window "
                                f"{scenario.start} to {scenario.until}", path=scenario.path)
    return [sort_key(event) for event in scenario.events]


def _is_event_class(cls: type[Light]) -> bool:
    """Whether a light class is that of an event model."""
    return cls._spec.module == _VOCABULARY and cls._spec.fields[:3] == ("type", "at", "id")


def _is_event(value: Any) -> bool:
    """Whether ``value`` is an event: an instance of an event model, or a light one (without importing pydantic
    when it is not loaded: no model instance can exist then)."""
    if isinstance(value, Light):
        return _is_event_class(type(value))
    if "pydantic" not in sys.modules:
        return False
    from .vocabulary import Event

    return isinstance(value, Event)


def build(data: Any, lines: LineMap, *, path: str, actors: ActorRegistry, default_start: date,
          default_until: date) -> Scenario:
    """Validate parsed scenario data."""
    if not isinstance(data, dict):
        raise ScenarioError("a scenario is a mapping with `name` and `events`", path=path, line=lines.line_of(()))
    # the common file, checked in plain Python (never a variant: the keys of one are not the header's); else the
    # variant's reading, or pydantic, decides and words it
    header = plain_header(data)
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
        from pydantic import ValidationError

        from .header import Header

        try:
            header = Header.model_validate(data)
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
    makers, offsets, append = checker.plain.events, checker.offsets, events.append
    # whether the events so far are in processing order (as in most files: then they need no sorting), and the
    # instant of the last of them (no event is earlier than the window's first) and that event
    ordered, last_at, last = True, checker.first, None
    for i, raw in enumerate(header.events):
        # the common event: taken by its generated checker (inside the window), with its id, its instant's offset
        # as the events' before it; anything else the checker's other paths decide and word
        found = None
        if raw.__class__ is dict:
            kind = raw.get("type")
            make_ = makers[kind] if kind.__class__ is str else None
            if make_ is not None:
                found = make_(raw)
        if found is not None and found[1] in offsets and (eid := found[2]) is not None:
            event, at, explicit = found[0], found[3], True
        else:
            event, explicit = checker.check(raw, given, ("events", i))
            eid, at = event.id, event.at
            assert eid is not None
            if not explicit and eid in derived and full_digest(raw) != full_digest(header.events[ids[eid]]):
                # two different events whose short derived ids agree: this one takes its whole digest
                eid = auto_id(event, raw, digits=64)
                object.__setattr__(event, "id", eid)
        if ordered:
            if at > last_at or (at == last_at and (last is None or sort_key(last) < sort_key(event))):
                last_at, last = at, event
            else:
                ordered = False
        if eid in ids:
            first, here = lines.lines_of([("events", ids[eid]), ("events", i)]).values()
            message = (f"event id {eid!r} is used twice (first at line {first})" if explicit
                       else f"this event repeats the one at line {first} exactly; give them ids"
                       if eid in derived
                       else f"this event's derived id {eid!r} is the id of the event at line {first}; give "
                       "this one an id")
            raise ScenarioError(message, path=path, line=lines.line_of(("events", i, "id")) if explicit else here)
        ids[eid] = i
        if not explicit:
            derived.add(eid)
        append(event)
    if not ordered:
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
    with no_cycle_collection(lasting=True):
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
    "Scenario",
    "check_window",
    "describe_validation_error",
    "in_order",
    "load_scenario",
    "parse_instant",
    "scenario_from_text",
    "sort_key",
]
