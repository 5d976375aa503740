"""Checking a replay against the findings its scenario expects.

A scenario's ``expect`` lists findings by any of their fields; each expected entry must match exactly one
actual finding and, unless ``exhaustive: false``, every actual finding (of the ``paragraphs`` looked at) must
be matched by one entry. Subjects may be written as any actor name; dates as ``YYYY-MM-DD`` match an instant
on that day.
"""

from __future__ import annotations

from typing import Any

from ..inputs.actors import ActorRegistry
from ..inputs.header import Expectations, ExpectedFinding
from ..outputs.report import FindingView, Report


def _field_matches(name: str, want: Any, finding: FindingView, actors: ActorRegistry) -> bool:
    have = getattr(finding, name)
    if name == "subject":
        try:
            want = actors.resolve(str(want))
        except ValueError:
            return False
    if name in ("opened", "closed") and have is not None and len(str(want)) == 10:
        return str(have)[:10] == str(want)
    if name in ("opened", "closed") and have is not None:
        return str(have).replace("Z", "+00:00").startswith(str(want).replace("Z", "+00:00")[:16])
    if name == "events":
        return list(have) == list(want)
    return bool(have == want)


def matches(expected: ExpectedFinding, finding: FindingView, actors: ActorRegistry) -> bool:
    return all(_field_matches(name, getattr(expected, name), finding, actors) for name in expected.model_fields_set)


def describe(expected: ExpectedFinding) -> str:
    return ", ".join(f"{k}={getattr(expected, k)!r}" for k in sorted(expected.model_fields_set))


_INDEXED = ("id", "paragraph", "rule", "kind", "subject", "status", "criterion", "incident", "due", "events")


class _Index:
    """The findings looked at, indexed by the value of each field compared for equality, so that an expectation
    is compared only with the findings that share its most selective value (not with every finding)."""

    def __init__(self, findings: list[FindingView], actors: ActorRegistry) -> None:
        self.findings = findings
        self.actors = actors
        self.by: dict[tuple[str, Any], list[int]] = {}
        for number, finding in enumerate(findings):
            for name in _INDEXED:
                self.by.setdefault((name, _key(name, getattr(finding, name))), []).append(number)
            for name in ("opened", "closed"):
                have = getattr(finding, name)
                if have is not None:
                    self.by.setdefault((name, str(have)[:10]), []).append(number)

    def candidates(self, expected: ExpectedFinding, *, without: str | None = None) -> list[int]:
        """The numbers of the findings ``expected`` matches (ignoring the field ``without``)."""
        shortest: list[int] | None = None
        for name in expected.model_fields_set - {without}:
            want = getattr(expected, name)
            if name == "subject":
                try:
                    want = self.actors.resolve(str(want))
                except ValueError:
                    return []
            if name in ("opened", "closed"):
                if len(str(want)) < 10:
                    continue
                want = str(want)[:10]
            posting = self.by.get((name, _key(name, want)), [])
            if shortest is None or len(posting) < len(shortest):
                shortest = posting
        pool = range(len(self.findings)) if shortest is None else shortest
        loose = expected if without is None else ExpectedFinding(
            **{k: getattr(expected, k) for k in expected.model_fields_set if k != without})
        return [n for n in pool if matches(loose, self.findings[n], self.actors)]


def _key(name: str, value: Any) -> Any:
    return tuple(value) if name == "events" and value is not None else value


def check(report: Report, expect: Expectations, actors: ActorRegistry) -> list[str]:
    """The differences between a report and what was expected (an empty list when they agree).

    Expected entries are paired with findings by a maximum bipartite matching, so the verdict does not depend
    on the order of the entries: it fails only when no pairing at all gives every entry its own finding (and,
    when exhaustive, every finding its entry). Identical entries are grouped and each finding is compared only
    with the entries that share its most selective value, so the work grows with the number of pairs that can
    match, not with entries times findings.
    """
    looked_at = [f for f in report.findings if expect.paragraphs is None or f.paragraph in expect.paragraphs]
    index = _Index(looked_at, actors)
    groups: dict[str, list[int]] = {}  # identical entries: one set of candidates, several places
    for number, expected in enumerate(expect.findings):
        groups.setdefault(expected.model_dump_json(exclude_unset=True), []).append(number)
    places = list(groups.values())
    edges = [index.candidates(expect.findings[numbers[0]]) for numbers in places]
    taken = _max_matching([len(numbers) for numbers in places], edges, len(looked_at))
    problems: list[str] = []
    unmatched_entries: list[int] = []
    for group, numbers in enumerate(places):
        unmatched_entries.extend(numbers[len(taken[group]):])
    for number in sorted(unmatched_entries):
        expected = expect.findings[number]
        hint = ""
        if expected.status:
            near = [looked_at[n].id for n in index.candidates(expected, without="status")[:5]]
            hint = f" (same but for status: {', '.join(near)})" if near else ""
        problems.append(f"expected finding #{number + 1} did not arise: {describe(expected)}{hint}")
    if expect.exhaustive:
        paired = {n for found in taken for n in found}
        for number, finding in enumerate(looked_at):
            if number not in paired:
                problems.append(f"unexpected finding {finding.id} ({finding.kind}, {finding.status})")
    if expect.notes is not None:
        problems.extend(_check_notes(report, expect))
    return problems


