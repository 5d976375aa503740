"""Writing the plain-Python checkers of the event types, from each model's own pydantic-core schema.

For each event type, this module walks the model's core schema (the one ``model_validate`` runs) and writes the
source of a Python function that checks a raw mapping against it: the keys (no field that the model does not have,
every required one), and for each field what its schema says — text with its lengths and its pattern, an enum of
text stored by its value, a whole number with its bounds, a tuple of such items, ``None`` where the field takes it,
the default where the field is absent, an actor name resolved by the registry, the instant (in the common form
``YYYY-MM-DDTHH:MM:SSZ`` directly, in another form as the model reads it). The constraints are read from the schema,
never written here a second time. The model's own validators (``model_validator(mode="after")``) run on the event,
as pydantic runs them; they are plain functions (:mod:`.eventtypes`), so that what is written needs no pydantic.

What is written (:class:`~engine.inputs.checkcache.Written`: the source, the constants it names, the spec of the
event's light class) is compiled and run by :mod:`.plaincheck`, and kept on disk by :mod:`.catalogue`. Any part
of a schema this module does not know leaves the whole event type to the other checkers.
"""

from __future__ import annotations

import marshal
import operator
import re
from typing import Any

from ..light import spec_of
from .checkcache import Catalogue, Written
from .fastcheck import INSTANT, model_schema
from .plainevents import mapping
from .vocabulary import EVENT_TYPES, Event, _ActorValidator

_PLAIN_PATTERN = re.compile(r"\^[A-Za-z0-9 ._:/\-\[\]{},*+?()|]*\$").fullmatch  # no escapes, no inner anchors
_NO_BOOLEAN = Event._no_boolean_figures.__func__  # type: ignore[attr-defined]
_BY_VALUE = repr(operator.attrgetter("value"))


class _Unknown(Exception):
    """A part of a schema this module does not know: the event type is left to the other checkers."""


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
            run = _class_run(pattern)
            if run is not None:  # a character, then a run of characters, each of a class: checked without re
                first, rest, low, high = run
                self.emit(depth, f"if not {low + 1} <= len({var}) <= {high + 1} or {var}[0] not in "
                                 f"{self.constant(first)} or {var}.strip({self.constant(rest)}): return None")
                return
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


_CLASS_RUN = re.compile(r"\^\[([ -Z^-~]+)\]\[([ -Z^-~]+)\]\{(\d+),(\d+)\}\$").fullmatch  # ^[..][..]{m,n}$
_ASCII = [chr(code) for code in range(128)]


def _class_run(pattern: str) -> tuple[frozenset[str], str, int, int] | None:
    """For a pattern ``^[A][B]{m,n}$`` whose classes are plain ASCII (no negation, no set operation): the
    characters of A, those of B, m and n, such that a text matches exactly when its length is 1 + m to 1 + n, its
    first character is in A and stripping B's characters leaves nothing (so A must lie within B); else None. Each
    class's characters are those Python's ``re`` matches among ASCII (a class written in ASCII matches nothing
    else)."""
    found = _CLASS_RUN(pattern)
    if found is None:
        return None
    first, rest, low, high = found.groups()
    if any(part.startswith("^") or "&&" in part or "--" in part or "~~" in part for part in (first, rest)):
        return None
    first_set = frozenset(c for c in _ASCII if re.fullmatch(f"[{first}]", c))
    rest_set = frozenset(c for c in _ASCII if re.fullmatch(f"[{rest}]", c))
    if not first_set or not first_set <= rest_set or int(low) > int(high):
        return None
    return first_set, "".join(sorted(rest_set)), int(low), int(high)


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
    out.constants.update(KIND=kind, KEYS=frozenset(names), AFTER=tuple(after))
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
def make(first, limit, names, actor, instant):
    given = {{}}  # the keys of the rows met so far (in their order), each checked once, to the set of them
    sets = {{}}  # the sets of fields given met so far (subsets of the model's fields)

    proto = new(LIGHT)  # an instance that the model's validators see, given each record's values in turn

    whole = len(first) == len(limit) == 19  # a window of whole seconds: the common form compares as its text

    def after(values, fields):
        set_dict(proto, values)
        set_fields(proto, set(fields))
        return passes(AFTER, proto)

    def event(row):
        if not KEYS.issuperset(row): return None
        at = row.get('at')
        if at.__class__ is not str: return None
        if len(at) == 20 and at[4:20:3] == "--T::Z":  # YYYY-MM-DDTHH:MM:SSZ once from_iso reads it (the digits)
            if not (first <= at < limit if whole else first <= at[:19] < limit): return None
            try:
                moment = from_iso(at)
            except ValueError:
                return None
            aware = True
        else:
            found = instant(at)  # another form: read as the model reads it, inside the window, or None
            if found is None: return None
            moment, aware = found
{fields}
        made = new(LIGHT)  # the light instance (as engine.light.make makes it), if the model's validators take it
        set_dict(made, {mapping})
        set_fields(made, set(row))
        if AFTER and not passes(AFTER, made): return None
        return made, aware, v0, moment

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
        if at.__class__ is not str or len(at) != 20 or at[4:20:3] != "--T::Z": return None
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


def written(kind: str) -> Written | None:
    """The checking functions of an event type, written, or None when its schema holds something this module
    does not know (or there is no such type)."""
    model = EVENT_TYPES.get(kind)
    if model is None:
        return None
    try:
        check, constants = _source(model, kind)
    except _Unknown:
        return None
    if tuple(model.model_fields)[2] != "id":
        return None  # the record keeps the id where the model puts it
    spec = spec_of(model)
    values = constants.pop("VALUES")
    source = _TEMPLATE.format(fields=check, values=values, mapping=mapping(spec.fields, "moment", values))
    code = marshal.dumps(compile(source, f"<checking {kind}>", "exec"))
    return Written(kind, source, code, constants, spec)


def catalogue_of_events() -> Catalogue:
    """Every event type's checking functions and light class, and the fields that take lists (without the plans
    of the scenario's top level)."""
    return Catalogue(events={kind: written(kind) for kind in EVENT_TYPES},
                     specs={kind: spec_of(model) for kind, model in EVENT_TYPES.items()}, list_fields=list_fields(),
                     plans={})


def list_fields() -> frozenset[str]:
    """The event fields that take a list (a CSV log's cells split at ``;``)."""
    return frozenset(name for model in EVENT_TYPES.values() for name, info in model.model_fields.items()
                     if "tuple" in str(info.annotation))
