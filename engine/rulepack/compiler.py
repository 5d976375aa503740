"""Compiling a rule pack into a durable-rules ruleset.

Every rule's ``when`` becomes one durable-rules rule whose conditions are the patterns (joined through
``same_as``); every obligation's ``fulfilled_by`` becomes one more. What a match *does* stays on the Python
side, in :class:`CompiledRule`, keyed by the durable-rules rule name: durable-rules only matches.

Group tests (``member_of``) become tests of a membership flag that the runtime sets on each fact
(``by__member_of__armed-group: 1`` when the actor in ``by`` belongs to that group, see :func:`member_key`), so a
test costs one expression however many actors a group holds; parameters become their values and actor names
ids, so the ruleset holds literals only. The result is checked against durable-rules' hard limits
(4,096 rules, 16 conditions per rule, 32 expressions per condition, 511 tests under one parent: beyond them
it breaks or hangs) before it is ever loaded.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from ..dates import SECONDS_PER_DAY
from ..errors import RuleError
from ..record import Frozen, Record
from .pack import RulePack
from .plain import ALIAS_REF, effect_name, reading

if TYPE_CHECKING:
    from .rulebook import Constraint, Duration, Paragraph

OPEN_TYPE = "__open__"  # the no-op fact every session fires first: deleting a session where nothing fired crashes
MAX_RULES = 4096
MAX_CONDITIONS = 16
MAX_EXPRESSIONS = 32
MAX_SIBLING_TESTS = 511


class FieldRef(Frozen):
    """``alias.field`` in a rule: a value taken from a matched event."""

    _fields = ("alias", "field")
    alias: str
    field: str

    def __init__(self, alias: str, field: str) -> None:
        self.__dict__.update(alias=alias, field=field)


Value = FieldRef | str


class CompiledEffect(Frozen):
    """One effect of a rule, as the runtime applies it: its values resolved (actors as ids, parameters as values)."""

    _fields = ("name", "target", "subject", "incident", "criterion", "limit", "figure", "ceiling", "otherwise",
               "answers", "since", "late_within")
    name: str  # eligibility | breach | grant | exercise | open | fulfil
    target: str | None  # authorization or obligation id
    subject: Value
    incident: FieldRef | None
    criterion: str | None
    limit: str | None
    figure: FieldRef | None
    ceiling: int | None
    otherwise: str
    answers: str
    since: str | None  # grant: the alias whose instant starts the authorization's `lasts`
    late_within: Duration | None  # fulfil: how late an act may still answer the oldest period

    def __init__(self, name: str, target: str | None, subject: Value, incident: FieldRef | None = None,
                 criterion: str | None = None, limit: str | None = None, figure: FieldRef | None = None,
                 ceiling: int | None = None, otherwise: str = "not_covered", answers: str = "oldest",
                 since: str | None = None, late_within: Duration | None = None) -> None:
        self.__dict__.update(name=name, target=target, subject=subject, incident=incident, criterion=criterion,
                             limit=limit, figure=figure, ceiling=ceiling, otherwise=otherwise, answers=answers,
                             since=since, late_within=late_within)


class CompiledRule(Frozen):
    """What the runtime needs to act on a match of one durable-rules rule."""

    _fields = ("name", "order", "rule_id", "paragraph", "says", "aliases", "conditions", "effects", "within",
               "explain", "exclusions", "verb", "force", "governs_from", "governs_through", "scope_why", "any_order")
    name: str  # the durable-rules rule name
    order: int  # position in the pack: matches are applied in this order
    rule_id: str
    paragraph: str
    says: str
    aliases: tuple[tuple[str, str], ...]  # (alias, event type) in pattern order
    conditions: tuple[str, ...]  # what each pattern asks for, in words, in pattern order
    effects: tuple[CompiledEffect, ...]
    within: Duration | None
    explain: str
    # (alias, field, other alias, other field): checked after durable-rules matched, since a join on membership
    # needs the registry: the actor in alias.field is neither the one in other.field nor part of it
    exclusions: tuple[tuple[str, str, str, str], ...]
    verb: str  # the operative verb of the clause the rule encodes (the paragraph's when it has one verb)
    force: str  # that clause's force
    governs_from: date | None  # the adoption: the rule acts on nothing earlier (None: fulfilment rules)
    governs_through: date | None  # the last day of the window its paragraph ends with (None: outlives it)
    scope_why: str  # the paragraph's reason for its scope
    any_order: bool  # False: the joined events must come in the order of the rule's patterns

    def __init__(self, name: str, order: int, rule_id: str, paragraph: str, says: str,
                 aliases: tuple[tuple[str, str], ...], conditions: tuple[str, ...],
                 effects: tuple[CompiledEffect, ...], within: Duration | None, explain: str,
                 exclusions: tuple[tuple[str, str, str, str], ...] = (), verb: str = "", force: str = "",
                 governs_from: date | None = None, governs_through: date | None = None, scope_why: str = "",
                 any_order: bool = True) -> None:
        self.__dict__.update(name=name, order=order, rule_id=rule_id, paragraph=paragraph, says=says,
                             aliases=aliases, conditions=conditions, effects=effects, within=within,
                             explain=explain, exclusions=exclusions, verb=verb, force=force,
                             governs_from=governs_from, governs_through=governs_through, scope_why=scope_why,
                             any_order=any_order)


class CompiledPack(Record):
    """A pack compiled: its durable-rules ruleset, what each rule does, and what the runtime needs to feed it."""

    _fields = ("pack", "ruleset", "rules", "types", "retention", "membership")
    pack: RulePack
    ruleset: dict[str, Any]
    rules: dict[str, CompiledRule]
    types: frozenset[str]  # event types some rule looks at; others are never posted
    retention: dict[str, int]  # type -> seconds a joined fact must be kept
    membership: dict[str, tuple[str, ...]]  # actor id -> groups tested, it is in

    def __init__(self, pack: RulePack, ruleset: dict[str, Any], rules: dict[str, CompiledRule],
                 types: frozenset[str], retention: dict[str, int] | None = None,
                 membership: dict[str, tuple[str, ...]] | None = None) -> None:
        self.pack, self.ruleset, self.rules, self.types = pack, ruleset, rules, types
        self.retention = {} if retention is None else retention
        self.membership = {} if membership is None else membership


def _value(raw: str, pack: RulePack, aliases: dict[str, str]) -> Value:
    match = ALIAS_REF.match(raw)
    if match and match.group(1) in aliases:
        return FieldRef(match.group(1), match.group(2))
    return pack.actor(raw)


def _literal(value: Any, actor_field: bool, pack: RulePack) -> Any:
    return pack.actor(str(value)) if actor_field else value


def member_key(name: str, group: str) -> str:
    """The flag a message carries when the actor in field ``name`` belongs to ``group``."""
    return f"{name}__member_of__{group}"


def compile_constraint(name: str, constraint: Constraint, *, actor_field: bool, pack: RulePack,
                       groups: set[str] | None = None) -> list[Any]:
    """The durable-rules expressions (to be AND-ed) for one field test; the groups tested go into ``groups``."""
    out: list[Any] = []

    def one_of(values: list[Any]) -> None:
        values = sorted(set(values), key=str)
        if len(values) == 1:
            out.append({name: values[0]})
        else:
            out.append({"$or": [{name: v} for v in values]})

    def none_of(values: list[Any]) -> None:
        out.append({"$ex": {name: 1}})
        out.extend({"$neq": {name: v}} for v in sorted(set(values), key=str))

    if constraint.equals is not None:
        out.append({name: _literal(constraint.equals, actor_field, pack)})
    if constraint.in_ is not None:
        one_of([_literal(v, actor_field, pack) for v in constraint.in_])
    if constraint.member_of is not None:
        out.append({"$ex": {member_key(name, constraint.member_of): 1}})
        if groups is not None:
            groups.add(constraint.member_of)
    if constraint.not_in is not None:
        none_of([_literal(v, actor_field, pack) for v in constraint.not_in])
    if constraint.not_member_of is not None:
        out.append({"$ex": {name: 1}})
        out.append({"$nex": {member_key(name, constraint.not_member_of): 1}})
        if groups is not None:
            groups.add(constraint.not_member_of)
    for key, op in (("gt", "$gt"), ("gte", "$gte"), ("lt", "$lt"), ("lte", "$lte")):
        bound = getattr(constraint, key)
        if bound is not None:
            out.append({op: {name: pack.number_of(bound)}})
    if constraint.same_as is not None:
        alias, other = constraint.same_as.split(".", 1)
        out.append({name: {alias: other}})
    if constraint.contains is not None:
        out.append({"$ex": {list_key(name, constraint.contains): 1}})
    if constraint.exists is True:
        out.append({"$ex": {name: 1}})
    elif constraint.exists is False:
        out.append({"$nex": {name: 1}})
    return out


def list_key(name: str, value: str) -> str:
    """How a list field's item appears in a message: durable-rules matches flat properties best."""
    return f"{name}__{value}"


