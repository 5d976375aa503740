"""The search for events that meet, or nearly meet, a rule's patterns: the events ranked against one pattern,
the nearest combination (a small beam search), and every complete match (up to a limit)."""

from __future__ import annotations

from ...inputs.scenario import sort_key
from ...inputs.vocabulary import Event
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


def complete_matches(question: Question, patterns: list[Pattern], rule: Rule) -> list[dict[str, Event]]:
    """Every combination of events that meets all patterns and the rule's ``within`` (up to a limit)."""
    passing: list[list[Event]] = []
    for pattern in patterns:
        local = Pattern(pattern.alias, pattern.event,
                        {k: c for k, c in pattern.where.items() if c.same_as is None}, pattern.extra)
        passing.append([e for e in question.by_type.get(pattern.event, []) if judge(question.pack, local, e, {}).met])
    duration, _ = within_of(question.pack, rule)
    found: list[dict[str, Event]] = []

    def walk(index: int, binding: dict[str, Event]) -> None:
        if len(found) >= MAX_MATCHES:
            return
        if index == len(patterns):
            if duration is None or len(binding) < 2 or joined_in_time([e.at for e in binding.values()], duration):
                found.append(dict(binding))
            return
        pattern = patterns[index]
        for event in passing[index]:
            if judge(question.pack, pattern, event, dict(binding)).met:
                walk(index + 1, {**binding, pattern.alias: event})

    walk(0, {})
    return found
