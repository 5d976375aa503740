"""Validating the common event in plain Python, by a function generated from each model's own pydantic-core schema.

For each event type, this module walks the model's core schema (the one ``model_validate`` runs) and writes the
source of a Python function that checks a raw mapping against it: the keys (no field that the model does not have,
every required one), and for each field what its schema says — text with its lengths and its pattern, an enum of
text stored by its value, a whole number with its bounds, a tuple of such items, ``None`` where the field takes it,
the default where the field is absent, an actor name resolved by the registry, the instant in the common form
``YYYY-MM-DDTHH:MM:SSZ``. The constraints are read from the schema, never written here a second time. The model's
own validators (``model_validator(mode="after")``) run on the model instance, as pydantic runs them.

Each event type gets two functions: one that gives the event model, as pydantic's validator leaves it (its
``__dict__`` in field order, ``fields_set``), and one that gives the compact record an event log keeps and sorts
(:data:`Record`), the model being built only when the replay reads it.

Like :mod:`~engine.inputs.fastcheck`, it only answers "valid, and here it is" or "not sure" (``None``). Any value
it does not accept exactly as pydantic would (another form of instant, a value of another type that pydantic would
convert, text with a lone surrogate, an actor the registry does not know, an instant outside the scenario's
window...), and any part of a schema it does not know (the whole event type then), is left to the next checker,
and in the end to ``model_validate``, the single source of error wording. ``tests/test_plaincheck.py`` checks with
generated events, valid and not, that the answer is pydantic's.
"""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from .actors import ActorRegistry
from .fastcheck import INSTANT, UTC_SECOND, built, model_schema, passes
from .vocabulary import EVENT_TYPES, TYPE_ORDER, Event, _ActorValidator

#: an event as a log keeps it: (its instant as ISO text in UTC without the offset, :func:`instant_key`; type order;
#: id; line; type; the values of the fields after ``at`` in the model's order; the fields given). Sorted as tuples,
#: records follow the engine's processing order (instant, type order, id), then the order of the log's lines.
Record = tuple[str, int, str, int, str, tuple[Any, ...], frozenset[str]]
MakeRecord = Callable[[dict[str, Any], int], "Record | None"]
MakeEvent = Callable[[dict[str, Any]], "Event | None"]

WARM_EVENTS = 100  # events of a type checked the other way before its checking functions are made
_MAX_REMEMBERED = 4096  # actor spellings, and orders of the keys of an event type, remembered per checker
_PLAIN_PATTERN = re.compile(r"\^[A-Za-z0-9 ._:/\-\[\]{},*+?()|]*\$").fullmatch  # no escapes, no inner anchors
_NO_BOOLEAN = Event._no_boolean_figures.__func__  # type: ignore[attr-defined]
_BY_VALUE = repr(operator.attrgetter("value"))
_MISSING = object()


