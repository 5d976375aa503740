"""The costs a red-team pass found quadratic, measured beside the baseline they had.

    .venv/bin/python benchmarks/hostile_inputs.py [--pairs N] [--expectations M]

* **Joins.** N threats and N requests about one incident replayed by the engine; the baseline is the same
  replay keeping every fact for joins (as before: every threat-request pair a match), run on N/10 pairs only,
  since it grows with N².
* **verify.** M expectations checked against M findings by the maximum matching; the baseline is the former
  greedy pairing (each expectation compared with every unmatched finding), on M/10.

It prints seconds and matches for each, and exits 0.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine import Engine
from engine.explain.expectations import check, matches
from engine.inputs.header import Expectations, ExpectedFinding
from engine.replay import runtime

ROOT = Path(__file__).resolve().parent.parent


def joins_text(pairs: int) -> str:
    lines = ["name: Threats and requests about one incident.", "events:"]
    for i in range(pairs):
        at = f"2018-04-{14 + i // 1440:02d}T{i // 60 % 24:02d}:{i % 60:02d}"
        lines.append(f"  - {{id: t{i}, at: '{at}Z', type: threat, against: MINUSMA, level: imminent_and_serious, "
                     "incident: tbk}")
        lines.append(f"  - {{id: r{i}, at: '{at}:30Z', type: intervention_request, by: Secretary-General, "
                     "to: French forces, incident: tbk}")
    return "\n".join(lines) + "\n"


def timed_replay(engine: Engine, pairs: int) -> tuple[float, int]:
    scenario = engine.parse(joins_text(pairs), path="joins.yaml")
    started = time.perf_counter()
    report = engine.run(scenario)
    seconds = time.perf_counter() - started
    return seconds, sum(len(f.provenance) for f in report.findings)


def greedy(report: Any, expect: Expectations, engine: Engine) -> int:
    """The former pairing: most specific first, each against every unmatched finding; returns the problems."""
    unmatched = list(report.findings)
    problems = 0
    for _, expected in sorted(enumerate(expect.findings), key=lambda item: -len(item[1].model_fields_set)):
        found = next((f for f in unmatched if matches(expected, f, engine.pack.actors)), None)
        if found is None:
            problems += 1
        else:
            unmatched.remove(found)
    return problems + len(unmatched)


def verify_case(engine: Engine, count: int) -> tuple[Any, Expectations]:
    report = engine.run(ROOT / "scenarios" / "p47-report-on-the-due-date-and-a-day-late.yaml")
    template = report.findings[0]
    findings = tuple(dataclasses.replace(template, id=f"47:{n}", events=(f"e{n}",)) for n in range(count))
    expect = [ExpectedFinding(events=[f"e{n}"]) for n in reversed(range(count // 2))]  # greedy scans far
    expect += [ExpectedFinding(paragraph=template.paragraph)] * (count - count // 2)
    return dataclasses.replace(report, findings=findings), Expectations(findings=expect)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=1_000)
    parser.add_argument("--expectations", type=int, default=55_000)
    args = parser.parse_args()
    engine = Engine()
    engine.run(engine.parse(joins_text(2), path="warm.yaml"))

    seconds, count = timed_replay(engine, args.pairs)
    print(f"joins, engine:   {args.pairs:>7,} pairs  {seconds:8.2f} s  {count:>10,} matches")
    keep = runtime.Replay.keep_latest_only
    runtime.Replay.keep_latest_only = lambda self, event_type, message: None  # type: ignore[method-assign]
    try:
        base_pairs = max(1, args.pairs // 10)
        seconds, count = timed_replay(engine, base_pairs)
        print(f"joins, baseline: {base_pairs:>7,} pairs  {seconds:8.2f} s  {count:>10,} matches (every pair)")
    finally:
        runtime.Replay.keep_latest_only = keep  # type: ignore[method-assign]

    report, expect = verify_case(engine, args.expectations)
    started = time.perf_counter()
    problems = check(report, expect, engine.pack.actors)
    print(f"verify, matching: {args.expectations:>6,} entries {time.perf_counter() - started:8.2f} s  "
          f"{len(problems)} problems")
    small = max(1, args.expectations // 10)
    report, expect = verify_case(engine, small)
    started = time.perf_counter()
    problems_count = greedy(report, expect, engine)
    print(f"verify, greedy:   {small:>6,} entries {time.perf_counter() - started:8.2f} s  {problems_count} problems")
    return 0


if __name__ == "__main__":
    sys.exit(main())
