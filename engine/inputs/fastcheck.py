"""Validating the common event without calling back into Python for each field, and never differently.

Validating an event with ``model_validate`` calls back into Python for its instant (``parse_instant``) and for
each actor it names (the registry's ``resolve``): those calls cost more than the rest of the validation. This
module builds, for each event model, a second pydantic-core validator from the model's own core schema with those
two callbacks taken out; everything else (keys, types, patterns, lengths, enums, ranges, the model's own
validators) is pydantic's own, unchanged; the event is the light instance (:mod:`engine.light`) of the values it
leaves. Before validating, it resolves the instant
and the actors itself, in Python, with the same functions and bounded caches (an instant in the common form
``YYYY-MM-DDTHH:MM:SSZ`` is parsed directly), and puts their results where the callbacks would have put them.

It only ever answers "valid, and here is the event" or "not sure". A value the callbacks would refuse (an
unknown actor, a malformed instant, a name that is not text), and every event the trimmed validator refuses, goes
back to ``model_validate``, which stays the single source of error wording and of the edge cases. A callback this
module does not know stays in the trimmed validator and runs as before. ``tests/test_fastcheck.py`` checks with
generated events, valid and not, that the answer is pydantic's.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, cast

from pydantic import ValidationError
from pydantic_core import SchemaError, SchemaValidator

from ..light import light_class, spec_of
from .actors import ActorRegistry
from .plainevents import UTC_SECOND, built
from .vocabulary import EVENT_TYPES, Event, _ActorValidator, has_offset, parse_instant

_MAX_REMEMBERED = 4096  # instants and actor spellings remembered per checker
INSTANT = Event._instant.__func__  # type: ignore[attr-defined]  # the function that reads an event's `at`
_from_iso = datetime.fromisoformat


def _trimmed(schema: Any, found: dict[str, list[str]], field: str | None = None) -> Any:
    """A copy of a core schema without the Python callbacks of the instant, the actors and the enums stored by
    value; ``found`` collects the fields that lost each (``"actor"``, ``"enum"``). The instant's and the actors'
    inner schemas stay; an enum of text stored by value (``use_enum_values``: the enum, then ``attrgetter('value')``
    in Python) becomes the literal of its values, which gives the same text for the exact strings that
    :meth:`FastChecker.event` lets through to it."""
    if isinstance(schema, list):
        return [_trimmed(item, found, field) for item in schema]
    if not isinstance(schema, dict):
        return schema
    kind = schema.get("type")
    if kind == "function-before" and field is not None:
        function = schema["function"].get("function")
        if isinstance(function, _ActorValidator):
            found["actor"].append(field)
            return _trimmed(schema["schema"], found, field)
        if getattr(function, "__func__", None) is INSTANT and field == "at":
            return _trimmed(schema["schema"], found, field)
    if kind == "function-after" and field is not None and _by_value(schema):
        found["enum"].append(field)
        return {"type": "literal", "expected": [member.value for member in schema["schema"]["members"]]}
    if kind == "model-fields":
        return {**schema, "fields": {name: _trimmed(value, found, name) for name, value in schema["fields"].items()}}
    if kind == "tuple":  # items of a tuple keep their own validators (exact strings are not checked there)
        return schema
    return {key: _trimmed(value, found, field) for key, value in schema.items()}


def _by_value(schema: dict[str, Any]) -> bool:
    """Whether a schema is an enum of text stored by its value."""
    function, inner = schema["function"], schema["schema"]
    return (function.get("type") == "no-info" and repr(function.get("function")) == "operator.attrgetter('value')"
            and inner.get("type") == "enum" and inner.get("sub_type") == "str"
            and "missing" not in inner and not inner.get("strict")
            and all(type(member.value) is str for member in inner["members"]))


def model_schema(model: type[Event]) -> tuple[Any, list[Callable[[Any], Any]]]:
    """A model's core schema (built now if its building was deferred) under its own validators
    (``model_validator(mode="after")``), and those validators, innermost first."""
    model.model_rebuild()  # builds the model's schema if its building was deferred; else nothing
    schema: Any = model.__pydantic_core_schema__
    after: list[Callable[[Any], Any]] = []
    while schema["type"] == "function-after" and schema["function"]["type"] == "no-info":
        after.insert(0, schema["function"]["function"])
        schema = schema["schema"]
    return schema, after


class _Model:
    """One event type: a validator of its fields without the two callbacks, the model validators to run after
    it, and the fields that name actors."""

    def __init__(self, model: type[Event]) -> None:
        schema, self.after = model_schema(model)
        if (schema["type"] != "model" or schema["cls"] is not model or schema.get("custom_init")
                or schema.get("root_model") or schema.get("post_init") or schema["schema"]["type"] != "model-fields"):
            raise TypeError(f"{model.__name__}: a model schema of a kind this module does not know")
        if "definition-ref" in repr(schema):  # an enum replaced below might be referred to elsewhere
            raise TypeError(f"{model.__name__}: a model schema with shared definitions")
        self.model, self.light = model, light_class(spec_of(model))
        found: dict[str, list[str]] = {"actor": [], "enum": []}
        # a validator of the model's fields alone: one of the whole model would be pydantic's own, reused
        self.validate: Callable[[Any], tuple[dict[str, Any], Any, set[str]]] = SchemaValidator(
            _trimmed(schema["schema"], found), schema.get("config")).validate_python
        self.actor_fields, self.enum_fields = tuple(found["actor"]), tuple(found["enum"])

    def build(self, values: dict[str, Any], fields_set: set[str]) -> Event | None:
        """The light instance of the model with the values pydantic's validator leaves, after the model's
        validators (None if one refuses it)."""
        return cast("Event | None", built(self.light, self.after, values, fields_set))


class _Models(dict[str, _Model | None]):
    """The trimmed validators, built for each event type when first needed (they do not depend on the
    registry)."""

    def __missing__(self, kind: str) -> _Model | None:
        try:
            model: _Model | None = _Model(EVENT_TYPES[kind])
        except (TypeError, KeyError, SchemaError):
            model = None  # a schema this module does not know: the type always goes through pydantic
        self[kind] = model
        return model


_MODELS = _Models()


class FastChecker:
    """Trimmed validators of every event type, for one actor registry."""

    def __init__(self, actors: ActorRegistry | None) -> None:
        self._actors = actors
        self._names: dict[str, str] = {}  # actor spellings -> ids
        self._instants: dict[str, tuple[datetime, bool | None]] = {}  # other forms of instants, parsed

    def event(self, raw: Any) -> tuple[Event, bool | None] | None:
        """The event ``model_validate`` would give for ``raw`` and whether its instant has an offset (as
        :func:`~engine.inputs.vocabulary.has_offset` says), or None: ask pydantic."""
        if raw.__class__ is not dict:
            return None
        kind, at = raw.get("type"), raw.get("at")
        if kind.__class__ is not str or kind not in EVENT_TYPES or at.__class__ is not str:
            return None
        model = _MODELS[kind]
        if model is None:
            return None
        aware: bool | None = True
        if len(at) == 20 and UTC_SECOND(at):
            try:
                instant: datetime | None = _from_iso(at)  # aware, in UTC: what parse_instant gives for this form
            except ValueError:
                return None
        else:
            instant, aware = self._instant(at)
            if instant is None:
                return None
        ready = dict(raw)
        ready["at"] = instant
        names = self._names
        for field in model.actor_fields:
            name = ready.get(field)
            if name is None:
                continue  # absent, or null (which the field refuses or takes before any validator runs)
            actor = names.get(name) if name.__class__ is str else None
            if actor is None:
                actor = self._actor(name)
                if actor is None:
                    return None
            ready[field] = actor
        for field in model.enum_fields:
            value = ready.get(field)
            if value is not None and value.__class__ is not str:
                return None  # the literal that replaced the enum is checked on exact strings only
        try:
            values, extra, fields_set = model.validate(ready)
        except ValidationError:
            return None
        event = model.build(values, fields_set) if extra is None else None
        return None if event is None else (event, aware)

    def _actor(self, name: Any) -> str | None:
        if self._actors is None:
            return None
        return self._actors.remembered(name, self._names, limit=_MAX_REMEMBERED)

    def _instant(self, text: str) -> tuple[datetime | None, bool | None]:
        """An instant in another form than the common one, and whether it has an offset."""
        found = self._instants.get(text)
        if found is None:
            try:
                found = (parse_instant(text), has_offset(text))
            except ValueError:
                return None, None
            if len(self._instants) < _MAX_REMEMBERED:
                self._instants[text] = found
        return found
