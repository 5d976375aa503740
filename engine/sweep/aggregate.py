"""A sweep's summary: how often each finding arises, with which status, and which changes move it most.

Shares are counts over the samples: ``share`` is the share of samples in which a finding arises, and each
status's share is of all samples too (so a finding's status shares add up to its share). Each comes with a 95%
Wilson score interval. The summary depends only on the multiset of sample results — never on the order in which
they arrived or on how many workers produced them — and every float is computed from integer counts in a fixed
order, so the JSON is byte-identical whatever ran the samples.

What changes a finding most: for each item of ``vary``, the samples are grouped by what the item did in them
(``removed`` / ``kept``, ``added`` / ``not added``, ``earlier`` / ``unchanged`` / ``later``, or the assumption
values drawn); the item's *effect* on a finding is the largest total-variation distance between two groups'
outcomes (absent, or present with each status): 1 when the item decides the outcome, 0 when it does not
matter. Groups of fewer than :data:`MIN_GROUP` samples are left out. An effect is shown only when it reaches
:data:`MIN_EFFECT` and exceeds what chance alone would rarely give between groups of those sizes,
``NOISE_Z × ½ × √(1/n₁ + 1/n₂)`` (for a yes/no outcome, a difference chance exceeds about once in a thousand):
a screen for the changes that matter, not a test of significance.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

from ..outputs.report import aligned_table
from .spec import Sweep
from .worker import SampleResult

CONFIDENCE = 0.95
Z = 1.959963984540054  # the standard normal quantile for a two-sided 95% interval
MIN_EFFECT = 0.05
MIN_GROUP = 5  # samples
NOISE_Z = 3.29  # the standard normal quantile for a two-sided 99.9% interval
MAX_DRIVERS = 3  # shown per finding
DIGITS = 6  # decimals of shares in JSON


def wilson(count: int, total: int) -> tuple[float, float]:
    """The 95% Wilson score interval of ``count`` successes in ``total`` trials."""
    if total <= 0:
        return (0.0, 1.0)
    p = count / total
    z2 = Z * Z
    centre = (p + z2 / (2 * total)) / (1 + z2 / total)
    half = Z * math.sqrt(p * (1 - p) / total + z2 / (4 * total * total)) / (1 + z2 / total)
    low = 0.0 if count == 0 else max(0.0, centre - half)
    high = 1.0 if count == total else min(1.0, centre + half)
    return (low, high)


def _r(value: float) -> float:
    return round(value, DIGITS)


@dataclass(frozen=True)
class FindingShare:
    id: str
    paragraph: str
    kind: str
    subject: str
    count: int
    statuses: tuple[tuple[str, int], ...]  # by status name


@dataclass(frozen=True)
class Group:
    level: str
    samples: int
    statuses: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Driver:
    index: int  # the item's place in `vary`, from 1
    label: str
    effect: float
    groups: tuple[Group, ...]


class Tally:
    """Counts sample results as they come, in any order."""

    def __init__(self, sweep: Sweep) -> None:
        self.sweep = sweep
        self.samples = 0
        self.meta: dict[str, tuple[str, str, str]] = {}
        self.counts: dict[str, Counter[str]] = {}
        self.group_sizes: list[Counter[str]] = [Counter() for _ in sweep.vary]
        self.by_group: list[dict[str, dict[str, Counter[str]]]] = [{} for _ in sweep.vary]

    def add(self, result: SampleResult) -> None:
        self.samples += 1
        for finding_id, paragraph, kind, subject, status in result.findings:
            meta = (paragraph, kind, subject)
            known = self.meta.get(finding_id)
            if known is None or meta < known:  # the same for every order of arrival
                self.meta[finding_id] = meta
            self.counts.setdefault(finding_id, Counter())[status] += 1
        for i, level in enumerate(result.levels):
            self.group_sizes[i][level] += 1
            group = self.by_group[i].setdefault(level, {})
            for finding_id, _, _, _, status in result.findings:
                group.setdefault(finding_id, Counter())[status] += 1

    def result(self) -> SweepResult:
        findings = []
        drivers: dict[str, tuple[Driver, ...]] = {}
        for finding_id in sorted(self.counts):
            statuses = self.counts[finding_id]
            paragraph, kind, subject = self.meta[finding_id]
            findings.append(FindingShare(finding_id, paragraph, kind, subject, sum(statuses.values()),
                                         tuple(sorted(statuses.items()))))
            found = self._drivers(finding_id)
            if found:
                drivers[finding_id] = found
        return SweepResult(sweep=self.sweep, samples=self.samples, findings=tuple(findings), drivers=drivers,
                           groups=tuple(tuple(sorted(sizes.items())) for sizes in self.group_sizes))

    def _drivers(self, finding_id: str) -> tuple[Driver, ...]:
        out = []
        for i, item in enumerate(self.sweep.vary):
            groups = [Group(level, size, tuple(sorted(self.by_group[i].get(level, {}).get(finding_id, {}).items())))
                      for level, size in sorted(self.group_sizes[i].items()) if size >= MIN_GROUP]
            if len(groups) < 2:
                continue
            pairs = [(a, b) for j, a in enumerate(groups) for b in groups[j + 1:]]
            effect = max(_distance(a, b) for a, b in pairs)
            clear = any(_distance(a, b) > max(MIN_EFFECT, _noise(a, b)) for a, b in pairs)
            if clear:
                out.append(Driver(item.index, item.label, effect, tuple(groups)))
        out.sort(key=lambda d: (-d.effect, d.index))
        return tuple(out[:MAX_DRIVERS])


def _outcomes(group: Group) -> dict[str, float]:
    shares = {status: count / group.samples for status, count in group.statuses}
    shares[""] = (group.samples - sum(count for _, count in group.statuses)) / group.samples  # absent
    return shares


def _noise(a: Group, b: Group) -> float:
    return NOISE_Z * 0.5 * math.sqrt(1 / a.samples + 1 / b.samples)


def _distance(a: Group, b: Group) -> float:
    pa, pb = _outcomes(a), _outcomes(b)
    return 0.5 * sum(abs(pa.get(o, 0.0) - pb.get(o, 0.0)) for o in sorted(set(pa) | set(pb)))


@dataclass(frozen=True)
class SweepResult:
    """The summary of a sweep: ``as_dict()`` / ``to_json()`` for programs, ``render()`` for people."""

    sweep: Sweep
    samples: int
    findings: tuple[FindingShare, ...]  # sorted by id
    drivers: dict[str, tuple[Driver, ...]]
    groups: tuple[tuple[tuple[str, int], ...], ...]  # per item of `vary`: samples per level

    def share(self, finding_id: str, status: str | None = None) -> float:
        """The share of samples in which ``finding_id`` arises (with ``status``, if given); 0 if it never does."""
        for f in self.findings:
            if f.id == finding_id:
                count = f.count if status is None else dict(f.statuses).get(status, 0)
                return count / self.samples if self.samples else 0.0
        return 0.0

    def as_dict(self) -> dict[str, Any]:
        n = self.samples
        document: dict[str, Any] = {
            "samples": n,
            "seed": self.sweep.seed,
            "findings": [
                {"id": f.id, "paragraph": f.paragraph, "kind": f.kind, "subject": f.subject,
                 "share": _r(f.count / n), "statuses": {s: _r(c / n) for s, c in f.statuses}}
                for f in self.findings
            ],
            "name": self.sweep.name,
            "base": self.sweep.base_path,
            "confidence": CONFIDENCE,
            "intervals": {
                f.id: {"share": [_r(x) for x in wilson(f.count, n)],
                       "statuses": {s: [_r(x) for x in wilson(c, n)] for s, c in f.statuses}}
                for f in self.findings
            },
            "vary": [
                {"vary": item.index, "change": item.label, "probability": item.probability,
                 "samples": dict(self.groups[i])}
                for i, item in enumerate(self.sweep.vary)
            ],
            "drivers": {
                finding_id: [
                    {"vary": d.index, "change": d.label, "effect": _r(d.effect),
                     "groups": {g.level: {"samples": g.samples, "share": _r(sum(c for _, c in g.statuses) / g.samples),
                                          "statuses": {s: _r(c / g.samples) for s, c in g.statuses}}
                                for g in d.groups}}
                    for d in found
                ]
                for finding_id, found in self.drivers.items()
            },
        }
        return document

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2, ensure_ascii=False) + "\n"

    def render(self) -> str:
        """The summary table, then what changes each finding most."""
        n = self.samples
        lines = [f"Sweep: {self.sweep.name}",
                 f"{n:,} sample{'s' if n != 1 else ''} of {self.sweep.base_path}, seed {self.sweep.seed}; each share "
                 "is of all samples, with a 95% interval (Wilson)"]
        for item in self.sweep.vary:
            chance = "" if item.probability == 1 else f" (probability {item.probability:g})"
            lines.append(f"  vary {item.index}: {item.label}{chance}")
        lines.append("")
        if not self.findings:
            lines.append("No provision was engaged in any sample.")
            return "\n".join(lines) + "\n"
        rows = []
        for f in self.findings:
            statuses = sorted(f.statuses, key=lambda sc: (-sc[1], sc[0]))
            rows.append((f.id, f.paragraph, f.kind, f.subject, f"{f.count / n:.3f}", _interval(f.count, n),
                         ", ".join(f"{s} {c / n:.3f} ({_interval(c, n)})" for s, c in statuses)))
        lines.extend(aligned_table(("id", "¶", "kind", "subject", "share", "95% interval", "statuses"), rows))
        if self.drivers:
            lines.append("")
            lines.append("What changes each finding most (effect: how far the outcome differs between what the change "
                         "did, 0 to 1; shown when clearly more than chance):")
            for finding_id, found in self.drivers.items():
                lines.append(f"  {finding_id}")
                for d in found:
                    groups = "; ".join(_group(g) for g in d.groups)
                    lines.append(f"    {d.effect:.2f}  vary {d.index}, {d.label}: {groups}")
        return "\n".join(lines) + "\n"


def _interval(count: int, total: int) -> str:
    low, high = wilson(count, total)
    return f"{low:.3f}–{high:.3f}"


def _group(group: Group) -> str:
    parts = [f"{s} {c / group.samples:.2f}" for s, c in sorted(group.statuses, key=lambda sc: (-sc[1], sc[0]))]
    absent = group.samples - sum(c for _, c in group.statuses)
    if absent:
        parts.append(f"absent {absent / group.samples:.2f}")
    return f"{group.level} (n={group.samples:,}): {', '.join(parts)}"
