"""Property-based testing of a rule pack: Hypothesis strategies, a stateful replay machine and helpers.

People who maintain or audit a rule pack state invariants and let Hypothesis hunt for counterexamples::

    from hypothesis import given
    from engine.testing import MANDATE_LIMIT, findings, instant, run, scenarios

    @given(scenarios(window="outside", types=("threat", "intervention_request", "intervention")))
    def test_no_french_intervention_is_ever_authorized_after_the_mandate_ends(scenario):
        late = {e["id"] for e in scenario["events"]
                if e["type"] == "intervention" and instant(e["at"]) >= MANDATE_LIMIT}
        for finding in findings(run(scenario), paragraph="37", kind="authorization"):
            assert not late & set(finding.events)

Everything is generated for the bundled Resolution 2364 (2017) pack and built from its data and from the event
models of :mod:`engine.vocabulary`, so event types, fields and actors added later are picked up by themselves.

Strategies (each a Hypothesis ``SearchStrategy``):

* :func:`actor_ids`, :func:`actor_names` — actors, by id or by any name or alias the registry accepts, any case;
* :func:`instants` — aware UTC instants inside a window, biased towards due dates and the mandate's end;
* :func:`events` — one event of any (or the given) type as a plain dict, valid for the models: actor fields
  from the registry, incidents from a small pool (so that joins happen often), ``at`` inside the window;
* :func:`event_streams` — lists of such events with unique ids, clustered in time so that joins happen;
* :func:`scenarios` — whole valid scenarios as plain dicts, ready for YAML or JSON; :func:`scenario_texts`
  renders them; :func:`scenario_objects` validates them into :class:`~engine.scenario.Scenario` objects;
* :func:`mutants` — valid scenario texts broken by a few random edits, as bytes, for fuzzing.

A *window* is ``"mandate"`` (the adoption, 29 June 2017, to the mandate's end, 30 June 2018), ``"outside"``
(the adoption to 31 December 2018: events after the mandate too; the scenario sets ``until``) or a pair of dates.

:class:`ReplayMachine` is a ``RuleBasedStateMachine``: each step adds a generated event, replays the scenario so
far and checks :func:`check_report` after every step. Subclass it to add your own ``@invariant()`` methods and
run it with ``TestMine = MyMachine.TestCase``.

Helpers: :func:`run` replays events, a scenario dict, YAML/JSON text, a path or a Scenario and returns the
:class:`~engine.report.Report`; :func:`findings` filters a report's findings; :func:`check_report` asserts the
invariants every replay keeps; :func:`instant` reads an ISO date or date-time (``at`` values, ``opened``,
``closed``) as an aware UTC datetime.

Run property tests with ``deadline=None`` or a generous deadline: a replay takes milliseconds, but overriding an
assumption compiles a new ruleset. The first strategy built loads the engine, so tests do not pay for it.
"""

from __future__ import annotations

import enum
import functools
import itertools
import json
import types
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, ClassVar

import yaml
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from pydantic import ValidationError
from pydantic.fields import FieldInfo

from .api import Engine
from .dates import end_of, start_of
from .inputs.scenario import Scenario
from .inputs.vocabulary import EVENT_TYPES, parse_instant
from .outputs.report import FindingView, Report
from .replay.ledger import INITIAL, TRANSITIONS, FindingKind, Status
from .replay.schedules import periods

__all__ = [
    "ADOPTION",
    "MANDATE_END",
    "MANDATE_LIMIT",
    "ReplayMachine",
    "actor_ids",
    "actor_names",
    "check_report",
    "event_streams",
    "events",
    "findings",
    "instant",
    "instants",
    "mutants",
    "run",
    "scenario_objects",
    "scenario_texts",
    "scenarios",
]

ADOPTION = date(2017, 6, 29)  #: the resolution's adoption
MANDATE_END = date(2018, 6, 30)  #: the last day of MINUSMA's mandate (paragraph 15)
MANDATE_LIMIT = end_of(MANDATE_END)  #: 1 July 2018, 00:00 UTC: the first instant after the mandate
OUTSIDE_UNTIL = date(2018, 12, 31)  # the end of the "outside" window

