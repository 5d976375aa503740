"""The Hypothesis strategies of the kit (each returns a ``SearchStrategy``): instants, actors, events, event
streams, whole scenarios as dicts, texts or objects, mutants for fuzzing, and training exercises with trainees'
answers (:func:`exercises`, :func:`answers`)."""

from __future__ import annotations

import enum
import functools
import json
import types
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import yaml
from hypothesis import strategies as st
from pydantic import ValidationError
from pydantic.fields import FieldInfo

from ..dates import end_of, iso_instant, start_of
from ..exercise import Answer, Exercise, Move
from ..exercise.paragraphs import KINDS, statuses_of
from ..inputs.scenario import Scenario
from ..inputs.vocabulary import EVENT_TYPES
from ..replay.asof import as_of_instant
from ..replay.schedules import periods
from ..rulepack.plain import is_duration
from .helpers import (
    ADOPTION,
    INCIDENTS,
    MANDATE_END,
    MANDATE_LIMIT,
    EventData,
    Window,
    _engine,
    _json_default,
    _scenario_of,
    _window_days,
)

__all__ = ["actor_ids", "actor_names", "event_streams", "events", "instants", "mutants", "raw_events",
           "scenario_objects", "scenario_texts", "scenarios"]

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


# ---- windows and instants ----------------------------------------------------------------------------------


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

    ``types``: one event type or several (default: every type of :data:`engine.inputs.vocabulary.EVENT_TYPES`);
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


# ---- raw events, valid or not (for the readers' fast paths) -------------------------------------------------

_ODD_INSTANTS = ("2018-04-14", "2018-04-14T08:30:00Z", "2018-04-14 08:30", "2018-04-14T08:30:00.5+01:00",
                 "2018-04-14T08:30+0100", "2018-02-30", "2018-04-14T24:00:00Z", " 2018-04-14T08:30:00Z",
                 "2018-04-14T08:30:00Z ", "20180414", "2018-04-14T08:30:00z", "2018-04-14T083000Z",
                 "\u0662\u0660\u0661\u0668-04-14", "2018-04-14T08:30:00+00:00", "0001-01-01T00:00:00+01:00",
                 "1817-06-29T00:00:00Z", "2018-04-14T08:30:00.123456Z", "2018-W15-6")
_ODD_TEXT = st.one_of(
    st.text(max_size=3), st.text(min_size=499, max_size=502),
    st.text(st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), min_size=1, max_size=2).map(lambda s: "a" + s),
    st.sampled_from(("12", " 12", "1_000", "12.0", "true", "e001\n", "e 001", "-e001", "a" * 101, "minusma ",
                     "MINUSMA", "Nobody Known", "quarterly", "QUARTERLY", "i", "iv")),
    st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}", fullmatch=True))
_ODD_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 10), st.integers(9_999_990, 10_000_010),
    st.floats(allow_nan=True, allow_infinity=True), st.just(12.0), _ODD_TEXT, st.sampled_from(_ODD_INSTANTS),
    st.lists(st.one_of(st.sampled_from(("i", "ii", "iii", "iv", "I")), st.integers(0, 3), st.none()), max_size=4),
    st.dictionaries(st.text(max_size=3), st.integers(0, 3), max_size=2), st.just(()), st.just(("i",)))


@st.composite
def _raw_event(draw: st.DrawFn, max_edits: int) -> Any:
    event: dict[Any, Any] = dict(draw(events()))
    if draw(st.booleans()):
        event["id"] = draw(st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._:/-]{0,12}", fullmatch=True))
    for _ in range(draw(st.integers(0, max_edits), label="edits")):
        fields = sorted({*event, *EVENT_TYPES.get(str(event.get("type")), EVENT_TYPES["attack"]).model_fields},
                        key=str)
        key = draw(st.sampled_from(fields) | st.sampled_from(("colour", 1, "")))
        edit = draw(st.sampled_from(("drop", "odd", "odd", "instant", "actor", "other_event")))
        if edit == "drop":
            event.pop(key, None)
        elif edit == "instant":
            event["at"] = draw(st.sampled_from(_ODD_INSTANTS))
        elif edit == "actor":
            event[key] = draw(actor_names() | st.sampled_from(("Nobody Known", "minusma.", "MINUSMA ", "")))
        elif edit == "other_event":  # a value valid for another type's field of the same name, or the type itself
            other: dict[Any, Any] = draw(events())
            event[key] = other.get(key, draw(st.sampled_from(list(EVENT_TYPES))))
        else:
            event[key] = draw(_ODD_VALUES)
    return event if draw(st.integers(0, 49)) else draw(st.sampled_from((None, [], "attack", 3)))


