"""The cross-checks of a freshly read rule pack: what spans files and the text.

Validation of single files is the models' job (:mod:`engine.rulepack.rulebook`); this module checks that every
quotation is the resolution's own words, that every name a rule uses (parameter, window, obligation,
authorization, actor, event type, field, alias) exists, and that values have the right type. It runs on the models
as read (real pydantic instances), before the pack is made light and compiled; a pack from the cache was checked
when it was written.
"""

from __future__ import annotations

from datetime import date
from string import Formatter
from typing import Any

from ..errors import RuleError
from ..inputs.vocabulary import EVENT_TYPES, fields_of, value_kind
from .pack import RulePack, normalise_text
from .plain import ALIAS_REF
from .rulebook import Constraint, Duration, Paragraph, ParamRef, Pattern, Rule


class _Checker:
    def __init__(self, pack: RulePack, lines: dict[str, Any]) -> None:
        self.pack = pack
        self.lines = lines  # paragraph id -> (path, LineMap, loc prefix)
        self.text = normalise_text(pack.resolution_text)

    def fail(self, paragraph: Paragraph, loc: tuple[Any, ...], message: str) -> RuleError:
        path, line_map, prefix = self.lines[paragraph.id]
        return RuleError(f"paragraph {paragraph.id}: {message}", path=path, line=line_map.line_of((*prefix, *loc)))

    def run(self) -> None:
        seen: set[str] = set()
        names = {"adoption": ("date", "")}
        for paragraph in self.pack.paragraphs:
            if paragraph.id in seen:
                raise self.fail(paragraph, ("id",), "is defined twice")
            seen.add(paragraph.id)
            if normalise_text(paragraph.text) not in self.text:
                raise self.fail(paragraph, ("text",), "the text is not the resolution's own words (check for typos)")
            for name, parameter in paragraph.parameters.items():
                if name in names:
                    raise self.fail(paragraph, ("parameters", name), f"parameter {name!r} is defined twice")
                names[name] = (type(parameter.value).__name__, paragraph.id)
                self.quote(paragraph, ("parameters", name, "says"), parameter.says)
                self.pack.parameters[name] = parameter
                self.pack.parameter_paragraph[name] = paragraph.id
            for i, actor in enumerate(paragraph.addressees):
                self.actor(paragraph, ("addressees", i), actor)
            _check_clauses(self, paragraph)
        ids: dict[str, set[str]] = {"window": set(), "obligation": set(), "authorization": set(), "rule": set()}
        for paragraph in self.pack.paragraphs:
            groups: tuple[tuple[str, list[Any]], ...] = (
                ("window", paragraph.windows), ("obligation", paragraph.obligations),
                ("authorization", paragraph.authorizations), ("rule", paragraph.rules))
            for kind, items in groups:
                for i, item in enumerate(items):
                    if item.id in ids[kind]:
                        raise self.fail(paragraph, (f"{kind}s", i, "id"), f"{kind} {item.id!r} is defined twice")
                    ids[kind].add(item.id)
                    self.quote(paragraph, (f"{kind}s", i, "says"), item.says)
        for paragraph in self.pack.paragraphs:
            self.paragraph(paragraph, ids)
            _check_scope(self, paragraph, ids)

    def quote(self, paragraph: Paragraph, loc: tuple[Any, ...], words: str) -> None:
        if normalise_text(words) not in normalise_text(paragraph.text):
            raise self.fail(paragraph, loc, f"{words!r} is not a quotation from the paragraph's text")

    def actor(self, paragraph: Paragraph, loc: tuple[Any, ...], name: str) -> str:
        try:
            return self.pack.actor(name)
        except ValueError as exc:
            raise self.fail(paragraph, loc, str(exc)) from None

    def param(self, paragraph: Paragraph, loc: tuple[Any, ...], value: Any, want: type) -> None:
        if isinstance(value, ParamRef):
            if value.param == "adoption":
                ok = want is date
            elif value.param not in self.pack.parameters:
                raise self.fail(paragraph, loc, f"unknown parameter {value.param!r}")
            else:
                held = self.pack.parameters[value.param].value
                ok = isinstance(held, want) and (want is bool or not isinstance(held, bool))
            if not ok:
                raise self.fail(paragraph, loc, f"parameter {value.param!r} is not a {want.__name__.lower()}")

    def paragraph(self, paragraph: Paragraph, ids: dict[str, set[str]]) -> None:
        for i, window in enumerate(paragraph.windows):
            self.param(paragraph, ("windows", i, "from"), window.from_, date)
            self.param(paragraph, ("windows", i, "through"), window.through, date)
        for i, obligation in enumerate(paragraph.obligations):
            loc = ("obligations", i)
            self.actor(paragraph, (*loc, "subject"), obligation.subject)
            if obligation.schedule is not None:
                s = obligation.schedule
                self.param(paragraph, (*loc, "schedule", "from"), s.from_, date)
                for key in ("within", "every"):
                    self.param(paragraph, (*loc, "schedule", key), getattr(s, key), Duration)
                self.param(paragraph, (*loc, "schedule", "through"), s.through, date)
            if obligation.due is not None:
                d = obligation.due
                self.param(paragraph, (*loc, "due", "within"), d.within, Duration)
                if d.aligned_with is not None:
                    target = self.pack.obligations.get(d.aligned_with)
                    if target is None or target[0].schedule is None:
                        raise self.fail(paragraph, (*loc, "due", "aligned_with"),
                                        f"{d.aligned_with!r} is not a scheduled obligation")
                if d.window is not None and d.window not in ids["window"]:
                    raise self.fail(paragraph, (*loc, "due", "window"), f"unknown window {d.window!r}")
            if obligation.once_per not in (None, "period"):
                raise self.fail(paragraph, (*loc, "once_per"), "`once_per` can only be 'period'")
            self.where(paragraph, (*loc, "fulfilled_by"), obligation.fulfilled_by.event,
                       obligation.fulfilled_by.where, {})
            self.param(paragraph, (*loc, "fulfilled_by", "late_within"), obligation.fulfilled_by.late_within,
                       Duration)
            self.param(paragraph, (*loc, "each_period"), obligation.each_period, bool)
            self.param(paragraph, (*loc, "time_zone"), obligation.time_zone, str)
            if obligation.each_period is not None and (obligation.due is None or obligation.due.aligned_with is None):
                raise self.fail(paragraph, (*loc, "each_period"), "`each_period` needs `due.aligned_with`")
        for i, authorization in enumerate(paragraph.authorizations):
            loc = ("authorizations", i)
            self.actor(paragraph, (*loc, "subject"), authorization.subject)
            if authorization.window not in ids["window"]:
                raise self.fail(paragraph, (*loc, "window"), f"unknown window {authorization.window!r}")
            self.param(paragraph, (*loc, "lasts"), authorization.lasts, Duration)
            if authorization.reported_by is not None:
                target = self.pack.obligations.get(authorization.reported_by)
                if target is None or target[0].due is None:
                    raise self.fail(paragraph, (*loc, "reported_by"),
                                    f"{authorization.reported_by!r} is not an obligation opened by events")
        for i, rule in enumerate(paragraph.rules):
            self.rule(paragraph, ("rules", i), rule, ids)

    def rule(self, paragraph: Paragraph, loc: tuple[Any, ...], rule: Rule, ids: dict[str, set[str]]) -> None:
        if not (rule.id == paragraph.id or rule.id.startswith((paragraph.id + "/", paragraph.id + "("))):
            raise self.fail(paragraph, (*loc, "id"), f"rule id {rule.id!r} must be {paragraph.id!r} or start with "
                            f"'{paragraph.id}/' or '{paragraph.id}('")
        aliases: dict[str, str] = {}
        for j, pattern in enumerate(rule.when):
            self.pattern(paragraph, (*loc, "when", j), pattern, aliases)
            aliases[pattern.as_] = pattern.event
        self.param(paragraph, (*loc, "within"), rule.within, Duration)
        self.param(paragraph, (*loc, "any_order"), rule.any_order, bool)
        for j, effect in enumerate(rule.then):
            body = effect.body
            eloc = (*loc, "then", j, effect.name)
            since = getattr(body, "since", None)
            if since is not None and since not in aliases:
                raise self.fail(paragraph, (*eloc, "since"), f"`since` must name a pattern; known: {sorted(aliases)}")
            for key in ("subject", "incident", "figure"):
                value = getattr(body, key, None)
                if value is not None:
                    self.reference(paragraph, (*eloc, key), value, aliases, allow_literal=(key == "subject"))
            if getattr(body, "ceiling", None) is not None:
                self.param(paragraph, (*eloc, "ceiling"), body.ceiling, int)
            for kind in ("authorization", "obligation"):
                target = getattr(body, kind, None)
                if target is not None and target not in ids[kind]:
                    raise self.fail(paragraph, (*eloc, kind), f"unknown {kind} {target!r}")
        for _, placeholder, _, _ in Formatter().parse(rule.explain):
            if placeholder is not None:
                self.reference(paragraph, (*loc, "explain"), placeholder, aliases, allow_literal=False)

    def reference(self, paragraph: Paragraph, loc: tuple[Any, ...], value: str, aliases: dict[str, str], *,
                  allow_literal: bool) -> None:
        match = ALIAS_REF.match(value)
        if match and match.group(1) in aliases:
            event_type = aliases[match.group(1)]
            if match.group(2) not in fields_of(event_type):
                raise self.fail(paragraph, loc, f"a {event_type} event has no field {match.group(2)!r}")
            return
        if not allow_literal:
            raise self.fail(paragraph, loc, f"{value!r} is not alias.field of one of {sorted(aliases)}")
        self.actor(paragraph, loc, value)

    def pattern(self, paragraph: Paragraph, loc: tuple[Any, ...], pattern: Pattern, aliases: dict[str, str]) -> None:
        self.where(paragraph, loc, pattern.event, pattern.where, aliases)

    def where(self, paragraph: Paragraph, loc: tuple[Any, ...], event: str, where: dict[str, Constraint],
              aliases: dict[str, str]) -> None:
        if event not in EVENT_TYPES:
            raise self.fail(paragraph, (*loc, "event"), f"unknown event type {event!r}; known: {sorted(EVENT_TYPES)}")
        for name, constraint in where.items():
            cloc = (*loc, "where", name)
            if name not in fields_of(event) or name in ("type", "at", "note", "id"):
                raise self.fail(paragraph, cloc, f"a {event} event has no field {name!r} that rules can test")
            kind = value_kind(event, name)
            for key in ("equals", "in_", "not_in"):
                values = getattr(constraint, key)
                if values is None:
                    continue
                for value in values if isinstance(values, list) else [values]:
                    if kind == "actor":
                        self.actor(paragraph, cloc, str(value))
            for key in ("member_of", "not_member_of"):
                group = getattr(constraint, key)
                if group is not None:
                    if kind != "actor":
                        raise self.fail(paragraph, cloc, f"`{key}` applies to actor fields only")
                    if not self.pack.actors.is_group(group):
                        raise self.fail(paragraph, cloc, f"no actor or tag is called {group!r}")
            for key in ("gt", "gte", "lt", "lte"):
                bound = getattr(constraint, key)
                if bound is not None:
                    if kind != "number":
                        raise self.fail(paragraph, cloc, f"`{key}` applies to numeric fields only")
                    self.param(paragraph, cloc, bound, int)
            if (constraint.contains is not None) != (kind == "list") and (constraint.contains is not None or
                                                                          constraint.model_fields_set - {"exists"}):
                raise self.fail(paragraph, cloc, "list fields are tested with `contains` (and only they are)")
            if constraint.not_part_of is not None:
                match = ALIAS_REF.match(constraint.not_part_of)
                assert match is not None
                if kind != "actor":
                    raise self.fail(paragraph, cloc, "`not_part_of` applies to actor fields only")
                if match.group(1) not in aliases:
                    raise self.fail(paragraph, cloc,
                                    f"`not_part_of` must name an earlier pattern; known: {sorted(aliases)}")
                if value_kind(aliases[match.group(1)], match.group(2)) != "actor":
                    raise self.fail(paragraph, cloc, f"`not_part_of` must name an actor field of "
                                                     f"{match.group(1)!r}")
            if constraint.same_as is not None:
                match = ALIAS_REF.match(constraint.same_as)
                assert match is not None
                if match.group(1) not in aliases:
                    raise self.fail(paragraph, cloc,
                                    f"`same_as` must name an earlier pattern; known: {sorted(aliases)}")
                other = aliases[match.group(1)]
                if match.group(2) not in fields_of(other):
                    raise self.fail(paragraph, cloc, f"a {other} event has no field {match.group(2)!r}")


