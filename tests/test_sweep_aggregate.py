"""The summary: Wilson intervals, shares that add up, the changes that move a finding, the same in any order."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path

import pytest

from engine import Engine
from engine.sweep import load_sweep
from engine.sweep.aggregate import Tally, wilson
from engine.sweep.worker import SampleResult, SampleRunner


@pytest.mark.parametrize(("count", "total", "low", "high"), [
    (50, 100, 0.4038, 0.5962),  # textbook values
    (0, 10, 0.0, 0.2775),
    (10, 10, 0.7225, 1.0),
    (1, 1000, 0.0002, 0.0057),
])
def test_wilson_intervals_match_hand_computed_values(count: int, total: int, low: float, high: float) -> None:
    got = wilson(count, total)
    assert got == pytest.approx((low, high), abs=1e-4)


def _results(engine: Engine, path: Path, samples: int) -> tuple[object, list[SampleResult]]:
    spec = load_sweep(path, engine=engine)
    runner = SampleRunner(spec)
    return spec, [runner.run(n) for n in range(samples)]


def test_the_summary_is_the_same_whatever_order_the_samples_come_in(engine: Engine,
                                                                   sweep_file: Callable[..., Path]) -> None:
    spec, results = _results(engine, sweep_file("""
        - remove: {event: tbk-request, probability: 0.5}
        - shift: {event: q3, days: {uniform: [-3, 3]}}
        """, samples=30), 30)
    documents = set()
    for seed in range(4):
        shuffled = list(results)
        random.Random(seed).shuffle(shuffled)
        tally = Tally(spec)  # type: ignore[arg-type]
        for result in shuffled:
            tally.add(result)
        documents.add(tally.result().to_json())
    assert len(documents) == 1


def test_the_json_starts_with_samples_seed_and_findings_sorted_by_id(engine: Engine,
                                                                     sweep_file: Callable[..., Path]) -> None:
    spec, results = _results(engine, sweep_file("- shift: {event: q3, days: {choice: [-1, 1]}}", samples=12), 12)
    tally = Tally(spec)  # type: ignore[arg-type]
    for result in results:
        tally.add(result)
    document = json.loads(tally.result().to_json())
    assert list(document)[:3] == ["samples", "seed", "findings"]
    assert (document["samples"], document["seed"]) == (12, 2364)
    ids = [f["id"] for f in document["findings"]]
    assert ids == sorted(ids)
    for finding in document["findings"]:
        assert list(finding) == ["id", "paragraph", "kind", "subject", "share", "statuses"]
        assert sum(finding["statuses"].values()) == pytest.approx(finding["share"])
        low, high = document["intervals"][finding["id"]]["share"]
        assert low <= finding["share"] <= high


def test_the_change_that_decides_a_finding_is_named_with_effect_one_and_a_change_that_does_not_is_not(
        engine: Engine, sweep_file: Callable[..., Path]) -> None:
    spec, results = _results(engine, sweep_file("""
        - remove: {event: tbk-request, probability: 0.5}
        - remove: {event: anefis-supply, probability: 0.5}
        """, samples=60), 60)
    tally = Tally(spec)  # type: ignore[arg-type]
    for result in results:
        tally.add(result)
    summary = tally.result()
    drivers = summary.drivers["37:french-forces:tbk-2018-04-14"]
    assert [(d.index, d.label, d.effect) for d in drivers] == [(1, "remove tbk-request", 1.0)]
    assert [(d.index, d.effect) for d in summary.drivers["4(d):plateforme"]] == [(2, 1.0)]
    text = summary.render()
    assert "What changes each finding most" in text
    assert "1.00  vary 1, remove tbk-request: kept (n=" in text
