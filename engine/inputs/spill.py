"""Sorted runs of events on disk, for logs too long to sort in memory: written as plain tuples, read back as the
same event models.

Pickling a pydantic model goes through its Python ``__getstate__``/``__setstate__`` and pickles an aware datetime
per event, which costs more than validating it. A run holds each event as a tuple instead: its type, its instant
as whole microseconds since the epoch, its other field values in the model's order and the fields it was given
(one frozenset object per distinct set, which pickle then writes once per batch). Reading builds each model the
way pydantic's own validator leaves it (its ``__dict__`` in field order, ``fields_set``, no extra and no private
attributes), without validating again: the values were validated when the log was read.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from .vocabulary import EVENT_TYPES, Event, sort_key

BATCH_EVENTS = 1_000  # events pickled together in a run file
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_FIELDS = {kind: tuple(model.model_fields) for kind, model in EVENT_TYPES.items()}
_new = object.__new__
_set = object.__setattr__
Record = tuple[str, int, tuple[Any, ...], frozenset[str]]

assert all(fields[:2] == ("type", "at") for fields in _FIELDS.values())  # the record's layout relies on it


def write_run(events: list[Event], path: Path) -> Path:
    """Sort ``events`` in processing order and write them to ``path`` in batches of :data:`BATCH_EVENTS`."""
    events.sort(key=sort_key)
    given: dict[frozenset[str], frozenset[str]] = {}  # one object per distinct fields_set
    with path.open("wb") as handle:
        for start in range(0, len(events), BATCH_EVENTS):
            batch = [_record(event, given) for event in events[start:start + BATCH_EVENTS]]
            pickle.dump(batch, handle, protocol=pickle.HIGHEST_PROTOCOL)
    return path


def read_run(path: Path) -> Iterator[Event]:
    """The events of a run, in the order written."""
    with path.open("rb") as handle:
        while True:
            try:
                batch: list[Record] = pickle.load(handle)
            except EOFError:
                return
            yield from map(_event, batch)


def _record(event: Event, given: dict[frozenset[str], frozenset[str]]) -> Record:
    values = event.__dict__
    fields = frozenset(event.__pydantic_fields_set__)
    return (values["type"], (values["at"] - _EPOCH) // _MICROSECOND, tuple(values.values())[2:],
            given.setdefault(fields, fields))


def _event(record: Record) -> Event:
    kind, micros, rest, fields = record
    event = _new(EVENT_TYPES[kind])
    _set(event, "__dict__", dict(zip(_FIELDS[kind], (kind, _EPOCH + micros * _MICROSECOND, *rest), strict=True)))
    _set(event, "__pydantic_fields_set__", set(fields))
    _set(event, "__pydantic_extra__", None)
    _set(event, "__pydantic_private__", None)
    return event
