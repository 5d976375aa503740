"""What changes between two replays: findings that appear, disappear, or change.

``obligations diff BASE VARIANT`` replays both scenarios and compares their findings. Findings are the same
when they have the same id; a scheduled or event-opened duty whose due date moved (and with it its id, as
when "every three months" is read as every 90 days) is paired with its counterpart of the same rule, subject,
incident and criterion, in order of opening, and reported as changed. A changed finding lists each field that
differs among :data:`COMPARED` (status, due date, opening and closing instants, events) or, when none does, its
status history (a late report that came later still).

JSON (``--json``): an object with ``base`` and ``variant`` (scenario name and path), ``assumptions`` (those
whose value differs), ``summary`` (counts), ``appeared`` and ``disappeared`` (the findings, as in
``obligations run --json``), ``changed`` (``id``, ``base_id``, ``variant_id``, ``paragraph``, ``kind``,
``subject`` and ``changes``: field -> ``{"base", "variant"}``) and ``unchanged`` (ids).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from ..outputs import jsontext
from ..outputs.report import FindingView, Report, _short, aligned_table

COMPARED = ("status", "due", "opened", "closed", "events")


@dataclass(frozen=True)
class Change:
    field: str
    base: Any
    variant: Any


@dataclass(frozen=True)
class FindingDiff:
    """One finding that appears, disappears or changes."""

    change: str  # appeared | disappeared | changed
    base: FindingView | None
    variant: FindingView | None
    changes: tuple[Change, ...] = ()

    @property
    def finding(self) -> FindingView:
        found = self.variant or self.base
        assert found is not None
        return found

    @property
    def id(self) -> str:
        if self.base is not None and self.variant is not None and self.base.id != self.variant.id:
            return f"{self.base.id} → {self.variant.id}"
        return self.finding.id

    def as_dict(self) -> dict[str, Any]:
        if self.change == "appeared":
            assert self.variant is not None
            return self.variant.as_dict()
        if self.change == "disappeared":
            assert self.base is not None
            return self.base.as_dict()
        assert self.base is not None and self.variant is not None
        return {
            "id": self.variant.id, "base_id": self.base.id, "variant_id": self.variant.id,
            "paragraph": self.variant.paragraph, "kind": self.variant.kind, "subject": self.variant.subject,
            "changes": {c.field: {"base": _plain(c.base), "variant": _plain(c.variant)} for c in self.changes},
        }


@dataclass(frozen=True)
class ReportDiff:
    base: Report
    variant: Report
    base_path: str
    variant_path: str
    assumptions: tuple[Change, ...]
    findings: tuple[FindingDiff, ...]
    unchanged: tuple[str, ...]

    def of(self, change: str) -> list[FindingDiff]:
        return [d for d in self.findings if d.change == change]

    def as_dict(self) -> dict[str, Any]:
        return {
            "base": {"scenario": self.base.scenario, "path": self.base_path},
            "variant": {"scenario": self.variant.scenario, "path": self.variant_path},
            "assumptions": {c.field: {"base": c.base, "variant": c.variant} for c in self.assumptions},
            "summary": {"appeared": len(self.of("appeared")), "disappeared": len(self.of("disappeared")),
                        "changed": len(self.of("changed")), "unchanged": len(self.unchanged)},
            "appeared": [d.as_dict() for d in self.of("appeared")],
            "disappeared": [d.as_dict() for d in self.of("disappeared")],
            "changed": [d.as_dict() for d in self.of("changed")],
            "unchanged": list(self.unchanged),
        }

    def to_json(self) -> str:
        return jsontext.dumps(self.as_dict()) + "\n"  # as json.dumps(indent=2), faster


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _history(finding: FindingView) -> list[str]:
    """A finding's status history as short lines (when, status, event, note)."""
    out = []
    for step in finding.history:
        event = f" {step['event']}" if step.get("event") else ""
        out.append(f"{_short(step['at'])} {step['status']}{event} ({step['note']})")
    return out


def _changes(base: FindingView, variant: FindingView) -> tuple[Change, ...]:
    out = [Change(name, getattr(base, name), getattr(variant, name)) for name in COMPARED
           if getattr(base, name) != getattr(variant, name)]
    if not out and _history(base) != _history(variant):  # otherwise the changes above already say it
        out.append(Change("history", _history(base), _history(variant)))
    return tuple(out)


def _pair_key(finding: FindingView) -> tuple[str, str, str, str | None, str | None]:
    return (finding.rule, finding.kind, finding.subject, finding.incident, finding.criterion)


