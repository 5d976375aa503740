"""The models of a scenario file's top level: its header (name, window, assumptions, events, ``expect``) and the
findings and notes it expects.

They are the single definition of that format, of its JSON Schema and of its errors' wording. A file's top level
is checked by the plain checks made from these models (:mod:`.plainmodel`, which hold their values as light
instances without pydantic) and comes here only when those leave it: the models are built only then. Their field
validators are the plain functions of :mod:`.fieldchecks`, so that the plain checks need no pydantic either.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .fieldchecks import date_text, one_line, plain_day


class ExpectedFinding(BaseModel):
    """A finding a scenario expects: every field given must match; fields left out match anything."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)  # built when first used

    id: str | None = None
    paragraph: str | None = None
    rule: str | None = None
    kind: str | None = None
    subject: str | None = None
    status: str | None = None
    criterion: str | None = None
    incident: str | None = None
    opened: str | None = None
    due: str | None = None
    closed: str | None = None
    events: list[str] | None = None

    _date_text = field_validator("opened", "due", "closed", mode="before")(staticmethod(date_text))


class ExpectedNote(BaseModel):
    """A note a scenario expects (an event the resolution does not govern): every field given must match."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    kind: str | None = None
    paragraph: str | None = None
    rule: str | None = None
    event: str | None = None


class Expectations(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    findings: list[ExpectedFinding] = Field(default_factory=list)
    notes: list[ExpectedNote] | None = Field(
        default=None, description="the notes expected (of the paragraphs looked at); when given, no other may arise")
    paragraphs: list[str] | None = Field(
        default=None, description="look only at findings of these paragraphs (default: all)"
    )
    exhaustive: bool = Field(default=True, description="no finding beyond those listed may arise")


class Header(BaseModel):
    """A scenario file's top level."""

    model_config = ConfigDict(extra="forbid", defer_build=True)  # built only for what plain checks leave to it

    name: str = Field(min_length=3, max_length=300, description="a sentence saying what the scenario shows")
    _one_line = field_validator("name", mode="after")(staticmethod(one_line))
    description: str | None = None
    start: date | None = None
    until: date | None = None
    assumptions: dict[str, Any] = Field(default_factory=dict)
    events: list[Any] = Field(default_factory=list)
    events_from: str | None = Field(default=None, description="an event log (.jsonl or .csv), relative to this file")
    expect: Expectations | None = None

    _day = field_validator("start", "until", mode="before")(staticmethod(plain_day))
