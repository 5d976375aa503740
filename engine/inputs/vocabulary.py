"""The event vocabulary: what may happen in a scenario, as validated models.

Each event type is a pydantic model; the set of them is the vocabulary that rule files may match on and that
``obligations schema`` exports as JSON Schema. Actor fields take any name the actor registry knows (resolved to
the actor's id during validation, which needs the registry in the validation context). ``at`` accepts an ISO
date (00:00 UTC) or an ISO date-time; a date-time with an offset is converted to UTC, one without is read as
UTC.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from .actors import ActorRegistry

FIGURES = ("military", "police", "casualties")  # the event fields that are whole numbers
MAX_PERSONNEL = 10_000_000  # a deployment figure above this is a typing mistake, not a deployment
EVENT_ID = r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$"

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


def _actor(value: Any, info: ValidationInfo) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected an actor's name, got {value!r}")
    registry: ActorRegistry | None = (info.context or {}).get("actors")
    if registry is None:
        return value
    return registry.resolve(value)


class _ActorValidator:
    """Resolves an actor name to its id using the registry in the validation context."""

    def __call__(self, value: Any, info: ValidationInfo) -> str:
        return _actor(value, info)


ActorRef = Annotated[str, BeforeValidator(_ActorValidator()), Field(description="an actor's name, alias or id")]
Text = Annotated[str, Field(min_length=1, max_length=500)]
IncidentId = Annotated[str, Field(pattern=EVENT_ID, description="links events about the same incident")]


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


class Event(BaseModel):
    """Fields every event has."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=True, defer_build=True)  # built when used

    type: str
    at: datetime = Field(description="when it happened: ISO date or date-time, UTC")
    id: str | None = Field(default=None, pattern=EVENT_ID, description="unique within the scenario")
    incident: IncidentId | None = None
    location: Text | None = None
    note: Text | None = Field(default=None, description="free text, ignored by the rules")

    #: fields that name actors (subclasses extend)
    actor_fields: ClassVar[tuple[str, ...]] = ()

    @field_validator("at", mode="before")
    @classmethod
    def _instant(cls, value: Any) -> datetime:
        return parse_instant(value)

    @field_validator(*FIGURES, mode="before", check_fields=False)
    @classmethod
    def _no_boolean_figures(cls, value: Any) -> Any:
        """``true`` is not 1 soldier: a figure given as a boolean is refused (pydantic would read it as 1)."""
        if isinstance(value, bool):
            raise ValueError(f"expected a whole number, got {str(value).lower()}")
        return value


class Attack(Event):
    """An attack on people, forces or installations."""

    type: Literal["attack"]
    by: ActorRef | None = Field(default=None, description="the attacker; omit or 'unidentified' if unknown")
    target: ActorRef
    actor_fields: ClassVar[tuple[str, ...]] = ("by", "target")


class Threat(Event):
    """A threat against an actor (for paragraph 37: against elements of MINUSMA)."""

    type: Literal["threat"]
    against: ActorRef
    level: ThreatLevel
    by: ActorRef | None = None
    actor_fields: ClassVar[tuple[str, ...]] = ("against", "by")


class InterventionRequest(Event):
    """A request that someone intervene (paragraph 37: of the Secretary-General to the French forces)."""

    type: Literal["intervention_request"]
    by: ActorRef
    to: ActorRef
    actor_fields: ClassVar[tuple[str, ...]] = ("by", "to")


class Intervention(Event):
    """An armed intervention in support of someone."""

    type: Literal["intervention"]
    by: ActorRef
    in_support_of: ActorRef
    actor_fields: ClassVar[tuple[str, ...]] = ("by", "in_support_of")


class CeasefireViolation(Event):
    """A violation of the ceasefire or a resumption of hostilities."""

    type: Literal["ceasefire_violation"]
    by: ActorRef | None = None
    against: ActorRef | None = None
    actor_fields: ClassVar[tuple[str, ...]] = ("by", "against")


class Obstruction(Event):
    """An action that obstructs or threatens the implementation of the Agreement."""

    type: Literal["obstruction"]
    by: ActorRef | None = None
    actor_fields: ClassVar[tuple[str, ...]] = ("by",)


class Support(Event):
    """Support given to an attack or action (by incident) or to an actor (by ``to``)."""

    type: Literal["support"]
    by: ActorRef | None = None
    to: ActorRef | None = None
    actor_fields: ClassVar[tuple[str, ...]] = ("by", "to")

    @model_validator(mode="after")
    def _names_what_is_supported(self) -> Support:
        if self.incident is None and self.to is None:
            raise ValueError("a support event needs `incident` (the attack or action supported) or `to` (the actor)")
        return self


class Report(Event):
    """A report submitted to the Security Council."""

    type: Literal["report"]
    by: ActorRef
    kind: ReportKind
    focus: tuple[Focus, ...] = Field(
        default=(Focus.AGREEMENT, Focus.EFFECTIVENESS, Focus.COORDINATION),
        description="for a quarterly report, the focuses of paragraph 47 it covers (default: all three)",
    )
    actor_fields: ClassVar[tuple[str, ...]] = ("by",)


class DirectOperation(Event):
    """A direct operation by MINUSMA (paragraphs 20(c)(ii) and 20(d): only pursuant to serious and credible
    threats). Link it to the threat it answers with ``incident``."""

    type: Literal["direct_operation"]
    by: ActorRef = Field(default="minusma")
    in_defence_of: ActorRef = Field(description="civilians, or MINUSMA and United Nations personnel")
    actor_fields: ClassVar[tuple[str, ...]] = ("by", "in_defence_of")


