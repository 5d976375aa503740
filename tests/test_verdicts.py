"""The memo of durable-rules' verdicts: which fields decide "meets no condition" (figures compared only by order by
their place among the constants), that it never turns away an event durable-rules would have stored, and that the
matches it remembers for an event that joins nothing are the ones durable-rules gives."""

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
from engine.replay.messages import MessageWriter
from engine.replay.verdicts import MAX_KINDS, Unmatched, joined_types, ordered_constants, properties_read
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


def _asserted_types(monkeypatch: Any) -> list[str]:
    """The types of the events asserted into durable-rules from now on, in order (filled as the replay runs)."""
    asserted: list[str] = []
    real = Session.assert_text

    def counting(self: Session, body: str) -> Any:
        asserted.append(json.loads(body + "}")["type"])
        return real(self, body)

    monkeypatch.setattr(Session, "assert_text", counting)
    return asserted


def test_an_event_of_a_kind_turned_away_before_is_not_asserted_again(replay: Any, monkeypatch: Any) -> None:
    asserted = _asserted_types(monkeypatch)
    report = replay("name: Ten deployments within the ceilings, in ten places.\nevents:\n" + "\n".join(
        f"  - {{at: 2017-07-{1 + i:02d}, type: deployment, military: 1000, location: P{i}}}" for i in range(10)))
    assert asserted.count("deployment") == 1
    assert report.stats["events"] == 10


def test_a_figure_compared_only_by_order_is_kept_as_its_place_among_the_constants() -> None:
    rules = {**RULES, "low": {"all": [{"m": {"$and": [{"type": "deployment"}, {"$lte": {"military": 100}},
                                                       {"$gte": {"police": 5}}]}}]},
             "exact": {"all": [{"m": {"$and": [{"type": "deployment"}, {"police": 7}]}}]}}
    assert ordered_constants(rules) == {"military": (100, 15209)}  # police is also compared by equality
    assert ordered_constants({"r": {"all": [{"m": {"$gt": {"military": 1.5}}}]}}) == {}  # not a whole number


def test_deployments_below_the_same_ceilings_are_one_kind_and_at_or_above_a_ceiling_another(engine: Engine) -> None:
    scenario = engine.parse("""
        name: Deployments of several sizes.
        events:
          - {at: 2017-07-01, type: deployment, military: 11664}
          - {at: 2017-07-02, type: deployment, military: 11453}
          - {at: 2017-07-03, type: deployment, military: 15209}
          - {at: 2017-07-04, type: deployment, military: 15210}
          - {at: 2017-07-05, type: deployment, military: 20000}
    """, path="inline.yaml")
    memo = Unmatched(properties_read(RULES), ordered_constants(RULES))
    below, below_too, at, above, far_above = (memo.key(event, 0) for event in scenario.events)
    assert below == below_too
    assert len({below, at, above}) == 3
    assert above == far_above


def test_the_types_named_by_rules_of_several_patterns_are_the_joined_ones() -> None:
    assert joined_types(RULES) == {"threat", "intervention_request"}
    assert joined_types({**RULES, "odd": {"any": [{"m": {"type": "attack"}}]}}) is None  # a form not read
    assert joined_types({"j": {"all": [{"a": {"type": "threat"}}, {"b": {"$ex": {"id": 1}}}]}}) is None


def test_an_event_of_a_kind_whose_matches_are_remembered_is_asserted_once(replay: Any, monkeypatch: Any) -> None:
    asserted = _asserted_types(monkeypatch)
    report = replay("name: Three deployments above the ceiling of military personnel.\nevents:\n" + "\n".join(
        f"  - {{id: d{i}, at: 2017-07-{1 + i:02d}, type: deployment, military: {16000 + i}}}" for i in range(3)))
    assert asserted.count("deployment") == 1
    assert [f.events for f in report.findings if f.kind == "breach"] == [("d0",), ("d1",), ("d2",)]


