"""Making validated events as light instances (:mod:`engine.light`): the pieces shared by the generated checkers
(:mod:`.plaincheck`, written by :mod:`.checkwriter`), the trimmed validators (:mod:`.fastcheck`) and the events
read back from a log's records (:mod:`.spill`). Nothing here imports pydantic."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ..light import Light, make

UTC_SECOND = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", re.ASCII).fullmatch  # the common event-log form

Validators = tuple[Callable[[Any], Any], ...] | list[Callable[[Any], Any]]


def built(cls: type[Light], after: Validators, values: dict[str, Any], fields_set: set[str]) -> Light | None:
    """A light instance of ``cls`` holding ``values`` (validated, in field order) and the fields given, if the
    model's validators ``after`` take it; else None."""
    event = make(cls, values, fields_set)
    return event if passes(after, event) else None


def passes(after: Validators, event: Any) -> bool:
    """Whether the model's validators ``after`` take ``event`` as it is: each returns the instance itself and
    raises nothing (anything else, pydantic says again in its own words)."""
    for validator in after:
        try:
            if validator(event) is not event:
                return False
        except Exception:
            return False
    return True


def mapping(names: tuple[str, ...], moment: str, rest: str) -> str:
    """The source of a dict display of an event's field values in its model's order (``names``): the type (the
    name ``KIND``), ``moment`` (the instant's expression) and the items of the tuple ``rest`` (an expression, or a
    tuple display)."""
    if rest.startswith("("):  # a tuple display: its items
        items = [item.strip() for item in rest.strip("(,)").split(",")]
    else:
        items = [f"{rest}[{number}]" for number in range(len(names) - 2)]
    return "{" + ", ".join([f"{names[0]!r}: KIND", f"{names[1]!r}: {moment}",
                            *(f"{name!r}: {item}" for name, item in zip(names[2:], items, strict=True))]) + "}"
