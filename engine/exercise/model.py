"""Exercise files: a scenario (the master events list) released to trainees in moves.

```yaml
name: Staff officers follow Resolution 2364 through the attack on Timbuktu.
scenario: ../scenarios/timbuktu-2018.yaml   # relative to this file
objectives: ["4", "37", "47"]               # paragraphs assessed (default: every paragraph)
briefing: You are the legal adviser of the Force Commander. ...
moves:                                      # each releases the events up to its `until`
  - name: The attack on the super-camp
    until: "2018-04-14T16:10:00Z"           # a date alone means the whole of that day
    contingency:                            # optional: events a controller may release to steer play
      - {id: tbk-second-wave, at: "2018-04-14T15:55Z", type: attack, by: unidentified, target: MINUSMA}
    expect:                                 # optional: the trainer's override of the engine's key
      reason: Our doctrine counts ...
      remove: ["20(e)/attack:minusma:tbk-attack"]
      add: [{paragraph: "3", kind: engagement, subject: Plateforme, status: engaged}]
```

Loading validates everything and reports the first problem as ``path:line: message`` (an
:class:`~engine.errors.InputError`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..dates import iso_instant, start_of
from ..errors import InputError
from ..inputs.scenario import Scenario, build, sort_key
from ..inputs.sources import LineMap, first_error, load
from ..inputs.vocabulary import Event
from ..replay.asof import as_of_instant, known_by
from .paragraphs import canonical_kind, canonical_paragraph, canonical_status, within

MAX_MOVES = 100  # moves in one exercise: a training day has a handful
MAX_CONTINGENCY = 200  # contingency injects in one move


class _Added(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str | None = Field(default=None, max_length=200)
    paragraph: str | int
    kind: str
    subject: str
    status: str | None = None
    due: str | None = None


class _Override(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    reason: str = Field(min_length=3, description="why the trainer departs from the engine's key")
    remove: list[str] = Field(default_factory=list, description="ids of key findings not expected")
    add: list[_Added] = Field(default_factory=list, description="findings expected though the engine has none")


class _Move(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=300)
    until: Any
    contingency: list[Any] = Field(default_factory=list, max_length=MAX_CONTINGENCY)
    expect: _Override | None = None

    @field_validator("until")
    @classmethod
    def _instant(cls, value: Any) -> datetime:
        return as_of_instant(value)


class _Exercise(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=3, max_length=300)
    description: str | None = None
    scenario: str = Field(min_length=1)
    objectives: list[str | int] | None = None
    briefing: str = Field(min_length=1)
    moves: list[_Move] = Field(min_length=1, max_length=MAX_MOVES)


@dataclass(frozen=True)
class Expected:
    """A finding the trainer expects in a move though the engine's key does not have it."""

    id: str
    paragraph: str
    kind: str
    subject: str
    status: str
    due: str | None


@dataclass(frozen=True)
class Override:
    """A trainer's departure from the engine's key for one move, with the reason."""

    reason: str
    remove: tuple[str, ...]
    add: tuple[Expected, ...]
    remove_lines: tuple[int | None, ...] = ()  # where each removed id is written, for errors found later


@dataclass(frozen=True)
class Move:
    number: int  # 1-based
    name: str
    until: datetime  # the last instant the move releases (inclusive)
    until_text: str  # as shown: "2018-06-30" for a whole day, else "2018-04-14T16:10:00Z"
    contingency: tuple[Event, ...] = ()
    expect: Override | None = None


