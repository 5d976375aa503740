"""Why a finding did not arise: the unmet conditions of a paragraph's rules and the events that almost met them.

``obligations explain SCENARIO --why-not PARAGRAPH [--subject ACTOR] [--incident ID]`` reads the paragraph's
rules as data — their patterns and field tests, ``same_as`` joins, ``within``, the windows of the authorizations
they grant or exercise, and the obligations' schedules and fulfilments — and evaluates them here, in Python,
against the scenario's events. This evaluator only explains; matching itself stays in durable-rules, and where
the replay already answers (which findings a match produced, which grant an intervention found) its answer is
read from the report.

For each rule it reports either the findings it produced, or the nearest combination of events with, for each
condition, the event that met it or why none did ("no request from the Secretary-General to the French forces
for incident tbk-2018-04-14"), the events that came closest and what they lack ("tessalit-request: from the
Government of Mali, not the Secretary-General"), and joins that came too far apart ("the request came 4 days
after the threat; the rule joins them only within 3 days (assumption threat_request_window)"). A match that
engaged nothing says why (an authorization's window had ended; no grant covered the intervention). For each
obligation it explains every duty that was not fulfilled: the reports by someone else, of another kind, after
the due date, or that answered another period.

``--subject`` and ``--incident`` narrow the question: they become one more test on the field of the rule that
gives a finding its subject or incident, so that nearby events for other actors or incidents are still shown,
with what differs.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ..dates import end_of, long_date, start_of
from ..errors import InputError
from ..inputs.scenario import sort_key
from ..inputs.vocabulary import Event
from ..outputs.report import FindingView
from ..rulepack.compiler import describe_pattern
from ..rulepack.pack import RulePack
from ..rulepack.rulebook import ALIAS_REF, Constraint, Obligation, ParamRef, Rule
from .why import Replayed, describe_event, event_line, gap, joined_in_time, when, within_of

BEAM = 50  # combinations of events kept while searching for the nearest one
NEAR = 3  # near misses shown per condition
MAX_MATCHES = 1_000  # complete matches examined per rule

NOUNS = {"intervention_request": "request", "ceasefire_violation": "ceasefire violation"}
PREPOSITIONS = {"by": "by", "to": "to", "against": "against", "target": "on", "in_support_of": "in support of",
                "incident": "for incident"}
TYPE_PREPOSITIONS = {("intervention_request", "by"): "from"}
ADJECTIVES = ("level", "kind")  # enumerations read as adjectives: "an imminent and serious threat"
COMMON_NOUNS = {"secretary-general", "forces", "government", "council", "representative", "mission", "union",
                "force", "team", "office", "court", "personnel", "defence", "members", "partners", "authorities"}


def noun(event_type: str) -> str:
    return NOUNS.get(event_type, event_type.replace("_", " "))


def preposition(event_type: str, name: str) -> str:
    return TYPE_PREPOSITIONS.get((event_type, name), PREPOSITIONS.get(name, name.replace("_", " ")))


def actor_phrase(pack: RulePack, actor_id: str) -> str:
    """An actor's name as it reads in a sentence: 'the Secretary-General', 'MINUSMA', 'the French forces'."""
    name = pack.actors.name_of(actor_id)
    words = {w.lower() for w in name.replace(",", " ").split()}
    if name[:1].islower() or words & COMMON_NOUNS:
        return f"the {name}"
    return name


def group_phrase(pack: RulePack, group: str) -> str:
    """'MINUSMA' for an actor's id; 'an international presence' for a tag."""
    if group in pack.actors.by_id:
        return actor_phrase(pack, group)
    words = group.replace("-", " ")
    return f"{'an' if words[:1] in 'aeiou' else 'a'} {words}"


def words(value: Any) -> str:
    text = str(getattr(value, "value", value))
    return text.replace("_", " ")


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
        source = f" ({bound_ref.param})" if isinstance(bound_ref, ParamRef) else ""
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
    from ..inputs.vocabulary import EVENT_TYPES

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


# ---- a rule against all events ---------------------------------------------------------------------------------


