"""The why-not of an event rule: the findings its matches produced, why a match took no effect, or the nearest
combination of events with, per condition, the event that met it or why none did, joins too far apart, and joins
in the wrong order (a rule whose ``any_order`` is false: paragraph 37's request before its threat when the
assumption request_may_precede_threat is false)."""

from __future__ import annotations

from typing import Any

from ...inputs.scenario import sort_key
from ...inputs.vocabulary import Event
from ...rulepack.compiler import describe_pattern
from ...rulepack.rulebook import Rule
from ..why import describe_event, gap, joined_in_time, when, within_of
from .answers import Check, Near, RuleAnswer
from .authorizations import effect_reasons
from .patterns import headline
from .phrasing import noun, short_event
from .question import Question
from .search import NEAR, complete_matches, nearest_combination, order_of, out_of_order, ranked


def rule_answer(question: Question, rule: Rule) -> RuleAnswer:
    answer = RuleAnswer(rule=rule.id, says=" ".join(rule.says.split()), outcome="not_matched")
    any_order, param = order_of(question.pack, rule)
    if not any_order and len(rule.when) > 1:
        answer.order = {"needs": [p.as_ for p in rule.when], "parameter": param, "met": None}
    patterns = question.patterns(rule)
    if isinstance(patterns, str):
        answer.outcome = "not_asked"
        answer.note = f"Not part of this question: {patterns}."
        return answer
    matches = complete_matches(question, patterns, rule)
    effective: list[str] = []
    idle: list[tuple[dict[str, Event], list[str]]] = []
    for binding in matches:
        ids = tuple(binding[p.alias].id or "" for p in patterns)
        produced = question.produced.get((rule.id, ids), [])
        reasons = effect_reasons(question, rule, binding)
        if reasons is None and produced:
            effective.extend(f.id for f in produced if f.id not in effective)
        elif reasons is None and not produced:
            idle.append((binding, ["the match engaged nothing in the replay"]))
        else:
            idle.append((binding, reasons or []))
            answer.findings.extend(f.id for f in produced if f.id not in answer.findings)
    if effective:
        answer.outcome = "matched"
        answer.findings = effective
        for done, reasons in idle:  # other matches of the same rule that did not take effect
            shown = ", ".join(done[p.alias].id or "" for p in patterns)
            answer.reasons += [f"{reason} ({shown})" for reason in reasons]
    if idle and not effective:
        answer.outcome = "matched_without_effect"
        first_match, reasons = idle[0]
        for pattern in patterns:
            event = first_match[pattern.alias]
            answer.checks.append(Check(pattern.alias, describe_pattern(pattern.event, pattern.where), True,
                                       describe_event(question.pack, event),
                                       f"met by {short_event(question.pack, event)}"))
        answer.reasons = reasons
        for _, more in idle[1:]:
            answer.reasons += [r for r in more if r not in answer.reasons]
        return answer
    if answer.order is not None and answer.outcome != "not_matched":
        answer.order["met"] = True
    if answer.outcome == "matched":
        return answer
    nearest, verdicts = nearest_combination(question, patterns)
    fields_met = True
    for pattern, verdict in zip(patterns, verdicts, strict=True):
        condition = describe_pattern(pattern.event, pattern.where)
        if verdict.met:
            assert verdict.event is not None
            answer.checks.append(Check(pattern.alias, condition, True, describe_event(question.pack, verdict.event),
                                       f"met by {short_event(question.pack, verdict.event)}"))
            continue
        fields_met = False
        partners = {k: v for k, v in nearest.items() if k != pattern.alias}
        missing = headline(question.pack, pattern, partners, patterns)
        said = f"{missing} (the scenario has no {pattern.event} event)" if pattern.event not in question.by_type \
            else missing
        answer.checks.append(Check(pattern.alias, condition, False,
                                   describe_event(question.pack, verdict.event) if verdict.event else None, said))
        answer.reasons.append(said)
        near = [Near(describe_event(question.pack, v.event), v.reasons)
                for v in ranked(question, pattern, partners) if v.event is not None and v.reasons][:NEAR]
        if near:
            answer.near[pattern.alias] = near
    if fields_met:
        bound = {k: v for k, v in nearest.items() if v is not None}
        late = within_reason(question, rule, bound)
        if late:
            answer.checks.append(Check("within", "joined events close enough in time", False, None, late))
            answer.reasons.append(late)
        if answer.order is not None and len(bound) == len(patterns):
            early = order_reason(question, rule, bound, answer.order)
            if early:
                answer.checks.append(Check("order", "joined events in the order the rule takes them", False, None,
                                           early))
                answer.reasons.append(early)
    return answer


def order_reason(question: Question, rule: Rule, binding: dict[str, Event], order: dict[str, Any]) -> str | None:
    """Why joined events in the wrong order do not match a rule that takes them only in the order of its patterns
    (None when they come in order); records in ``order`` which came first and how to let the order be free."""
    pair = out_of_order(order["needs"], binding)
    order["met"] = pair is None
    if pair is None:
        return None
    first, second = binding[pair[0]], binding[pair[1]]
    same = first.type == second.type
    name_first = pair[0] if same else noun(first.type)
    name_second = pair[1] if same else noun(second.type)
    param = order["parameter"]
    order.update({"early": {"as": pair[1], "event": second.id}, "before": {"as": pair[0], "event": first.id},
                  "by": gap(first.at - second.at)})
    said = (f"the {name_second} ({second.id}, {when(second.at)}) came {gap(first.at - second.at)} before the "
            f"{name_first} ({first.id}, {when(first.at)}); the rule takes the {name_second} only after the "
            f"{name_first}")
    if param is None:
        return said + " (the rule fixes this order)"
    kind = "assumption" if question.pack.parameters[param].assumption is not None else "parameter"
    order["change"] = f"--assume {param}=true"
    return (f"{said} ({kind} {param} is false; to let the {name_second} come first: "
            f"--assume {param}=true)")


def within_reason(question: Question, rule: Rule, binding: dict[str, Event]) -> str | None:
    duration, param = within_of(question.pack, rule)
    if duration is None or len(binding) < 2 or joined_in_time([e.at for e in binding.values()], duration):
        return None
    events = sorted(binding.values(), key=sort_key)
    first, last = events[0], events[-1]
    if param is None:
        source = ""
    elif question.pack.parameters[param].assumption is not None:
        source = f" (assumption {param})"
    else:
        source = f" (parameter {param})"
    if len(events) == 2:
        said = f"the {noun(last.type)} came {gap(last.at - first.at)} after the {noun(first.type)}"
    else:
        said = f"the events are {gap(last.at - first.at)} apart"
    return f"{said}; the rule joins them only within {duration.describe()}{source}"


