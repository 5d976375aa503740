"""Checking one event: the plain checkers answer first, and what they leave is refused in pydantic's words."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from engine import Engine, ScenarioError
from engine.inputs.checking import EventChecker
from engine.inputs.sources import LineMap
from engine.light import Light


def _checker(engine: Engine) -> EventChecker:
    return EventChecker(path="s.yaml", actors=engine.pack.actors, start=date(2017, 6, 29), until=date(2018, 12, 31))


@pytest.mark.parametrize(("raw", "message"), [
    ({"type": "support", "at": "2018-04-14T08:30:00Z", "id": "s1", "by": "JNIM"},
     "a support event needs `incident` (the attack or action supported) or `to` (the actor)"),
    ({"type": "deployment", "at": "2018-04-14", "id": "d1"}, "a deployment event needs `military`, `police` or both"),
])
def test_an_event_its_model_s_own_check_refuses_is_refused_with_the_model_s_message_at_its_line(
        engine: Engine, raw: dict[str, Any], message: str) -> None:
    checker = _checker(engine)
    assert checker.plain.event(raw) is None
    with pytest.raises(ScenarioError) as caught:
        checker.check(raw, lambda: LineMap({(): 12}), ())
    assert (caught.value.path, caught.value.line, caught.value.message) == ("s.yaml", 12, message)


@pytest.mark.parametrize("raw", [
    {"type": "support", "at": "2018-04-14T08:30:00Z", "by": "JNIM", "incident": "tbk"},
    {"type": "deployment", "at": "2018-04-14", "police": 1_700},
    {"type": "report", "at": "2018-04-14T08:30Z", "by": "Secretary-General", "kind": "quarterly"},
])
def test_an_event_the_plain_checkers_take_is_light_and_gets_its_derived_id(engine: Engine, raw: dict[str, Any]) -> None:
    event, explicit = _checker(engine).check(raw, lambda: LineMap(), ())
    assert isinstance(event, Light) and not explicit
    assert event.id is not None and event.id.startswith(f"{raw['type']}-20180414-")
    assert "id" in event.__pydantic_fields_set__ and event.__dict__["id"] == event.id
