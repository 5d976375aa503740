"""The memo of durable-rules' verdict "meets no condition": which fields decide it, and that it never turns away
an event durable-rules would have stored."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from hypothesis import given, settings

from engine import Engine
from engine.inputs.scenario import Scenario
from engine.replay import runtime, state
from engine.replay.matcher import Session
from engine.replay.verdicts import MAX_KINDS, Unmatched, properties_read
from engine.testing.strategies import scenario_objects

RULES = {
    "open": {"all": [{"m": {"type": "__open__"}}]},
    "ceiling": {"all": [{"m": {"$and": [{"type": "deployment"}, {"$gt": {"military": 15209}}]}}]},
    "join": {"all": [{"a": {"$and": [{"type": "threat"}, {"$ex": {"incident": 1}},
                                     {"$ex": {"against__member_of__minusma": 1}}]}},
                     {"b": {"$and": [{"type": "intervention_request"}, {"incident": {"a": "incident"}}]}}]},
}


def test_a_field_compared_with_a_constant_is_valued_and_one_only_joined_on_is_presence_only() -> None:
    valued, present = properties_read(RULES)
    assert {"type", "military"} <= valued
    assert {"incident", "against__member_of__minusma"} <= present
    assert "incident" not in valued


def test_the_kind_of_an_event_keeps_the_values_that_decide_and_only_the_presence_of_joined_fields(
        engine: Engine) -> None:
    scenario = engine.parse("""
        name: Two threats against MINUSMA in two incidents, one against civilians, one without an incident.
        events:
          - {id: a, at: 2017-07-01, type: threat, against: MINUSMA, level: low, incident: i1, location: Gao}
          - {id: b, at: 2017-07-02, type: threat, against: MINUSMA, level: low, incident: i2, location: Mopti}
          - {id: c, at: 2017-07-03, type: threat, against: civilians, level: low, incident: i3}
          - {id: d, at: 2017-07-04, type: threat, against: MINUSMA, level: low}
    """, path="inline.yaml")
    memo = Unmatched(properties_read(RULES))
    a, b, c, d = (memo.key(event, 0) for event in scenario.events)
    assert a == b  # other incident, other place: the same verdict
    assert a != c  # the actor decides the membership flags
    assert a != d  # an incident or none
    assert memo.key(scenario.events[0], 0) == memo.key(scenario.events[0], 999)  # no rule tests the tick


def test_the_tick_is_part_of_the_kind_when_a_rule_tests_it(engine: Engine) -> None:
    scenario = engine.parse("""
        name: One threat.
        events:
          - {at: 2017-07-01, type: threat, against: MINUSMA, level: low}
    """, path="inline.yaml")
    memo = Unmatched(properties_read({"late": {"all": [{"m": {"$gt": {"t": 100}}}]}}))
    assert memo.key(scenario.events[0], 0) != memo.key(scenario.events[0], 999)


def test_the_memo_remembers_at_most_its_limit_of_kinds() -> None:
    memo = Unmatched((frozenset(), frozenset()))
    for number in range(MAX_KINDS + 10):
        memo.add((number,))
    assert (MAX_KINDS - 1,) in memo
    assert (MAX_KINDS,) not in memo


def test_an_event_of_a_kind_turned_away_before_is_not_asserted_again(replay: Any, monkeypatch: Any) -> None:
    asserted: list[str] = []
    real = Session.assert_text

    def counting(self: Session, body: str) -> Any:
        asserted.append(json.loads(body + "}")["type"])
        return real(self, body)

    monkeypatch.setattr(Session, "assert_text", counting)
    report = replay("name: Ten deployments within the ceilings, in ten places.\nevents:\n" + "\n".join(
        f"  - {{at: 2017-07-{1 + i:02d}, type: deployment, military: 1000, location: P{i}}}" for i in range(10)))
    assert asserted.count("deployment") == 1
    assert report.stats["events"] == 10


def _replay_checking_every_verdict(engine: Engine, scenario: Scenario) -> int:
    """Replay with the memo consulted but never trusted: every event some rule looks at is asserted, and each
    one the memo would have turned away must be one durable-rules does not store. Returns how many the memo
    would have turned away."""
    turned_away = 0
    observe = runtime.Replay.observe

    class Kinds(set[tuple[Any, ...]]):
        """The kinds turned away, as ever, but that answers that it holds none (noting that it would have)."""

        would = False

        def __contains__(self, key: object) -> bool:
            nonlocal turned_away
            if super().__contains__(key):
                turned_away += 1
                self.would = True
            return False

    class Asked(Unmatched):
        """A memo that remembers as ever but answers that it knows nothing."""

        def __init__(self, names: tuple[frozenset[str], frozenset[str]]) -> None:
            super().__init__(names)
            self.seen = Kinds()

    def checking(self: runtime.Replay, event: Any, tick: int, kind: tuple[Any, ...]) -> None:
        seen = self.unmatched.seen
        assert isinstance(seen, Kinds)
        would, seen.would = seen.would, False
        results: list[Any] = []
        real = self.session.assert_text

        def spy(body: str) -> Any:
            results.append(real(body))
            return results[-1]

        self.session.assert_text = spy  # type: ignore[method-assign]
        try:
            observe(self, event, tick, kind)
        finally:
            del self.session.assert_text
        if would:
            assert results == [None], f"{event!r}: durable-rules stored an event of a kind the memo turns away"

    original = state.Unmatched
    runtime.Replay.observe = checking  # type: ignore[method-assign]
    state.Unmatched = Asked  # type: ignore[misc]
    try:
        engine.run(scenario)
    finally:
        runtime.Replay.observe = observe  # type: ignore[method-assign]
        state.Unmatched = original  # type: ignore[misc]
    return turned_away


@settings(deadline=None)
@given(scenario_objects("outside", min_events=2, max_events=20))
def test_the_memo_never_turns_away_an_event_durable_rules_would_store(scenario: Scenario) -> None:
    _replay_checking_every_verdict(Engine(), scenario)


def test_every_bundled_scenario_with_its_events_twice_has_every_verdict_the_memo_gives_checked(
        engine: Engine) -> None:
    folder = Path(__file__).resolve().parent.parent / "scenarios"
    turned_away = 0
    for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.json")]):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        again = [{**event, "id": f"again-{number}"} for number, event in enumerate(data.get("events", []))]
        data["events"] = data.get("events", []) + again
        turned_away += _replay_checking_every_verdict(engine, engine.parse(json.dumps(data, default=str),
                                                                           path=str(path.with_suffix(".again.json"))))
    assert turned_away > 0