def instant_key(moment: datetime) -> str:
    """An instant in UTC as ISO text without the offset (``2018-04-14T08:30:00``, with ``.ffffff`` when it has
    microseconds): such texts sort as their instants do, and the common form ``YYYY-MM-DDTHH:MM:SSZ`` gives its
    own first 19 characters."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat()


class _Unknown(Exception):
    """A part of a schema this module does not know: the event type is left to the other checkers."""


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


class _Writer:
    """The source of one event type's checking functions, and the constants it names."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.constants: dict[str, Any] = {}
        self.names = 0

    def constant(self, value: Any) -> str:
        name = f"C{len(self.constants)}"
        self.constants[name] = value
        return name

    def local(self) -> str:
        self.names += 1
        return f"x{self.names}"

    def emit(self, depth: int, line: str) -> None:
        self.lines.append("    " * depth + line)

    def value(self, schema: Any, var: str, depth: int) -> None:
        """Statements that check ``var`` against ``schema`` and leave in it the validated value (or return None)."""
        keys, kind = set(schema) - {"metadata"}, schema.get("type")
        if kind == "nullable" and keys == {"type", "schema"}:
            self.emit(depth, f"if {var} is not None:")
            self.value(schema["schema"], var, depth + 1)
        elif kind == "str" and keys <= {"type", "min_length", "max_length", "pattern"}:
            self._text(schema, var, depth)
        elif kind == "int" and keys <= {"type", "ge", "le", "gt", "lt"}:
            self.emit(depth, f"if {var}.__class__ is not int: return None")
            for bound, test in (("ge", "<"), ("gt", "<="), ("le", ">"), ("lt", ">=")):
                if bound in schema:
                    if type(schema[bound]) is not int:
                        raise _Unknown(f"a bound {schema[bound]!r}")
                    self.emit(depth, f"if {var} {test} {schema[bound]!r}: return None")
        elif kind == "function-before" and keys == {"type", "function", "schema"}:
            self._before(schema, var, depth)
        elif kind == "function-after" and keys <= {"type", "function", "schema", "serialization"} and _by_value(schema):
            members = {member.value: member.value for member in schema["schema"]["members"]}
            self.emit(depth, f"{var} = {self.constant(members)}.get({var}) if {var}.__class__ is str else None")
            self.emit(depth, f"if {var} is None: return None")
        elif (kind == "tuple" and keys == {"type", "items_schema", "variadic_item_index"}
              and len(schema["items_schema"]) == 1 and schema["variadic_item_index"] == 0):
            items, item = self.local(), self.local()
            self.emit(depth, f"if {var}.__class__ is not list and {var}.__class__ is not tuple: return None")
            self.emit(depth, f"{items} = []")
            self.emit(depth, f"for {item} in {var}:")
            self.value(schema["items_schema"][0], item, depth + 1)
            self.emit(depth + 1, f"{items}.append({item})")
            self.emit(depth, f"{var} = tuple({items})")
        else:
            raise _Unknown(f"a schema {schema!r}")

    def _text(self, schema: dict[str, Any], var: str, depth: int) -> None:
        self.emit(depth, f"if {var}.__class__ is not str: return None")
        for bound, test in (("min_length", "<"), ("max_length", ">")):
            if bound in schema:
                if type(schema[bound]) is not int:
                    raise _Unknown(f"a length {schema[bound]!r}")
                self.emit(depth, f"if len({var}) {test} {schema[bound]!r}: return None")
        pattern = schema.get("pattern")
        if pattern is not None:
            # pydantic-core's regular expressions (Rust's): with ^ only first and $ only last, no escape and no
            # negated class, Python's re gives the same answer once $ (which Python also matches before a final
            # line end) is written \Z (the end of the text, as Rust's $ is); without a dot, what matches is ASCII
            if not isinstance(pattern, str) or not _PLAIN_PATTERN(pattern):
                raise _Unknown(f"a pattern {pattern!r}")
            self.emit(depth, f"if {self.constant(re.compile(pattern[:-1] + chr(92) + 'Z').match)}({var}) is None: "
                             "return None")
            bare = re.sub(r"\[[^\[\]]*\]", "", pattern)  # without its classes (of ASCII characters)
            if "." not in bare and "[" not in bare and "]" not in bare:
                return
        self.emit(depth, f"if not {var}.isascii() and not _unicode_ok({var}): return None")

    def _before(self, schema: dict[str, Any], var: str, depth: int) -> None:
        function = schema["function"].get("function")
        if isinstance(function, _ActorValidator) and schema["function"].get("type") == "with-info":
            found = self.local()
            self.emit(depth, f"{found} = names.get({var}) if {var}.__class__ is str else None")
            self.emit(depth, f"if {found} is None:")
            self.emit(depth + 1, f"{found} = actor({var})")
            self.emit(depth + 1, f"if {found} is None: return None")
            self.emit(depth, f"{var} = {found}")
            if set(schema["schema"]) - {"metadata"} == {"type"} and schema["schema"]["type"] == "str":
                return  # an actor's id is text that pydantic takes (:meth:`PlainChecker._actor` makes sure)
        elif getattr(function, "__func__", None) is _NO_BOOLEAN and schema["function"].get("type") == "no-info":
            self.emit(depth, f"if {var}.__class__ is bool: return None")
        else:
            raise _Unknown(f"a function {function!r}")
        self.value(schema["schema"], var, depth)


def _by_value(schema: dict[str, Any]) -> bool:
    """Whether a schema is an enum of text stored by its value (``use_enum_values``)."""
    function, inner = schema["function"], schema["schema"]
    return (function.get("type") == "no-info" and repr(function.get("function")) == _BY_VALUE
            and inner.get("type") == "enum" and inner.get("sub_type") == "str" and "missing" not in inner
            and not inner.get("strict") and set(inner) <= {"type", "cls", "members", "sub_type", "metadata", "ref"}
            and all(type(member.value) is str for member in inner["members"]))


