"""One why-not question on one replay: the scenario's events by type, which findings each match produced in
the replay, and the tests the question adds to a rule's patterns (``--subject``, ``--incident``).

The events are those of the scenario file and of its event log (``events_from``), read as a stream; only those of
the types the question looks at are kept, at most :data:`MAX_EVENTS_SEARCHED` (the near-miss search ranks each of
them against each pattern, for each of its combinations kept): more is bad input, answered with exit 2.
"""

from __future__ import annotations

from collections.abc import Collection

from ...errors import InputError
from ...inputs.vocabulary import Event
from ...outputs.report import FindingView
from ...rulepack.rulebook import ALIAS_REF, Rule
from ..why import Replayed
from .patterns import Pattern, could_be
from .phrasing import actor_phrase

MAX_EVENTS_SEARCHED = 20_000  # events of the types a why-not question looks at (file and event log together)


class Question:
    """One why-not question on one replay; ``types``: the event types it looks at (default: every type)."""

    def __init__(self, replayed: Replayed, subject: str | None, incident: str | None,
                 types: Collection[str] | None = None) -> None:
        self.replayed = replayed
        self.pack = replayed.pack
        self.report = replayed.report
        self.subject = subject
        self.incident = incident
        self.by_type: dict[str, list[Event]] = {}
        held = 0
        for event in replayed.scenario.all_events():
            if types is not None and event.type not in types:
                continue
            held += 1
            if held > MAX_EVENTS_SEARCHED:
                kinds = ", ".join(sorted(types)) if types is not None else "every type"
                raise InputError(f"--why-not: more than {MAX_EVENTS_SEARCHED:,} events of the types this question "
                                 f"looks at ({kinds}) to search (MAX_EVENTS_SEARCHED); ask about an earlier "
                                 "instant with --as-of, or about a scenario with fewer such events",
                                 path=replayed.scenario.path)
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
                    if not could_be(self.pack, probe, name, self.subject):
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
