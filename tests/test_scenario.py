"""in_order: a scenario of light events (what loading gives) is checked and ordered at C speed, and refused or
ordered exactly as when its events are real model instances, checked one at a time."""

from __future__ import annotations

import dataclasses
import random
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from engine import Engine, ScenarioError
from engine.inputs.scenario import in_order
from engine.light import Light, light

HEADLINE = Path(__file__).resolve().parent.parent / "scenarios" / "timbuktu-2018.yaml"


def _outcome(engine: Engine, events: list[Any], base: Any) -> Any:
    try:
        ordered = in_order(dataclasses.replace(base, events=events))
    except ScenarioError as exc:
        return ("refused", str(exc))
    return ("ordered", [(e.type, e.at, e.id) for e in ordered.events], ordered.events == events)


def _edits(events: list[Any], rng: random.Random) -> list[Any]:
    edited = list(events)
    rng.shuffle(edited)
    what = rng.randrange(5)
    if what == 1 and edited:  # an id used twice
        i, j = rng.randrange(len(edited)), rng.randrange(len(edited))
        edited[i] = light(edited[i].model_copy(update={"id": edited[j].id}))
    elif what == 2 and edited:  # outside the window
        i = rng.randrange(len(edited))
        edited[i] = light(edited[i].model_copy(update={"at": datetime(2031, 1, 1, tzinfo=UTC)}))
    elif what == 3 and edited:  # no id
        i = rng.randrange(len(edited))
        edited[i] = light(edited[i].model_copy(update={"id": None}))
    elif what == 4:  # not an event
        edited.insert(rng.randrange(len(edited) + 1), "not an event")
    return edited


@pytest.mark.parametrize("seed", range(40))
def test_light_events_are_refused_or_ordered_as_model_instances_are(engine: Engine, seed: int) -> None:
    base = engine.load(HEADLINE)
    assert all(isinstance(e, Light) for e in base.events)
    edited = _edits(base.events, random.Random(seed))
    real = [e.model() if isinstance(e, Light) else e for e in edited]
    assert _outcome(engine, edited, base) == _outcome(engine, real, base)


def test_a_loaded_scenario_is_returned_as_it_is(engine: Engine) -> None:
    scenario = engine.load(HEADLINE)
    assert in_order(scenario) is scenario


def test_events_out_of_order_are_sorted_by_instant_type_and_id(engine: Engine) -> None:
    scenario = engine.load(HEADLINE)
    ordered = in_order(dataclasses.replace(scenario, events=list(reversed(scenario.events))))
    assert ordered.events == scenario.events