def _source(model: type[Event], kind: str) -> tuple[str, dict[str, Any]]:
    """The source of ``make(first, limit, names, actor)``, which gives the two checking functions of ``model``
    for a scenario's window (in microseconds) and an actor cache, and the constants it names."""
    schema, after = model_schema(model)
    config = schema.get("config") or {}
    if (schema["type"] != "model" or schema["cls"] is not model or schema.get("custom_init")
            or schema.get("root_model") or schema.get("post_init") or schema["schema"]["type"] != "model-fields"
            or set(config) - {"title", "extra_fields_behavior"} or config.get("extra_fields_behavior") != "forbid"
            or set(schema["schema"]) - {"type", "fields", "model_name", "computed_fields"}):
        raise _Unknown("a model schema of another kind")
    fields: dict[str, Any] = schema["schema"]["fields"]
    names = list(fields)
    if names[:2] != ["type", "at"] or names != list(model.model_fields):
        raise _Unknown("fields in another order")
    if fields["type"]["schema"] != {"type": "literal", "expected": [kind], "metadata": {}} and \
            fields["type"]["schema"] != {"type": "literal", "expected": [kind]}:
        raise _Unknown("a type that is not its literal")
    at = fields["at"]["schema"]
    if not (at["type"] == "function-before" and getattr(at["function"].get("function"), "__func__", None) is INSTANT
            and at["schema"] == {"type": "datetime", "microseconds_precision": "truncate"}):
        raise _Unknown("an instant of another kind")
    out = _Writer()
    out.constants.update(MODEL=model, KIND=kind, KEYS=frozenset(names),
                         AFTER=tuple(after), _unicode_ok=_unicode_ok, _MISSING=_MISSING)
    values = []
    for number, name in enumerate(names[2:]):
        field = fields[name]
        if set(field) - {"type", "schema", "metadata"} or field["type"] != "model-field":
            raise _Unknown(f"a field {name} of another kind")
        inner, var = field["schema"], f"v{number}"
        values.append(var)
        if inner["type"] == "default":
            if set(inner) - {"type", "schema", "default", "metadata"}:
                raise _Unknown(f"a default of {name} of another kind")
            try:
                hash(inner["default"])  # pydantic copies a default that cannot be hashed
            except TypeError:
                raise _Unknown(f"a default of {name} that pydantic copies") from None
            if inner["default"] is None and inner["schema"]["type"] == "nullable":  # absent or null: None
                out.emit(2, f"{var} = row.get({name!r})")
                out.value(inner["schema"], var, 2)
                continue
            out.emit(2, f"{var} = row.get({name!r}, _MISSING)")
            out.emit(2, f"if {var} is _MISSING:")
            out.emit(3, f"{var} = {out.constant(inner['default'])}")
            out.emit(2, "else:")
            out.value(inner["schema"], var, 3)
        else:
            out.emit(2, f"{var} = row.get({name!r}, _MISSING)")
            out.emit(2, f"if {var} is _MISSING: return None")
            out.value(inner, var, 2)
    out.constants["VALUES"] = f"({', '.join(values)}{',' if len(values) == 1 else ''})"
    return "\n".join(out.lines), out.constants


_TEMPLATE = """
def make(first, limit, names, actor):
    given = {{}}  # the keys of the rows met so far (in their order), each checked once, to the set of them
    sets = {{}}  # the sets of fields given met so far (subsets of the model's fields)

    build = partial(built, MODEL, AFTER)  # the instance as pydantic leaves it, if the model's validators take it

    proto = new(MODEL)  # an instance that the model's validators see, given each record's values in turn
    put(proto, "__pydantic_extra__", None)
    put(proto, "__pydantic_private__", None)

    def after(values, fields):
        put(proto, "__dict__", values)
        put(proto, "__pydantic_fields_set__", set(fields))
        return passes(AFTER, proto)

    def event(row):
        if not row.keys() <= KEYS: return None
        at = row.get('at')
        if at.__class__ is not str or len(at) != 20 or not utc_second(at): return None
        if not first <= at[:19] < limit: return None
        try:
            moment = from_iso(at)
        except ValueError:
            return None
{fields}
        return build({mapping}, set(row))

    def record(row, line):
        keys = tuple(row)
        fields = given.get(keys)
        if fields is None:
            fields = frozenset(keys)
            if not fields <= KEYS: return None
            fields = sets.setdefault(fields, fields)  # one object per distinct set, for the records that keep it
            if len(given) < REMEMBERED:
                given[keys] = fields
        at = row.get('at')
        if at.__class__ is not str or len(at) != 20 or not utc_second(at): return None
        instant = at[:19]
        if not first <= instant < limit: return None
        try:
            moment = from_iso(at)
        except ValueError:
            return None
{fields}
        if v0 is None: return None  # an id derived from the content: the event goes the careful way
        if AFTER and not after({mapping}, fields): return None
        return instant, RANK, v0, line, KIND, {values}, fields

    return event, record
"""


def mapping(model: type[Event], moment: str, rest: str) -> str:
    """The source of a dict display of a model's field values in its order: the type, ``moment`` (the
    instant's expression) and the items of the tuple ``rest`` (an expression, or a tuple display)."""
    names = tuple(model.model_fields)
    if rest.startswith("("):  # a tuple display: its items
        items = [item.strip() for item in rest.strip("(,)").split(",")]
    else:
        items = [f"{rest}[{number}]" for number in range(len(names) - 2)]
    return "{" + ", ".join([f"{names[0]!r}: KIND", f"{names[1]!r}: {moment}",
                            *(f"{name!r}: {item}" for name, item in zip(names[2:], items, strict=True))]) + "}"


