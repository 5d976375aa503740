"""What durable-rules reads for an event (engine.replay.messages): the text :class:`MessageWriter` writes is the
encoded :func:`message_of` message byte for byte (whole, or only what the ruleset reads), and what a fact kept for
joins says partitions facts exactly as their messages but for ``t``, ``id`` and ``location`` do."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine import Engine
from engine.dates import Clock, start_of
from engine.replay import messages
from engine.replay.matcher import _ENCODE, Matcher
from engine.replay.messages import MessageWriter, message_of
from engine.testing.strategies import event_streams

_ENGINE = Engine()
_COMPILED, _ = _ENGINE.compiled(None)
_CLOCK = Clock(start_of(_COMPILED.pack.adopted))
_VALUED, _PRESENT = Matcher(_COMPILED.ruleset).names
_READS = _VALUED | _PRESENT  # what the pack's tests can read of a message


def _events(stream: list[dict[str, Any]]) -> list[Any]:
    text = json.dumps({"name": "Generated events.", "events": stream})
    return list(_ENGINE.parse(text, path="inline.json").all_events())


@given(event_streams(max_size=8), st.integers(0, 10**9))
def test_the_written_text_is_the_encoded_message_without_its_closing_brace(stream: list[dict[str, Any]],
                                                                          tick: int) -> None:
    writer = MessageWriter(_COMPILED.membership)
    for event in _events(stream):
        expected = _ENCODE(message_of(event, _CLOCK, tick, _COMPILED.membership))
        assert writer.text(event, tick) + "}" == expected
        assert writer.text(event, tick) + "}" == expected  # again, from the remembered actors and plans


@given(event_streams(max_size=8), st.integers(0, 10**9))
def test_the_text_of_what_the_rules_read_is_the_encoded_message_of_those_properties(
        stream: list[dict[str, Any]], tick: int) -> None:
    writer = MessageWriter(_COMPILED.membership, _READS)
    for event in _events(stream):
        whole = message_of(event, _CLOCK, tick, _COMPILED.membership)
        read = message_of(event, _CLOCK, tick, _COMPILED.membership, _READS)
        assert read == {key: value for key, value in whole.items() if key in _READS or key == "type"}
        assert writer.text(event, tick) + "}" == _ENCODE(read)
        assert writer.text(event, tick) + "}" == _ENCODE(read)  # again, from the remembered actors and plans


def test_a_message_of_what_the_rules_read_leaves_out_the_place_the_tick_and_flags_no_rule_tests(
        engine: Engine) -> None:
    scenario = engine.parse("""
        name: A coordination of MINUSMA with the Malian forces, in Gao.
        events:
          - {id: a, at: 2017-09-01, type: coordination, by: MINUSMA, partner: MDSF, location: Gao}
    """, path="inline.yaml")
    (event,) = scenario.events
    whole = message_of(event, _CLOCK, 5, _COMPILED.membership)
    read = message_of(event, _CLOCK, 5, _COMPILED.membership, _READS)
    assert {"t", "location"} <= whole.keys() - read.keys()
    assert read["type"] == "coordination" and read["by"] == "minusma"
    assert any(key.startswith("by__member_of__") for key in whole.keys() - read.keys())


@given(event_streams(max_size=8))
def test_two_facts_say_the_same_exactly_when_their_messages_differ_only_in_tick_id_and_location(
        stream: list[dict[str, Any]]) -> None:
    writer = MessageWriter(_COMPILED.membership)
    events = _events(stream)

    def message(event: Any) -> tuple[Any, ...]:
        fields = message_of(event, _CLOCK, 0, _COMPILED.membership)
        return tuple(sorted((k, v) for k, v in fields.items() if k not in ("t", "location")))

    for a in events:
        for b in events:
            same_type = a.type == b.type
            assert (writer.says(a) == writer.says(b)) == (same_type and message(a) == message(b))


def test_a_list_field_says_the_set_of_its_items_as_its_message_has_them(engine: Engine) -> None:
    scenario = engine.parse("""
        name: Two reports covering the same foci in another order, and one repeating a focus.
        events:
          - {id: a, at: 2017-09-01, type: report, by: Secretary-General, kind: quarterly, focus: [i, ii]}
          - {id: b, at: 2017-09-02, type: report, by: Secretary-General, kind: quarterly, focus: [ii, i, ii]}
          - {id: c, at: 2017-09-03, type: report, by: Secretary-General, kind: quarterly, focus: [i]}
    """, path="inline.yaml")
    writer = MessageWriter(_COMPILED.membership)
    a, b, c = scenario.events
    assert writer.says(a) == writer.says(b) != writer.says(c)
    assert writer.text(b, 0) + "}" == _ENCODE(message_of(b, _CLOCK, 0, _COMPILED.membership))


def test_the_writer_starts_its_actors_again_past_its_bound_and_writes_the_same_text(
        engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = engine.parse("""
        name: Acts by three actors.
        events:
          - {id: a, at: 2017-09-01, type: attack, by: JNIM, target: MINUSMA}
          - {id: b, at: 2017-09-02, type: attack, by: ISGS, target: civilians}
          - {id: c, at: 2017-09-03, type: attack, by: GATIA, target: MINUSMA}
    """, path="inline.yaml")
    monkeypatch.setattr(messages, "MAX_ACTOR_TEXTS", 1)
    writer = MessageWriter(_COMPILED.membership)
    for event in [*scenario.events, *scenario.events]:
        assert writer.text(event, 5) + "}" == _ENCODE(message_of(event, _CLOCK, 5, _COMPILED.membership))
    assert len(writer._actors) <= 1
