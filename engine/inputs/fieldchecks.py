"""The field validators of a scenario file's top-level models (:mod:`.header`), as plain functions: the models
run them, and so do the plain checks made from the models (:mod:`.plainmodel`), without pydantic."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any


def date_text(value: Any) -> Any:
    """An expected finding's date given as a date or date-time, as ISO text (its field validator)."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def one_line(value: str) -> str:
    """A scenario's name as one sentence: line breaks and runs of spaces become one space (its field validator)."""
    return " ".join(value.split())


def plain_day(value: Any) -> Any:
    """A window's day given as text, read as an ISO date (its field validator)."""
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"{value!r} is not a real date (YYYY-MM-DD)") from None
    return value