@dataclass
class Check:
    """One condition of a rule, and how the nearest combination of events fares against it."""

    alias: str
    condition: str
    met: bool
    event: dict[str, Any] | None
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"as": self.alias, "condition": self.condition, "met": self.met, "event": self.event,
                "reason": self.reason}


@dataclass
class Near:
    event: dict[str, Any]
    reasons: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {"event": self.event, "reasons": self.reasons}

    def line(self) -> str:
        return f"{self.event['id']} ({self.event['when']}): {'; '.join(self.reasons) or 'meets every test'}"


@dataclass
class RuleAnswer:
    """What became of one rule."""

    rule: str
    says: str
    outcome: str  # matched | matched_without_effect | not_matched | not_asked
    findings: list[str] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    near: dict[str, list[Near]] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "says": self.says, "outcome": self.outcome, "findings": self.findings,
                "checks": [c.as_dict() for c in self.checks],
                "near": {alias: [n.as_dict() for n in items] for alias, items in self.near.items()},
                "reasons": self.reasons, "note": self.note}


@dataclass
class ObligationAnswer:
    obligation: str
    says: str
    findings: list[dict[str, Any]] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    near: dict[str, list[Near]] = field(default_factory=dict)  # per unfulfilled duty: the acts that came closest
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"obligation": self.obligation, "says": self.says, "findings": self.findings,
                "reasons": self.reasons, "near": {k: [n.as_dict() for n in v] for k, v in self.near.items()},
                "note": self.note}


@dataclass
class WhyNot:
    """The answer to "why did paragraph P not give this finding?"."""

    scenario: str
    paragraph: str
    text: str
    subject: str | None
    incident: str | None
    arose: list[dict[str, str]] = field(default_factory=list)
    rules: list[RuleAnswer] = field(default_factory=list)
    obligations: list[ObligationAnswer] = field(default_factory=list)
    note: str = ""

    @property
    def reasons(self) -> list[str]:
        """Every unmet condition, in order."""
        out = [r for answer in self.rules for r in answer.reasons]
        out.extend(r for answer in self.obligations for r in answer.reasons)
        return out

    def as_dict(self) -> dict[str, Any]:
        return {"scenario": self.scenario, "paragraph": self.paragraph, "text": self.text,
                "subject": self.subject, "incident": self.incident, "arose": self.arose,
                "rules": [r.as_dict() for r in self.rules], "obligations": [o.as_dict() for o in self.obligations],
                "reasons": self.reasons, "note": self.note}

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2, ensure_ascii=False) + "\n"

    def render(self) -> str:
        asked = [f"subject {self.subject}"] if self.subject else []
        if self.incident:
            asked.append(f"incident {self.incident}")
        out = [f"Why not paragraph {self.paragraph}" + (f" ({', '.join(asked)})" if asked else "")
               + f" — scenario: {self.scenario}",
               f"Paragraph {self.paragraph.split('/')[0]}: \"{self.text}\""]
        if self.note:
            out += ["", self.note]
        if self.arose:
            out.append("Arose: " + ", ".join(f"{f['id']} ({f['status']})" for f in self.arose))
        else:
            out.append("Arose: nothing" + (" for this question" if asked else ""))
        for answer in self.rules:
            out.append("")
            state = {"matched": "matched", "matched_without_effect": "matched, but did not take effect",
                     "not_matched": "did not match", "not_asked": "not asked"}[answer.outcome]
            out.append(f"{answer.rule}: \"{answer.says}\" — {state}"
                       + (f": {', '.join(answer.findings)}" if answer.findings else ""))
            if answer.note:
                out.append(f"  {answer.note}")
            for check in answer.checks:
                mark = "✓" if check.met else "✗"
                out.append(f"  {mark} {check.alias}: {check.reason}")
                for near in answer.near.get(check.alias, []):
                    out.append(f"      nearest: {near.line()}")
            if answer.outcome != "not_matched":  # otherwise the unmet checks above are the reasons
                for reason in answer.reasons:
                    out.append(f"  ✗ {reason}")
        for obligation in self.obligations:
            out.append("")
            out.append(f"{obligation.obligation}: \"{obligation.says}\""
                       + (": " + ", ".join(f"{f['id']} ({f['status']})" for f in obligation.findings)
                          if obligation.findings else ""))
            if obligation.note:
                out.append(f"  {obligation.note}")
            for reason in obligation.reasons:
                out.append(f"  ✗ {reason}")
                for near in obligation.near.get(reason.split(" ", 1)[0], []):
                    out.append(f"      nearest: {near.line()}")
        unmet = self.reasons
        out.append("")
        if unmet:
            out.append("Unmet:")
            out += [f"  - {reason}" for reason in unmet]
        else:
            out.append("Nothing is unmet: every rule asked about matched and every duty was fulfilled.")
        return "\n".join(out) + "\n"


