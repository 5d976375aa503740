"""The rule pack: all rule files of a resolution, cross-checked, with lookups the compiler and runtime use.

Validation of single files is the models' job (:mod:`engine.rulepack.rulebook`), what spans files and the text is
checked by :mod:`engine.rulepack.checks`; a pack that passed both is made light (:func:`made_light`), so that the
pack and its compilation pickle, for the cache, without pydantic and read the same whether read now or cached. This
module holds the pack, its lookups and the applying of assumption overrides; it imports no pydantic unless an
override is to be checked.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, Any, cast

from ..errors import RuleError
from ..inputs.registry import ActorRegistry
from ..light import Light, lightened, make, model_class
from ..record import Frozen, Record
from .plain import DURATION_UNITS, is_duration, is_param

if TYPE_CHECKING:
    from .rulebook import (
        Authorization,
        BoolValue,
        DateValue,
        Duration,
        DurationValue,
        Manifest,
        NumberValue,
        Obligation,
        Paragraph,
        Parameter,
        Rule,
        Scope,
        TextValue,
        Window,
    )


def normalise_text(text: str) -> str:
    """The form in which quotations are compared with the resolution: no emphasis marks, single spaces."""
    return re.sub(r"\s+", " ", text.replace("*", "")).strip()


class Origin(Frozen):
    """Where a piece of the pack was written."""

    _fields = ("path", "line")
    path: str
    line: int | None

    def __init__(self, path: str, line: int | None) -> None:
        self.__dict__.update(path=path, line=line)


class RulePack(Record):
    """A validated rule pack. Its models are light instances (:func:`lightened`) once it is checked, whether it
    was read now or taken from the cache: code that reads them asks :mod:`engine.rulepack.plain`, not the models'
    methods or ``isinstance``."""

    _fields = ("name", "manifest", "actors", "resolution_text", "paragraphs", "origins", "parameters",
               "parameter_paragraph", "overridden", "actor_fields")
    name: str
    manifest: Manifest
    actors: ActorRegistry
    resolution_text: str
    paragraphs: list[Paragraph]
    origins: dict[str, Origin]  # paragraph id -> where it is written
    parameters: dict[str, Parameter]
    parameter_paragraph: dict[str, str]
    overridden: dict[str, Any]
    #: event type -> its fields that name actors (filled by the checks, from the event types' models), so that the
    #: pack compiles again (with assumptions) without the models
    actor_fields: dict[str, tuple[str, ...]]

    def __init__(self, name: str, manifest: Manifest, actors: ActorRegistry, resolution_text: str,
                 paragraphs: list[Paragraph], origins: dict[str, Origin],
                 parameters: dict[str, Parameter] | None = None, parameter_paragraph: dict[str, str] | None = None,
                 overridden: dict[str, Any] | None = None,
                 actor_fields: dict[str, tuple[str, ...]] | None = None) -> None:
        self.name, self.manifest, self.actors, self.resolution_text = name, manifest, actors, resolution_text
        self.paragraphs, self.origins = paragraphs, origins
        self.parameters = {} if parameters is None else parameters
        self.parameter_paragraph = {} if parameter_paragraph is None else parameter_paragraph
        self.overridden = {} if overridden is None else overridden
        self.actor_fields = {} if actor_fields is None else actor_fields

    # ---- lookups -------------------------------------------------------------------------------------------
    @property
    def adopted(self) -> date:
        return self.manifest.adopted

    def paragraph(self, paragraph_id: str) -> Paragraph:
        for paragraph in self.paragraphs:
            if paragraph.id == paragraph_id:
                return paragraph
        raise KeyError(paragraph_id)

    @cached_property
    def rules(self) -> list[tuple[Rule, Paragraph]]:
        return [(rule, p) for p in self.paragraphs for rule in p.rules]

    @cached_property
    def windows(self) -> dict[str, tuple[Window, Paragraph]]:
        return {w.id: (w, p) for p in self.paragraphs for w in p.windows}

    @cached_property
    def obligations(self) -> dict[str, tuple[Obligation, Paragraph]]:
        return {o.id: (o, p) for p in self.paragraphs for o in p.obligations}

    @cached_property
    def authorizations(self) -> dict[str, tuple[Authorization, Paragraph]]:
        return {a.id: (a, p) for p in self.paragraphs for a in p.authorizations}

    def scope_of(self, paragraph_id: str) -> Scope | None:
        """A paragraph's scope: its own, else its nearest parent's."""
        paragraph: Paragraph | None = self.paragraph(paragraph_id)
        while paragraph is not None:
            if paragraph.scope is not None:
                return paragraph.scope
            paragraph = self.paragraph(paragraph.parent) if paragraph.parent else None
        return None

    def clause_of(self, item_id: str) -> str | None:
        """The clause a rule, obligation or authorization (by id) encodes, if its paragraph has clauses."""
        for table in (self.obligations, self.authorizations):
            if item_id in table:
                return table[item_id][0].clause
        return next((r.clause for r, _ in self.rules if r.id == item_id), None)

    def assumptions(self) -> dict[str, Parameter]:
        return {name: p for name, p in self.parameters.items() if p.assumption is not None}

    # ---- values ----------------------------------------------------------------------------------------------
    def param(self, name: str) -> bool | date | int | Duration | str:
        if name == "adoption":
            return self.adopted
        return self.parameters[name].value

    def date_of(self, value: DateValue) -> date:
        result = self.param(value.param) if is_param(value) else value
        assert isinstance(result, date)
        return result

    def duration_of(self, value: DurationValue) -> Duration:
        result = self.param(value.param) if is_param(value) else value
        assert is_duration(result)
        return cast("Duration", result)

    def bool_of(self, value: BoolValue | None, default: bool) -> bool:
        if value is None:
            return default
        result = self.param(value.param) if is_param(value) else value
        assert isinstance(result, bool)
        return result

    def text_of(self, value: TextValue | None, default: str) -> str:
        if value is None:
            return default
        result = self.param(value.param) if is_param(value) else value
        assert isinstance(result, str)
        return result

    def time_zone_of(self, obligation: Obligation) -> str:
        """Where the obligation's due days end: its time zone (an IANA name, e.g. paragraph 47's reports with the
        assumption council_time_zone), or UTC when it names none."""
        return self.text_of(obligation.time_zone, "UTC")

    def number_of(self, value: NumberValue) -> int:
        result = self.param(value.param) if is_param(value) else value
        assert isinstance(result, int) and not isinstance(result, bool)
        return result

    def actor(self, name: str) -> str:
        return self.actors.resolve(name)

    def window_days(self, window_id: str) -> tuple[date, date]:
        window, _ = self.windows[window_id]
        return self.date_of(window.from_), self.date_of(window.through)

    # ---- assumptions -----------------------------------------------------------------------------------------
    def with_assumptions(self, overrides: dict[str, Any], *, path: str = "<assumptions>",
                         lines: dict[str, int | None] | None = None) -> RulePack:
        """A copy of the pack with some assumptions' values replaced; each value is checked like the default."""
        if not overrides:
            return self
        params = dict(self.parameters)
        applied = dict(self.overridden)
        for name, raw in sorted(overrides.items()):
            line = (lines or {}).get(name)
            if name not in params:
                known = ", ".join(sorted(self.assumptions())) or "none"
                raise RuleError(f"unknown assumption {name!r}; the assumptions are: {known}", path=path, line=line)
            current = params[name]
            if current.assumption is None:
                raise RuleError(f"{name!r} is fixed by the text ({current.says!r}), not an assumption",
                                path=path, line=line)
            value = _plainly(current.value, raw)
            if value is None:  # not plainly one: pydantic says whether it is, or words why not
                value = _validated(name, current.value, raw, path, line)
            if is_duration(value) and not (value.days or value.weeks or value.months):
                raise RuleError(f"assumption {name!r}: a duration of zero would make the paragraph meaningless "
                                f"(got {raw!r})", path=path, line=line)
            if current.choices is not None and value not in current.choices:
                raise RuleError(f"assumption {name!r}: one of {', '.join(current.choices)} (got {raw!r})",
                                path=path, line=line)
            params[name] = make(type(current), {**current.__dict__, "value": value},
                                {*current.__pydantic_fields_set__, "value"}) if isinstance(current, Light) \
                else lightened(current.model_copy(update={"value": value}))  # as model_copy would make it
            applied[name] = raw
        return self.replace(parameters=params, overridden=applied)


