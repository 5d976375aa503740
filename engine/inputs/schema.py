"""The event vocabulary as documentation and as JSON Schema, both generated from the models.

``obligations events`` prints the vocabulary as a Markdown table (the table in docs/scenarios.md is this output, and a
test keeps them equal); ``obligations schema`` prints a JSON Schema for scenario files, so that an editor can
check a scenario as it is typed.
"""

from __future__ import annotations

import json
from enum import Enum
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, create_model

from .actors import ActorRegistry
from .vocabulary import EVENT_TYPES, Event

COMMON = ("at", "id", "incident", "location", "note")


def _type_name(annotation: Any) -> str:
    origin = get_origin(annotation)
    args = [a for a in get_args(annotation) if a is not type(None)]
    if origin is Literal:
        return " | ".join(map(str, get_args(annotation)))
    if origin is Annotated:
        return _type_name(args[0])
    if origin in (Union,) or (origin is not None and str(origin) == "<class 'types.UnionType'>"):
        return " | ".join(_type_name(a) for a in args)
    if origin is tuple:
        return f"list of {_type_name(args[0])}"
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return " / ".join(f"`{m.value}`" for m in annotation)
    return getattr(annotation, "__name__", str(annotation))


def _as_written(value: Any) -> str:
    """A default as a user writes it in a scenario: ``minusma``, ``[i, ii, iii]``."""
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(_as_written(v) for v in value) + "]"
    return str(value)


def _field_text(model: type[Event], name: str) -> str:
    info = model.model_fields[name]
    kind = "actor" if name in model.actor_fields else _type_name(info.annotation)
    required = info.is_required()
    text = f"`{name}`" + ("" if required else "?") + f" ({kind})"
    if not required and info.default not in (None, ()):
        text += f", default {_as_written(info.default)}"
    if info.description and info.description != "an actor's name, alias or id":
        text += f": {info.description}"
    return text


def vocabulary_markdown() -> str:
    """The event types and their fields, as a Markdown table (``?`` marks an optional field)."""
    lines = [
        "| type | what it is | fields |",
        "| --- | --- | --- |",
    ]
    for name, model in EVENT_TYPES.items():
        fields = [f for f in model.model_fields if f not in ("type", *COMMON)]
        doc = " ".join((model.__doc__ or "").split())
        lines.append(f"| `{name}` | {doc} | {'; '.join(_field_text(model, f) for f in fields) or '-'} |")
    common = "; ".join(_field_text(Event, f) for f in COMMON)
    lines.append("")
    lines.append(f"Every event also has: {common}.")
    return "\n".join(lines) + "\n"


def scenario_schema(actors: ActorRegistry) -> dict[str, Any]:
    """JSON Schema of a scenario file, events discriminated by ``type``."""
    event_models = tuple(EVENT_TYPES.values())
    names = sorted({n for a in actors.by_id.values() for n in (a.id, a.name, *a.aliases)})
    Events = Annotated[Union[event_models], Field(discriminator="type")]  # type: ignore[valid-type,unused-ignore]  # noqa: UP007
    fields: dict[str, Any] = {
        "name": (str, Field(description="a sentence saying what the scenario shows")),
        "description": (str | None, None),
        "start": (str | None, Field(default=None, description="first day (YYYY-MM-DD); default: the adoption")),
        "until": (str | None, Field(default=None, description="last day (YYYY-MM-DD); default: the mandate's end")),
        "assumptions": (dict[str, Any], Field(default_factory=dict, description="`obligations assumptions`")),
        "extends": (str | None, Field(default=None, description="a base scenario this one varies (a path)")),
        "remove": (list[str], Field(default_factory=list, description="ids of the base's events to drop")),
        "shift": (dict[str, dict[str, int]], Field(default_factory=dict,
                                                   description="move base events: {id: {days: 7}}")),
        "events": (list[Events], Field(default_factory=list)),  # type: ignore[valid-type,unused-ignore]
        "events_from": (str | None, Field(default=None, description="an event log beside this file (.jsonl, "
                                          ".ndjson or .csv): more events, merged with `events`")),
        "expect": (dict[str, Any] | None, None),
    }
    model: type[BaseModel] = create_model(  # type: ignore[call-overload,unused-ignore]
        "Scenario", __config__=ConfigDict(extra="forbid"), **fields
    )
    schema = model.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Scenario for the obligations engine"
    schema.setdefault("$defs", {})["ActorName"] = {"type": "string", "examples": names,
                                                   "description": "an actor's name, alias or id, any case"}
    return schema


def schema_json(actors: ActorRegistry) -> str:
    return json.dumps(scenario_schema(actors), indent=2, sort_keys=True) + "\n"
