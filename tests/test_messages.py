"""What durable-rules reads for an event (engine.replay.messages): the text :class:`MessageWriter` writes is the
encoded :func:`message_of` message byte for byte (whole, or only what the ruleset reads), and what a fact kept for
joins says partitions facts exactly as their messages but for ``t``, ``id`` and ``location`` do."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from string import Formatter
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine import Engine
from engine.dates import Clock, long_date, start_of
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


def _said_by_definition(template: str, events: dict[str, Any]) -> str:
    """What ``fill`` says, by its definition: each placeholder's words in the template, the white space squeezed
    to single spaces, the first letter in upper case."""
    pack, out = _COMPILED.pack, []
    unidentified = set(pack.actors.members("unattributed"))
    for literal, placeholder, _, _ in Formatter().parse(template):
        out.append(literal)
        if placeholder is None:
            continue
        alias, name = placeholder.split(".", 1)
        event = events[alias]
        value = getattr(event, name, None)
        if value is None:
            out.append("(not given)" if name != "by" else "an unidentified actor")
        elif name in event.actor_fields:
            out.append("an unidentified actor" if value in unidentified else pack.actors.name_of(value))
        elif isinstance(value, datetime):
            moment = value.astimezone(UTC)
            out.append(long_date(moment.date()) + ("" if moment.hour == moment.minute == 0 else
                                                    f" at {moment.hour:02d}:{moment.minute:02d} UTC"))
        elif isinstance(value, int):
            out.append(f"{value:,}")
        else:
            out.append(str(value))
    text = " ".join("".join(out).split())
    return text[:1].upper() + text[1:]


_PRINTABLE = ("  ", " ", "a", "A", ".", "é", "\u00df", "\u01c5")  # runs of spaces, letters of each case
_LITERALS = st.lists(st.sampled_from(_PRINTABLE), max_size=4).map("".join) | st.lists(
    st.sampled_from((*_PRINTABLE, "\t", "\n ", "\u00a0", "\u2028", "\u3000")), max_size=4).map("".join)


@given(event_streams(min_size=1, max_size=4), st.lists(_LITERALS, min_size=1, max_size=6), st.data())
def test_a_rule_s_sentence_says_each_placeholder_s_words_squeezed_and_capitalised(
        stream: list[dict[str, Any]], literals: list[str], data: st.DataObject) -> None:
    events = {f"x{n}": event for n, event in enumerate(_events(stream))}
    fields = [f"{{{alias}.{name}}}" for alias, event in events.items() for name in event.__dict__]
    template = literals[0] + "".join(data.draw(st.sampled_from(fields)) + literal for literal in literals[1:])
    assert messages.fill(template, events, _COMPILED.pack) == _said_by_definition(template, events)


@pytest.mark.parametrize("template", [
    " {x0.by} attacked {x0.target} on {x0.at}.", "{x0.by}  attacked {x0.target} ", "{x0.note} on {x0.at}",
    "\u01c5 {x0.id}\t.", "\u00df{x0.id}", "an {x0.id}\u00a0of {x0.at}", "", "{x0.id}", "  ",
])
def test_a_rule_s_sentence_says_its_placeholders_words_squeezed_and_capitalised_in_each_case(template: str) -> None:
    events = {"x0": _events([{"id": "e1", "type": "attack", "at": "2017-09-01T00:30:00Z", "by": "JNIM",
                              "target": "MINUSMA", "note": " two  spaces "}])[0]}
    assert messages.fill(template, events, _COMPILED.pack) == _said_by_definition(template, events)


def test_an_instant_is_said_in_utc_whatever_its_zone() -> None:
    moment = datetime(2017, 6, 29, 15, 42, 34, tzinfo=UTC)
    elsewhere = moment.astimezone(timezone(timedelta(hours=-5)))
    assert messages._on(moment) == "29 June 2017 at 15:42 UTC"
    assert messages._on(elsewhere) == "29 June 2017 at 15:42 UTC"
    assert messages._on(datetime(2018, 6, 30, tzinfo=UTC)) == "30 June 2018"
    assert messages._on(datetime(2018, 6, 30, 0, 5, tzinfo=UTC)) == "30 June 2018 at 00:05 UTC"
    assert messages._on(datetime(2018, 6, 30, 0, 5, tzinfo=timezone(timedelta(hours=1)))) == "29 June 2018 at 23:05 UTC"
