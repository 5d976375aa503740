"""Validating one event at a time: the same checks whether the event comes from a scenario file or an event log.

An :class:`EventChecker` knows the scenario's window and the actor registry. It turns one raw mapping into a
validated :class:`~engine.inputs.vocabulary.Event` (with a derived id when it has none) or raises a located
:class:`~engine.errors.ScenarioError`. Lines are looked up only for the error: the caller passes a function that
gives the :class:`~engine.inputs.sources.LineMap` of the event's source when asked.

The generated plain checkers (:mod:`.plaincheck`) answer first, with no pydantic; only what they leave goes to the
trimmed validators (:mod:`.fastcheck`) and then to ``model_validate``, which import pydantic when first needed.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from ..dates import end_of, start_of
from ..errors import ScenarioError
from .eventtypes import has_offset
from .plaincheck import PlainChecker
from .sources import LineMap, first_error

if TYPE_CHECKING:
    from .fastcheck import FastChecker
    from .registry import ActorRegistry
    from .vocabulary import Event

Lines = Callable[[], LineMap]


def full_digest(raw: Any) -> str:
    """The SHA-256 of an event's content (everything but ``id``), written canonically."""
    if not isinstance(raw, dict):
        return ""
    import hashlib  # here: only events without an id need it (importing it loads OpenSSL)

    content = json.dumps({k: v for k, v in sorted(raw.items()) if k != "id"}, sort_keys=True, default=str)
    return hashlib.sha256(content.encode()).hexdigest()


def auto_id(event: Event, raw: dict[str, Any], *, digits: int = 6) -> str:
    """An id derived from an event's type, day and content: the same event always gets the same id. Six hex digits
    of the content's digest; a scenario gives the whole digest (64) to a different event whose six agree with an
    earlier one's, so that different events never share an id."""
    return f"{event.type}-{event.at.strftime('%Y%m%d')}-{full_digest(raw)[:digits]}"


class EventChecker:
    """Validates the events of one scenario against its window and the actor registry."""

    def __init__(self, *, path: str, actors: ActorRegistry, start: date, until: date) -> None:
        self.path = path
        self.start, self.until = start, until
        self.first, self.limit = start_of(start), end_of(until)
        self.context = {"actors": actors}
        self.plain = PlainChecker(actors, self.first, self.limit)
        self._fast: FastChecker | None = None  # made when first needed (it imports pydantic)
        self.offsets: set[bool] = set()  # whether the date-times seen so far carry a UTC offset

    @property
    def fast(self) -> FastChecker:
        """The trimmed validators, for what the plain checkers leave."""
        if self._fast is None:
            from .fastcheck import FastChecker

            self._fast = FastChecker(self.context["actors"])
        return self._fast

    @fast.setter
    def fast(self, checker: FastChecker) -> None:
        self._fast = checker

    def error(self, message: str, lines: Lines, loc: tuple[Any, ...], *, path: str | None = None) -> ScenarioError:
        return ScenarioError(message, path=path or self.path, line=lines().line_of(loc))

    def check(self, raw: Any, lines: Lines, loc: tuple[Any, ...], *, path: str | None = None) -> tuple[Event, bool]:
        """The validated event and whether its id was given (else derived from its content)."""
        # the common event, checked in plain Python; else pydantic-core; else pydantic
        found = self.plain.event(raw) or self.fast.event(raw) or self._validated(raw, lines, loc, path=path)
        event, aware = found[0], found[1]
        if aware is not None and aware not in self.offsets:
            self.offsets.add(aware)
            if len(self.offsets) > 1:
                raise self.error("this file mixes date-times with and without a UTC offset; give all an offset "
                                 "(e.g. Z) or none", lines, (*loc, "at"), path=path)
        if not self.first <= event.at < self.limit:
            raise self.error(f"event at {event.at.isoformat()} is outside the scenario's window {self.start} to "
                             f"{self.until} (set `start`/`until` to widen it)", lines, (*loc, "at"), path=path)
        if event.id is not None:
            return event, True
        object.__setattr__(event, "id", auto_id(event, raw))  # frozen model or light instance; cheaper than copying
        event.__pydantic_fields_set__.add("id")
        return event, False

    def _validated(self, raw: Any, lines: Lines, loc: tuple[Any, ...], *,
                   path: str | None) -> tuple[Event, bool | None]:
        """The event as pydantic validates it (the single source of error wording), and whether its instant
        has an offset."""
        from pydantic import ValidationError

        from .vocabulary import EVENT_TYPES

        if not isinstance(raw, dict):
            raise self.error("an event is a mapping with `at`, `type` and its fields", lines, loc, path=path)
        kind = raw.get("type")
        model = EVENT_TYPES.get(kind) if isinstance(kind, str) else None
        if model is None:
            close = difflib.get_close_matches(str(kind), list(EVENT_TYPES), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; known types: {', '.join(EVENT_TYPES)}"
            what = "an event needs a `type`" if kind is None else f"unknown event type {kind!r}"
            raise self.error(what + hint, lines, (*loc, "type"), path=path)
        try:
            event = model.model_validate(raw, context=self.context)
        except ValidationError as exc:
            raise first_error(exc, path=path or self.path, lines=lines(), prefix=loc,
                              error_type=ScenarioError) from None
        return event, has_offset(raw.get("at"))
