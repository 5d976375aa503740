"""The plain parts of the rule format, importable without pydantic: its enumerations and name patterns, and the
readings of its values that the compiled pack and the replay use.

The rule format's models (:mod:`engine.rulepack.rulebook`) are built on these and re-export them. A rule pack is
held, once read and checked, as light instances of those models (:mod:`engine.light`), so that a run whose pack
comes from the cache need not import pydantic; code that reads a pack's values asks these functions rather than
the models' own methods (which would build the real model, and import pydantic, to answer) or ``isinstance``
against the models (which does not hold for light instances). Each function takes real and light instances
alike, and the models' methods are defined by them, so that the two readings cannot differ.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import StrEnum
from typing import Any, Protocol, TypeGuard

PARAGRAPH_ID = r"^\d{1,2}(\([a-z]\))?(\((i|ii|iii|iv|v|vi)\))?(\[\d\])?$"
NAME = r"^[a-z][a-z0-9_]*$"
ALIAS_REF = re.compile(r"^([a-z][a-z0-9_]*)\.([a-z_]+)$")
#: the units of a duration and the largest number of each (a hundred years)
DURATION_UNITS: dict[str, int] = {"days": 36_500, "weeks": 5_200, "months": 1_200}


class Force(StrEnum):
    """What the operative verb does to its addressees: bind, empower, make eligible, limit or exhort."""

    BINDING = "binding"  # Decides, Demands; Requests addressed to the Secretary-General or the mission
    EMPOWERING = "empowering"  # Authorizes
    EXHORTING = "exhorting"  # Urges, Calls upon, Encourages, Calls for
    DECLARATORY = "declaratory"  # Expresses its readiness, Affirms, Welcomes, Reiterates, Underlines…


class Kind(StrEnum):
    OBLIGATION = "obligation"
    AUTHORIZATION = "authorization"
    ELIGIBILITY = "eligibility"
    LIMIT = "limit"
    EXHORTATION = "exhortation"
    DECISION = "decision"


class ParamRefLike(Protocol):
    """What these readings take of a reference to a parameter (:class:`engine.rulepack.rulebook.ParamRef`)."""

    @property
    def param(self) -> str: ...


class DurationLike(Protocol):
    """What they take of a duration (:class:`engine.rulepack.rulebook.Duration`)."""

    @property
    def days(self) -> int | None: ...
    @property
    def weeks(self) -> int | None: ...
    @property
    def months(self) -> int | None: ...


class ClauseLike(Protocol):
    """What they take of a clause (:class:`engine.rulepack.rulebook.Clause`)."""

    @property
    def id(self) -> str: ...
    @property
    def verb(self) -> str: ...
    @property
    def force(self) -> Force: ...


class ParagraphLike(Protocol):
    """What they take of a paragraph (:class:`engine.rulepack.rulebook.Paragraph`)."""

    @property
    def clauses(self) -> Sequence[ClauseLike]: ...
    @property
    def verb(self) -> str: ...
    @property
    def force(self) -> Force: ...


def is_param(value: Any) -> TypeGuard[ParamRefLike]:
    """Whether a value of the rule format is a reference to a parameter (``{param: mandate_end}``), real or
    light."""
    return type(value).__name__ == "ParamRef"


def is_duration(value: Any) -> TypeGuard[DurationLike]:
    """Whether a value is a duration of the rule format, real or light."""
    return type(value).__name__ == "Duration"


def describe(duration: DurationLike) -> str:
    """A duration in words: '3 days', '1 month'."""
    for unit, value in (("day", duration.days), ("week", duration.weeks), ("month", duration.months)):
        if value is not None:
            return f"{value} {unit}{'s' if value != 1 else ''}"
    raise AssertionError("unreachable")


def duration_fields(duration: DurationLike) -> dict[str, int]:
    """A duration as the mapping of its one unit (``{"months": 3}``), as its model dumps it without its unset
    units."""
    return {unit: value for unit, value in (("days", duration.days), ("weeks", duration.weeks),
                                            ("months", duration.months)) if value is not None}


def effect_name(effect: Any) -> str:
    """Which effect a rule's ``then`` item is (``grant``, ``open``...): the one field it was given; its body is
    that field's value."""
    name: str = next(iter(effect.__pydantic_fields_set__))
    return name


def reading(paragraph: ParagraphLike, clause_id: str | None) -> tuple[str, Force]:
    """The verb and force a rule, obligation or authorization of a paragraph reads with: its clause's, or the
    paragraph's when it names none."""
    found = next((c for c in paragraph.clauses if c.id == clause_id), None)
    return (found.verb, found.force) if found is not None else (paragraph.verb, paragraph.force)
