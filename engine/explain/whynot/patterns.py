"""One pattern of a rule against one event: which of its field tests the event fails and why, in words
("from the Government of Mali, not the Secretary-General"), and what the pattern asks for when nothing meets it
("no request from the Secretary-General to the French forces for incident tbk-2018-04-14")."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ...inputs.vocabulary import EVENT_TYPES, Event
from ...rulepack.pack import RulePack
from ...rulepack.plain import is_param
from ...rulepack.rulebook import Constraint
from .phrasing import ADJECTIVES, actor_phrase, group_phrase, noun, preposition, words

# ---- one pattern against one event -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    """A rule's pattern, with the tests the question adds (``--subject``, ``--incident``)."""

    alias: str
    event: str
    where: dict[str, Constraint]
    extra: tuple[tuple[str, str], ...] = ()  # (field, value) the question asks for


@dataclass
class Verdict:
    """How one event fares against one pattern, given the events bound to the patterns before it."""

    event: Event | None
    reasons: list[str] = field(default_factory=list)
    distance: float = 0.0  # how far numeric tests missed by
    off_topic: int = 0  # failed tests the question added: such an event is about another subject or incident

    asked: bool = False  # the pattern carries the question's tests: its own failures weigh a little more

    @property
    def weight(self) -> float:
        return len(self.reasons) * (1.5 if self.asked else 1.0) + 10 * self.off_topic

    @property
    def met(self) -> bool:
        return self.event is not None and not self.reasons


