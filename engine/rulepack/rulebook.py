"""The rule format: what a rule file may say, as validated models.

A rule file holds paragraphs of the resolution in the resolution's order. Each paragraph carries its own
words verbatim and, under them, the rule that encodes them (in the spirit of Catala's law files):

* ``parameters`` — dates, figures and durations the paragraph sets, each with the words that ground it
  (``says``); a parameter marked as an ``assumption`` is an interpretation that a scenario or the command line
  may override;
* ``windows`` — periods the paragraph opens (paragraph 15: the mandate);
* ``obligations`` — duties with their schedule or due rule and the event that fulfils them;
* ``authorizations`` — powers granted per incident, for the life of a window;
* ``rules`` — event patterns (``when``, joined on fields with ``same_as``, bounded by ``within``) and what a
  match does (``then``);
* or ``not_engaged`` — why no event engages the paragraph.

Everything is data: no code, no expressions, no ``eval``. Unknown keys are errors.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict, model_validator

from .plain import ALIAS_REF as ALIAS_REF
from .plain import DURATION_UNITS, describe, effect_name, reading
from .plain import NAME as NAME
from .plain import PARAGRAPH_ID as PARAGRAPH_ID
from .plain import Force as Force
from .plain import Kind as Kind


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


class Duration(_Model):
    """A length of time in whole days, weeks or calendar months (exactly one)."""

    days: int | None = Field(default=None, ge=0, le=DURATION_UNITS["days"])
    weeks: int | None = Field(default=None, ge=0, le=DURATION_UNITS["weeks"])
    months: int | None = Field(default=None, ge=0, le=DURATION_UNITS["months"])

    @model_validator(mode="after")
    def _exactly_one(self) -> Duration:
        given = [v for v in (self.days, self.weeks, self.months) if v is not None]
        if len(given) != 1:
            raise ValueError("a duration is exactly one of `days`, `weeks` or `months`")
        return self

    def describe(self) -> str:
        return describe(self)


class ParamRef(_Model):
    """A reference to a parameter by name (``{param: mandate_end}``)."""

    param: str = Field(pattern=NAME)


DateValue = date | ParamRef
DurationValue = Duration | ParamRef
NumberValue = int | ParamRef
BoolValue = bool | ParamRef
TextValue = str | ParamRef


class Assumption(_Model):
    """Marks a parameter as an interpretation of the text, which scenarios may override."""

    reason: str = Field(min_length=10)


class Parameter(_Model):
    """A dated value, figure or duration the text sets, with the words that ground it."""

    value: Annotated[bool, Strict()] | date | int | Duration | str = Field(union_mode="left_to_right")
    says: str = Field(min_length=3, description="the words of the paragraph that ground this value")
    unit: str | None = None
    choices: list[str] | None = Field(default=None, description="for a text value: the values it may take")
    assumption: Assumption | None = None

    @model_validator(mode="after")
    def _text_has_choices(self) -> Parameter:
        if isinstance(self.value, str) and (not self.choices or self.value not in self.choices):
            raise ValueError("a text parameter lists its `choices`, and its value is one of them")
        return self


class Constraint(_Model):
    """A test on one field of an event. A plain value means ``equals``; a list means ``in``."""

    equals: str | int | bool | None = None
    in_: list[str | int] | None = Field(default=None, alias="in")
    not_in: list[str | int] | None = None
    member_of: str | None = None
    not_member_of: str | None = None
    gt: NumberValue | None = None
    gte: NumberValue | None = None
    lt: NumberValue | None = None
    lte: NumberValue | None = None
    same_as: str | None = Field(default=None, pattern=ALIAS_REF.pattern)
    not_part_of: str | None = Field(
        default=None, pattern=ALIAS_REF.pattern,
        description="alias.field of an earlier pattern: the actor here is neither that actor nor part of it (a "
                    "field not given passes); paragraph 4(d): support whose recipient is the act's target")
    exists: bool | None = None
    contains: str | None = Field(default=None, description="for list fields: the list holds this value")

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        if isinstance(value, list):
            return {"in": value}
        if not isinstance(value, dict):
            return {"equals": value}
        return value

    @model_validator(mode="after")
    def _not_empty(self) -> Constraint:
        if not self.model_fields_set:
            raise ValueError("a constraint needs at least one test")
        return self


class Pattern(_Model):
    """One event a rule looks for, named by ``as`` so that other patterns and effects can refer to it."""

    event: str
    as_: str = Field(alias="as", pattern=NAME)
    where: dict[str, Constraint] = Field(default_factory=dict)


# Effects: what a match does. Values written "alias.field" refer to a matched event's field; anything else
# is a literal (an actor's name, resolved through the registry).


class EligibilityEffect(_Model):
    subject: str
    criterion: str = Field(pattern=r"^[a-z]$")


class BreachEffect(_Model):
    subject: str
    limit: str = Field(min_length=3, description="what was crossed, e.g. 'military personnel ceiling'")
    figure: str | None = Field(default=None, description="alias.field holding the figure that crossed it")
    ceiling: ParamRef | None = None


class GrantEffect(_Model):
    authorization: str
    subject: str
    incident: str
    since: str | None = Field(default=None, pattern=NAME,
                              description="the pattern (a threat) from whose instant the authorization's `lasts` runs")


class ExerciseEffect(_Model):
    authorization: str
    subject: str
    incident: str
    otherwise: Literal["not_covered", "breach"] = Field(
        default="not_covered", description="what an act is when no authorization covers it"
    )


class OpenEffect(_Model):
    obligation: str
    subject: str | None = None


class FulfilEffect(_Model):
    obligation: str
    subject: str


class EngageEffect(_Model):
    """Record that an event engaged the paragraph (an exhortation, a mandate task, a standing authorization):
    it opens no deadline; the finding names the addressee concerned."""

    subject: str


class Effect(_Model):
    """Exactly one of the effects below."""

    eligibility: EligibilityEffect | None = None
    breach: BreachEffect | None = None
    grant: GrantEffect | None = None
    exercise: ExerciseEffect | None = None
    open: OpenEffect | None = None
    fulfil: FulfilEffect | None = None
    engage: EngageEffect | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Effect:
        if len(self.model_fields_set) != 1:
            raise ValueError(
                "an effect is exactly one of `eligibility`, `breach`, `grant`, `exercise`, `open`, `fulfil`, `engage`"
            )
        return self

    @property
    def name(self) -> str:
        return effect_name(self)

    @property
    def body(self) -> Any:
        return getattr(self, self.name)


class Clause(_Model):
    """One clause of a paragraph that joins several operative verbs ("Requests the Secretary-General … and urges
    troop- and police-contributing countries …"): its own verb, force and addressees. A rule, obligation or
    authorization of such a paragraph names its clause, and its findings read with the clause's verb."""

    id: str = Field(pattern=NAME)
    verb: str = Field(min_length=3, description="the clause's operative verb, as the text writes it")
    force: Force
    addressees: list[str] = Field(default_factory=list)
    says: str = Field(min_length=10, description="the clause's words, from its verb on")


class Scope(_Model):
    """How long a paragraph governs. Every paragraph governs from the adoption; one tied to MINUSMA's mandate
    (paragraphs 16, 20, 37) governs nothing after the end of that window; one that is not (paragraphs 3, 4, 5,
    28) outlives it, until the Council changes it."""

    ends_with: str | None = Field(default=None, pattern=NAME,
                                  description="the window whose end ends its force; none: it outlives the mandate")
    why: str = Field(min_length=10, description="why it ends with that window, or why it outlives it")


class Rule(_Model):
    """When these events are seen (joined where ``same_as`` says, within ``within`` of each other), do this."""

    id: str = Field(pattern=r"^\d[0-9a-z()\[\]/_-]*$", description="the paragraph id, then /name if several")
    says: str = Field(min_length=3, description="the words of the paragraph this rule encodes")
    clause: str | None = Field(default=None, pattern=NAME, description="the clause it encodes (see `clauses`)")
    when: list[Pattern] = Field(min_length=1, max_length=16)
    within: DurationValue | None = Field(default=None, description="how far apart joined events may be")
    any_order: BoolValue | None = Field(
        default=None, description="false: joined events must come in the order of `when` (default: any order)")
    then: list[Effect] = Field(min_length=1)
    explain: str = Field(min_length=3, description="a sentence with {alias.field} placeholders")

    @model_validator(mode="after")
    def _joins_are_bounded(self) -> Rule:
        if len(self.when) > 1 and self.within is None:
            raise ValueError("a rule that joins several events needs `within` (how far apart they may be)")
        aliases = [p.as_ for p in self.when]
        if len(set(aliases)) != len(aliases):
            raise ValueError("each pattern of a rule needs its own `as` name")
        return self


class Window(_Model):
    """A period a paragraph opens: from a date through a date (the whole of that day)."""

    id: str = Field(pattern=NAME)
    says: str
    from_: DateValue = Field(alias="from")
    through: DateValue


class Schedule(_Model):
    """When a scheduled obligation arises: once (``within`` of ``from``) or recurring (``every``, while the
    due date is on or before ``through``)."""

    from_: DateValue = Field(alias="from")
    within: DurationValue | None = None
    every: DurationValue | None = None
    through: DateValue | None = None

    @model_validator(mode="after")
    def _once_or_recurring(self) -> Schedule:
        if (self.within is None) == (self.every is None):
            raise ValueError("a schedule has exactly one of `within` (once) or `every` (recurring)")
        if self.every is not None and self.through is None:
            raise ValueError("a recurring schedule needs `through` (the last day a due date may fall on)")
        return self


class Due(_Model):
    """When an obligation opened by an event falls due: ``within`` of its opening, or at the next due date
    of another (scheduled) obligation (``aligned_with``), falling back to the end of ``window``."""

    within: DurationValue | None = None
    aligned_with: str | None = None
    window: str | None = None

    @model_validator(mode="after")
    def _one_rule(self) -> Due:
        if (self.within is None) == (self.aligned_with is None):
            raise ValueError("`due` has exactly one of `within` or `aligned_with`")
        return self


class Fulfilment(_Model):
    """The event that fulfils an obligation: it answers the oldest open instance (``answers: oldest``, as
    reports answer quarterly periods in turn) or every open instance (``answers: all``, as one briefing keeps
    the Council informed of every case so far)."""

    event: str
    where: dict[str, Constraint] = Field(default_factory=dict)
    answers: Literal["oldest", "all"] = "oldest"
    late_within: DurationValue | None = Field(
        default=None, description="answers: oldest — how late an act may still answer the oldest unanswered period; "
                                  "an act later than that answers the period in which it is filed")


class Obligation(_Model):
    id: str = Field(pattern=r"^\d[0-9a-z()\[\]/_-]*$")
    says: str
    clause: str | None = Field(default=None, pattern=NAME, description="the clause it encodes (see `clauses`)")
    subject: str
    schedule: Schedule | None = None
    due: Due | None = None
    once_per: str | None = Field(default=None, description="'period': at most one open per period of `due`")
    time_zone: TextValue | None = Field(
        default=None, description="the time zone in which its due day ends (an IANA name, or UTC; default UTC)")
    each_period: BoolValue | None = Field(
        default=None, description="with `due.aligned_with`: true — it also arises in every period of that duty, "
                                  "whatever the events")
    fulfilled_by: Fulfilment

    @model_validator(mode="after")
    def _schedule_or_due(self) -> Obligation:
        if (self.schedule is None) == (self.due is None):
            raise ValueError(
                "an obligation has exactly one of `schedule` (arises by itself) or `due` (opened by a rule)"
            )
        return self


class Authorization(_Model):
    id: str = Field(pattern=r"^\d[0-9a-z()\[\]/_-]*$")
    says: str
    clause: str | None = Field(default=None, pattern=NAME, description="the clause it encodes (see `clauses`)")
    subject: str
    window: str = Field(description="the window whose end makes a granted authorization lapse")
    lasts: DurationValue | None = Field(
        default=None, description="how long after the threat that grants it an act is covered (paragraph 37: while "
                                  "the threat is imminent); the window still bounds it")
    reported_by: str | None = Field(
        default=None, description="obligation opened (once per period of its `due`) when the authorization is exercised"
    )


class Paragraph(_Model):
    """One operative paragraph or sub-item, with its words and its rule."""

    id: str = Field(pattern=PARAGRAPH_ID)
    parent: str | None = Field(default=None, pattern=PARAGRAPH_ID)
    heading: str | None = None
    text: str = Field(min_length=1)
    verb: str = Field(min_length=3)
    force: Force
    addressees: list[str] = Field(default_factory=list)
    kind: Kind
    clauses: list[Clause] = Field(
        default_factory=list, description="for a paragraph joining several verbs: each clause's verb and force")
    scope: Scope | None = Field(default=None, description="how long it governs (a sub-item inherits its parent's)")
    parameters: dict[Annotated[str, Field(pattern=NAME)], Parameter] = Field(default_factory=dict)
    windows: list[Window] = Field(default_factory=list)
    obligations: list[Obligation] = Field(default_factory=list)
    authorizations: list[Authorization] = Field(default_factory=list)
    rules: list[Rule] = Field(default_factory=list)
    not_engaged: str | None = Field(default=None, min_length=10, description="why no event engages it")

    @model_validator(mode="after")
    def _engaged_or_says_why_not(self) -> Paragraph:
        encoded = bool(self.parameters or self.windows or self.obligations or self.authorizations or self.rules)
        if encoded and self.not_engaged:
            raise ValueError("a paragraph with rules must not also say `not_engaged`")
        if not encoded and not self.not_engaged:
            raise ValueError("a paragraph with no rules must say why in `not_engaged`")
        return self

    @property
    def encoded(self) -> bool:
        return self.not_engaged is None

    def clause(self, clause_id: str | None) -> Clause | None:
        return next((c for c in self.clauses if c.id == clause_id), None)

    def reading(self, clause_id: str | None) -> tuple[str, Force]:
        """The verb and force a rule, obligation or authorization of this paragraph reads with: its clause's,
        or the paragraph's when it names none."""
        return reading(self, clause_id)


class RuleFile(_Model):
    """One file of the rule pack: a section of the resolution."""

    section: str = Field(min_length=3)
    paragraphs: list[Paragraph] = Field(min_length=1)


class Manifest(_Model):
    """``rules/<pack>/resolution.yaml``: what the pack is and which files make it, in the resolution's order."""

    resolution: str
    title: str
    adopted: date
    text: str = Field(description="file name of the resolution's text, shipped beside the pack")
    actors: str
    files: list[str] = Field(min_length=1)
    operative_paragraphs: int = Field(ge=1)
