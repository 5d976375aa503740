"""The search for events that meet, or nearly meet, a rule's patterns: the events ranked against one pattern,
the nearest combination (a small beam search), and every complete match (up to a limit) — joined within the
rule's ``within`` and, when its ``any_order`` is false, in the order of its patterns, as the replay joins them."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from ...inputs.scenario import sort_key
from ...inputs.vocabulary import Event
from ...rulepack.pack import RulePack
from ...rulepack.plain import is_param
from ...rulepack.rulebook import Rule
from ..why import joined_in_time, within_of
from .patterns import Pattern, Verdict, judge
from .question import Question

BEAM = 50  # combinations of events kept while searching for the nearest one
MAX_MATCHES = 1_000  # complete matches examined per rule
NEAR = 3  # near misses shown per condition


def ranked(question: Question, pattern: Pattern, binding: dict[str, Event | None]) -> list[Verdict]:
    verdicts = [judge(question.pack, pattern, event, binding) for event in question.by_type.get(pattern.event, [])]
    bound = [e for e in binding.values() if e is not None]

    def closeness(event: Event) -> float:
        return min((abs((event.at - other.at).total_seconds()) for other in bound), default=0.0)

    verdicts.sort(key=lambda v: (v.weight, v.distance, closeness(v.event) if v.event else 0.0,
                                 sort_key(v.event) if v.event else ()))
    return verdicts


def nearest_combination(question: Question, patterns: list[Pattern]) -> tuple[dict[str, Event | None], list[Verdict]]:
    """The combination of events that comes closest to meeting every pattern (a small beam search)."""
    beams: list[tuple[float, float, dict[str, Event | None], list[Verdict]]] = [(0.0, 0.0, {}, [])]
    for pattern in patterns:
        grown = []
        for fails, distance, binding, verdicts in beams:
            options = ranked(question, pattern, binding)[:BEAM] or [Verdict(None, ["missing"])]
            for verdict in options:
                grown.append((fails + verdict.weight, distance + verdict.distance,
                              {**binding, pattern.alias: verdict.event}, [*verdicts, verdict]))
        grown.sort(key=lambda item: (item[0], item[1], [sort_key(v.event) if v.event else () for v in item[3]]))
        beams = grown[:BEAM]
    _, _, binding, verdicts = beams[0]
    return binding, verdicts


def order_of(pack: RulePack, rule: Rule) -> tuple[bool, str | None]:
    """Whether the rule joins its events in any order (its ``any_order``, true unless it says otherwise), and the
    parameter that decides it (paragraph 37's request_may_precede_threat), if any — as the compiler reads it."""
    name = rule.any_order.param if is_param(rule.any_order) else None
    return pack.bool_of(rule.any_order, True), name


def out_of_order(aliases: Sequence[str], binding: dict[str, Event]) -> tuple[str, str] | None:
    """The first two joined events, in the order of the rule's patterns (``aliases``), of which the later
    pattern's came strictly before the earlier one's (None when they come in order): the replay's own test,
    which lets events at the same instant join."""
    bound = [alias for alias in aliases if alias in binding]
    for first, second in itertools.pairwise(bound):
        if binding[first].at > binding[second].at:
            return first, second
    return None


def complete_matches(question: Question, patterns: list[Pattern], rule: Rule) -> list[dict[str, Event]]:
    """Every combination of events that meets all patterns, the rule's ``within`` and its order (up to a limit)."""
    passing: list[list[Event]] = []
    for pattern in patterns:
        local = Pattern(pattern.alias, pattern.event,
                        {k: c for k, c in pattern.where.items() if c.same_as is None}, pattern.extra)
        passing.append([e for e in question.by_type.get(pattern.event, []) if judge(question.pack, local, e, {}).met])
    duration, _ = within_of(question.pack, rule)
    any_order, _ = order_of(question.pack, rule)
    aliases = [p.alias for p in patterns]
    found: list[dict[str, Event]] = []

    def walk(index: int, binding: dict[str, Event]) -> None:
        if len(found) >= MAX_MATCHES:
            return
        if index == len(patterns):
            joined = duration is None or len(binding) < 2 or joined_in_time([e.at for e in binding.values()], duration)
            if joined and (any_order or out_of_order(aliases, binding) is None):
                found.append(dict(binding))
            return
        pattern = patterns[index]
        for event in passing[index]:
            if judge(question.pack, pattern, event, dict(binding)).met:
                walk(index + 1, {**binding, pattern.alias: event})

    walk(0, {})
    return found