def describe_constraint(name: str, constraint: Constraint) -> str:
    """A field test in words: 'level is imminent_and_serious', 'by is a member of minusma'."""
    parts = []
    if constraint.equals is not None:
        parts.append(f"{name} is {constraint.equals}")
    if constraint.in_ is not None:
        parts.append(f"{name} is one of {', '.join(map(str, constraint.in_))}")
    if constraint.not_in is not None:
        parts.append(f"{name} is none of {', '.join(map(str, constraint.not_in))}")
    if constraint.member_of is not None:
        parts.append(f"{name} is {constraint.member_of} or one of its members")
    if constraint.not_member_of is not None:
        parts.append(f"{name} is known and not {constraint.not_member_of}")
    for key, word in (("gt", "above"), ("gte", "at least"), ("lt", "below"), ("lte", "at most")):
        bound = getattr(constraint, key)
        if bound is not None:
            parts.append(f"{name} is {word} {bound.param if hasattr(bound, 'param') else bound}")
    if constraint.same_as is not None:
        parts.append(f"{name} is the same as {constraint.same_as}'s")
    if constraint.contains is not None:
        parts.append(f"{name} includes {constraint.contains}")
    if constraint.not_part_of is not None:
        parts.append(f"{name} is not {constraint.not_part_of} nor part of it")
    if constraint.exists is True and not (constraint.not_member_of or constraint.not_in):
        parts.append(f"{name} is given")
    elif constraint.exists is False:
        parts.append(f"{name} is not given")
    return " and ".join(parts)