class _Question:
    """One why-not question on one replay."""

    def __init__(self, replayed: Replayed, subject: str | None, incident: str | None) -> None:
        self.replayed = replayed
        self.pack = replayed.pack
        self.report = replayed.report
        self.subject = subject
        self.incident = incident
        self.by_type: dict[str, list[Event]] = {}
        for event in replayed.scenario.events:
            self.by_type.setdefault(event.type, []).append(event)
        self.produced: dict[tuple[str, tuple[str, ...]], list[FindingView]] = {}
        for finding in self.report.findings:
            for entry in finding.provenance:
                key = (entry["rule"], tuple(c["event"] for c in entry["conditions"]))
                self.produced.setdefault(key, []).append(finding)

    # -- patterns and the question's extra tests --
    def patterns(self, rule: Rule) -> list[Pattern] | str:
        """The rule's patterns with the question's tests, or why the question does not concern the rule."""
        aliases = {p.as_: p for p in rule.when}
        extra: dict[str, list[tuple[str, str]]] = {alias: [] for alias in aliases}
        effect = next((e.body for e in rule.then if getattr(e.body, "subject", None) is not None), None)
        if self.subject is not None and effect is not None:
            match = ALIAS_REF.match(str(effect.subject))
            if match and match.group(1) in aliases:
                alias, name = match.group(1), match.group(2)
                constraint = aliases[alias].where.get(name)
                if constraint is not None:
                    probe = Pattern(alias, aliases[alias].event, {name: constraint})
                    if not _could_be(self.pack, probe, name, self.subject):
                        return f"its subject ({alias}.{name}) cannot be {actor_phrase(self.pack, self.subject)}"
                extra[alias].append((name, self.subject))
            else:
                literal = self.pack.actor(str(effect.subject))
                if literal != self.subject:
                    return f"it concerns {actor_phrase(self.pack, literal)}"
        if self.incident is not None:
            target = getattr(effect, "incident", None) if effect is not None else None
            match = ALIAS_REF.match(str(target)) if target else None
            if match and match.group(1) in aliases:
                extra[match.group(1)].append((match.group(2), self.incident))
            else:
                alias = next((p.as_ for p in rule.when if "incident" in p.where), rule.when[0].as_)
                extra[alias].append(("incident", self.incident))
        changed = True
        while changed:  # the question's tests follow `same_as` joins: the request of the threat's incident
            changed = False
            for p in rule.when:
                for name, constraint in p.where.items():
                    if constraint.same_as is None:
                        continue
                    alias, other = constraint.same_as.split(".", 1)
                    for asked_field, value in list(extra.get(alias, [])):
                        if asked_field == other and (name, value) not in extra[p.as_]:
                            extra[p.as_].append((name, value))
                            changed = True
        return [Pattern(p.as_, p.event, dict(p.where), tuple(extra[p.as_])) for p in rule.when]

    def ranked(self, pattern: Pattern, binding: dict[str, Event | None]) -> list[Verdict]:
        verdicts = [judge(self.pack, pattern, event, binding) for event in self.by_type.get(pattern.event, [])]
        bound = [e for e in binding.values() if e is not None]

        def closeness(event: Event) -> float:
            return min((abs((event.at - other.at).total_seconds()) for other in bound), default=0.0)

        verdicts.sort(key=lambda v: (v.weight, v.distance, closeness(v.event) if v.event else 0.0,
                                     sort_key(v.event) if v.event else ()))
        return verdicts

    def nearest(self, patterns: list[Pattern]) -> tuple[dict[str, Event | None], list[Verdict]]:
        """The combination of events that comes closest to meeting every pattern (a small beam search)."""
        beams: list[tuple[float, float, dict[str, Event | None], list[Verdict]]] = [(0.0, 0.0, {}, [])]
        for pattern in patterns:
            grown = []
            for fails, distance, binding, verdicts in beams:
                options = self.ranked(pattern, binding)[:BEAM] or [Verdict(None, ["missing"])]
                for verdict in options:
                    grown.append((fails + verdict.weight, distance + verdict.distance,
                                  {**binding, pattern.alias: verdict.event}, [*verdicts, verdict]))
            grown.sort(key=lambda item: (item[0], item[1], [sort_key(v.event) if v.event else () for v in item[3]]))
            beams = grown[:BEAM]
        _, _, binding, verdicts = beams[0]
        return binding, verdicts

    def matches(self, patterns: list[Pattern], rule: Rule) -> list[dict[str, Event]]:
        """Every combination of events that meets all patterns and the rule's ``within`` (up to a limit)."""
        passing: list[list[Event]] = []
        for pattern in patterns:
            local = Pattern(pattern.alias, pattern.event,
                            {k: c for k, c in pattern.where.items() if c.same_as is None}, pattern.extra)
            passing.append([e for e in self.by_type.get(pattern.event, []) if judge(self.pack, local, e, {}).met])
        duration, _ = within_of(self.pack, rule)
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
                if judge(self.pack, pattern, event, dict(binding)).met:
                    walk(index + 1, {**binding, pattern.alias: event})

        walk(0, {})
        return found

    # -- a rule --
    def rule(self, rule: Rule) -> RuleAnswer:
        answer = RuleAnswer(rule=rule.id, says=" ".join(rule.says.split()), outcome="not_matched")
        patterns = self.patterns(rule)
        if isinstance(patterns, str):
            answer.outcome = "not_asked"
            answer.note = f"Not part of this question: {patterns}."
            return answer
        matches = self.matches(patterns, rule)
        effective: list[str] = []
        idle: list[tuple[dict[str, Event], list[str]]] = []
        for binding in matches:
            ids = tuple(binding[p.alias].id or "" for p in patterns)
            produced = self.produced.get((rule.id, ids), [])
            reasons = self.effect_reasons(rule, binding)
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
                                           describe_event(self.pack, event),
                                           f"met by {_short_event(self.pack, event)}"))
            answer.reasons = reasons
            for _, more in idle[1:]:
                answer.reasons += [r for r in more if r not in answer.reasons]
            return answer
        if answer.outcome == "matched":
            return answer
        nearest, verdicts = self.nearest(patterns)
        fields_met = True
        for pattern, verdict in zip(patterns, verdicts, strict=True):
            condition = describe_pattern(pattern.event, pattern.where)
            if verdict.met:
                assert verdict.event is not None
                answer.checks.append(Check(pattern.alias, condition, True, describe_event(self.pack, verdict.event),
                                           f"met by {_short_event(self.pack, verdict.event)}"))
                continue
            fields_met = False
            partners = {k: v for k, v in nearest.items() if k != pattern.alias}
            missing = headline(self.pack, pattern, partners, patterns)
            said = f"{missing} (the scenario has no {pattern.event} event)" if pattern.event not in self.by_type \
                else missing
            answer.checks.append(Check(pattern.alias, condition, False,
                                       describe_event(self.pack, verdict.event) if verdict.event else None, said))
            answer.reasons.append(said)
            near = [Near(describe_event(self.pack, v.event), v.reasons)
                    for v in self.ranked(pattern, partners) if v.event is not None and v.reasons][:NEAR]
            if near:
                answer.near[pattern.alias] = near
        if fields_met:
            bound = {k: v for k, v in nearest.items() if v is not None}
            late = self.within_reason(rule, bound)
            if late:
                answer.checks.append(Check("within", "joined events close enough in time", False, None, late))
                answer.reasons.append(late)
        return answer

    def within_reason(self, rule: Rule, binding: dict[str, Event]) -> str | None:
        duration, param = within_of(self.pack, rule)
        if duration is None or len(binding) < 2 or joined_in_time([e.at for e in binding.values()], duration):
            return None
        events = sorted(binding.values(), key=sort_key)
        first, last = events[0], events[-1]
        if param is None:
            source = ""
        elif self.pack.parameters[param].assumption is not None:
            source = f" (assumption {param})"
        else:
            source = f" (parameter {param})"
        if len(events) == 2:
            said = f"the {noun(last.type)} came {gap(last.at - first.at)} after the {noun(first.type)}"
        else:
            said = f"the events are {gap(last.at - first.at)} apart"
        return f"{said}; the rule joins them only within {duration.describe()}{source}"

    def effect_reasons(self, rule: Rule, binding: dict[str, Event]) -> list[str] | None:
        """Why a complete match engaged no finding (None when its effects took place)."""
        from ..replay.messages import resolve  # the same reading of alias.field as the replay's
        from ..rulepack.compiler import FieldRef

        def value(raw: str | None) -> Any:
            if raw is None:
                return None
            match = ALIAS_REF.match(raw)
            if match and match.group(1) in binding:
                return resolve(FieldRef(match.group(1), match.group(2)), dict(binding))
            return self.pack.actor(raw)

        trigger = max(binding.values(), key=sort_key)
        reasons: list[str] = []
        for effect in rule.then:
            body = effect.body
            subject_raw = getattr(body, "subject", None)
            subject = value(subject_raw) if subject_raw else None
            if subject_raw and subject is None:
                reasons.append(f"{subject_raw} is not given, so there is no one the finding would concern")
                continue
            if effect.name == "grant":
                authorization = self.pack.authorizations[body.authorization][0]
                first, last = self.pack.window_days(authorization.window)
                if not start_of(first) <= trigger.at < end_of(last):
                    reasons.append(self._outside(trigger, authorization.window, first, last))
            elif effect.name == "exercise":
                reason = self.exercise_reason(body, binding, trigger, value)
                if reason:
                    reasons.append(reason)
        return reasons or None

    def _outside(self, event: Event, window: str, first: date, last: date) -> str:
        if event.at >= end_of(last):
            return (f"the {noun(event.type)} {event.id} on {when(event.at)} is after the {window} ended on "
                    f"{long_date(last)}")
        return (f"the {noun(event.type)} {event.id} on {when(event.at)} is before the {window} began on "
                f"{long_date(first)}")

    def exercise_reason(self, body: Any, binding: dict[str, Event], act: Event, value: Any) -> str | None:
        authorization = self.pack.authorizations[body.authorization][0]
        first, last = self.pack.window_days(authorization.window)
        subject = value(body.subject)
        incident = value(body.incident)
        if act.at >= end_of(last):
            return self._outside(act, authorization.window, first, last)
        granting = [rule.id for rule, _ in self.pack.rules
                    if any(e.name == "grant" and e.body.authorization == body.authorization for e in rule.then)]
        see = f" (see {', '.join(granting)})" if granting else ""
        if incident is None:
            return (f"the {noun(act.type)} {act.id} names no incident, so no grant of authorization "
                    f"{body.authorization} can cover it")
        grant = self.report.by_id(f"{body.authorization}:{subject}:{incident}")
        whom = actor_phrase(self.pack, str(subject))
        if grant is None:
            return (f"no authorization {body.authorization} was granted to {whom} for incident {incident}{see}")
        if act.id in grant.events and grant.status == "exercised":
            return None
        opened = datetime.fromisoformat(grant.opened.replace("Z", "+00:00"))
        if opened > act.at:
            return (f"the authorization for incident {incident} was granted only on {when(opened)}, after the "
                    f"{noun(act.type)} on {when(act.at)}")
        if grant.status == "lapsed":
            return f"the authorization for incident {incident} had lapsed"
        return None

    # -- obligations --
    def obligation(self, obligation: Obligation) -> ObligationAnswer:
        answer = ObligationAnswer(obligation=obligation.id, says=" ".join(obligation.says.split()))
        subject = self.pack.actor(obligation.subject)
        if self.subject is not None and subject != self.subject:
            answer.note = f"Not part of this question: it is a duty of {actor_phrase(self.pack, subject)}."
            return answer
        findings = [f for f in self.report.findings if f.rule == obligation.id and f.kind == "obligation"
                    and (self.incident is None or obligation.schedule is not None or f.incident == self.incident)]
        answer.findings = [{"id": f.id, "status": f.status} for f in findings]
        if not findings:
            answer.reasons.append(self.never_opened(obligation))
            return answer
        by = obligation.fulfilled_by
        pattern = Pattern("act", by.event, dict(by.where))
        events = self.by_type.get(by.event, [])
        all_findings = [f for f in self.report.findings if f.rule == obligation.id]
        for finding in findings:
            if finding.status == "fulfilled":
                continue
            assert finding.due is not None
            due = date.fromisoformat(finding.due)
            state = {"violated": f"was violated: nothing fulfilled it by {long_date(due)}",
                     "expired": f"expired unmet when its ground ended on {long_date(due)}",
                     "active": f"was still open when the replay ended (due {long_date(due)})"}.get(
                         finding.status, f"is {finding.status}")
            answer.reasons.append(f"{finding.id} {state}")
            ranked: list[tuple[tuple[Any, ...], Near]] = []
            for event in events:
                verdict = judge(self.pack, pattern, event, {})
                reasons = list(verdict.reasons)
                if not reasons:
                    reasons = self.timing(event, finding, due, all_findings)
                if not reasons:
                    continue
                key = (bool(verdict.reasons), len(verdict.reasons), abs((event.at - end_of(due)).total_seconds()))
                ranked.append((key, Near(describe_event(self.pack, event), reasons)))
            ranked.sort(key=lambda item: item[0])
            if ranked:
                answer.near[finding.id] = [near for _, near in ranked[:NEAR]]
            if not ranked:
                answer.reasons.append(headline(self.pack, pattern, {}) + f" (the scenario has no {by.event} event)"
                                      if not events else headline(self.pack, pattern, {}))
        if all(f.status == "fulfilled" for f in findings):
            answer.note = "Every duty of this obligation in the replay was fulfilled."
        return answer

    def timing(self, event: Event, finding: FindingView, due: date, others: list[FindingView]) -> list[str]:
        """Why an act of the right kind did not fulfil ``finding`` in time."""
        opened = datetime.fromisoformat(finding.opened.replace("Z", "+00:00"))
        answered = next((f for f in others if event.id in f.events and f.id != finding.id), None)
        if event.at >= end_of(due):
            late = (event.at.date() - due).days
            said = f"came {late} day{'s' if late != 1 else ''} after the due date ({long_date(due)})"
            if event.id in finding.events:
                said += " and is recorded on this duty as late"
            elif answered is not None:
                said += f"; it answered {answered.id}"
            return [said]
        if event.at < opened:
            said = f"came before this duty opened on {when(opened)}"
            if answered is not None:
                said += f"; it answered {answered.id}"
            return [said]
        if answered is not None:
            return [f"answered {answered.id} (an act answers the oldest duty not yet answered)"]
        return []

    def never_opened(self, obligation: Obligation) -> str:
        if obligation.schedule is not None:
            scenario = self.replayed.scenario
            return (f"no duty of {obligation.id} fell due within the scenario's window ({scenario.start} to "
                    f"{scenario.until})")
        sources = [a.id for a, _ in self.pack.authorizations.values() if a.reported_by == obligation.id]
        about = f" for incident {self.incident}" if self.incident else ""
        if sources:
            return (f"{obligation.id} is opened when authorization {', '.join(sources)} is exercised; it was not "
                    f"exercised{about}")
        openers = [rule.id for rule, _ in self.pack.rules
                   if any(e.name == "open" and e.body.obligation == obligation.id for e in rule.then)]
        if openers:
            return f"{obligation.id} is opened by rule {', '.join(openers)}, which did not match{about}"
        return f"nothing opened {obligation.id}{about}"