def _compiled(kind: str) -> Callable[..., tuple[MakeEvent, MakeRecord]] | None:
    """The ``make`` function of an event type, or None when its schema holds something this module does not
    know."""
    model = EVENT_TYPES[kind]
    try:
        check, constants = _source(model, kind)
    except _Unknown:
        return None
    if tuple(model.model_fields)[2] != "id":
        return None  # the record keeps the id where the model puts it
    namespace: dict[str, Any] = {
        **constants, "FIELDS": tuple(model.model_fields), "RANK": TYPE_ORDER[kind], "REMEMBERED": _MAX_REMEMBERED,
        "utc_second": UTC_SECOND, "from_iso": datetime.fromisoformat, "new": object.__new__,
        "put": object.__setattr__, "partial": functools.partial, "built": built, "passes": passes,
    }
    values = constants.pop("VALUES")
    source = _TEMPLATE.format(fields=check, values=values, mapping=mapping(model, "moment", values))
    exec(compile(source, f"<checking {kind}>", "exec"), namespace)
    made: Callable[..., tuple[MakeEvent, MakeRecord]] = namespace["make"]
    return made


def values_of(kind: str) -> Callable[[datetime, tuple[Any, ...]], dict[str, Any]]:
    """A function that gives the ``__dict__`` of an event of this type from its instant and the values of its
    other fields in the model's order (a record's), written as a dict display (faster than zipping names)."""
    model = EVENT_TYPES[kind]
    rest = tuple(f"v{number}" for number in range(len(model.model_fields) - 2))
    display = f"({', '.join(rest)}{',' if len(rest) == 1 else ''})"
    source = f"def values(at, rest):\n    {', '.join(rest)}{',' if len(rest) == 1 else ''} = rest\n" \
             f"    return {mapping(model, 'at', display)}\n"
    namespace: dict[str, Any] = {"KIND": kind}
    exec(compile(source, f"<values of {kind}>", "exec"), namespace)
    made: Callable[[datetime, tuple[Any, ...]], dict[str, Any]] = namespace["values"]
    return made


_MAKERS: dict[str, Callable[..., tuple[MakeEvent, MakeRecord]] | None] = {}


def maker(kind: str) -> Callable[..., tuple[MakeEvent, MakeRecord]] | None:
    """The ``make`` function of an event type (written and compiled when first needed), or None."""
    if kind not in _MAKERS:
        _MAKERS[kind] = _compiled(kind)
    return _MAKERS[kind]


class _Checkers(dict[str, Any]):
    """The checking functions of each event type, made once the type has been met ``warm`` times (making them
    costs about as much as checking a few hundred events the other way, and a small scenario never pays it);
    None until then, and for a type without one or that does not exist."""

    def __init__(self, made: Callable[[str], tuple[MakeEvent, MakeRecord] | None], which: int, warm: int) -> None:
        super().__init__()
        self._made, self._which, self._warm = made, which, warm
        self._met: dict[str, int] = {}

    def __missing__(self, kind: str) -> Any:
        if kind not in EVENT_TYPES:
            return None
        met = self._met[kind] = self._met.get(kind, 0) + 1
        if met <= self._warm:
            return None
        both = self._made(kind)
        self[kind] = None if both is None else both[self._which]
        return self[kind]


class PlainChecker:
    """The generated checking functions of every event type, for one actor registry and one window.
    ``events[kind](raw)`` and ``records[kind](raw, line)`` give the event or its record, or None."""

    def __init__(self, actors: ActorRegistry | None, first: datetime, limit: datetime, *,
                 warm: int | None = None) -> None:
        self._actors = actors
        self._names: dict[str, str] = {}  # actor spellings -> ids
        self._window = (instant_key(first), instant_key(limit))
        self._made: dict[str, tuple[MakeEvent, MakeRecord] | None] = {}
        warm = WARM_EVENTS if warm is None else warm
        self.events = _Checkers(self._make, 0, warm)
        self.records = _Checkers(self._make, 1, warm)

    def _make(self, kind: str) -> tuple[MakeEvent, MakeRecord] | None:
        if kind not in self._made:
            make = maker(kind) if self._actors is not None else None
            self._made[kind] = None if make is None else make(*self._window, self._names, self._actor)
        return self._made[kind]

    def event(self, raw: Any) -> Event | None:
        """The event ``model_validate`` would give for ``raw`` (its instant in the common form, inside the
        window), or None: ask the next checker."""
        if raw.__class__ is not dict:
            return None
        kind = raw.get("type")
        make = self.events[kind] if kind.__class__ is str else None
        return make(raw) if make is not None else None

    def _actor(self, name: Any) -> str | None:
        if self._actors is None:
            return None
        return self._actors.remembered(name, self._names, limit=_MAX_REMEMBERED, accept=_plain_id)
