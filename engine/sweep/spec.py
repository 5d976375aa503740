"""Sweep files: a base scenario, how many samples, a seed, and what varies from one sample to the next.

::

    name: How often the French strike at Timbuktu is covered, if the request may not come and the March report may slip.
    base: ../timbuktu-2018.yaml          # a scenario or a variant, relative to this file
    samples: 2000
    seed: 2364
    vary:
      - remove: {event: tbk-request, probability: 0.5}
      - shift:  {event: q3, days: {uniform: [-10, 10]}}
      - assume: {threat_request_window: {days: {choice: [1, 3, 7]}}}
      - add:    {probability: 0.2, event: {type: attack, by: JNIM, target: MINUSMA,
                                           at: {between: [2018-04-01, 2018-04-30]}}}

Each item of ``vary`` is applied to a sample with its ``probability`` (default 1): ``remove`` drops an event of
the base, ``shift`` moves one (weeks, days, hours, minutes; zero is allowed), ``assume`` overrides assumptions,
``add`` adds an event (``at: {between: [FIRST, LAST]}`` draws a minute between 00:00 on FIRST and the end of
LAST; without an ``id`` it is ``added-N``, N the item's place in ``vary``). Numbers and values may be drawn
(:mod:`engine.sweep.distributions`). Everything that can be checked before sampling is checked here, each
mistake reported as ``path:line`` of the sweep file; a mistake in the base is reported in the base's file.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar

from pydantic import ValidationError

from ..dates import end_of
from ..errors import reported_as
from ..inputs.actors import ActorRegistry
from ..inputs.scenario import Scenario
from ..inputs.sources import LineMap, first_error, load
from ..inputs.vocabulary import EVENT_ID, EVENT_TYPES, parse_instant
from ..rulepack.pack import RulePack
from .distributions import Choice, Draw, Normal, Uniform, is_draw, parse_draw, parse_template
from .errors import SweepError

MAX_SAMPLES = 1_000_000
MAX_VARY = 64  # items in `vary`
MAX_BASE_LOG_EVENTS = 100_000  # events a base scenario may take from an event log: a sweep holds them in memory
SHIFT_UNITS = {"weeks": 5_200, "days": 36_500, "hours": 876_000, "minutes": 52_560_000}  # unit: largest move
KEYS = ("name", "description", "base", "samples", "seed", "vary")
FORMAT = 1  # of the fingerprint; bump when the meaning of a sweep file changes


@dataclass(frozen=True)
class Between:
    """A whole minute drawn uniformly from ``first`` (included) to ``limit`` (excluded)."""

    first: datetime
    limit: datetime

    @property
    def minutes(self) -> int:
        return max(1, int((self.limit - self.first).total_seconds() // 60))

    def draw(self, rng: Any) -> datetime:
        return self.first + timedelta(minutes=rng.randrange(self.minutes))


@dataclass(frozen=True)
class Item:
    """One entry of ``vary``: where it is (``index`` from 1, its line) and how often it applies."""

    index: int
    line: int | None
    probability: float
    kind: ClassVar[str] = ""

    @property
    def label(self) -> str:
        return self.kind


@dataclass(frozen=True)
class Remove(Item):
    event: str = ""
    kind: ClassVar[str] = "remove"

    @property
    def label(self) -> str:
        return f"remove {self.event}"


@dataclass(frozen=True)
class Shift(Item):
    event: str = ""
    units: tuple[tuple[str, int | Draw], ...] = ()
    kind: ClassVar[str] = "shift"

    @property
    def label(self) -> str:
        return f"shift {self.event}"


@dataclass(frozen=True)
class Assume(Item):
    values: tuple[tuple[str, Any], ...] = ()  # (assumption, template)
    lines: tuple[tuple[str, int | None], ...] = ()
    kind: ClassVar[str] = "assume"

    @property
    def label(self) -> str:
        return "assume " + ", ".join(name for name, _ in self.values)


@dataclass(frozen=True)
class Add(Item):
    event_id: str = ""
    type: str = ""
    fields: dict[str, Any] = field(default_factory=dict)  # template of the event's fields but `at` and `id`
    at: Between | Choice | datetime = datetime.min
    kind: ClassVar[str] = "add"

    @property
    def label(self) -> str:
        return f"add {self.type} {self.event_id}"


VaryItem = Remove | Shift | Assume | Add


@dataclass(frozen=True)
class Sweep:
    """A validated sweep file, with its base scenario parsed once."""

    path: str
    name: str
    description: str | None
    base_path: str  # as written in the file
    base: Scenario
    samples: int
    seed: int
    vary: tuple[VaryItem, ...]
    pack: str
    fingerprint: str


def _err(message: str, path: str, lines: LineMap, loc: tuple[Any, ...]) -> SweepError:
    return SweepError(message, path=path, line=lines.line_of(loc))


def _nearest(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=3, cutoff=0.4)
    return "; did you mean " + " or ".join(repr(c) for c in close) + "?" if close else ""


def _integer(value: Any, what: str, low: int, high: int, path: str, lines: LineMap, loc: tuple[Any, ...]) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _err(f"{what} must be an integer, got {value!r}", path, lines, loc)
    if not low <= value <= high:
        raise _err(f"{what} is {value:,}; it must be from {low:,} to {high:,}", path, lines, loc)
    return value


def _probability(data: dict[str, Any], path: str, lines: LineMap, loc: tuple[Any, ...]) -> float:
    value = data.get("probability", 1)
    ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    if not ok or not 0 <= value <= 1:
        raise _err(f"probability must be a number from 0 to 1, got {value!r}", path, lines, (*loc, "probability"))
    return float(value)


def _event_ref(data: dict[str, Any], base: Scenario, base_path: str, path: str, lines: LineMap,
               loc: tuple[Any, ...]) -> str:
    event = data.get("event")
    if not isinstance(event, str) or not event:
        raise _err("`event` names an event of the base scenario by its id", path, lines, (*loc, "event"))
    known = sorted(e.id for e in base.events if e.id is not None)
    if event not in known:
        raise _err(f"the base scenario {Path(base_path).name} has no event {event!r}" + _nearest(event, known),
                   path, lines, (*loc, "event"))
    return event


def _only(data: dict[str, Any], allowed: set[str], what: str, path: str, lines: LineMap,
          loc: tuple[Any, ...]) -> None:
    for key in data:
        if key not in allowed:
            raise _err(f"{what}: unknown key {key!r}; expected {', '.join(sorted(allowed))}", path, lines,
                       (*loc, key))


def _shift(data: dict[str, Any], index: int, line: int | None, base: Scenario, base_path: str, path: str,
           lines: LineMap, loc: tuple[Any, ...]) -> Shift:
    _only(data, {"event", "probability", *SHIFT_UNITS}, "shift", path, lines, loc)
    event = _event_ref(data, base, base_path, path, lines, loc)
    units: list[tuple[str, int | Draw]] = []
    for unit, largest in SHIFT_UNITS.items():
        if unit not in data:
            continue
        raw = data[unit]
        if is_draw(raw):
            draw = parse_draw(raw, path, lines, (*loc, unit))
            if isinstance(draw, Choice):
                for i, option in enumerate(draw.options):
                    _integer(option, f"shift: {unit}", -largest, largest, path, lines, (*loc, unit, "choice", i))
            units.append((unit, draw))
        else:
            units.append((unit, _integer(raw, f"shift: {unit}", -largest, largest, path, lines, (*loc, unit))))
    if not units:
        raise _err("shift: give at least one of weeks, days, hours, minutes (a number or a distribution)", path,
                   lines, loc)
    return Shift(index, line, _probability(data, path, lines, loc), event=event, units=tuple(units))


def _variants(template: Any) -> list[Any]:
    """Plain values from ``template``: every distribution at its first extreme, then each extreme of each in turn
    (so every option of every ``choice`` and both ends of every ``uniform`` are checked before sampling)."""
    draws: list[Draw] = []

    def collect(value: Any) -> None:
        if isinstance(value, Uniform | Normal | Choice):
            draws.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)

    collect(template)

    def fill(value: Any, chosen: dict[int, Any]) -> Any:
        if isinstance(value, Uniform | Normal | Choice):
            return chosen.get(id(value), value.extremes()[0])
        if isinstance(value, dict):
            return {k: fill(v, chosen) for k, v in value.items()}
        if isinstance(value, list):
            return [fill(v, chosen) for v in value]
        return value

    out = [fill(template, {})]
    for draw in draws:
        for extreme in draw.extremes()[1:]:
            out.append(fill(template, {id(draw): extreme}))
    return out


def _assume(data: dict[str, Any], index: int, line: int | None, pack: RulePack, path: str, lines: LineMap,
            loc: tuple[Any, ...]) -> Assume:
    names = [key for key in data if key != "probability"]
    if not names:
        raise _err("assume: name at least one assumption and its value (see `obligations assumptions`)", path,
                   lines, loc)
    known = sorted(pack.assumptions())
    values = []
    value_lines = []
    for name in names:
        where = lines.line_of((*loc, name))
        if name not in known:
            raise SweepError(f"assume: unknown assumption {name!r}" + (_nearest(name, known) or
                             f"; the assumptions are: {', '.join(known)}"), path=path, line=where)
        template = parse_template(data[name], path, lines, (*loc, name))
        for value in _variants(template):
            pack.with_assumptions({name: value}, path=path, lines={name: where})
        values.append((name, template))
        value_lines.append((name, where))
    return Assume(index, line, _probability(data, path, lines, loc), values=tuple(values), lines=tuple(value_lines))


def _instant(value: Any, what: str, path: str, lines: LineMap, loc: tuple[Any, ...]) -> datetime:
    try:
        return parse_instant(value)
    except ValueError as exc:
        raise _err(f"{what}: {exc}", path, lines, loc) from None


def _window_check(moment: datetime, base: Scenario, what: str, path: str, lines: LineMap,
                  loc: tuple[Any, ...]) -> None:
    first, limit = base.window
    if not first <= moment < limit:
        raise _err(f"{what} {moment.isoformat()} is outside the base scenario's window {base.start} to {base.until}",
                   path, lines, loc)


def _at(raw: Any, base: Scenario, path: str, lines: LineMap, loc: tuple[Any, ...]) -> Between | Choice | datetime:
    if isinstance(raw, dict) and "between" in raw:
        if len(raw) != 1:
            raise _err("at: {between: [FIRST, LAST]} has no other key", path, lines, loc)
        span = raw["between"]
        if not isinstance(span, list) or len(span) != 2:
            raise _err("at: between: give [FIRST, LAST], two dates or date-times", path, lines, (*loc, "between"))
        first = _instant(span[0], "at: between: FIRST", path, lines, (*loc, "between", 0))
        last_raw = span[1]
        last = _instant(last_raw, "at: between: LAST", path, lines, (*loc, "between", 1))
        is_day = (isinstance(last_raw, date) and not isinstance(last_raw, datetime)) or (
            isinstance(last_raw, str) and len(last_raw.strip()) == 10)
        limit = end_of(last.date()) if is_day else last + timedelta(minutes=1)
        if limit <= first:
            raise _err("at: between: LAST is before FIRST", path, lines, (*loc, "between"))
        _window_check(first, base, "at: between: FIRST", path, lines, (*loc, "between", 0))
        _window_check(limit - timedelta(minutes=1), base, "at: between: LAST", path, lines, (*loc, "between", 1))
        return Between(first, limit)
    if is_draw(raw):
        draw = parse_draw(raw, path, lines, loc)
        if not isinstance(draw, Choice):
            raise _err("at: draw an instant with {between: [FIRST, LAST]} or {choice: [...]}", path, lines, loc)
        options = []
        for i, option in enumerate(draw.options):
            moment = _instant(option, "at", path, lines, (*loc, "choice", i))
            _window_check(moment, base, "at", path, lines, (*loc, "choice", i))
            options.append(moment)
        return Choice(tuple(options))
    moment = _instant(raw, "at", path, lines, loc)
    _window_check(moment, base, "at", path, lines, loc)
    return moment


def _add(data: dict[str, Any], index: int, line: int | None, base: Scenario, taken: set[str],
         actors: ActorRegistry, path: str, lines: LineMap, loc: tuple[Any, ...]) -> Add:
    _only(data, {"event", "probability"}, "add", path, lines, loc)
    raw = data.get("event")
    where = (*loc, "event")
    if not isinstance(raw, dict):
        raise _err("add: `event` is an event like a scenario's, e.g. {type: attack, by: JNIM, target: MINUSMA, "
                   "at: {between: [2018-04-01, 2018-04-30]}}", path, lines, where)
    kind = raw.get("type")
    if not isinstance(kind, str) or kind not in EVENT_TYPES:
        close = difflib.get_close_matches(str(kind), list(EVENT_TYPES), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else f"; known types: {', '.join(EVENT_TYPES)}"
        raise _err(("add: the event needs a `type`" if kind is None else f"add: unknown event type {kind!r}") + hint,
                   path, lines, (*where, "type"))
    if "at" not in raw:
        raise _err("add: the event needs `at`: an instant, or {between: [FIRST, LAST]}", path, lines, where)
    event_id = raw.get("id", f"added-{index}")
    if not isinstance(event_id, str) or not re.match(EVENT_ID, event_id):
        raise _err(f"add: {event_id!r} is not an event id (letters, digits and ._:/-)", path, lines, (*where, "id"))
    if event_id in taken:
        raise _err(f"add: event id {event_id!r} is already used by the base scenario or another `add`", path, lines,
                   (*where, "id"))
    taken.add(event_id)
    at = _at(raw["at"], base, path, lines, (*where, "at"))
    fields = parse_template({k: v for k, v in raw.items() if k not in ("at", "id", "type")}, path, lines, where)
    sample_at = at.first if isinstance(at, Between) else at.options[0] if isinstance(at, Choice) else at
    for plain in _variants(fields):
        try:
            EVENT_TYPES[kind].model_validate({**plain, "type": kind, "id": event_id, "at": sample_at},
                                             context={"actors": actors})
        except ValidationError as exc:
            raise first_error(exc, path=path, lines=lines, prefix=where, error_type=SweepError) from None
    return Add(index, line, _probability(data, path, lines, loc), event_id=event_id, type=kind, fields=fields, at=at)


def pack_digest(pack: str) -> str:
    """A digest of the bundled rule pack's files (a database from other rules is another sweep)."""
    digest = hashlib.sha256()
    root = resources.files("rules") / pack
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.is_file() and not entry.name.endswith(".py") and not entry.name.startswith("."):
            digest.update(entry.name.encode() + b"\0" + entry.read_bytes() + b"\0")
    return digest.hexdigest()