def _could_be(pack: RulePack, pattern: Pattern, name: str, actor: str) -> bool:
    """Whether an event whose ``name`` is ``actor`` could pass the pattern's test on that field."""
    from ..inputs.vocabulary import EVENT_TYPES

    model = EVENT_TYPES[pattern.event]
    constraint = pattern.where[name]
    if constraint.same_as is not None:
        return True
    values: dict[str, Any] = {"type": pattern.event, name: actor}
    probe = model.model_construct(**values)
    reason, _ = _test(pack, pattern, name, constraint, probe, {})
    return reason is None


def _short_event(pack: RulePack, event: Event) -> str:
    return event_line(describe_event(pack, event))


def resolve_paragraph(pack: RulePack, asked: str) -> tuple[str, list[Rule], list[Obligation]]:
    """The paragraph a ``--why-not`` names (a paragraph id such as ``37``, or a rule id such as ``4(d)``), its
    rules and obligations."""
    wanted = asked.strip().lstrip("¶").strip()
    ids = [p.id for p in pack.paragraphs]
    if wanted in ids:
        paragraph = pack.paragraph(wanted)
        obligations = [o for o, p in pack.obligations.values() if p.id == wanted]
        return wanted, list(paragraph.rules), obligations
    rules = [(r, p) for r, p in pack.rules if r.id == wanted or r.id.startswith((wanted + "/", wanted + "("))]
    obligations = [o for o, p in pack.obligations.values() if o.id == wanted or o.id.startswith(wanted + "/")]
    if rules or obligations:
        paragraph_id = rules[0][1].id if rules else next(p.id for o, p in pack.obligations.values()
                                                         if o.id == obligations[0].id)
        return paragraph_id, [r for r, _ in rules], obligations
    near = difflib.get_close_matches(wanted, ids + [r.id for r, _ in pack.rules], n=3, cutoff=0.3)
    hint = f"; did you mean {' or '.join(near)}?" if near else ""
    raise InputError(f"no paragraph or rule {asked!r} in resolution {pack.manifest.resolution}{hint}",
                     path="--why-not")


