"""What tells two validated values apart, for the tests that compare a fast checking path with pydantic's own:
class, every field's type and value in order, the fields given, extra and private attributes, and an instant's
time zone object."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


def state(value: Any) -> Any:
    """``value`` as a comparable structure that differs whenever the two values differ in any of the above."""
    if isinstance(value, BaseModel):
        return (type(value), [(name, state(item)) for name, item in value.__dict__.items()],
                sorted(value.__pydantic_fields_set__), value.__pydantic_extra__, value.__pydantic_private__)
    if isinstance(value, tuple | list):
        return (type(value), [state(item) for item in value])
    if isinstance(value, dict):
        return (type(value), [(key, state(item)) for key, item in value.items()])
    return (type(value), value, id(getattr(value, "tzinfo", None)))
