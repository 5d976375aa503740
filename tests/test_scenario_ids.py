"""Ids derived for events that give none never collide for different events, and do not depend on file order.

The short form (type, day, 6 hex digits of the content's SHA-256) stays for almost every event; of two different
events whose short forms would be the same, the later in the file takes the whole digest.
"""

from __future__ import annotations

import hashlib
import json
import textwrap

import pytest

from engine import Engine, ScenarioError


def colliding_notes() -> tuple[str, str]:
    """Two notes whose otherwise identical events share the first 6 hex digits of their digest."""
    seen: dict[str, str] = {}
    for number in range(1_000_000):
        note = f"note {number}"
        raw = {"at": "2017-07-01", "type": "obstruction", "by": "GATIA", "note": note}
        digest = hashlib.sha256(json.dumps(raw, sort_keys=True).encode()).hexdigest()[:6]
        if digest in seen:
            return seen[digest], note
        seen[digest] = note
    raise AssertionError("no collision found")


def scenario_text(notes: list[str]) -> str:
    events = "".join(f"  - {{at: 2017-07-01, type: obstruction, by: GATIA, note: '{n}'}}\n" for n in notes)
    return f"name: Events whose short ids collide.\nevents:\n{events}"


def test_two_different_events_whose_short_ids_collide_get_different_ids(engine: Engine) -> None:
    first, second = colliding_notes()
    scenario = engine.parse(scenario_text([first, second, "another"]), path="ids.yaml")
    ids = {event.note: event.id for event in scenario.events}
    assert len(set(ids.values())) == 3
    assert len(str(ids[first]).rsplit("-", 1)[1]) == 6  # the first keeps its short id
    assert len(str(ids[second]).rsplit("-", 1)[1]) == 64  # the second takes its whole digest


def test_two_identical_events_without_ids_are_still_refused(engine: Engine) -> None:
    with pytest.raises(ScenarioError, match="repeats the one at line 3 exactly") as caught:
        engine.parse(scenario_text(["same", "same"]), path="ids.yaml")
    assert caught.value.line == 4


def test_a_derived_id_equal_to_a_given_id_is_refused_with_the_line_of_the_event_without_one(engine: Engine) -> None:
    derived = engine.parse(scenario_text(["a"]), path="ids.yaml").events[0].id
    text = textwrap.dedent(f"""\
        name: An id given that equals a derived one.
        events:
          - {{id: {derived}, at: 2017-07-02, type: obstruction, by: GATIA}}
          - {{at: 2017-07-01, type: obstruction, by: GATIA, note: 'a'}}
        """)
    with pytest.raises(ScenarioError, match="is the id of the event at line 3") as caught:
        engine.parse(text, path="ids.yaml")
    assert caught.value.line == 4
