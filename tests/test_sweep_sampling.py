"""Sampling: a sample's changes depend only on the seed and its number, and shares come out as computed by hand."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from engine import Engine
from engine.api import sweep
from engine.sweep import load_sweep
from engine.sweep.sampling import check_samples, draw_sample, rng_for
from engine.sweep.variant import SampleBuilder

AUTHORIZED = "37:french-forces:tbk-2018-04-14"
NOT_COVERED = "37:not-covered:tbk-intervention"
MARCH = "47:2018-03-29"


def test_a_sample_draws_the_same_whenever_and_in_whatever_order_it_is_drawn(
        engine: Engine, sweep_file: Callable[..., Path]) -> None:
    spec = load_sweep(sweep_file("""
        - remove: {event: tbk-request, probability: 0.5}
        - shift: {event: q3, days: {uniform: [-10, 10]}}
        - assume: {threat_request_window: {days: {choice: [1, 3, 7]}}}
        - add: {probability: 0.2, event: {type: attack, by: JNIM, target: MINUSMA,
                                          at: {between: [2018-04-01, 2018-04-30]}}}
        """, samples=200), engine=engine)
    forwards = [draw_sample(spec, n) for n in range(200)]
    backwards = [draw_sample(spec, n) for n in reversed(range(200))][::-1]
    assert forwards == backwards
    assert len({d.levels for d in forwards}) > 20  # they do differ from sample to sample
    builder = SampleBuilder(spec, engine.pack.actors)
    assert builder.scenario(forwards[7]).events == SampleBuilder(spec, engine.pack.actors).scenario(backwards[7]).events


def test_the_random_numbers_of_a_sample_depend_on_the_seed_and_its_number_only() -> None:
    assert rng_for(2364, 5).random() == rng_for(2364, 5).random()
    assert len({rng_for(seed, n).random() for seed in (1, 2) for n in range(50)}) == 100


def test_a_removal_with_probability_one_half_leaves_the_authorization_in_about_half_the_samples(
        sweep_file: Callable[..., Path]) -> None:
    result = sweep(sweep_file("- remove: {event: tbk-request, probability: 0.5}", samples=400, seed=11), workers=1)
    # 400 fair coins: the share is within 0.075 (three standard deviations, 3 * sqrt(0.25 / 400)) of 0.5
    assert abs(result.share(AUTHORIZED) - 0.5) <= 0.075
    assert result.share(AUTHORIZED) + result.share(NOT_COVERED) == 1.0  # each sample has exactly one of them
    removed = dict(result.groups[0])["removed"]
    assert result.share(NOT_COVERED) == removed / 400


def test_probabilities_zero_and_one_are_exact(sweep_file: Callable[..., Path]) -> None:
    never = sweep(sweep_file("- remove: {event: tbk-request, probability: 0}", samples=30), workers=1)
    always = sweep(sweep_file("- remove: {event: tbk-request, probability: 1}", samples=30), workers=1)
    assert (never.share(AUTHORIZED), never.share(NOT_COVERED)) == (1.0, 0.0)
    assert (always.share(AUTHORIZED), always.share(NOT_COVERED)) == (0.0, 1.0)


def test_a_report_moved_a_day_either_way_is_late_in_the_samples_that_move_it_later(
        sweep_file: Callable[..., Path]) -> None:
    result = sweep(sweep_file("- shift: {event: q3, days: {choice: [-1, 1]}}", samples=60), workers=1)
    later = dict(result.groups[0])["later"]
    assert result.share(MARCH) == 1.0  # the duty arises in every sample; only its status varies
    assert result.share(MARCH, "violated") == later / 60
    assert result.share(MARCH, "fulfilled") == 1 - later / 60
    assert 0 < later < 60


def test_an_added_figure_breaches_the_ceiling_exactly_when_it_is_drawn_above_it(
        engine: Engine, sweep_file: Callable[..., Path]) -> None:
    path = sweep_file("- add: {event: {id: may, type: deployment, at: 2018-05-01, "
                      "military: {uniform: [13288, 13291]}}}", samples=80)
    spec = load_sweep(path, engine=engine)
    above = sum(1 for n in range(80) if draw_sample(spec, n).added[0][1]["military"] > 13_289)
    result = sweep(path, workers=1)
    assert result.share("16/military:may") == above / 80
    assert 0 < above < 80


def test_an_assumption_drawn_per_sample_applies_to_that_sample(engine: Engine,
                                                               sweep_file: Callable[..., Path]) -> None:
    path = sweep_file("- assume: {support_link_window: {days: {choice: [7, 90]}}}", samples=50)
    spec = load_sweep(path, engine=engine)
    long_window = sum(1 for n in range(50) if draw_sample(spec, n).assumptions["support_link_window"]["days"] == 90)
    result = sweep(path, workers=1)
    assert result.share("4(d):plateforme") == long_window / 50  # the support came 9 days after the clash
    assert check_samples(spec, engine.pack) == 2  # two sets of assumptions, two compiled rulesets


def test_a_sample_scenario_is_the_base_with_its_changes(engine: Engine, sweep_file: Callable[..., Path]) -> None:
    spec = load_sweep(sweep_file("""
        - remove: {event: q1}
        - shift: {event: q2, days: 3}
        - add: {event: {id: extra, type: attack, by: JNIM, target: MINUSMA, at: 2018-04-02T10:00Z}}
        """, samples=1), engine=engine)
    scenario = SampleBuilder(spec, engine.pack.actors).scenario(draw_sample(spec, 0))
    ids = [e.id for e in scenario.events]
    assert "q1" not in ids and "extra" in ids and len(ids) == len(spec.base.events)
    q2 = next(e for e in scenario.events if e.id == "q2")
    base_q2 = next(e for e in spec.base.events if e.id == "q2")
    assert (q2.at - base_q2.at).days == 3
    assert scenario.events == sorted(scenario.events, key=lambda e: (e.at, ids.index(e.id)))
    assert [e.id for e in replace(spec.base).events] == [e.id for e in spec.base.events]  # the base is untouched