def _value_words(pack: RulePack, event_type: str, name: str, value: Any, actor_field: bool) -> str:
    if value is None:
        return "no one named" if actor_field else "none"
    if actor_field:
        return actor_phrase(pack, str(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return words(value)


def _resolved(pack: RulePack, value: Any, actor_field: bool) -> Any:
    if actor_field:
        try:
            return pack.actor(str(value))
        except ValueError:
            return str(value)
    return value


def _bound_value(pack: RulePack, bound: Any) -> int | None:
    if bound is None:
        return None
    number: int = pack.number_of(bound)
    return number


def _test(pack: RulePack, pattern: Pattern, name: str, constraint: Constraint, event: Event,
          binding: dict[str, Event | None]) -> tuple[str | None, float]:
    """The reason ``event`` fails one field test (None when it passes), and how far off a number is."""
    actor_field = name in event.actor_fields
    have = getattr(event, name, None)
    have_plain = getattr(have, "value", have)
    prep = preposition(event.type, name)
    shown = _value_words(pack, event.type, name, have, actor_field)

    def differs(want: str) -> str:
        if name == "incident":
            return f"names no incident (needed: {want})" if have is None else f"for incident {have}, not {want}"
        if name in ADJECTIVES:
            return f"{name} {shown}, not {want}"
        if actor_field:
            return f"{prep} {shown}, not {want}"
        return f"{name} {shown}, not {want}"

    if constraint.equals is not None:
        want = _resolved(pack, constraint.equals, actor_field)
        if have_plain != want:
            return differs(_value_words(pack, event.type, name, want, actor_field)), 0.0
    if constraint.in_ is not None:
        allowed = [_resolved(pack, v, actor_field) for v in constraint.in_]
        if have_plain not in allowed:
            return differs(" or ".join(_value_words(pack, event.type, name, v, actor_field) for v in allowed)), 0.0
    if constraint.member_of is not None and have_plain not in pack.actors.members(constraint.member_of):
        return differs(group_phrase(pack, constraint.member_of)), 0.0
    if constraint.not_in is not None or constraint.not_member_of is not None:
        if have is None:
            return ("its author is not named" if name == "by" else f"its {name} is not given"), 0.0
        if constraint.not_in is not None and have_plain in [_resolved(pack, v, actor_field) for v in constraint.not_in]:
            return f"{prep} {shown}, which the rule excludes", 0.0
        if constraint.not_member_of is not None and have_plain in pack.actors.members(constraint.not_member_of):
            group = constraint.not_member_of.replace("-", " ")
            plain = pack.actors.name_of(str(have_plain))
            return (f"its author is {plain} ({group})" if name == "by" else f"{prep} {plain} ({group})"), 0.0
    for key, fails_when in (("gt", "at or below"), ("gte", "below"), ("lt", "at or above"), ("lte", "above")):
        bound_ref = getattr(constraint, key)
        bound = _bound_value(pack, bound_ref)
        if bound is None:
            continue
        source = f" ({bound_ref.param})" if is_param(bound_ref) else ""
        if not isinstance(have_plain, int):
            return f"gives no {name} figure", float("inf")
        ok = {"gt": have_plain > bound, "gte": have_plain >= bound, "lt": have_plain < bound,
              "lte": have_plain <= bound}[key]
        if not ok:
            return f"{name} {have_plain:,} is {fails_when} {bound:,}{source}", float(abs(have_plain - bound) + 1)
    if constraint.same_as is not None:
        alias, other_field = constraint.same_as.split(".", 1)
        partner = binding.get(alias)
        if partner is not None:
            want_value = getattr(partner, other_field, None)
            want_plain = getattr(want_value, "value", want_value)
            if want_value is None or have_plain != want_plain:
                want = _value_words(pack, partner.type, other_field, want_value, actor_field)
                return differs(f"{want} (the {noun(partner.type)}'s)"), 0.0
    if constraint.not_part_of is not None and have is not None:
        alias, other_field = constraint.not_part_of.split(".", 1)
        partner = binding.get(alias)
        theirs = getattr(partner, other_field, None) if partner is not None else None
        if theirs is not None and (have_plain == theirs or theirs in pack.actors.ancestors(str(have_plain))):
            return (f"{prep} {shown}, the {noun(partner.type)}'s own {other_field.replace('_', ' ')}"  # type: ignore[union-attr]
                    ), 0.0
    if constraint.exists is True and have is None:
        if name == "incident":
            return "names no incident", 0.0
        return ("its author is not named" if name == "by" else f"its {name} is not given"), 0.0
    if constraint.exists is False and have is not None:
        return f"{name} is given ({shown})", 0.0
    return None, 0.0


def judge(pack: RulePack, pattern: Pattern, event: Event, binding: dict[str, Event | None]) -> Verdict:
    verdict = Verdict(event, asked=bool(pattern.extra))
    failed: set[str] = set()
    for name, value in pattern.extra:  # the question's own tests first: they say it best
        reason, _ = _test(pack, pattern, name, Constraint(equals=value), event, binding)
        if reason is not None:
            verdict.reasons.append(reason)
            verdict.off_topic += 1
            failed.add(name)
    for name in sorted(pattern.where):
        if name in failed:
            continue
        reason, distance = _test(pack, pattern, name, pattern.where[name], event, binding)
        if reason is not None:
            verdict.reasons.append(reason)
            verdict.distance += distance
    return verdict


def headline(pack: RulePack, pattern: Pattern, binding: dict[str, Event | None],
             others: list[Pattern] | None = None) -> str:
    """What the pattern asks for, in words, as missing: 'no request from the Secretary-General to ...'. Joins
    from ``others`` that point at this pattern add what their bound events fix ('an attack by JNIM')."""
    actor_fields = EVENT_TYPES[pattern.event].actor_fields
    adjectives: list[str] = []
    qualifiers: list[tuple[int, str]] = []
    order = ["by", "to", "against", "target", "in_support_of"]

    def place(name: str) -> int:
        return order.index(name) if name in order else (99 if name == "incident" else 50)

    def add(name: str, phrase: str) -> None:
        if name in ADJECTIVES:
            adjectives.append(phrase)
        elif name == "incident":
            qualifiers.append((place(name), f"for incident {phrase}"))
        else:
            prefix = preposition(pattern.event, name) if name in actor_fields else f"with {name}"
            qualifiers.append((place(name), f"{prefix} {phrase}"))

    given = {name for name, _ in pattern.extra}
    for other in others or []:
        partner = binding.get(other.alias)
        if other.alias == pattern.alias or partner is None:
            continue
        for name, c in other.where.items():
            if c.same_as and c.same_as.split(".", 1)[0] == pattern.alias:
                target = c.same_as.split(".", 1)[1]
                value = getattr(partner, name, None)
                if value is not None and target not in given:
                    given.add(target)
                    add(target, actor_phrase(pack, str(value)) if target in actor_fields else words(value))
    for name, value in pattern.extra:
        add(name, actor_phrase(pack, value) if name in actor_fields else words(value))
    for name in sorted(pattern.where):
        if name in given:
            continue
        c = pattern.where[name]
        actor = name in actor_fields
        if c.equals is not None:
            value = _resolved(pack, c.equals, actor)
            add(name, actor_phrase(pack, value) if actor else words(value))
        elif c.in_ is not None:
            add(name, " or ".join(actor_phrase(pack, _resolved(pack, v, True)) if actor else words(v) for v in c.in_))
        elif c.member_of is not None:
            add(name, group_phrase(pack, c.member_of))
        elif c.same_as is not None:
            alias, joined = c.same_as.split(".", 1)
            partner = binding.get(alias)
            value = getattr(partner, joined, None) if partner is not None else None
            if value is not None:
                add(name, actor_phrase(pack, str(value)) if actor else words(value))
        for key, word in (("gt", "above"), ("gte", "at least"), ("lt", "below"), ("lte", "at most")):
            bound = _bound_value(pack, getattr(c, key))
            if bound is not None:
                qualifiers.append((place(name), f"with {name} {word} {bound:,}"))
    qualifiers.sort(key=lambda item: item[0])
    article = "no"
    return " ".join([article, *adjectives, noun(pattern.event), *(q for _, q in qualifiers)])


def could_be(pack: RulePack, pattern: Pattern, name: str, actor: str) -> bool:
    """Whether an event whose ``name`` is ``actor`` could pass the pattern's test on that field."""
    model = EVENT_TYPES[pattern.event]
    constraint = pattern.where[name]
    if constraint.same_as is not None:
        return True
    values: dict[str, Any] = {"type": pattern.event, name: actor}
    probe = model.model_construct(**values)
    reason, _ = _test(pack, pattern, name, constraint, probe, {})
    return reason is None
