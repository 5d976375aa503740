"""The engine as a library: hand-built scenarios and wrong types.

* a :class:`Scenario` built by hand with its events out of order gives the same findings as in order;
* anything but a scenario, a path or a string, and an ``assume`` that is not a mapping, raise the documented
  :class:`~engine.errors.InputError` (a :class:`~engine.errors.ScenarioError` for the scenario), never TypeError;
* a hand-built scenario with events sharing an id, or a window outside the documented range, is refused.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from engine import Engine, InputError, ScenarioError

ROOT = Path(__file__).resolve().parent.parent
HEADLINE = ROOT / "scenarios" / "timbuktu-2018.yaml"


def test_a_hand_built_scenario_with_events_out_of_order_gives_the_same_findings(engine: Engine) -> None:
    scenario = engine.load(HEADLINE)
    shuffled = dataclasses.replace(scenario, events=list(reversed(scenario.events)))
    assert engine.run(shuffled).to_json() == engine.run(scenario).to_json()


@pytest.mark.parametrize("wrong", [None, 42, b"scenarios/timbuktu-2018.yaml", ["a.yaml"], {"name": "x"}])
def test_run_of_anything_but_a_scenario_or_path_raises_a_scenario_error(wrong: Any, engine: Engine) -> None:
    with pytest.raises(ScenarioError, match="a scenario file is named by a path or a string"):
        engine.run(wrong)


@pytest.mark.parametrize("wrong", [["quarterly_interval"], "quarterly_interval=3", 3])
def test_run_with_assumptions_that_are_not_a_mapping_raises_an_input_error(wrong: Any, engine: Engine) -> None:
    with pytest.raises(InputError, match="assumptions are a mapping"):
        engine.run(HEADLINE, assume=wrong)


def test_parse_of_something_that_is_not_text_raises_a_scenario_error(engine: Engine) -> None:
    with pytest.raises(ScenarioError, match="are strings"):
        engine.parse(None)  # type: ignore[arg-type]


def test_a_hand_built_scenario_with_a_shared_id_is_refused(engine: Engine) -> None:
    scenario = engine.load(HEADLINE)
    twice = dataclasses.replace(scenario, events=[*scenario.events, scenario.events[0]])
    with pytest.raises(ScenarioError, match="every event needs an id of its own"):
        engine.run(twice)


def test_a_hand_built_scenario_outside_the_documented_years_is_refused(engine: Engine) -> None:
    scenario = dataclasses.replace(engine.load(HEADLINE), start=date(1, 1, 1))
    with pytest.raises(ScenarioError, match="outside the days a scenario may cover"):
        engine.run(scenario)
