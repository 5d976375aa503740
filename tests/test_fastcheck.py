"""The fast path of event validation: it answers as pydantic does, or leaves the answer to pydantic."""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import HealthCheck, given, settings
from modelstate import state
from pydantic import ValidationError

from engine import Engine, ScenarioError
from engine.inputs import fastcheck
from engine.inputs.checking import EventChecker
from engine.inputs.plaincheck import PlainChecker
from engine.inputs.sources import LineMap
from engine.inputs.vocabulary import EVENT_TYPES, has_offset
from engine.light import Light
from engine.testing.strategies import events, raw_events

_SLOW = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _registry() -> Any:
    return Engine().pack.actors



def test_every_event_type_has_a_fast_path() -> None:
    assert all(fastcheck._MODELS[kind] is not None for kind in EVENT_TYPES)


@_SLOW
@given(raw=raw_events())
def test_the_fast_path_defers_or_returns_the_light_instance_of_exactly_what_the_model_validates(raw: Any) -> None:
    registry = _registry()
    fast = fastcheck.FastChecker(registry).event(raw)
    model = EVENT_TYPES.get(raw.get("type")) if isinstance(raw, dict) and isinstance(raw.get("type"), str) else None
    try:
        expected = model.model_validate(raw, context={"actors": registry}) if model is not None else None
    except ValidationError:
        expected = None
    if expected is None:
        assert fast is None
        return
    if fast is not None:
        event, aware = fast
        assert isinstance(event, Light) and state(event) == state(expected)
        assert event == expected and hash(event) == hash(expected)
        assert aware == has_offset(raw["at"])


@settings(max_examples=200, deadline=None)
@given(raw=events())
def test_every_valid_generated_event_takes_the_fast_path(raw: dict[str, Any]) -> None:
    assert fastcheck.FastChecker(_registry()).event(raw) is not None


class _Slow(fastcheck.FastChecker):
    def event(self, raw: Any) -> None:
        return None


def _outcome(checker: EventChecker, raw: Any) -> Any:
    try:
        event, explicit = checker.check(raw, lambda: LineMap({(): 7}), ())
    except ScenarioError as exc:
        return ("error", exc.path, exc.line, exc.message)
    return (state(event), explicit)


@_SLOW
@given(raw=raw_events())
def test_the_checker_gives_the_same_event_or_the_same_located_error_with_or_without_the_fast_path(raw: Any) -> None:
    registry = _registry()
    fast, slow = (EventChecker(path="log.jsonl", actors=registry, start=date(2017, 6, 29), until=date(2018, 12, 31))
                  for _ in range(2))
    slow.fast = _Slow(registry)
    slow.plain = PlainChecker(None, slow.first, slow.limit)  # and no generated checker before it
    assert _outcome(fast, raw) == _outcome(slow, raw)


def test_an_unknown_actor_and_a_bad_instant_are_worded_by_the_model() -> None:
    checker = EventChecker(path="log.jsonl", actors=_registry(), start=date(2017, 6, 29), until=date(2018, 12, 31))
    cases = [({"type": "attack", "at": "2018-04-14T08:30:00Z", "target": "Nobody Known"}, "unknown actor"),
             ({"type": "attack", "at": "2018-02-30T08:30:00Z", "target": "MINUSMA"}, "is not a real date"),
             ({"type": "deployment", "at": "2018-04-14T08:30:00Z", "military": True}, "expected a whole number")]
    for raw, message in cases:
        assert checker.fast.event(raw) is None and checker.plain.event(raw) is None
        outcome = _outcome(checker, raw)
        assert outcome[0] == "error" and outcome[2] == 7 and message in outcome[3]