def _plainly(current: Any, raw: Any) -> Any:
    """``raw`` as the value of an assumption that holds ``current``, when it plainly is one (of the same type, a
    duration as a mapping of one unit to a number in range), as pydantic's strict check would make it; else None."""
    kind = type(current)
    if kind in (bool, int, str, date):
        return raw if type(raw) is kind else None
    if isinstance(current, Light) and is_duration(current) and type(raw) is dict and len(raw) == 1:
        [(unit, number)] = raw.items()
        if unit in DURATION_UNITS and type(number) is int and 0 <= number <= DURATION_UNITS[unit]:
            return make(kind, {field: raw.get(field) for field in kind._spec.fields}, {unit})
    return None


def _validated(name: str, current: Any, raw: Any, path: str, line: int | None) -> Any:
    """``raw`` checked by pydantic (strictly: true is not 1 day, "3" is not 3) as a value of ``current``'s type."""
    from pydantic import TypeAdapter, ValidationError

    kind = model_class(current._spec) if isinstance(current, Light) else type(current)
    try:
        value = TypeAdapter(kind).validate_python(raw, strict=True)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        raise RuleError(f"assumption {name!r}: {err['msg']} (got {raw!r})", path=path, line=line) from None
    return lightened(value)


def made_light(pack: RulePack) -> RulePack:
    """The pack with every model in it made light (:func:`engine.light.lightened`), as one whole: what was shared
    (a parameter in its paragraph and in the parameters' table) stays shared. Done once the pack is checked, before
    it is compiled, so that the compilation holds the light instances too."""
    memo: dict[int, Any] = {}
    return RulePack(name=pack.name, manifest=lightened(pack.manifest, memo),
                    actors=ActorRegistry(lightened(list(pack.actors.by_id.values()), memo)),
                    resolution_text=pack.resolution_text, paragraphs=lightened(pack.paragraphs, memo),
                    origins=dict(pack.origins), parameters=lightened(pack.parameters, memo),
                    parameter_paragraph=dict(pack.parameter_paragraph), overridden=dict(pack.overridden),
                    actor_fields=dict(pack.actor_fields))