@dataclass(frozen=True)
class Exercise:
    """A validated exercise."""

    path: str
    name: str
    scenario: Scenario
    objectives: tuple[str, ...]  # paragraph ids; empty: every paragraph
    briefing: str
    moves: tuple[Move, ...]
    description: str | None = None

    def assessed(self, paragraph: str) -> bool:
        """Whether findings of ``paragraph`` are assessed (it is, or is a sub-item of, an objective)."""
        return not self.objectives or any(within(paragraph, o) for o in self.objectives)

    def move(self, number: int) -> Move:
        return self.moves[number - 1]

    def released(self, released: tuple[str, ...] | list[str] | set[str] = ()) -> Scenario:
        """The scenario with the named contingency injects added."""
        chosen = set(released)
        extra = [e for m in self.moves for e in m.contingency if e.id in chosen]
        unknown = chosen - {e.id for e in extra}
        if unknown:
            raise InputError(f"no contingency inject {sorted(unknown)[0]!r} in this exercise", path=self.path)
        if not extra:
            return self.scenario
        return dataclasses.replace(self.scenario, events=sorted([*self.scenario.events, *extra], key=sort_key))

    def injects(self, number: int, scenario: Scenario | None = None) -> list[Event]:
        """The events move ``number`` releases (of ``scenario``, default the exercise's), in processing order."""
        events = (scenario or self.scenario).all_events()  # with an event log's events too
        after = self.moves[number - 2].until if number > 1 else None
        until = self.moves[number - 1].until
        return [e for e in events if known_by(e.at, until) and (after is None or not known_by(e.at, after))]


def _until_text(raw: Any, until: datetime) -> str:
    if isinstance(raw, date) and not isinstance(raw, datetime):
        return raw.isoformat()
    if isinstance(raw, str) and len(raw.strip()) == 10:
        return raw.strip()
    return iso_instant(until)


def load_exercise(path: Path | str, engine: Any) -> Exercise:
    """Read and validate an exercise file and its scenario (``engine`` is an :class:`engine.Engine`)."""
    shown = str(path)
    data, lines = load(Path(path), what="exercise file")
    return build_exercise(data, lines, path=shown, engine=engine)


def build_exercise(data: Any, lines: LineMap, *, path: str, engine: Any) -> Exercise:
    """Validate parsed exercise data (``path`` locates errors and the scenario)."""
    if not isinstance(data, dict):
        raise InputError("an exercise is a mapping with `name`, `scenario`, `briefing` and `moves`", path=path,
                         line=lines.line_of(()))
    try:
        model = _Exercise.model_validate(data)
    except ValidationError as exc:
        raise first_error(exc, path=path, lines=lines) from None
    scenario_path = Path(path).parent / model.scenario
    if not scenario_path.is_file():
        raise InputError(f"no scenario file {model.scenario!r} (relative to this file: {scenario_path})", path=path,
                         line=lines.line_of(("scenario",)))
    scenario: Scenario = engine.load(scenario_path)
    pack = engine.pack
    objectives: list[str] = []
    for i, raw in enumerate(model.objectives or []):
        try:
            objectives.append(canonical_paragraph(pack, raw))
        except ValueError as exc:
            raise InputError(str(exc), path=path, line=lines.line_of(("objectives", i))) from None
    first, limit = scenario.window
    moves: list[Move] = []
    taken = {e.id for e in scenario.events}
    for i, raw_move in enumerate(model.moves):
        loc: tuple[Any, ...] = ("moves", i)
        until = raw_move.until
        if until < first or until >= limit:
            raise InputError(f"`until` {iso_instant(until)} is outside the scenario's window {scenario.start} to "
                             f"{scenario.until}", path=path, line=lines.line_of((*loc, "until")))
        if moves and until <= moves[-1].until:
            raise InputError(f"moves must follow each other in time: this move ends at {iso_instant(until)}, not "
                             f"after the previous one ({moves[-1].until_text})", path=path,
                             line=lines.line_of((*loc, "until")))
        after = moves[-1].until if moves else None
        contingency = _contingency(raw_move.contingency, lines, loc, path=path, engine=engine, scenario=scenario,
                                   after=after, until=until, taken=taken)
        override = _override(raw_move.expect, lines, (*loc, "expect"), path=path, engine=engine) \
            if raw_move.expect is not None else None
        moves.append(Move(number=i + 1, name=raw_move.name, until=until,
                          until_text=_until_text(data["moves"][i].get("until"), until),
                          contingency=contingency, expect=override))
    _not_in_log(scenario, moves, data, lines, path=path)
    return Exercise(path=path, name=" ".join(model.name.split()), scenario=scenario, objectives=tuple(objectives),
                    briefing=" ".join(model.briefing.split()), moves=tuple(moves),
                    description=" ".join(model.description.split()) if model.description else None)


