"""Records of events, and sorted runs of them on disk for logs too long to sort in memory.

An event log keeps each event as a record (:data:`~engine.inputs.plaincheck.Record`), a plain tuple: its instant as
ISO text in UTC, its type order and id (so that records sort as tuples in the engine's
processing order, then by line), its line, its type, its other field values in the model's order and the fields it
was given (one frozenset object per distinct set, which pickle then writes once per batch). Pickling a pydantic
model goes through its Python ``__getstate__``/``__setstate__`` and pickles an aware datetime per event, which
costs more than validating it; a record costs a fraction of that, in memory and on disk.

The event is built from its record when the replay reads it, as the light instance of its model
(:mod:`engine.light`: its ``__dict__`` in field order and ``fields_set``, as pydantic's validator would leave them),
without validating again and without pydantic: the values were validated when the log was read.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..light import Light, light_class, make
from .catalogue import spec
from .eventtypes import TYPE_ORDER
from .plaincheck import Record, instant_key, values_of

if TYPE_CHECKING:
    from .vocabulary import Event

BATCH_EVENTS = 1_000  # records pickled together in a run file
_SHAPES: dict[str, tuple[type[Light], Callable[[datetime, tuple[Any, ...]], dict[str, Any]]]] = {}
_from_iso = datetime.fromisoformat


def write_run(records: list[Record], path: Path) -> Path:
    """Sort ``records`` in processing order and write them to ``path`` in batches of :data:`BATCH_EVENTS`."""
    records.sort()
    with path.open("wb") as handle:
        for start in range(0, len(records), BATCH_EVENTS):
            pickle.dump(records[start:start + BATCH_EVENTS], handle, protocol=pickle.HIGHEST_PROTOCOL)
    return path


def read_run(path: Path) -> Iterator[Record]:
    """The records of a run, in the order written."""
    with path.open("rb") as handle:
        while True:
            try:
                batch: list[Record] = pickle.load(handle)
            except EOFError:
                return
            yield from batch


def record_of(event: Event, line: int) -> Record:
    """The record of a validated event (with its id), read at ``line``."""
    values = event.__dict__
    fields = frozenset(event.__pydantic_fields_set__)
    assert event.id is not None
    return (instant_key(values["at"]), TYPE_ORDER[event.type], event.id, line, values["type"],
            tuple(values.values())[2:], fields)


def event_of(record: Record) -> Event:
    """The event of a record, as the light instance of its model."""
    instant, _, _, _, kind, rest, fields = record
    shape = _SHAPES.get(kind)
    if shape is None:
        found = spec(kind)
        assert found.fields[:3] == ("type", "at", "id")  # the records' layout
        shape = _SHAPES[kind] = (light_class(found), values_of(kind))
    cls, values = shape
    return make(cls, values(_from_iso(instant + "+00:00"), rest), set(fields))  # type: ignore[return-value]