INCIDENTS = ("inc-a", "inc-b", "inc-c")
Window = str | tuple[date, date]
EventData = dict[str, Any]

#: actors that the rules of the bundled pack care about; drawn more often than the rest of the registry
_PROTAGONISTS = ("minusma", "srsg-mali", "un-personnel", "french-forces", "france", "secretary-general", "fc-g5s",
                 "eutm-mali", "gatia", "plateforme", "coordination", "jnim", "aqim", "unidentified")
#: per (event type, field): values (actor ids for actor fields) that make the event engage a paragraph; drawn
#: about three times in four, a bias and never a restriction
_HINTS: dict[tuple[str, str], tuple[Any, ...]] = {
    ("intervention_request", "by"): ("secretary-general",),
    ("intervention_request", "to"): ("french-forces",),
    ("intervention", "by"): ("french-forces",),
    ("intervention", "in_support_of"): ("minusma", "srsg-mali"),
    ("threat", "against"): ("minusma", "srsg-mali"),
    ("report", "by"): ("secretary-general", "france", "french-forces"),
    ("deployment", "by"): ("minusma",),
    ("threat", "level"): ("imminent_and_serious",),
    ("report", "kind"): ("quarterly", "french_forces"),
}
_PLACES = ("Timbuktu", "Kidal", "Gao", "Mopti", "Anefis", "Ménaka", "Tessalit", "Bamako")
_CASES: tuple[Callable[[str], str], ...] = (str, str.lower, str.upper, str.title, str.swapcase)


@functools.lru_cache(maxsize=1)
def _engine() -> Engine:
    """The bundled pack's engine, loaded, compiled and run once: building a strategy calls this, so the first
    example of a test does not pay for it (and trip Hypothesis's deadline)."""
    engine = Engine()
    engine.run(engine.parse("name: Warming up.\nevents: []\n"))
    return engine


# ---- windows and instants ----------------------------------------------------------------------------------


def _window_days(window: Window) -> tuple[date, date]:
    if window == "mandate":
        return ADOPTION, MANDATE_END
    if window == "outside":
        return ADOPTION, OUTSIDE_UNTIL
    if isinstance(window, tuple) and len(window) == 2 and all(isinstance(d, date) for d in window):
        return window
    raise ValueError(f"a window is 'mandate', 'outside' or (start, until) dates, not {window!r}")


def _bounds(window: Window) -> tuple[datetime, datetime]:
    start, until = _window_days(window)
    return start_of(start), end_of(until)


@functools.lru_cache(maxsize=1)
def _landmarks() -> tuple[datetime, ...]:
    """Instants where the pack's outcomes change: due-date limits, window ends, the adoption."""
    pack = _engine().pack
    marks = {start_of(pack.adopted), MANDATE_LIMIT}
    for obligation, _ in pack.obligations.values():
        if obligation.schedule is not None:
            marks.update(end_of(period.due) for period in periods(pack, obligation))
    for window_id in pack.windows:
        marks.add(end_of(pack.window_days(window_id)[1]))
    return tuple(sorted(marks))


