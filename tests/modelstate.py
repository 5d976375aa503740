"""What tells two validated values apart, for the tests that compare a fast checking path with pydantic's own:
the model (a light instance stands for its model: :mod:`engine.light`), every field's type and value in order,
the fields given, extra and private attributes, and an instant's time zone object."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from engine.light import Light


def state(value: Any) -> Any:
    """``value`` as a comparable structure that differs whenever the two values differ in any of the above."""
    if isinstance(value, BaseModel | Light):
        model = (value._spec.module, value._spec.name) if isinstance(value, Light) else (
            type(value).__module__, type(value).__qualname__)
        return (model, [(name, state(item)) for name, item in value.__dict__.items()],
                sorted(value.__pydantic_fields_set__), value.__pydantic_extra__, value.__pydantic_private__)
    if isinstance(value, tuple | list):
        return (type(value), [state(item) for item in value])
    if isinstance(value, dict):
        return (type(value), [(key, state(item)) for key, item in value.items()])
    return (type(value), value, id(getattr(value, "tzinfo", None)))