def _max_matching(capacity: list[int], edges: list[list[int]], findings: int) -> list[list[int]]:
    """A maximum matching of groups of entries (group ``g`` takes up to ``capacity[g]`` findings among
    ``edges[g]``) with findings (each taken once): Dinic's maximum flow, in O(E·√V) on such unit networks.
    Returns, per group, the findings it takes."""
    owner = [-1] * findings  # finding -> group
    load = [0] * len(capacity)
    # a greedy start (most specific groups first) leaves few augmenting paths to find
    for group in sorted(range(len(capacity)), key=lambda g: len(edges[g])):
        for finding in edges[group]:
            if load[group] >= capacity[group]:
                break
            if owner[finding] < 0:
                owner[finding] = group
                load[group] += 1
    while True:
        # breadth-first from every group with room, through free edges to findings and owned edges back
        level = [-1] * len(capacity)
        queue = [g for g in range(len(capacity)) if load[g] < capacity[g]]
        for g in queue:
            level[g] = 0
        free_found = False
        head = 0
        while head < len(queue):
            group = queue[head]
            head += 1
            for finding in edges[group]:
                other = owner[finding]
                if other < 0:
                    free_found = True
                elif level[other] < 0:
                    level[other] = level[group] + 1
                    queue.append(other)
        if not free_found:
            break
        progress = False
        cursor = [0] * len(capacity)
        for start in [g for g in range(len(capacity)) if load[g] < capacity[g] and level[g] == 0]:
            while load[start] < capacity[start] and _augment(start, edges, owner, level, cursor):
                load[start] += 1
                progress = True
        if not progress:
            break
    taken: list[list[int]] = [[] for _ in capacity]
    for finding, group in enumerate(owner):
        if group >= 0:
            taken[group].append(finding)
    return taken


def _augment(start: int, edges: list[list[int]], owner: list[int], level: list[int], cursor: list[int]) -> bool:
    """One augmenting path from ``start`` along the levels (iterative depth-first search); applies it."""
    path: list[tuple[int, int]] = []  # (group, finding) steps taken
    group = start
    while True:
        if cursor[group] >= len(edges[group]):
            level[group] = -1  # a dead end for this phase
            if not path:
                return False
            group, _ = path.pop()
            cursor[group] += 1
            continue
        finding = edges[group][cursor[group]]
        other = owner[finding]
        if other < 0:
            path.append((group, finding))
            for g, f in path:  # each group on the path takes the finding it stepped through
                owner[f] = g
            return True
        if other != group and level[other] == level[group] + 1:
            path.append((group, finding))
            group = other
            continue
        cursor[group] += 1


def _check_notes(report: Report, expect: Expectations) -> list[str]:
    """Each expected note matches one actual note, and no other note arises (of the paragraphs looked at)."""
    notes = [n for n in report.notes if expect.paragraphs is None or n["paragraph"] in expect.paragraphs]
    problems = []
    for index, expected in enumerate(expect.notes or []):
        wanted = {k: getattr(expected, k) for k in expected.model_fields_set}
        found = next((n for n in notes if all(n.get(k) == v for k, v in wanted.items())), None)
        if found is None:
            problems.append(f"expected note #{index + 1} did not arise: "
                            + ", ".join(f"{k}={v!r}" for k, v in sorted(wanted.items())))
        else:
            notes.remove(found)
    problems.extend(f"unexpected note {n['kind']} on paragraph {n['paragraph']} for event {n['event']}"
                    for n in notes)
    return problems