def why_not(replayed: Replayed, paragraph: str, *, subject: str | None = None,
            incident: str | None = None) -> WhyNot:
    """Why paragraph (or rule) ``paragraph`` gave no finding — for ``subject`` and ``incident`` if given."""
    pack = replayed.pack
    paragraph_id, rules, obligations = resolve_paragraph(pack, paragraph)
    actor: str | None = None
    if subject is not None:
        try:
            actor = pack.actor(subject)
        except ValueError as exc:
            raise InputError(str(exc), path="--subject") from None
    model = pack.paragraph(paragraph_id)
    answer = WhyNot(scenario=replayed.scenario.name, paragraph=paragraph.strip().lstrip("¶").strip(),
                    text=" ".join(model.text.split()), subject=actor, incident=incident)
    if not model.encoded:
        answer.note = f"Paragraph {paragraph_id} is not encoded as rules: {' '.join((model.not_engaged or '').split())}"
    question = _Question(replayed, actor, incident)
    rule_ids = {r.id for r in rules}
    obligation_ids = {o.id for o in obligations}
    for finding in replayed.report.findings:
        if finding.paragraph != paragraph_id:
            continue
        concerned = finding.rule in rule_ids | obligation_ids or any(e["rule"] in rule_ids for e in finding.provenance)
        if (concerned and (actor is None or finding.subject == actor)
                and (incident is None or finding.incident == incident)):
            answer.arose.append({"id": finding.id, "kind": finding.kind, "status": finding.status})
    answer.rules = [question.rule(rule) for rule in rules]
    answer.obligations = [question.obligation(o) for o in obligations]
    return answer
