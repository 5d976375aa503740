"""The named limits on what the engine reads: bytes per file and events per scenario.

They guard against runaway inputs (a file far larger than any real one, a log that never ends) and are
answered with exit 2 and one line before memory runs out. The defaults are generous; the command line raises
them (``--max-bytes``, ``--max-events``) and the library takes a :class:`Limits` (``Engine(limits=...)``).
They apply to the files read while a :func:`using` block is active (a context variable, so that a base scenario
read for a variant, or an event log, is held to the same limits).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

from ..record import Frozen

MIB = 1024 * 1024
DEFAULT_MAX_BYTES = 256 * MIB  # a YAML or JSON document, read whole: about 2 million events
DEFAULT_MAX_EVENTS = 10_000_000  # events of one scenario, in its file and its event log together
BYTES_PER_VALUE = 8  # a value of a document takes more than 8 bytes in any real file (key, value, punctuation)
MAX_LOG_LINE_BYTES = 1 * MIB  # one line of an event log (JSON Lines or CSV): one event, far smaller


class Limits(Frozen):
    """How much one replay may read."""

    _fields = ("max_bytes", "max_events")
    max_bytes: int  # bytes of one YAML or JSON file (scenario, base scenario)
    max_events: int  # events of one scenario, in the file and its event log together

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES, max_events: int = DEFAULT_MAX_EVENTS) -> None:
        if max_bytes < 1 or max_events < 1:
            raise ValueError("limits are positive")
        self.__dict__.update(max_bytes=max_bytes, max_events=max_events)

    @property
    def max_values(self) -> int:
        """Values (keys included) in one document: the bytes limit over :data:`BYTES_PER_VALUE`."""
        return max(1, self.max_bytes // BYTES_PER_VALUE)


_DEFAULT = Limits()
_CURRENT: ContextVar[Limits | None] = ContextVar("limits", default=None)


def current() -> Limits:
    """The limits in force."""
    return _CURRENT.get() or _DEFAULT


@contextlib.contextmanager
def using(limits: Limits | None) -> Iterator[Limits]:
    """Apply ``limits`` (or keep the ones in force, when None) inside the block."""
    if limits is None:
        yield current()
        return
    token = _CURRENT.set(limits)
    try:
        yield limits
    finally:
        _CURRENT.reset(token)