def describe_pattern(event: str, where: dict[str, Constraint]) -> str:
    """A pattern in words: 'a threat where level is imminent_and_serious and incident is given'."""
    tests = [describe_constraint(name, where[name]) for name in sorted(where)]
    article = "an" if event[0] in "aeiou" else "a"
    return f"{article} {event}" + (f" where {'; '.join(tests)}" if tests else "")


def _condition(event: str, where: dict[str, Constraint], pack: RulePack, groups: set[str]) -> tuple[Any, int]:
    actor_fields = pack.actor_fields.get(event)
    if actor_fields is None:  # a pack not made by the loader's checks
        from ..inputs.vocabulary import EVENT_TYPES

        actor_fields = EVENT_TYPES[event].actor_fields
    exprs: list[Any] = [{"type": event}]
    for name in sorted(where):
        exprs.extend(compile_constraint(name, where[name], actor_field=name in actor_fields, pack=pack,
                                        groups=groups))
    count = sum(len(e["$or"]) if "$or" in e else 1 for e in exprs)
    return ({"$and": exprs} if len(exprs) > 1 else exprs[0]), count


def max_seconds(duration: Duration) -> int:
    """An upper bound in seconds (months count as 31 days): how long a fact must be kept for a join."""
    days = duration.days if duration.days is not None else 0
    if duration.weeks is not None:
        days = 7 * duration.weeks
    if duration.months is not None:
        days = 31 * duration.months
    return days * SECONDS_PER_DAY


