"""A sample's scenario, built in memory from the base scenario parsed once (no file is read per sample).

Removed events are left out, shifted ones copied with their new instant, added ones validated once per set of
drawn fields (then copied with their instant), and the events sorted in the engine's processing order. The
assumptions are the base scenario's with the sample's on top.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from ..inputs.actors import ActorRegistry
from ..inputs.scenario import Scenario, sort_key
from ..inputs.sources import LineMap
from ..inputs.vocabulary import EVENT_TYPES, Event
from .errors import SweepError
from .sampling import SampleDraw, merged_assumptions
from .spec import Add, Sweep

MAX_ADDED_CACHE = 4_096  # validated added events kept per worker (distinct drawn fields)


class SampleBuilder:
    """Turns sample draws into scenarios, for one sweep."""

    def __init__(self, sweep: Sweep, actors: ActorRegistry) -> None:
        self.sweep = sweep
        self.actors = actors
        self._window = sweep.base.window
        self._added: dict[tuple[int, str], Event] = {}

    def _added_event(self, item: Add, fields: dict[str, Any], at: datetime) -> Event:
        key = (item.index, json.dumps(fields, sort_keys=True, default=str))
        event = self._added.get(key)
        if event is None:
            try:
                event = EVENT_TYPES[item.type].model_validate(
                    {**fields, "type": item.type, "id": item.event_id, "at": at}, context={"actors": self.actors})
            except ValidationError as exc:  # a value drawn between two checked extremes that the model refuses
                from ..inputs.sources import first_error

                error = first_error(exc, path=self.sweep.path, lines=LineMap(), error_type=SweepError)
                raise SweepError(f"add: a drawn event is invalid: {error.message}", path=self.sweep.path,
                                 line=item.line) from None
            if len(self._added) >= MAX_ADDED_CACHE:
                self._added.clear()
            self._added[key] = event
        return event if event.at == at else event.model_copy(update={"at": at})

    def scenario(self, draw: SampleDraw) -> Scenario:
        base = self.sweep.base
        first, limit = self._window
        events: list[Event] = []
        for event in base.events:
            if event.id in draw.removed:
                continue
            delta = draw.shifts.get(event.id or "")
            if delta is not None:
                moved = event.at + delta
                if not first <= moved < limit:
                    raise SweepError(f"sample {draw.number} moves {event.id} to {moved.isoformat()}, outside the base "
                                     "scenario's window", path=self.sweep.path)
                event = event.model_copy(update={"at": moved})
            events.append(event)
        for item, fields, at in draw.added:
            events.append(self._added_event(item, fields, at))
        events.sort(key=sort_key)
        return Scenario(path=f"{self.sweep.path}#sample-{draw.number}", name=self.sweep.name, description=None,
                        start=base.start, until=base.until, events=events,
                        assumptions=merged_assumptions(self.sweep, draw))