@functools.lru_cache(maxsize=64)
def instants(window: Window = "mandate") -> st.SearchStrategy[datetime]:
    """Aware UTC instants in ``window`` (whole minutes): anywhere, at midnight, or within two days of a landmark
    (a due date's limit, the mandate's end), where off-by-one mistakes live."""
    first, limit = _bounds(window)
    minutes = int((limit - first).total_seconds() // 60)
    anywhere = st.integers(0, minutes - 1).map(lambda m: first + timedelta(minutes=m))
    midnight = st.integers(0, (limit - first).days - 1).map(lambda d: first + timedelta(days=d))
    marks = [m for m in _landmarks() if first <= m <= limit]
    if not marks:
        return st.one_of(anywhere, midnight)
    near = st.builds(lambda mark, shift: mark + timedelta(minutes=shift), st.sampled_from(marks),
                     st.sampled_from((-1, 0)) | st.integers(-2 * 1440, 2 * 1440))
    return st.one_of(anywhere, midnight, near.filter(lambda moment: first <= moment < limit))


def instant(value: str | date | datetime) -> datetime:
    """An ISO date or date-time (an event's ``at``, a finding's ``opened``/``closed``) as an aware UTC datetime."""
    return parse_instant(value)


def _near(moments: Sequence[datetime], window: Window, days: int = 4) -> st.SearchStrategy[datetime]:
    """Instants up to ``days`` after one of ``moments`` (inside the window): joined events come close together."""
    first, limit = _bounds(window)
    last = limit - timedelta(minutes=1)
    return st.builds(lambda moment, shift: min(max(moment + timedelta(minutes=shift), first), last),
                     st.sampled_from(list(moments)), st.integers(0, days * 1440))


@st.composite
def _at_text(draw: st.DrawFn, moments: st.SearchStrategy[datetime]) -> str:
    """An instant written as a scenario may write it: a date at midnight, or a date-time with ``Z`` or an offset."""
    moment = draw(moments).astimezone(UTC)
    style = draw(st.sampled_from(("date", "minutes", "seconds", "offset")))
    if style == "date" and moment.hour == moment.minute == 0:
        return moment.strftime("%Y-%m-%d")
    if style == "seconds":
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    if style == "offset":
        hours = draw(st.sampled_from((1, 2, -5)))
        local = moment.astimezone(timezone(timedelta(hours=hours)))
        return local.strftime("%Y-%m-%dT%H:%M") + f"{'+' if hours >= 0 else '-'}{abs(hours):02d}:00"
    return moment.strftime("%Y-%m-%dT%H:%MZ")


# ---- actors --------------------------------------------------------------------------------------------------


def actor_ids(group: str | None = None) -> st.SearchStrategy[str]:
    """Ids of the registry's actors (of ``group`` — a tag or an actor with its members — when given)."""
    actors = _engine().pack.actors
    ids = actors.members(group) if group is not None else actors.ids()
    if not ids:
        raise ValueError(f"no actor is in group {group!r}")
    return st.sampled_from(ids)


@functools.cache
def _names_of(actor_id: str) -> st.SearchStrategy[str]:
    actor = _engine().pack.actors.by_id[actor_id]
    return st.builds(lambda name, case: case(name), st.sampled_from((actor.id, actor.name, *actor.aliases)),
                     st.sampled_from(_CASES))


def actor_names(group: str | None = None, *, prefer: Iterable[str] = ()) -> st.SearchStrategy[str]:
    """Any name the registry accepts for an actor (its id, its name or an alias) in any case. ``prefer`` lists
    actor ids drawn more often (protagonists of the rules are preferred anyway when no group is given)."""
    return _actor_names(group, tuple(prefer))


@functools.cache
def _actor_names(group: str | None, prefer: tuple[str, ...]) -> st.SearchStrategy[str]:
    actors = _engine().pack.actors
    anyone = actor_ids(group)
    protagonists = [a for a in _PROTAGONISTS if a in actors and group is None]
    if protagonists:
        anyone = st.sampled_from(protagonists) | anyone
    favourites = [a for a in prefer if a in actors]
    if favourites:
        anyone = _mostly(st.sampled_from(favourites), anyone)
    return anyone.flatmap(_names_of)


# ---- events --------------------------------------------------------------------------------------------------


def _mostly(likely: st.SearchStrategy[Any], other: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """``likely`` about three times in four, else ``other``."""
    return st.integers(0, 3).flatmap(lambda n: other if n == 0 else likely)


def _plain(annotation: Any) -> list[Any]:
    """The annotation's alternatives, without None."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return [a for a in typing.get_args(annotation) if a is not type(None)]
    return [annotation]


def _constraint(info: FieldInfo, name: str) -> Any:
    return next((getattr(m, name) for m in info.metadata if getattr(m, name, None) is not None), None)


def _numbers(info: FieldInfo) -> st.SearchStrategy[int]:
    """Integers within the field's bounds, often next to one of the pack's integer parameters (its ceilings)."""
    low = _constraint(info, "ge")
    high = _constraint(info, "le")
    low = 0 if low is None else int(low)
    interesting = sorted({p.value + d for p in _engine().pack.parameters.values()
                          if isinstance(p.value, int) and not isinstance(p.value, bool) for d in (-1, 0, 1)})
    top = min(int(high) if high is not None else 10**9, 2 * max([low + 100, *interesting]))
    options = [st.integers(low, max(low, top))]
    near = [n for n in interesting if n >= low and (high is None or n <= high)]
    if near:
        options.append(st.sampled_from(near))
    return st.one_of(options)


_TEXT = st.text(st.characters(codec="utf-8", categories=("L", "N", "P", "Zs")), min_size=1, max_size=24)


@functools.cache
def _value(event_type: str, name: str, incidents: tuple[str, ...]) -> st.SearchStrategy[Any]:
    """Valid values for one field of one event type, chosen from the field's annotation and constraints."""
    model = EVENT_TYPES[event_type]
    info = model.model_fields[name]
    if name in model.actor_fields:
        return actor_names(prefer=_HINTS.get((event_type, name), ()))
    if name == "incident":
        return st.sampled_from(list(incidents))
    if name in ("location", "note"):
        return st.sampled_from(_PLACES) | _TEXT
    kinds = _plain(info.annotation)
    values = _of_type(kinds[0] if kinds else str, info)
    hints = _HINTS.get((event_type, name))
    return _mostly(st.sampled_from(hints), values) if hints else values


def _of_type(kind: Any, info: FieldInfo) -> st.SearchStrategy[Any]:
    """Plain (JSON and YAML) values of one annotation: enums as their values, sequences as lists."""
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return st.sampled_from([member.value for member in kind])
    if typing.get_origin(kind) is typing.Literal:
        return st.sampled_from(typing.get_args(kind))
    if typing.get_origin(kind) in (tuple, list, set, frozenset):
        items = [a for a in typing.get_args(kind) if a is not Ellipsis][:1] or [str]
        return st.lists(_of_type(items[0], FieldInfo()), max_size=4, unique=True)
    if kind is bool:
        return st.booleans()
    if kind is int:
        return _numbers(info)
    pattern = _constraint(info, "pattern")
    if pattern is not None:
        return st.from_regex(pattern, fullmatch=True)
    if kind is str:
        return _TEXT
    return st.from_type(kind)


def _is_valid(data: EventData) -> bool:
    """Whether an event's fields pass its model (``at`` is valid by construction and not checked here)."""
    try:
        EVENT_TYPES[data["type"]].model_validate({**data, "at": "2017-07-01"},
                                                 context={"actors": _engine().pack.actors})
    except ValidationError:
        return False
    return True


@st.composite
def _fields(draw: st.DrawFn, event_type: str, incidents: tuple[str, ...]) -> EventData:
    """An event's ``type`` and fields (required ones always, optional ones half of the time and ``incident``
    three times in four), without ``at``."""
    data: EventData = {"type": event_type}
    for name, info in EVENT_TYPES[event_type].model_fields.items():
        if name in ("type", "at", "id"):
            continue
        if info.is_required() or draw(st.integers(0, 3)) >= (1 if name == "incident" else 2):
            data[name] = draw(_value(event_type, name, incidents))
    return data


@functools.cache
def _bodies(types: tuple[str, ...], incidents: tuple[str, ...]) -> st.SearchStrategy[EventData]:
    return st.one_of([_fields(n, incidents).filter(_is_valid) for n in types])


def _with_at(body: EventData, at: str) -> EventData:
    return {"type": body["type"], "at": at, **{k: v for k, v in body.items() if k != "type"}}


def _type_names(types: str | Iterable[str] | None) -> tuple[str, ...]:
    names = (types,) if isinstance(types, str) else tuple(sorted(types)) if types is not None else tuple(EVENT_TYPES)
    unknown = [n for n in names if n not in EVENT_TYPES]
    if unknown or not names:
        raise ValueError(f"unknown event types {unknown}; known: {', '.join(EVENT_TYPES)}")
    return names


def events(types: str | Iterable[str] | None = None, *, window: Window = "mandate",
           at: st.SearchStrategy[datetime] | None = None,
           incidents: Sequence[str] = INCIDENTS) -> st.SearchStrategy[EventData]:
    """One valid event as a plain dict (``type``, ``at`` as ISO text, then its fields; no ``id``).

    ``types``: one event type or several (default: every type of :data:`engine.vocabulary.EVENT_TYPES`);
    ``at``: the instants to draw from (default: :func:`instants` of ``window``); ``incidents``: the pool of
    incident ids (small, so that events about the same incident meet)."""
    _engine()
    moments = at if at is not None else instants(window)
    return st.builds(_with_at, _bodies(_type_names(types), tuple(incidents)), _at_text(moments))


@st.composite
def _stream(draw: st.DrawFn, window: Window, min_size: int, max_size: int, types: str | Iterable[str] | None,
            incidents: tuple[str, ...]) -> list[EventData]:
    anchors = draw(st.lists(instants(window), min_size=1, max_size=3))
    loose = st.one_of(_near(anchors, window), instants(window))
    size = draw(st.integers(min_size, max_size), label="number of events")
    bodies = draw(st.lists(_bodies(_type_names(types), incidents), min_size=size, max_size=size))
    around: dict[str, st.SearchStrategy[datetime]] = {}  # each incident happens over a few days
    out = []
    for i, body in enumerate(bodies):
        incident = body.get("incident")
        if incident is not None and incident not in around:
            around[incident] = _near([draw(instants(window), label=f"when {incident} happens")], window, days=3)
        moments = _mostly(around[incident], loose) if incident is not None else loose
        out.append({"id": f"e{i + 1:03d}", **_with_at(body, draw(_at_text(moments)))})
    return out


def event_streams(window: Window = "mandate", *, min_size: int = 0, max_size: int = 12,
                  types: str | Iterable[str] | None = None,
                  incidents: Sequence[str] = INCIDENTS) -> st.SearchStrategy[list[EventData]]:
    """Lists of valid events with unique ids (``e001``, ``e002`` … in file order, which is random in time).
    Events about one incident mostly fall within three days of each other, the others cluster around a few
    instants, so that threats meet requests and attacks meet their support."""
    _engine()
    return _stream(window, min_size, max_size, types, tuple(incidents))


# ---- scenarios ---------------------------------------------------------------------------------------------


def _durations() -> st.SearchStrategy[dict[str, int]]:
    return st.one_of(st.builds(lambda n: {"days": n}, st.integers(0, 120)),
                     st.builds(lambda n: {"weeks": n}, st.integers(0, 16)),
                     st.builds(lambda n: {"months": n}, st.integers(1, 6)))


def _assumptions() -> st.SearchStrategy[dict[str, Any]]:
    """Overrides of the pack's duration assumptions (the only kind it has)."""
    from .rulepack.rulebook import Duration

    names = sorted(n for n, p in _engine().pack.assumptions().items() if isinstance(p.value, Duration))
    return st.dictionaries(st.sampled_from(names), _durations(), max_size=len(names)) if names else st.just({})


@st.composite
def _scenario(draw: st.DrawFn, window: Window, min_events: int, max_events: int,
              types: str | Iterable[str] | None, assumptions: bool, incidents: tuple[str, ...]) -> dict[str, Any]:
    start, until = _window_days(window)
    data: dict[str, Any] = {"name": "A generated scenario."}
    if start != ADOPTION or draw(st.booleans()):
        data["start"] = start.isoformat()
    if until != MANDATE_END or draw(st.booleans()):
        data["until"] = until.isoformat()
    if assumptions:
        data["assumptions"] = draw(_assumptions())
    data["events"] = draw(event_streams(window, min_size=min_events, max_size=max_events, types=types,
                                        incidents=incidents))
    return data


def scenarios(window: Window = "mandate", *, min_events: int = 0, max_events: int = 12,
              types: str | Iterable[str] | None = None, assumptions: bool = False,
              incidents: Sequence[str] = INCIDENTS) -> st.SearchStrategy[dict[str, Any]]:
    """Valid scenarios as plain dicts (``name``, maybe ``start``/``until``, ``events``), ready for YAML or JSON.
    ``window="outside"`` sets ``until: 2018-12-31`` and puts events after the mandate too; ``types`` limits the
    event types (see :func:`events`); ``assumptions=True`` also overrides some of the pack's assumptions."""
    _engine()
    return _scenario(window, min_events, max_events, types, assumptions, tuple(incidents))


def _text(data: Mapping[str, Any], format: str) -> str:
    if format == "json":
        return json.dumps(data, indent=2, ensure_ascii=False, default=_json_default) + "\n"
    if format == "yaml":
        return yaml.safe_dump(dict(data), sort_keys=False, allow_unicode=True, default_flow_style=None, width=120)
    raise ValueError(f"format is 'yaml' or 'json', not {format!r}")


def scenario_texts(window: Window = "mandate", *, format: str = "yaml", **options: Any) -> st.SearchStrategy[str]:
    """:func:`scenarios` written as YAML or JSON text (``options`` as for :func:`scenarios`)."""
    return scenarios(window, **options).map(lambda data: _text(data, format))


def scenario_objects(window: Window = "mandate", **options: Any) -> st.SearchStrategy[Scenario]:
    """:func:`scenarios` validated by the engine into :class:`~engine.scenario.Scenario` objects."""
    return scenarios(window, **options).map(_scenario_of)


# ---- mutants (fuzzing) -------------------------------------------------------------------------------------

_NASTY = (b":", b"-", b"[", b"]", b"{", b"}", b",", b"\n", b" ", b"\t", b"&a", b"*a", b"!", b"'", b'"', b"#", b"|",
          b">", b"%", b"@", b"`", b"\\", b"\x00", b"\xff", b"\xc3", "é".encode(), "\ufeff".encode(), b"9" * 40,
          b"-1", b"1e400", b"NaN", b"null", b"~", b"<<: *a", b"!!python/object/apply:os.system ['true']")


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


@st.composite
def _mutation(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` with one random edit of characters, lines, values or bytes."""
    size = len(data)
    at = draw(st.integers(0, size))
    span = draw(st.integers(1, 24))
    lines = _lines(data)
    row, other = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
    kind = draw(st.sampled_from(("delete", "duplicate", "replace", "nasty", "drop_line", "copy_line", "swap_lines",
                                 "swap_values", "unknown_key", "bytes", "truncate")))
    if kind == "delete":
        return data[:at] + data[at + span:]
    if kind == "duplicate":
        return data[:at] + data[at:at + span] + data[at:]
    if kind == "replace":
        return data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1:]
    if kind == "nasty":
        return data[:at] + draw(st.sampled_from(_NASTY)) + data[at + draw(st.integers(0, 2)):]
    if kind == "drop_line":
        return b"\n".join(lines[:row] + lines[row + 1:])
    if kind == "copy_line":
        return b"\n".join([*lines[:row], lines[row], *lines[row:]])
    if kind == "swap_lines":
        lines[row], lines[other] = lines[other], lines[row]
        return b"\n".join(lines)
    if kind == "swap_values":
        if b": " in lines[row] and b": " in lines[other]:
            (key_a, value_a), (key_b, value_b) = lines[row].split(b": ", 1), lines[other].split(b": ", 1)
            lines[row], lines[other] = key_a + b": " + value_b, key_b + b": " + value_a
        return b"\n".join(lines)
    if kind == "unknown_key":
        indent = lines[row][: len(lines[row]) - len(lines[row].lstrip())]
        lines.insert(row + 1, indent + draw(st.sampled_from((b"colour: red", b'"colour": "red",', b"zz: {a: 1}"))))
        return b"\n".join(lines)
    if kind == "bytes":
        return data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
    return data[:at]


@st.composite
def _mutant(draw: st.DrawFn, format: str, max_edits: int) -> bytes:
    data = draw(scenario_texts(format=format, max_events=6)).encode("utf-8")
    for _ in range(draw(st.integers(1, max_edits))):
        data = draw(_mutation(data))
    return data


def mutants(format: str = "yaml", *, max_edits: int = 4) -> st.SearchStrategy[bytes]:
    """Valid scenario texts (YAML or JSON) after 1 to ``max_edits`` random edits: characters and lines deleted,
    duplicated, replaced or swapped, values swapped between keys, unknown keys injected, random bytes inserted,
    the text truncated. Most are invalid; some stay valid. For fuzzing readers of scenario files."""
    if format not in ("yaml", "json"):
        raise ValueError(f"format is 'yaml' or 'json', not {format!r}")
    _engine()
    return _mutant(format, max_edits)


# ---- running and looking at findings -----------------------------------------------------------------------

Source = Scenario | Mapping[str, Any] | Sequence[Mapping[str, Any]] | str | Path


def _json_default(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def _scenario_of(source: Source) -> Scenario:
    engine = _engine()
    if isinstance(source, Scenario):
        return source
    if isinstance(source, Path):
        return engine.load(source)
    if isinstance(source, str):
        json_like = source.lstrip().startswith("{")
        return engine.parse(source, path="<scenario>.json" if json_like else "<scenario>.yaml")
    if isinstance(source, Mapping):
        data = dict(source)
    else:
        data = {"name": "Generated events.", "events": [dict(e) for e in source]}
    return engine.parse(json.dumps(data, default=_json_default), path="<generated>.json")


def run(source: Source, *, assume: Mapping[str, Any] | None = None) -> Report:
    """Replay ``source`` against the bundled pack: a list of event dicts, a scenario dict, YAML or JSON text
    (a ``str`` is always text), a :class:`~pathlib.Path` to a scenario file, or a Scenario. ``assume``
    overrides assumptions. Bad input raises :class:`~engine.errors.ScenarioError`."""
    return _engine().run(_scenario_of(source), assume=dict(assume) if assume else None)


def findings(report: Report, paragraph: str | None = None, kind: str | None = None, status: str | None = None,
             subject: str | None = None) -> list[FindingView]:
    """The report's findings that match every filter given; ``subject`` may be any name of the actor."""
    wanted = _engine().pack.actors.resolve(subject) if subject is not None else None
    return [f for f in report.findings
            if (paragraph is None or f.paragraph == paragraph) and (kind is None or f.kind == kind)
            and (status is None or f.status == status) and (wanted is None or f.subject == wanted)]


# ---- invariants every replay keeps ---------------------------------------------------------------------------


def _statuses(kind: str) -> set[str]:
    first = INITIAL[FindingKind(kind)]
    return {first, *TRANSITIONS.get(first, frozenset())}


def _known_rules() -> set[str]:
    pack = _engine().pack
    return {r.id for r, _ in pack.rules} | set(pack.obligations) | set(pack.authorizations)


def _paragraph_problems(report: Report, scenario: Scenario) -> list[str]:
    paragraphs = {p.id for p in _engine().pack.paragraphs}
    rules = _known_rules()
    return [f"{f.id}: paragraph {f.paragraph} / rule {f.rule} is not the pack's"
            for f in report.findings if f.paragraph not in paragraphs or f.rule not in rules]


def _identity_problems(report: Report, scenario: Scenario) -> list[str]:
    ids = [f.id for f in report.findings]
    known = {e.id for e in scenario.events}
    problems = [f"finding id {i} is used twice" for i in sorted({i for i in ids if ids.count(i) > 1})]
    problems += [f"{f.id}: cites unknown events {sorted(set(f.events) - known)}"
                 for f in report.findings if not set(f.events) <= known]
    return problems


def _lifecycle_problems(report: Report, scenario: Scenario) -> list[str]:
    """Each finding is in one legal state for its kind, reached along allowed transitions, closed when (and only
    when) it left its initial state, and settled once its due date has passed within the run."""
    problems = []
    limit = end_of(scenario.until)
    for f in report.findings:
        first = INITIAL[FindingKind(f.kind)]
        steps = [Status(h["status"]) for h in f.history]
        if f.status not in _statuses(f.kind):
            problems.append(f"{f.id}: status {f.status} is not one a {f.kind} can have")
        if not steps or steps[0] is not first or steps[-1] != f.status:
            problems.append(f"{f.id}: history {[str(s) for s in steps]} does not lead from {first} to {f.status}")
        for before, after in itertools.pairwise(steps):
            if after != before and after not in TRANSITIONS.get(before, frozenset()):
                problems.append(f"{f.id}: {before} cannot become {after}")
        if (f.closed is None) != (f.status == first):
            problems.append(f"{f.id}: status {f.status} but closed={f.closed}")
        if f.closed is not None and instant(f.closed) < instant(f.opened):
            problems.append(f"{f.id}: closed {f.closed} before it opened {f.opened}")
        settled_by = end_of(date.fromisoformat(f.due)) if f.due is not None else None
        if f.status == first and first in TRANSITIONS and settled_by is not None and settled_by <= limit:
            problems.append(f"{f.id}: still {f.status} although its due date {f.due} passed within the run")
    return problems


def _causality_problems(report: Report, scenario: Scenario) -> list[str]:
    """A finding opens when the last event of the match that caused it happens: never before it, never later;
    and inside the replay's window."""
    problems = []
    at = {e.id: e.at for e in scenario.events}
    first, limit = scenario.window
    for f in report.findings:
        opened = instant(f.opened)
        if not first <= opened < limit:
            problems.append(f"{f.id}: opened {f.opened} outside the replay {scenario.start} to {scenario.until}")
        cause = [c["event"] for c in f.provenance[0]["conditions"]] if f.provenance else []
        if cause and opened != max(at[e] for e in cause if e in at):
            problems.append(f"{f.id}: opened {f.opened}, not when its cause {cause} completed")
    return problems


_CHECKS = (_paragraph_problems, _identity_problems, _lifecycle_problems, _causality_problems)


def check_report(report: Report, scenario: Scenario) -> None:
    """Raise ``AssertionError`` listing every broken invariant of a replay: findings only about the pack's
    paragraphs and rules; unique ids; only the scenario's events cited; statuses legal for their kind and reached
    along allowed transitions; closed at or after opening, and settled once due; nothing opened before (or after)
    the events that caused it, nor outside the replay."""
    problems = [p for check in _CHECKS for p in check(report, scenario)]
    assert not problems, "; ".join(problems)


class ReplayMachine(RuleBasedStateMachine):
    """Drives the engine event by event: each step adds a generated event (often close in time to one already
    there), replays the scenario so far, and the invariants of :func:`check_report` must hold after every step.

    Subclass it to add ``@invariant()`` methods of your own (``self.events``: the event dicts so far,
    ``self.scenario``: the validated scenario, ``self.report``: its replay) or to change ``window``; run it with
    ``TestMine = Mine.TestCase`` (steps per example: the ``stateful_step_count`` setting)."""

    window: ClassVar[Window] = "mandate"

    def __init__(self) -> None:
        super().__init__()
        self.events: list[EventData] = []
        self.scenario, self.report = self.replay()

    def replay(self) -> tuple[Scenario, Report]:
        start, until = _window_days(self.window)
        scenario = _scenario_of({"name": "A scenario built one event at a time.", "start": start.isoformat(),
                                 "until": until.isoformat(), "events": self.events})
        return scenario, _engine().run(scenario)

    @rule(data=st.data())
    def add_event(self, data: st.DataObject) -> None:
        moments = instants(self.window)
        if self.events:
            moments = st.one_of(moments, _near([instant(e["at"]) for e in self.events], self.window))
        event = data.draw(events(window=self.window, at=moments), label="event")
        self.events.append({"id": f"e{len(self.events) + 1:03d}", **event})
        self.scenario, self.report = self.replay()

    @invariant()
    def findings_are_about_the_packs_paragraphs(self) -> None:
        assert not (problems := _paragraph_problems(self.report, self.scenario)), problems

    @invariant()
    def ids_are_unique_and_events_known(self) -> None:
        assert not (problems := _identity_problems(self.report, self.scenario)), problems

    @invariant()
    def statuses_follow_the_lifecycle(self) -> None:
        assert not (problems := _lifecycle_problems(self.report, self.scenario)), problems

    @invariant()
    def nothing_opens_before_its_cause(self) -> None:
        assert not (problems := _causality_problems(self.report, self.scenario)), problems

