"""Coverage of the resolution: every paragraph and sub-item, whether it is encoded, by which rules, and which
bundled scenarios exercise each rule.

A rule is *exercised* by a scenario when, replaying it, the rule acted: an event rule matched, a scheduled or
event-opened obligation arose, an authorization was granted, or a window ended something (a grant lapsed, or an
act after it was refused cover).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..api import Engine
from ..rulepack.rulebook import Paragraph


@dataclass
class ParagraphCoverage:
    paragraph: Paragraph
    rules: dict[str, list[str]] = field(default_factory=dict)  # rule id -> scenario files that exercise it

    @property
    def exercised(self) -> bool:
        return all(self.rules.values())

    def as_dict(self) -> dict[str, Any]:
        p = self.paragraph
        return {
            "id": p.id, "parent": p.parent, "kind": str(p.kind), "force": str(p.force), "verb": p.verb,
            "addressees": list(p.addressees), "encoded": p.encoded, "not_engaged": p.not_engaged,
            "clauses": [{"id": c.id, "verb": c.verb, "force": str(c.force), "addressees": list(c.addressees),
                         "says": " ".join(c.says.split())} for c in p.clauses],
            "rules": [{"id": rule, "scenarios": files} for rule, files in self.rules.items()],
            "scenarios": sorted({f for files in self.rules.values() for f in files}),
        }


def rule_ids(paragraph: Paragraph) -> list[str]:
    """Everything in a paragraph that can act: its windows, obligations, authorizations and event rules."""
    return ([w.id for w in paragraph.windows] + [o.id for o in paragraph.obligations]
            + [a.id for a in paragraph.authorizations] + [r.id for r in paragraph.rules])


def coverage(engine: Engine, scenario_files: list[Path]) -> list[ParagraphCoverage]:
    exercised: dict[str, set[str]] = {}
    for path in scenario_files:
        report = engine.run(path)
        for rule in report.stats["exercised"]:
            exercised.setdefault(rule, set()).add(path.name)
    return [
        ParagraphCoverage(p, {rule: sorted(exercised.get(rule, ())) for rule in rule_ids(p)})
        for p in engine.pack.paragraphs
    ]


def default_scenarios() -> Path | None:
    """The project's bundled scenarios (beside the source package), whatever the working folder holds."""
    candidate = Path(__file__).resolve().parents[2] / "scenarios"
    if candidate.is_dir() and any(candidate.glob("*.yaml")):
        return candidate
    return None


def render(rows: list[ParagraphCoverage], resolution: str) -> str:
    lines = [f"Coverage of Resolution {resolution}: {len(rows)} paragraphs and sub-items, "
             f"{sum(r.paragraph.encoded for r in rows)} encoded, "
             f"{sum(len(r.rules) for r in rows)} rules, "
             f"{sum(1 for r in rows for files in r.rules.values() if not files)} rules exercised by no scenario", ""]
    width = max(len(r.paragraph.id) for r in rows)
    lines.append(f"{'¶'.ljust(width)}  {'KIND':13} {'FORCE':12} {'ENCODED':8} RULES (scenarios exercising each)")
    for row in rows:
        p = row.paragraph
        if p.encoded:
            detail = "; ".join(f"{rule} ({len(files)})" if files else f"{rule} (NONE)"
                               for rule, files in row.rules.items())
        else:
            detail = "not engaged: " + " ".join((p.not_engaged or "").split())
        lines.append(f"{p.id.ljust(width)}  {p.kind!s:13} {p.force!s:12} {'yes' if p.encoded else 'no':8} {detail}")
        for c in p.clauses:  # a paragraph joining several verbs: each clause's own force
            lines.append(f"{''.ljust(width)}    clause {c.id}: \"{c.verb}\" ({c.force})")
    return "\n".join(lines) + "\n"
