"""Validating the common event in plain Python, by functions generated from each model's own pydantic-core schema.

:mod:`.checkwriter` writes, for each event type, the functions that check a raw mapping as the model's schema
does (keys, texts and their bounds and patterns, enums, numbers, tuples, defaults, actors, the instant); this
module runs them, with no pydantic: what is written (and compiled) comes from the cache on disk
(:mod:`.catalogue`) when it is warm, and is written (which imports pydantic) only when it is not.

Each event type gets two functions: one that gives the event, and one that gives the compact record an event log
keeps and sorts (:data:`Record`), the event being built only when the replay reads it. An event is a *light*
instance of its model (:mod:`engine.light`): the ``__dict__`` in field order and ``fields_set`` that pydantic's
validator would leave, equal to the model instance, without pydantic.

It only answers "valid, and here it is" or "not sure" (``None``). Any value it does not accept exactly as pydantic
would (a value of another type that pydantic would convert, text with a lone surrogate, an actor the registry does
not know, an instant outside the scenario's window...), and any event type whose schema the writer does not know,
is left to the next checker, and in the end to ``model_validate``, the single source of error wording.
``tests/test_plaincheck.py`` checks with generated events, valid and not, that the answer is pydantic's.
"""

from __future__ import annotations

import marshal
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ..light import Light, light_class
from . import catalogue
from .eventtypes import TYPE_ORDER, has_offset, parse_instant
from .plainevents import mapping, passes

if TYPE_CHECKING:
    from .checkcache import Written
    from .registry import ActorRegistry
    from .vocabulary import Event

#: an event as a log keeps it: (its instant as ISO text in UTC without the offset, :func:`instant_key`; type order;
#: id; line; type; the values of the fields after ``at`` in the model's order; the fields given). Sorted as tuples,
#: records follow the engine's processing order (instant, type order, id), then the order of the log's lines.
Record = tuple[str, int, str, int, str, tuple[Any, ...], frozenset[str]]
MakeRecord = Callable[[dict[str, Any], int], "Record | None"]
#: an event as a scenario file's loading takes it: (the event; whether its instant has an offset; its id and its
#: instant, as the event holds them, at hand without reading the event's attributes)
Made = tuple["Event", bool | None, str | None, datetime]
MakeEvent = Callable[[dict[str, Any]], "Made | None"]
Instant = tuple[datetime, "bool | None"]

WARM_EVENTS = 100  # events of a type checked the other way before its checking functions are written (no cache)
WARM_CACHED = 0  # the same when they come from the cache: they are used from the first event
_MAX_REMEMBERED = 4096  # actor spellings, instants, and orders of the keys of an event type, remembered per checker
_MISSING = object()
_OUTSIDE: Any = (None, None)  # an instant read, but outside the window
_new = object.__new__
#: what ``object.__setattr__`` calls to set a light instance's ``__dict__`` and fields given, called directly
_SET_DICT = Light.__dict__["__dict__"].__set__
_SET_FIELDS = Light.__dict__["__pydantic_fields_set__"].__set__
_from_iso = datetime.fromisoformat


def instant_key(moment: datetime) -> str:
    """An instant in UTC as ISO text without the offset (``2018-04-14T08:30:00``, with ``.ffffff`` when it has
    microseconds): such texts sort as their instants do, and the common form ``YYYY-MM-DDTHH:MM:SSZ`` gives its
    own first 19 characters."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat()


def _plain_id(found: Any) -> bool:
    """Whether an actor's id is text pydantic takes as it is (ASCII, or Unicode it keeps unchanged)."""
    return found.__class__ is str and (found.isascii() or _unicode_ok(found))


