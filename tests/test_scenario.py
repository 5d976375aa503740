"""in_order: a scenario of light events (what loading gives) is checked and ordered at C speed, and refused or
ordered exactly as when its events are real model instances, checked one at a time. Loading: a file's events
come back in processing order, whether the file has them in it (then they need no sorting) or not."""

from __future__ import annotations

import dataclasses
import json
import random
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import Engine, ScenarioError
from engine.inputs.checking import EventChecker
from engine.inputs.eventtypes import TYPE_ORDER, sort_key
from engine.inputs.scenario import in_order
from engine.light import Light, light
from engine.testing.strategies import event_streams

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



@st.composite
def _files(draw: st.DrawFn) -> str:
    """JSON scenario texts of valid events with ids, some sharing an instant: as drawn, in processing order, or
in order of instant with ties the other way."""
    events: list[Any] = draw(event_streams(max_size=10))
    for _ in range(draw(st.integers(0, 3)) if events else 0):
        event, other = draw(st.sampled_from(events)), draw(st.sampled_from(events))
        event["at"] = other["at"]
    order = draw(st.sampled_from(("as drawn", "processing", "by instant, ties the other way")))
    if order != "as drawn":
        events.sort(key=lambda event: (event["at"], TYPE_ORDER[event["type"]], event["id"]),
                    reverse=order != "processing")
        events.sort(key=lambda event: event["at"])  # (stable: ties stay as the first sort left them)
    return json.dumps({"name": "A generated scenario.", "events": events}, indent=1, default=str)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_files())
def test_a_files_events_come_back_in_processing_order_whether_the_file_has_them_in_order_or_not(
        engine: Engine, text: str) -> None:
    loaded = engine.parse(text, path="<scenario>.json").events
    assert loaded == sorted(loaded, key=sort_key)
    assert sorted(event.id for event in loaded) == sorted(event["id"] for event in json.loads(text)["events"])


def test_a_common_file_is_taken_by_the_generated_checkers_and_comes_back_in_processing_order(
        engine: Engine, spy: Any) -> None:
    events = [{"id": f"e{i}", "at": f"2017-07-0{9 - i}T08:00:00Z", "type": "attack", "target": "minusma"}
              for i in range(3)]
    one_at_a_time = spy(EventChecker, "check", 1)
    loaded = engine.parse(json.dumps({"name": "Three attacks.", "events": events}), path="<scenario>.json")
    assert one_at_a_time == events[:1]  # only the first event, which says whether instants carry an offset
    assert [event.id for event in loaded.events] == ["e2", "e1", "e0"]
