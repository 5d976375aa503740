"""Checking a replay against the findings its scenario expects.

A scenario's ``expect`` lists findings by any of their fields; each expected entry must match exactly one
actual finding and, unless ``exhaustive: false``, every actual finding (of the ``paragraphs`` looked at) must
be matched by one entry. Subjects may be written as any actor name; dates as ``YYYY-MM-DD`` match an instant
on that day.
"""

from __future__ import annotations

from typing import Any

from ..inputs.actors import ActorRegistry
from ..inputs.scenario import Expectations, ExpectedFinding
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


def check(report: Report, expect: Expectations, actors: ActorRegistry) -> list[str]:
    """The differences between a report and what was expected (an empty list when they agree)."""
    looked_at = [f for f in report.findings if expect.paragraphs is None or f.paragraph in expect.paragraphs]
    unmatched = list(looked_at)
    problems: list[str] = []
    # most specific expectations first, so a vague one cannot take a finding a precise one needs
    ordered = sorted(enumerate(expect.findings), key=lambda item: -len(item[1].model_fields_set))
    for index, expected in ordered:
        candidates = [f for f in unmatched if matches(expected, f, actors)]
        if not candidates:
            loose = ExpectedFinding(**{k: getattr(expected, k) for k in expected.model_fields_set if k != "status"})
            near = [f.id for f in looked_at if matches(loose, f, actors)]
            hint = f" (same but for status: {', '.join(near)})" if near and expected.status else ""
            problems.append(f"expected finding #{index + 1} did not arise: {describe(expected)}{hint}")
            continue
        unmatched.remove(candidates[0])
    if expect.exhaustive:
        for finding in unmatched:
            problems.append(f"unexpected finding {finding.id} ({finding.kind}, {finding.status})")
    if expect.notes is not None:
        problems.extend(_check_notes(report, expect))
    return problems


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