def raw_events(*, max_edits: int = 3) -> st.SearchStrategy[Any]:
    """Raw events as a file or a log may hold them, valid or not: a valid event of :func:`events` (with an id half
    of the time) after 0 to ``max_edits`` edits — a key dropped, a value replaced by an odd one (null, a boolean,
    a number out of range or as text, text empty, too long, with a lone surrogate or a stray newline, a list, a
    mapping), an instant in another form or none, an actor named another way or not at all, a value of another
    event's field; now and then not a mapping at all. For checking that a fast path answers as the models do."""
    _engine()
    return _raw_event(max_edits)


# ---- scenarios ---------------------------------------------------------------------------------------------


def _durations() -> st.SearchStrategy[dict[str, int]]:
    """Durations an assumption may take: at least one day, week or month (zero is refused)."""
    return st.one_of(st.builds(lambda n: {"days": n}, st.integers(1, 120)),
                     st.builds(lambda n: {"weeks": n}, st.integers(1, 16)),
                     st.builds(lambda n: {"months": n}, st.integers(1, 6)))


def _assumptions() -> st.SearchStrategy[dict[str, Any]]:
    """Overrides of the pack's duration assumptions (the only kind it has)."""
    names = sorted(n for n, p in _engine().pack.assumptions().items() if is_duration(p.value))
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
    """:func:`scenarios` validated by the engine into :class:`~engine.inputs.scenario.Scenario` objects."""
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


# Training exercises


def _objectives() -> st.SearchStrategy[tuple[str, ...]]:
    engine = _engine()
    with_rules = sorted({p.id.split("(")[0].split("[")[0] for p in engine.pack.paragraphs
                         if p.rules or p.obligations or p.authorizations})
    return st.one_of(st.just(()), st.lists(st.sampled_from(with_rules), min_size=1, max_size=4, unique=True)
                     .map(lambda ids: tuple(sorted(ids, key=with_rules.index))))


@st.composite
def _exercise(draw: st.DrawFn, window: Window, max_moves: int, max_events: int) -> Exercise:
    scenario = draw(scenario_objects(window, max_events=max_events))
    first, limit = scenario.window
    moments = draw(st.lists(instants(window).filter(lambda m: first <= m < limit), min_size=1, max_size=max_moves,
                            unique=True))
    ends: list[datetime] = sorted({m.replace(second=0, microsecond=0) for m in moments})
    if draw(st.booleans()):  # the last move at the end of the scenario: the as-of replay is the full one
        last = as_of_instant(scenario.until)
        ends = [m for m in ends if m < last] + [last]
    moves = tuple(Move(number=i + 1, name=f"Move {i + 1}", until=end, until_text=iso_instant(end))
                  for i, end in enumerate(ends))
    return Exercise(path="<generated>", name="A generated exercise.", scenario=scenario,
                    objectives=draw(_objectives()), briefing="Say what each move engages.", moves=moves)


def exercises(window: Window = "mandate", *, max_moves: int = 4, max_events: int = 12) -> st.SearchStrategy[Exercise]:
    """Exercises over generated scenarios (see the module's docstring)."""
    _engine()
    return _exercise(window, max_moves, max_events)


def answers(move: int = 1) -> st.SearchStrategy[Answer]:
    """Answers to ``move``: any paragraph, kind and actor, maybe with a status of that kind and a due date."""
    engine = _engine()
    paragraphs = [p.id for p in engine.pack.paragraphs]
    actors = engine.pack.actors.ids()

    @st.composite
    def _answer(draw: st.DrawFn) -> Answer:
        kind = draw(st.sampled_from(KINDS))
        status = draw(st.none() | st.sampled_from(statuses_of(kind)))
        due = draw(st.none() | instants().map(lambda m: m.date().isoformat()))
        return Answer(move=move, paragraph=draw(st.sampled_from(paragraphs)), kind=kind,
                      subject=draw(st.sampled_from(actors)), status=status, due=due)

    return _answer()
