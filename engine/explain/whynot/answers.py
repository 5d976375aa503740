"""The answer to a why-not question, as data (``--json``) and as text: per rule its checks and near misses,
per obligation its unfulfilled duties and the acts that came closest."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


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
    # a duty's near misses: the duties the act answered in the replay, by how many days it came after this duty's
    # due date, whether within the late-report window, and the fields that fail the fulfilment's tests
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"event": self.event, "reasons": self.reasons, **self.extra}

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
    # a rule that takes its joined events only in the order of its patterns (`any_order` false): that order, the
    # parameter that decides it, whether the events met it, and if not, which came first (None: any order)
    order: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "says": self.says, "outcome": self.outcome, "findings": self.findings,
                "checks": [c.as_dict() for c in self.checks],
                "near": {alias: [n.as_dict() for n in items] for alias, items in self.near.items()},
                "reasons": self.reasons, "note": self.note, "order": self.order}


@dataclass
class ObligationAnswer:
    obligation: str
    says: str
    findings: list[dict[str, Any]] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    near: dict[str, list[Near]] = field(default_factory=dict)  # per unfulfilled duty: the acts that came closest
    note: str = ""
    late_window: dict[str, Any] | None = None  # how late a report may still answer a missed period, and what sets it

    def as_dict(self) -> dict[str, Any]:
        return {"obligation": self.obligation, "says": self.says, "findings": self.findings,
                "reasons": self.reasons, "near": {k: [n.as_dict() for n in v] for k, v in self.near.items()},
                "note": self.note, "late_window": self.late_window}


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