class HumanRightsViolation(Event):
    """A violation of international humanitarian law or an abuse or violation of human rights."""

    type: Literal["human_rights_violation"]
    category: ViolationCategory
    by: ActorRef | None = None
    against: ActorRef | None = Field(default=None, description="the victims, e.g. civilians, children, women")
    actor_fields: ClassVar[tuple[str, ...]] = ("by", "against")


class HumanitarianAccessDenied(Event):
    """Humanitarian actors denied access to people in need, or their personnel or relief impeded."""

    type: Literal["humanitarian_access_denied"]
    by: ActorRef | None = None
    against: ActorRef = Field(default="humanitarian-actors")
    actor_fields: ClassVar[tuple[str, ...]] = ("by", "against")


class ExplosiveDevice(Event):
    """A mine or other explosive device found, or one that went off."""

    type: Literal["explosive_device"]
    device: DeviceKind
    by: ActorRef | None = None
    casualties: int | None = Field(default=None, ge=0, le=MAX_PERSONNEL)
    actor_fields: ClassVar[tuple[str, ...]] = ("by",)


class Intelligence(Event):
    """Information MINUSMA holds about a group or person (paragraph 22(d): relevant to the 1267/1989/2253
    sanctions when it concerns a listed group)."""

    type: Literal["intelligence"]
    by: ActorRef = Field(default="minusma")
    about: ActorRef
    actor_fields: ClassVar[tuple[str, ...]] = ("by", "about")


class SupportToForces(Event):
    """Support by MINUSMA to non-United Nations security forces (paragraph 26)."""

    type: Literal["support_to_forces"]
    by: ActorRef = Field(default="minusma")
    to: ActorRef
    hrddp: HRDDP = Field(description="compliance with the Human Rights Due Diligence Policy")
    actor_fields: ClassVar[tuple[str, ...]] = ("by", "to")


class MisconductAllegation(Event):
    """An allegation of sexual exploitation or abuse involving MINUSMA personnel (paragraph 28)."""

    type: Literal["misconduct_allegation"]
    involving: ActorRef = Field(default="minusma")
    contributing_country: Text | None = None
    actor_fields: ClassVar[tuple[str, ...]] = ("involving",)


class MovementObstruction(Event):
    """MINUSMA's personnel or supplies hindered in their movement (paragraphs 6 and 35)."""

    type: Literal["movement_obstruction"]
    by: ActorRef | None = None
    against: ActorRef = Field(default="minusma")
    of: Cargo
    route: Route = Field(default=Route.WITHIN_MALI)
    actor_fields: ClassVar[tuple[str, ...]] = ("by", "against")


class Coordination(Event):
    """Coordination or exchange of information between forces (paragraph 42)."""

    type: Literal["coordination"]
    by: ActorRef = Field(default="minusma")
    partner: ActorRef = Field(description="the other side")
    actor_fields: ClassVar[tuple[str, ...]] = ("by", "partner")


class TerroristTies(Event):
    """Ties between an armed group and a terrorist organization (paragraph 5: "cut off all ties")."""

    type: Literal["terrorist_ties"]
    by: ActorRef
    partner: ActorRef = Field(description="the other side")
    actor_fields: ClassVar[tuple[str, ...]] = ("by", "partner")


class Deployment(Event):
    """MINUSMA's deployed strength on a date."""

    type: Literal["deployment"]
    military: int | None = Field(default=None, ge=0, le=MAX_PERSONNEL)
    police: int | None = Field(default=None, ge=0, le=MAX_PERSONNEL)
    by: ActorRef = Field(default="minusma", description="the force whose strength this is")
    actor_fields: ClassVar[tuple[str, ...]] = ("by",)

    @model_validator(mode="after")
    def _has_a_figure(self) -> Deployment:
        if self.military is None and self.police is None:
            raise ValueError("a deployment event needs `military`, `police` or both")
        return self


EVENT_TYPES: dict[str, type[Event]] = {
    model.model_fields["type"].annotation.__args__[0]: model  # type: ignore[union-attr]
    for model in (
        Deployment,
        Threat,
        Attack,
        CeasefireViolation,
        TerroristTies,
        Obstruction,
        MovementObstruction,
        HumanRightsViolation,
        HumanitarianAccessDenied,
        ExplosiveDevice,
        MisconductAllegation,
        Support,
        Intelligence,
        Coordination,
        SupportToForces,
        InterventionRequest,
        Intervention,
        DirectOperation,
        Report,
    )
}

#: Same-instant events are processed in this order (then by id): causes before what they enable — a threat
#: and a request before the intervention they authorize, an attack before the support given to it, reports
#: last so that they meet duties opened at the same instant.
TYPE_ORDER: dict[str, int] = {name: rank for rank, name in enumerate(EVENT_TYPES)}


def sort_key(event: Event) -> tuple[datetime, int, str]:
    """The engine's processing order of events: by instant, then by type (:data:`TYPE_ORDER`), then by id."""
    return (event.at, TYPE_ORDER[event.type], event.id or "")


def fields_of(event_type: str) -> set[str]:
    """The names of the fields an event of this type has (``t`` is the engine's tick)."""
    return {*EVENT_TYPES[event_type].model_fields, "t"}


def value_kind(event_type: str, field: str) -> str:
    """'actor', 'number', 'instant', 'list' or 'text': how a rule may compare this field."""
    model = EVENT_TYPES[event_type]
    if field in model.actor_fields:
        return "actor"
    if field in ("at", "t"):
        return "instant"
    annotation = str(model.model_fields[field].annotation)
    if "tuple" in annotation:
        return "list"
    if "int" in annotation:
        return "number"
    return "text"
