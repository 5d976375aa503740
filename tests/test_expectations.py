"""Checking a replay against its `expect:`: pairing is optimal and does not depend on the order of the entries.

* entries are paired with findings by a maximum matching: an order in which a greedy pairing would give the
  only finding a precise entry can take to a vague one still passes, in every order;
* identical entries are counted: two entries for one finding fail, one per finding pass;
* an impossible set of entries fails in every order, with the same number of problems;
* many entries (thousands, identical or not) are checked without comparing each with every finding.
"""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path

from engine import Engine
from engine.explain.expectations import check
from engine.inputs.header import Expectations, ExpectedFinding

ROOT = Path(__file__).resolve().parent.parent
P47 = ROOT / "scenarios" / "p47-report-on-the-due-date-and-a-day-late.yaml"


def entries(*specs: dict[str, object]) -> list[ExpectedFinding]:
    return [ExpectedFinding(**spec) for spec in specs]  # type: ignore[arg-type]


def test_a_pairing_a_greedy_order_would_miss_passes_in_every_order(engine: Engine) -> None:
    report = engine.run(P47)
    vague = {"paragraph": "47", "kind": "obligation"}  # any of the four paragraph 47 duties
    precise = [{"paragraph": "47", "due": due} for due in ("2017-09-29", "2017-12-29", "2018-03-29")]
    listed = entries(vague, *precise)
    for order in itertools.permutations(listed):
        expect = Expectations(paragraphs=["47"], findings=list(order))
        assert check(report, expect, engine.pack.actors) == [], order


def test_an_impossible_set_of_entries_fails_in_every_order_with_the_same_count(engine: Engine) -> None:
    report = engine.run(P47)
    listed = entries({"paragraph": "47", "due": "2017-09-29"}, {"paragraph": "47", "status": "fulfilled"},
                     {"paragraph": "47", "status": "fulfilled"}, {"paragraph": "47"}, {"paragraph": "47"})
    counts = set()
    for order in itertools.permutations(listed):
        problems = check(report, Expectations(paragraphs=["47"], findings=list(order)), engine.pack.actors)
        counts.add(len([p for p in problems if "did not arise" in p]))
    assert counts == {1}  # two fulfilled duties for three entries that need one


def test_identical_entries_each_need_their_own_finding(engine: Engine) -> None:
    report = engine.run(P47)
    four = Expectations(paragraphs=["47"], findings=entries(*[{"paragraph": "47"}] * 4))
    five = Expectations(paragraphs=["47"], findings=entries(*[{"paragraph": "47"}] * 5))
    assert check(report, four, engine.pack.actors) == []
    assert check(report, five, engine.pack.actors) == [
        "expected finding #5 did not arise: paragraph='47'"]


def test_thousands_of_findings_and_entries_are_paired(engine: Engine) -> None:
    report = engine.run(P47)
    template = report.findings[0]
    many = tuple(dataclasses.replace(template, id=f"47:{n}", due=f"{2000 + n // 365}-01-01", events=(f"e{n}",))
                 for n in range(20_000))
    big = dataclasses.replace(report, findings=many)
    precise = [ExpectedFinding(events=[f"e{n}"]) for n in range(10_000)]
    vague = [ExpectedFinding(paragraph=template.paragraph)] * 10_000
    assert check(big, Expectations(findings=[*vague, *precise]), engine.pack.actors) == []
    problems = check(big, Expectations(findings=[*vague, *precise, ExpectedFinding(paragraph="47")]),
                     engine.pack.actors)
    assert problems == ["expected finding #20001 did not arise: paragraph='47'"]
