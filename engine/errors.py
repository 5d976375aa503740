"""The one error hierarchy of the engine.

Every error the engine raises on purpose derives from :class:`EngineError`. Errors about a user's input
(a scenario, a rule file, a command-line value) are :class:`InputError` and carry the file and, where known,
the line, so that the command-line interface can print the single line ``path:line: what is wrong``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


class EngineError(Exception):
    """Base of every error raised on purpose by the engine."""


class InputError(EngineError):
    """Something in a file or argument supplied by the user is wrong.

    ``str(error)`` is the one-line message ``path:line: message`` (``path: message`` when no line is known).
    """

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        self.message = message
        self.path = path
        self.line = line
        super().__init__(self.located())

    def located(self) -> str:
        where = self.path or "<input>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}"


@contextmanager
def reported_as(error_type: type[InputError]) -> Iterator[None]:
    """Within the block, an :class:`InputError` about a file itself (unreadable, not YAML or JSON) is raised again
    as ``error_type``, with the same place and words; an ``error_type`` error passes through as it is."""
    try:
        yield
    except error_type:
        raise
    except InputError as exc:
        raise error_type(exc.message, path=exc.path, line=exc.line) from None


class ScenarioError(InputError):
    """A scenario file is malformed or names something that does not exist."""


class RuleError(InputError):
    """A rule file is malformed, refers to something undefined, or exceeds a durable-rules limit."""


class MatcherError(EngineError):
    """durable-rules failed or reported an error; the run is abandoned rather than giving a wrong answer."""
