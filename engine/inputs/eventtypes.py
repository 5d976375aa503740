"""The plain parts of the event vocabulary, importable without pydantic: the event types' names and processing
order, the enumerations fields take, the pattern of ids, the figures' bound, the reading of instants, and the
checks of whole events that some models make (as plain functions, so that the generated checkers can run them).

The event models themselves (:mod:`engine.inputs.vocabulary`) are built on these and re-export them; code that only
orders, names or dates events imports them from here, so that a run whose inputs are already checked need not
import pydantic. ``tests/test_vocabulary.py`` holds :data:`TYPE_ORDER` to the order of the models.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, Protocol

FIGURES = ("military", "police", "casualties")  # the event fields that are whole numbers
MAX_PERSONNEL = 10_000_000  # a deployment figure above this is a typing mistake, not a deployment
EVENT_ID = r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$"

#: Same-instant events are processed in this order (then by id): causes before what they enable — a threat
#: and a request before the intervention they authorize, an attack before the support given to it, reports
#: last so that they meet duties opened at the same instant. The models are listed in the same order
#: (:data:`engine.inputs.vocabulary.EVENT_TYPES`).
TYPE_ORDER: dict[str, int] = {name: rank for rank, name in enumerate((
    "deployment",
    "threat",
    "attack",
    "ceasefire_violation",
    "terrorist_ties",
    "obstruction",
    "movement_obstruction",
    "human_rights_violation",
    "humanitarian_access_denied",
    "explosive_device",
    "misconduct_allegation",
    "support",
    "intelligence",
    "coordination",
    "support_to_forces",
    "intervention_request",
    "intervention",
    "direct_operation",
    "report",
))}

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")


def parse_instant(value: Any) -> datetime:
    """An ISO date or date-time as an aware UTC datetime; ``ValueError`` with a readable reason otherwise."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if not isinstance(value, str):
        raise ValueError(f"expected an ISO date or date-time such as 2018-04-14 or 2018-04-14T08:30Z, got {value!r}")
    text = value.strip()
    try:
        if _DATE.match(text):
            day = date.fromisoformat(text)
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        if _DATETIME.match(text):
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
            return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except (ValueError, OverflowError) as exc:  # OverflowError: an offset moves it past year 1 or 9999
        raise ValueError(f"{text!r} is not a real date or time ({exc})") from None
    raise ValueError(f"expected an ISO date or date-time such as 2018-04-14 or 2018-04-14T08:30Z, got {text!r}")


def has_offset(value: Any) -> bool | None:
    """Whether a raw ``at`` value is an offset-aware date-time (None for a plain date or non-string)."""
    if isinstance(value, str):
        match = _DATETIME.match(value.strip())
        if match:
            return match.group(3) is not None  # the offset: Z or +hh:mm
    return None


class Timed(Protocol):
    """What the processing order reads of an event."""

    @property
    def at(self) -> datetime: ...

    @property
    def type(self) -> str: ...

    @property
    def id(self) -> str | None: ...


def sort_key(event: Timed) -> tuple[datetime, int, str]:
    """The engine's processing order of events: by instant, then by type (:data:`TYPE_ORDER`), then by id."""
    return (event.at, TYPE_ORDER[event.type], event.id or "")


def names_what_is_supported(event: Any) -> Any:
    """A support event's own check (the model's validator): it names the incident supported or the actor."""
    if event.incident is None and event.to is None:
        raise ValueError("a support event needs `incident` (the attack or action supported) or `to` (the actor)")
    return event


def has_a_figure(event: Any) -> Any:
    """A deployment event's own check (the model's validator): it gives at least one figure."""
    if event.military is None and event.police is None:
        raise ValueError("a deployment event needs `military`, `police` or both")
    return event


class ThreatLevel(StrEnum):
    """How grave a threat is, highest first. Paragraph 37 needs imminent_and_serious; paragraphs 20(c)(ii)
    and 20(d) need at least serious_and_credible."""

    IMMINENT_AND_SERIOUS = "imminent_and_serious"
    SERIOUS_AND_CREDIBLE = "serious_and_credible"
    CREDIBLE = "credible"
    LOW = "low"


class ReportKind(StrEnum):
    """What a report is. ``quarterly``: paragraph 47; ``strategic_plan``: paragraph 48; ``french_forces``:
    France's report on the implementation of the paragraph 37 mandate; ``misconduct``: informing the Council of
    sexual exploitation and abuse (paragraph 28); ``human_rights``: MINUSMA's public human rights reporting
    (paragraph 20(f)(ii)); ``other``: anything else."""

    QUARTERLY = "quarterly"
    STRATEGIC_PLAN = "strategic_plan"
    FRENCH_FORCES = "french_forces"
    MISCONDUCT = "misconduct"
    HUMAN_RIGHTS = "human_rights"
    OTHER = "other"


class Focus(StrEnum):
    """The focuses of paragraph 47's reports: (i) the Agreement, (ii) MINUSMA's effectiveness and the safety
    of its personnel, (iii) coordination between MINUSMA, the French forces and the FC-G5S."""

    AGREEMENT = "i"
    EFFECTIVENESS = "ii"
    COORDINATION = "iii"


class ViolationCategory(StrEnum):
    """Kinds of violations of international humanitarian law and abuses of human rights the resolution names."""

    SEXUAL_VIOLENCE = "sexual_violence"
    RECRUITMENT_OF_CHILDREN = "recruitment_of_children"
    KILLING_OR_MAIMING_OF_CHILDREN = "killing_or_maiming_of_children"
    ATTACK_ON_SCHOOL = "attack_on_school"
    ATTACK_ON_HOSPITAL = "attack_on_hospital"
    EXTRAJUDICIAL_EXECUTION = "extrajudicial_execution"
    ARBITRARY_DETENTION = "arbitrary_detention"
    ILL_TREATMENT = "ill_treatment"
    OTHER = "other"


class DeviceKind(StrEnum):
    MINE = "mine"
    IED = "improvised_explosive_device"
    UNEXPLODED_ORDNANCE = "unexploded_ordnance"


class HRDDP(StrEnum):
    """Whether support to non-UN security forces was given in compliance with the Human Rights Due Diligence
    Policy (paragraph 26)."""

    COMPLIANT = "compliant"
    NOT_ASSESSED = "not_assessed"
    NON_COMPLIANT = "non_compliant"


class Cargo(StrEnum):
    PERSONNEL = "personnel"
    SUPPLIES = "supplies"


class Route(StrEnum):
    WITHIN_MALI = "within_mali"
    TO_OR_FROM_MALI = "to_or_from_mali"
