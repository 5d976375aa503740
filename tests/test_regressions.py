"""Counterexamples found by the property tests and the fuzzing, pinned so that they stay fixed.

Bad files found by fuzzing are pinned in the corpus (tests/bad_inputs/cases.toml says which fix each pins); the
memory leak of rulesets by tests/test_failure_modes.py. A rule-pack issue the properties found, which the engine
cannot fix, was pinned as a strict xfail until the rule was corrected (paragraph 16 now tests MINUSMA's own strength).
"""

from __future__ import annotations

import json
import time
from typing import Any

from engine import Engine


def replay(engine: Engine, events: list[dict[str, Any]], **header: str) -> Any:
    data = {"name": "A pinned counterexample.", **header, "events": events}
    return engine.run(engine.parse(json.dumps(data), path="pinned.json"))


def test_a_human_rights_violation_after_the_mandate_engages_no_reporting_duty(engine: Engine) -> None:
    # found by check_report (window "outside"): paragraph 20(f)(ii)'s duty, aligned with paragraph 47 and ending
    # with the mandate, was opened after the mandate with a due date already past, and closing it raised
    # LifecycleError ("closed before it opened"): exit 3 for a valid scenario
    report = replay(engine, [{"id": "e002", "type": "human_rights_violation", "at": "2018-07-13",
                              "category": "arbitrary_detention"}], until="2018-12-31")
    assert [f.id for f in report.findings if f.rule == "20(f)(ii)"] == []


def test_a_hundred_and_fifty_supports_of_one_attack_replay_in_seconds(engine: Engine) -> None:
    # found while sizing the bad-input corpus: every match of 4(d)/attack is evidence on one finding, and checking
    # `evidence not in finding.provenance` made n supports of n attacks cost n⁴ (150 + 150 events: minutes)
    events = []
    for i in range(150):
        at = f"{i // 60:02d}:{i % 60:02d}Z"
        events.append({"id": f"a{i}", "at": f"2017-07-01T{at}", "type": "attack", "target": "MINUSMA", "incident": "x"})
        events.append({"id": f"s{i}", "at": f"2017-07-02T{at}", "type": "support", "by": "GATIA", "incident": "x"})
    started = time.perf_counter()
    report = replay(engine, events)
    assert time.perf_counter() - started < 15
    # the attacks say the same thing (one target, one incident): only the latest is kept for joins, so each
    # support joins it once (150 matches, not 150 × 150; see docs/limits.md, "facts kept for joins")
    provenance = report.by_id("4(d):gatia").provenance
    assert len(provenance) == 150
    assert {c["event"] for p in provenance for c in p["conditions"] if c["as"] == "act"} == {"a149"}


def test_a_french_forces_deployment_above_the_ceiling_is_not_a_paragraph_16_breach(engine: Engine) -> None:
    report = replay(engine, [{"id": "barkhane", "at": "2018-01-01", "type": "deployment", "by": "French forces",
                              "military": 20_000}])
    assert [f.id for f in report.findings if f.paragraph == "16"] == []