def fingerprint(data: dict[str, Any], base: Scenario, pack: str) -> str:
    """What identifies a sweep's samples: its file's content, the base scenario as parsed, and the rule pack."""
    document = {
        "format": FORMAT,
        "sweep": {k: v for k, v in data.items() if k not in ("name", "description")},
        "base": {"start": base.start.isoformat(), "until": base.until.isoformat(), "assumptions": base.assumptions,
                 "events": [e.model_dump(mode="json") for e in base.events]},
        "pack": [pack, pack_digest(pack)],
    }
    text = json.dumps(document, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _with_log_events(base: Scenario, path: str, lines: LineMap) -> Scenario:
    """The base with the events of its event log (``events_from``) among its own: a sweep removes, moves and
    replays them in every sample, in every worker. At most :data:`MAX_BASE_LOG_EVENTS` (else exit 2)."""
    if base.log is None:
        return base
    if base.log.count > MAX_BASE_LOG_EVENTS:
        raise _err(f"base: the scenario's event log {Path(base.log.path).name} holds {base.log.count:,} events; a "
                   f"sweep holds its base's events in memory and replays them in every sample: at most "
                   f"{MAX_BASE_LOG_EVENTS:,} from a log (MAX_BASE_LOG_EVENTS)", path, lines, ("base",))
    return dataclasses.replace(base, events=list(base.all_events()), log=None)


def build_sweep(data: Any, lines: LineMap, *, path: str, root: Path, engine: Any) -> Sweep:
    """Validate parsed sweep data; ``root`` is the folder ``base`` is relative to; ``engine`` an
    :class:`engine.api.Engine` (its pack and its scenario loader)."""
    if not isinstance(data, dict):
        raise _err("a sweep is a mapping with `name`, `base`, `samples`, `seed` and `vary`", path, lines, ())
    for key in data:
        if key not in KEYS:
            raise _err(f"unknown key {key!r}; a sweep has {', '.join(KEYS)}", path, lines, (key,))
    for key in ("name", "base", "samples", "seed"):
        if key not in data:
            raise _err(f"missing required field {key!r}", path, lines, ())
    name = data["name"]
    if not isinstance(name, str) or not 3 <= len(name.strip()) <= 300:
        raise _err("`name` is a sentence (3 to 300 characters) saying what the sweep asks", path, lines, ("name",))
    description = data.get("description")
    if description is not None and not isinstance(description, str):
        raise _err("`description` is text", path, lines, ("description",))
    base_text = data["base"]
    if not isinstance(base_text, str) or not base_text.strip():
        raise _err("`base` is the path of a scenario, relative to this file", path, lines, ("base",))
    base_file = root / base_text.strip()
    if not base_file.is_file():
        raise _err(f"base: no such scenario file {base_text!r} (looked for {base_file})", path, lines, ("base",))
    samples = _integer(data["samples"], "samples", 1, MAX_SAMPLES, path, lines, ("samples",))
    seed = _integer(data["seed"], "seed", 0, 2**63 - 1, path, lines, ("seed",))
    base: Scenario = _with_log_events(engine.load(base_file), path, lines)
    vary_data = data.get("vary", [])
    if not isinstance(vary_data, list):
        raise _err("`vary` is a list of changes: remove, shift, assume, add", path, lines, ("vary",))
    if len(vary_data) > MAX_VARY:
        raise _err(f"`vary` has {len(vary_data)} items; at most {MAX_VARY}", path, lines, ("vary",))
    taken = {e.id for e in base.events if e.id is not None}
    items: list[VaryItem] = []
    for i, raw in enumerate(vary_data):
        line = lines.line_of(("vary", i))
        if not isinstance(raw, dict) or len(raw) != 1 or next(iter(raw)) not in ("remove", "shift", "assume", "add"):
            raise _err("each item of `vary` is one of remove, shift, assume, add, e.g. "
                       "`- remove: {event: ID, probability: 0.5}`", path, lines, ("vary", i))
        (kind, body), = raw.items()
        loc: tuple[Any, ...] = ("vary", i, kind)
        if not isinstance(body, dict):
            raise _err(f"{kind}: expected a mapping", path, lines, loc)
        if kind == "remove":
            _only(body, {"event", "probability"}, "remove", path, lines, loc)
            items.append(Remove(i + 1, line, _probability(body, path, lines, loc),
                                event=_event_ref(body, base, str(base_file), path, lines, loc)))
        elif kind == "shift":
            items.append(_shift(body, i + 1, line, base, str(base_file), path, lines, loc))
        elif kind == "assume":
            items.append(_assume(body, i + 1, line, engine.pack, path, lines, loc))
        else:
            items.append(_add(body, i + 1, line, base, taken, engine.pack.actors, path, lines, loc))
    return Sweep(path=path, name=" ".join(name.split()), description=description, base_path=base_text.strip(),
                 base=base, samples=samples, seed=seed, vary=tuple(items), pack=engine.pack_name,
                 fingerprint=fingerprint(data, base, engine.pack_name))


def load_sweep(source: Path | str | dict[str, Any], *, engine: Any, root: Path | str | None = None) -> Sweep:
    """A sweep from a file (YAML or JSON) or from a mapping (``base`` relative to ``root``, default: the current
    folder)."""
    if isinstance(source, dict):
        return build_sweep(source, LineMap(), path="<sweep>", root=Path(root or "."), engine=engine)
    path = Path(source)
    with reported_as(SweepError):
        data, lines = load(path, what="sweep file")
    return build_sweep(data, lines, path=str(path), root=Path(root) if root else path.parent, engine=engine)