def _unicode_ok(text: str) -> bool:
    """Whether pydantic-core takes this text as a string (it refuses a lone surrogate)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _compiled(written: Written) -> Callable[..., tuple[MakeEvent, MakeRecord]]:
    """The ``make`` function of what was written for an event type."""
    namespace: dict[str, Any] = {
        **written.constants, "LIGHT": light_class(written.spec), "RANK": TYPE_ORDER[written.kind],
        "REMEMBERED": _MAX_REMEMBERED, "from_iso": _from_iso, "new": _new,
        "set_dict": _SET_DICT, "set_fields": _SET_FIELDS, "passes": passes,
        "_unicode_ok": _unicode_ok, "_MISSING": _MISSING,
    }
    exec(marshal.loads(written.code), namespace)
    made: Callable[..., tuple[MakeEvent, MakeRecord]] = namespace["make"]
    return made


def values_of(kind: str) -> Callable[[datetime, tuple[Any, ...]], dict[str, Any]]:
    """A function that gives the ``__dict__`` of an event of this type from its instant and the values of its
    other fields in the model's order (a record's), written as a dict display (faster than zipping names)."""
    names = catalogue.spec(kind).fields
    rest = tuple(f"v{number}" for number in range(len(names) - 2))
    display = f"({', '.join(rest)}{',' if len(rest) == 1 else ''})"
    source = f"def values(at, rest):\n    {', '.join(rest)}{',' if len(rest) == 1 else ''} = rest\n" \
             f"    return {mapping(names, 'at', display)}\n"
    namespace: dict[str, Any] = {"KIND": kind}
    exec(compile(source, f"<values of {kind}>", "exec"), namespace)
    made: Callable[[datetime, tuple[Any, ...]], dict[str, Any]] = namespace["values"]
    return made


_MAKERS: dict[str, Callable[..., tuple[MakeEvent, MakeRecord]] | None] = {}


def maker(kind: str) -> Callable[..., tuple[MakeEvent, MakeRecord]] | None:
    """The ``make`` function of an event type (compiled when first needed), or None."""
    if kind not in _MAKERS:
        written = catalogue.written(kind) if kind in TYPE_ORDER else None
        _MAKERS[kind] = None if written is None else _compiled(written)
    return _MAKERS[kind]


class _Checkers(dict[str, Any]):
    """The checking functions of each event type, made once the type has been met ``warm`` times (writing them
    costs about as much as checking a few hundred events the other way, and a small scenario need not pay it when
    they are not cached); None until then, and for a type without one or that does not exist."""

    def __init__(self, made: Callable[[str], tuple[MakeEvent, MakeRecord] | None], which: int, warm: int) -> None:
        super().__init__()
        self._made, self._which, self._warm = made, which, warm
        self._met: dict[str, int] = {}

    def __missing__(self, kind: str) -> Any:
        if kind not in TYPE_ORDER:
            return None
        met = self._met[kind] = self._met.get(kind, 0) + 1
        if met <= self._warm:
            return None
        both = self._made(kind)
        self[kind] = None if both is None else both[self._which]
        return self[kind]


class PlainChecker:
    """The generated checking functions of every event type, for one actor registry and one window.
    ``events[kind](raw)`` gives the event, whether its instant has an offset, its id and its instant
    (:data:`Made`), ``records[kind](raw, line)`` its record, or None. ``warm``: how many events of a type go the
    other way before its functions are made (by default :data:`WARM_CACHED` when they are cached, else
    :data:`WARM_EVENTS`)."""

    def __init__(self, actors: ActorRegistry | None, first: datetime, limit: datetime, *,
                 warm: int | None = None) -> None:
        self._actors = actors
        self._names: dict[str, str] = {}  # actor spellings -> ids
        self._instants: dict[str, Instant] = {}  # instants in other forms than the common one, read
        self._first, self._limit = first, limit
        self._window = (instant_key(first), instant_key(limit))
        self._made: dict[str, tuple[MakeEvent, MakeRecord] | None] = {}
        if warm is None:
            warm = WARM_CACHED if actors is not None and catalogue.cached() is not None else WARM_EVENTS
        self.events = _Checkers(self._make, 0, warm)
        self.records = _Checkers(self._make, 1, warm)

    def _make(self, kind: str) -> tuple[MakeEvent, MakeRecord] | None:
        if kind not in self._made:
            make_ = maker(kind) if self._actors is not None else None
            self._made[kind] = None if make_ is None else make_(*self._window, self._names, self._actor,
                                                                 self._instant)
        return self._made[kind]

    def event(self, raw: Any) -> Made | None:
        """The event ``model_validate`` would give for ``raw`` (inside the window) and whether its instant has an
        offset (as :func:`~engine.inputs.eventtypes.has_offset` says), then its id and instant; or None: ask the
        next checker."""
        if raw.__class__ is not dict:
            return None
        kind = raw.get("type")
        make_ = self.events[kind] if kind.__class__ is str else None
        return make_(raw) if make_ is not None else None

    def _actor(self, name: Any) -> str | None:
        if self._actors is None:
            return None
        return self._actors.remembered(name, self._names, limit=_MAX_REMEMBERED, accept=_plain_id)

    def _instant(self, text: str) -> Instant | None:
        """An instant in another form than the common one, read as the model reads it, and whether it has an
        offset; None when it is not one or lies outside the window."""
        found = self._instants.get(text)
        if found is None:
            try:
                moment = parse_instant(text)
            except ValueError:
                return None
            found = (moment, has_offset(text)) if self._first <= moment < self._limit else _OUTSIDE
            if len(self._instants) < _MAX_REMEMBERED:
                self._instants[text] = found
        return None if found is _OUTSIDE else found