def diff_reports(base: Report, variant: Report, *, base_path: str = "", variant_path: str = "") -> ReportDiff:
    """Compare two replays' findings."""
    base_by_id = {f.id: f for f in base.findings}
    variant_by_id = {f.id: f for f in variant.findings}
    pairs: list[tuple[FindingView, FindingView]] = [(base_by_id[i], variant_by_id[i]) for i in base_by_id
                                                    if i in variant_by_id]
    only_base = [f for f in base.findings if f.id not in variant_by_id]
    only_variant = [f for f in variant.findings if f.id not in base_by_id]
    # a dated duty whose due date moved changes its id: pair it with its counterpart, in order of opening
    waiting: dict[tuple[str, str, str, str | None, str | None], list[FindingView]] = defaultdict(list)
    for finding in only_base:
        if finding.due is not None and finding.kind == "obligation":
            waiting[_pair_key(finding)].append(finding)
    appeared = []
    for finding in only_variant:
        queue = waiting.get(_pair_key(finding)) if finding.due is not None and finding.kind == "obligation" else None
        if queue:
            partner = queue.pop(0)
            pairs.append((partner, finding))
            only_base.remove(partner)
        else:
            appeared.append(finding)

    diffs: list[FindingDiff] = []
    unchanged: list[str] = []
    for old, new in pairs:
        changes = _changes(old, new)
        if changes or old.id != new.id:
            diffs.append(FindingDiff("changed", old, new, changes))
        else:
            unchanged.append(new.id)
    diffs.extend(FindingDiff("appeared", None, f) for f in appeared)
    diffs.extend(FindingDiff("disappeared", f, None) for f in only_base)
    order = {"disappeared": 0, "appeared": 1, "changed": 2}
    diffs.sort(key=lambda d: (d.finding.opened, order[d.change], d.finding.id))

    assumptions = tuple(
        Change(name, base.assumptions.get(name, {}).get("value"), variant.assumptions.get(name, {}).get("value"))
        for name in sorted(set(base.assumptions) | set(variant.assumptions))
        if base.assumptions.get(name, {}).get("value") != variant.assumptions.get(name, {}).get("value")
    )
    return ReportDiff(base=base, variant=variant, base_path=base_path, variant_path=variant_path,
                      assumptions=assumptions, findings=tuple(diffs), unchanged=tuple(sorted(unchanged)))


def _show(name: str, value: Any) -> str:
    if value is None:
        return "-"
    if name in ("opened", "closed"):
        return _short(str(value))
    if name == "events":
        return ",".join(value) or "-"
    return str(value)


def _what(d: FindingDiff) -> str:
    f = d.finding
    if d.change in ("appeared", "disappeared"):
        parts = [f.status]
        if f.due:
            parts.append(f"due {f.due}")
        parts.append(f"events {','.join(f.events) or '-'}")
        return "; ".join(parts)
    parts = []
    for c in d.changes:
        if c.field == "history":
            gone = [line for line in c.base if line not in c.variant]
            new = [line for line in c.variant if line not in c.base]
            parts.append("history " + " ".join([*(f"-[{x}]" for x in gone), *(f"+[{x}]" for x in new)]))
        else:
            parts.append(f"{c.field} {_show(c.field, c.base)} → {_show(c.field, c.variant)}")
    return "; ".join(parts)


def render_diff(diff: ReportDiff) -> str:
    """The differences as a table, followed by the explanations of what appeared, disappeared or changed."""
    counts = {change: len(diff.of(change)) for change in ("appeared", "disappeared", "changed")}
    lines = [
        f"Base:    {diff.base.scenario}" + (f" ({diff.base_path})" if diff.base_path else ""),
        f"Variant: {diff.variant.scenario}" + (f" ({diff.variant_path})" if diff.variant_path else ""),
    ]
    for c in diff.assumptions:
        lines.append(f"Assumption {c.field}: {json.dumps(c.base)} → {json.dumps(c.variant)}")
    lines.append(f"{counts['appeared']} appeared, {counts['disappeared']} disappeared, {counts['changed']} changed, "
                 f"{len(diff.unchanged)} unchanged")
    lines.append("")
    if not diff.findings:
        lines.append("No finding differs.")
        return "\n".join(lines) + "\n"
    header = ("change", "id", "¶", "kind", "subject", "what")
    rows = [(d.change, d.id, d.finding.paragraph, d.finding.kind, d.finding.subject, _what(d)) for d in diff.findings]
    lines.extend(aligned_table(header, rows))
    lines.append("")
    lines.append("Why:")
    for d in diff.findings:
        side = "base" if d.change == "disappeared" else "variant"
        lines.append(f"  {d.finding.id} ({side}): {d.finding.explanation}")
    return "\n".join(lines) + "\n"
