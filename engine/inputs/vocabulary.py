"""The event vocabulary: what may happen in a scenario, as validated models.

Each event type is a pydantic model; the set of them is the vocabulary that rule files may match on and that
``obligations schema`` exports as JSON Schema. Actor fields take any name the actor registry knows (resolved to
the actor's id during validation, which needs the registry in the validation context). ``at`` accepts an ISO
date (00:00 UTC) or an ISO date-time; a date-time with an offset is converted to UTC, one without is read as
UTC.
"""

from __future__ import annotations

from datetime import datetime
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
from .eventtypes import (  # the plain parts, re-exported (see __all__): importable from here as before
    EVENT_ID,
    FIGURES,
    HRDDP,
    MAX_PERSONNEL,
    TYPE_ORDER,
    Cargo,
    DeviceKind,
    Focus,
    ReportKind,
    Route,
    ThreatLevel,
    ViolationCategory,
    has_a_figure,
    has_offset,
    names_what_is_supported,
    parse_instant,
    sort_key,
)


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

    _names_what_is_supported = model_validator(mode="after")(names_what_is_supported)


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

    _has_a_figure = model_validator(mode="after")(has_a_figure)


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

assert tuple(EVENT_TYPES) == tuple(TYPE_ORDER), "the models are listed in the processing order of their types"


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


__all__ = [
    "EVENT_ID",
    "EVENT_TYPES",
    "FIGURES",
    "HRDDP",
    "MAX_PERSONNEL",
    "TYPE_ORDER",
    "ActorRef",
    "Attack",
    "Cargo",
    "CeasefireViolation",
    "Coordination",
    "Deployment",
    "DeviceKind",
    "DirectOperation",
    "Event",
    "ExplosiveDevice",
    "Focus",
    "HumanRightsViolation",
    "HumanitarianAccessDenied",
    "IncidentId",
    "Intelligence",
    "Intervention",
    "InterventionRequest",
    "MisconductAllegation",
    "MovementObstruction",
    "Obstruction",
    "Report",
    "ReportKind",
    "Route",
    "Support",
    "SupportToForces",
    "TerroristTies",
    "Text",
    "Threat",
    "ThreatLevel",
    "ViolationCategory",
    "fields_of",
    "has_offset",
    "parse_instant",
    "sort_key",
    "value_kind",
]