def compile_pack(pack: RulePack) -> CompiledPack:
    """Compile ``pack`` to a durable-rules ruleset and its action table."""
    ruleset: dict[str, Any] = {"open": {"all": [{"m": {"type": OPEN_TYPE}}]}}
    rules: dict[str, CompiledRule] = {}
    types: set[str] = set()
    retention: dict[str, int] = {}
    groups: set[str] = set()
    order = 0

    def add(paragraph: Paragraph, rule_id: str, says: str, patterns: list[tuple[str, str, dict[str, Constraint]]],
            effects: tuple[CompiledEffect, ...], within: Duration | None, explain: str,
            clause: str | None = None, fulfils: bool = False, any_order: bool = True) -> None:
        nonlocal order
        scope = pack.scope_of(paragraph.id)
        name = f"r{order}"
        conditions = []
        for alias, event, where in patterns:
            condition, count = _condition(event, where, pack, groups)
            if count > MAX_EXPRESSIONS:
                raise RuleError(f"rule {rule_id}: pattern {alias!r} compiles to {count} tests; durable-rules allows "
                                f"{MAX_EXPRESSIONS}", path=pack.origins[paragraph.id].path,
                                line=pack.origins[paragraph.id].line)
            conditions.append({alias: condition})
            types.add(event)
        if len(patterns) > 1:
            assert within is not None
            keep = max_seconds(within)
            for _, event, _ in patterns:
                retention[event] = max(retention.get(event, 0), keep)
        ruleset[name] = {"all": conditions}
        exclusions = []
        for alias, _, where in patterns:
            for field_name, c in sorted(where.items()):
                if c.not_part_of is not None:
                    other_alias, other_field = c.not_part_of.split(".", 1)
                    exclusions.append((alias, field_name, other_alias, other_field))
        rules[name] = CompiledRule(
            name=name, order=order, rule_id=rule_id, paragraph=paragraph.id, says=says,
            aliases=tuple((alias, event) for alias, event, _ in patterns),
            conditions=tuple(describe_pattern(event, where) for _, event, where in patterns),
            effects=effects, within=within,
            explain=explain, exclusions=tuple(exclusions),
            verb=reading(paragraph, clause)[0], force=str(reading(paragraph, clause)[1]),
            governs_from=None if fulfils else pack.adopted,
            governs_through=None if fulfils or scope is None or scope.ends_with is None
            else pack.window_days(scope.ends_with)[1],
            scope_why=" ".join(scope.why.split()) if scope is not None else "",
            any_order=any_order,
        )
        order += 1

    for rule, paragraph in pack.rules:
        aliases = {p.as_: p.event for p in rule.when}
        effects = []
        for effect in rule.then:
            # the effect's fields as data: asking a light instance for what it lacks would build the real model
            name = effect_name(effect)
            body: dict[str, Any] = vars(getattr(effect, name))
            ceiling = body.get("ceiling")
            incident = body.get("incident")
            figure = body.get("figure")
            effects.append(CompiledEffect(
                name=name,
                target=body.get("authorization") or body.get("obligation"),
                subject=_value(body["subject"], pack, aliases),
                incident=_value(incident, pack, aliases) if incident else None,  # type: ignore[arg-type]
                criterion=body.get("criterion"),
                limit=body.get("limit"),
                figure=_value(figure, pack, aliases) if figure else None,  # type: ignore[arg-type]
                ceiling=pack.number_of(ceiling) if ceiling is not None else None,
                otherwise=body.get("otherwise", "not_covered"),
                since=body.get("since"),
            ))
        add(paragraph, rule.id, rule.says, [(p.as_, p.event, p.where) for p in rule.when], tuple(effects),
            pack.duration_of(rule.within) if rule.within is not None else None, rule.explain, rule.clause,
            any_order=pack.bool_of(rule.any_order, True))

    for obligation_id, (obligation, paragraph) in pack.obligations.items():
        by = obligation.fulfilled_by
        fulfil = CompiledEffect(name="fulfil", target=obligation_id, subject=pack.actor(obligation.subject),
                                answers=by.answers,
                                late_within=pack.duration_of(by.late_within) if by.late_within else None)
        add(paragraph, f"{obligation_id}/fulfilled", obligation.says, [("act", by.event, by.where)], (fulfil,),
            None, "{act.by} submitted a report on {act.at}.", obligation.clause, fulfils=True)

    if len(ruleset) > MAX_RULES:
        raise RuleError(f"the pack compiles to {len(ruleset)} rules; durable-rules allows {MAX_RULES}",
                        path=f"rules/{pack.name}")
    _check_sibling_tests(ruleset, pack)
    in_groups: dict[str, list[str]] = {}
    for group in sorted(groups):
        for actor in pack.actors.members(group):
            in_groups.setdefault(actor, []).append(group)
    return CompiledPack(pack=pack, ruleset=ruleset, rules=rules, types=frozenset(types), retention=retention,
                        membership={actor: tuple(found) for actor, found in sorted(in_groups.items())})


def _check_sibling_tests(ruleset: dict[str, Any], pack: RulePack) -> None:
    tests: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("$and", "$or"):
                    for item in value:
                        walk(item)
                else:
                    tests.add(repr((key, value)))
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for rule in ruleset.values():
        for condition in rule["all"]:
            for expr in condition.values():
                walk(expr)
    if len(tests) > MAX_SIBLING_TESTS:
        raise RuleError(f"the pack compiles to {len(tests)} distinct tests; durable-rules breaks above "
                        f"{MAX_SIBLING_TESTS} under one parent", path=f"rules/{pack.name}")