def _contingency(raw: list[Any], lines: LineMap, loc: tuple[Any, ...], *, path: str, engine: Any,
                 scenario: Scenario, after: datetime | None, until: datetime, taken: set[str | None]) -> tuple[
                     Event, ...]:
    if not raw:
        return ()
    where = (*loc, "contingency")
    for i, item in enumerate(raw):
        if isinstance(item, dict) and "id" not in item:
            raise InputError("a contingency inject needs an `id` (the controller releases it by id)", path=path,
                             line=lines.line_of((*where, i)))
    # validate the injects as scenario events, with this file's lines
    moved = lines.moved(where, ("events",))
    data = {"name": "contingency injects", "start": scenario.start.isoformat(), "until": scenario.until.isoformat(),
            "events": raw}
    events = build(data, moved, path=path, actors=engine.pack.actors, default_start=scenario.start,
                   default_until=scenario.until).events
    by_id = {item.get("id"): i for i, item in enumerate(raw) if isinstance(item, dict)}
    for event in events:
        line = lines.line_of((*where, by_id.get(event.id, 0)))
        if event.id in taken:
            raise InputError(f"event id {event.id!r} is already used by the scenario or another inject", path=path,
                             line=line)
        taken.add(event.id)
        if not known_by(event.at, until) or (after is not None and known_by(event.at, after)):
            raise InputError(f"inject at {iso_instant(event.at)} is outside its move (after "
                             f"{iso_instant(after) if after else iso_instant(start_of(scenario.start))}, up to "
                             f"{iso_instant(until)})", path=path, line=line)
    return tuple(events)


def _not_in_log(scenario: Scenario, moves: list[Move], data: dict[str, Any], lines: LineMap, *, path: str) -> None:
    """Refuse a contingency inject whose id an event of the scenario's event log has (the log is streamed once)."""
    injects = {e.id: (m.number - 1, e) for m in moves for e in m.contingency}
    if scenario.log is None or not injects:
        return
    for event in scenario.log:
        if event.id in injects:
            index, _ = injects[event.id]
            raw = data["moves"][index].get("contingency") or []
            at = next((i for i, item in enumerate(raw) if isinstance(item, dict) and item.get("id") == event.id), 0)
            raise InputError(f"event id {event.id!r} is already used by the scenario's event log "
                             f"({scenario.log.path})", path=path,
                             line=lines.line_of(("moves", index, "contingency", at)))


def _override(model: _Override, lines: LineMap, loc: tuple[Any, ...], *, path: str, engine: Any) -> Override:
    added: list[Expected] = []
    for i, item in enumerate(model.add):
        here = (*loc, "add", i)
        try:
            paragraph = canonical_paragraph(engine.pack, item.paragraph)
            kind = canonical_kind(item.kind)
            subject = engine.pack.actors.resolve(item.subject)
            status = canonical_status(item.status, kind) if item.status is not None else None
            due = date.fromisoformat(item.due.strip()).isoformat() if item.due is not None else None
        except ValueError as exc:
            raise InputError(str(exc), path=path, line=lines.line_of(here)) from None
        added.append(Expected(id=item.id or f"trainer:{paragraph}:{kind}:{subject}", paragraph=paragraph, kind=kind,
                              subject=subject, status=status or _initial(kind), due=due))
    return Override(reason=" ".join(model.reason.split()), remove=tuple(model.remove), add=tuple(added),
                    remove_lines=tuple(lines.line_of((*loc, "remove", i)) for i in range(len(model.remove))))


def _initial(kind: str) -> str:
    from .paragraphs import statuses_of

    return statuses_of(kind)[0]