# ---- checks of paragraphs' clauses and scopes (functions of the checker, to keep the class small) ----------


def _check_scope(self: _Checker, paragraph: Paragraph, ids: dict[str, set[str]]) -> None:
    """A paragraph with rules says (or inherits) how long it governs."""
    ends_with = paragraph.scope.ends_with if paragraph.scope is not None else None
    if ends_with is not None and ends_with not in ids["window"]:
        raise self.fail(paragraph, ("scope", "ends_with"), f"unknown window {ends_with!r}")
    if (paragraph.rules or paragraph.obligations or paragraph.authorizations) and \
            self.pack.scope_of(paragraph.id) is None:
        raise self.fail(paragraph, ("id",), "a paragraph with rules must say how long it governs (`scope`: "
                                            "`ends_with` a window, or none if it outlives the mandate, and `why`)")

def _check_clauses(self: _Checker, paragraph: Paragraph) -> None:
    """Each clause quotes the paragraph from its verb on; every rule, obligation and authorization of a
    paragraph with clauses names one of them and quotes its words."""
    seen: set[str] = set()
    for i, c in enumerate(paragraph.clauses):
        if c.id in seen:
            raise self.fail(paragraph, ("clauses", i, "id"), f"clause {c.id!r} is defined twice")
        seen.add(c.id)
        self.quote(paragraph, ("clauses", i, "says"), c.says)
        if not normalise_text(c.says).casefold().startswith(normalise_text(c.verb).casefold()):
            raise self.fail(paragraph, ("clauses", i, "verb"), f"clause {c.id!r} must begin with its verb "
                                                               f"{c.verb!r}")
        for j, actor in enumerate(c.addressees):
            self.actor(paragraph, ("clauses", i, "addressees", j), actor)
    groups: tuple[tuple[str, list[Any]], ...] = (
        ("obligations", paragraph.obligations), ("authorizations", paragraph.authorizations),
        ("rules", paragraph.rules))
    for key, items in groups:
        for i, item in enumerate(items):
            if item.clause is None:
                if paragraph.clauses:
                    raise self.fail(paragraph, (key, i), "this paragraph has clauses; name the one it encodes "
                                                         f"(`clause`: one of {sorted(seen)})")
                continue
            found = paragraph.clause(item.clause)
            if found is None:
                raise self.fail(paragraph, (key, i, "clause"), f"no clause {item.clause!r}; known: {sorted(seen)}")
            if normalise_text(item.says) not in normalise_text(found.says):
                raise self.fail(paragraph, (key, i, "says"), f"{item.says!r} is not a quotation from clause "
                                                             f"{item.clause!r}")


def check(pack: RulePack, lines: dict[str, Any]) -> RulePack:
    """Cross-check a freshly read pack (fills its parameter table and the event types' actor fields); raise
    :class:`RuleError` on the first fault."""
    _Checker(pack, lines).run()
    pack.actor_fields.update((name, tuple(model.actor_fields)) for name, model in EVENT_TYPES.items())
    return pack