def _remembered(replay: runtime.Replay, fact_id: str, matches: Any) -> tuple[Any, ...]:
    """durable-rules' matches of one fact as the memo keeps them: (rule, alias), in the pack's rule order."""
    found = []
    for name, bound in matches:
        rule = replay.compiled.rules.get(name)
        if rule is None:
            continue
        ((alias, message),) = bound.items()
        assert message["id"] == fact_id
        found.append((rule.order, rule, alias))
    return tuple((rule, alias) for _, rule, alias in sorted(found, key=lambda item: item[0]))


def _replay_checking_every_verdict(engine: Engine, scenario: Scenario) -> tuple[int, int]:
    """Replay with the memo consulted but never trusted: every event some rule looks at is asserted; each one
    the memo would have turned away must be one durable-rules does not store, and each one whose matches it
    remembers must match just those. Returns how many events the memo would have turned away, and for how many
    it would have given the matches."""
    turned_away = remembered = 0
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

    class Matches(dict[tuple[Any, ...], Any]):
        """The matches remembered, as ever, but that answers that it holds none (keeping what it would give)."""

        would: Any = None

        def get(self, key: tuple[Any, ...], default: Any = None) -> Any:
            nonlocal remembered
            self.would = super().get(key)
            remembered += self.would is not None
            return default

    class Asked(Unmatched):
        """A memo that remembers as ever but answers that it knows nothing."""

        def __init__(self, *args: Any) -> None:
            super().__init__(*args)
            self.seen = Kinds()
            self.matched = Matches()

    def checking(self: runtime.Replay, event: Any, tick: int, kind: tuple[Any, ...]) -> None:
        seen, matched = self.unmatched.seen, self.unmatched.matched
        assert isinstance(seen, Kinds) and isinstance(matched, Matches)
        would, seen.would = seen.would, False
        known, matched.would = matched.would, None
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
        if known is not None:
            assert len(results) == 1 and results[0] is not None, f"{event!r}: remembered matches, now none"
            assert _remembered(self, *results[0]) == known, f"{event!r}: other matches than those remembered"

    original = state.Unmatched
    runtime.Replay.observe = checking  # type: ignore[method-assign]
    state.Unmatched = Asked  # type: ignore[misc]
    try:
        engine.run(scenario)
    finally:
        runtime.Replay.observe = observe  # type: ignore[method-assign]
        state.Unmatched = original  # type: ignore[misc]
    return turned_away, remembered


@settings(deadline=None)
@given(scenario_objects("outside", min_events=2, max_events=20))
def test_the_memo_never_turns_away_an_event_durable_rules_would_store(scenario: Scenario) -> None:
    _replay_checking_every_verdict(Engine(), scenario)


def test_every_bundled_scenario_with_its_events_twice_has_every_verdict_the_memo_gives_checked(
        engine: Engine) -> None:
    folder = Path(__file__).resolve().parent.parent / "scenarios"
    turned_away = remembered = 0
    for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.json")]):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        again = [{**event, "id": f"again-{number}"} for number, event in enumerate(data.get("events", []))]
        data["events"] = data.get("events", []) + again
        away, known = _replay_checking_every_verdict(engine, engine.parse(json.dumps(data, default=str),
                                                                          path=str(path.with_suffix(".again.json"))))
        turned_away, remembered = turned_away + away, remembered + known
    assert turned_away > 0
    assert remembered > 0


class _Forgetful(Unmatched):
    """A memo that remembers nothing: every event some rule looks at is asserted."""

    def add(self, key: tuple[Any, ...]) -> None:
        return

    def remember(self, key: tuple[Any, ...], matches: tuple[Any, ...]) -> None:
        return


def test_every_bundled_scenario_reports_the_same_with_the_memo_and_short_messages_as_asserting_every_whole_message(
        engine: Engine, monkeypatch: Any) -> None:
    folder = Path(__file__).resolve().parent.parent / "scenarios"
    paths = sorted([*folder.glob("*.yaml"), *folder.glob("*.json")])
    fast = [engine.run(path).to_json() for path in paths]
    monkeypatch.setattr(state, "Unmatched", _Forgetful)
    monkeypatch.setattr(state, "MessageWriter", lambda membership, reads=None: MessageWriter(membership))
    slow = [engine.run(path).to_json() for path in paths]
    assert len(paths) > 30
    assert fast == slow
