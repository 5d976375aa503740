"""The error a sweep raises for a mistake in its file, its database or its options (exit 2, ``path:line``)."""

from __future__ import annotations

from ..errors import InputError


class SweepError(InputError):
    """A sweep file, database or option is wrong; ``str(error)`` is ``path:line: what is wrong``."""
