"""The answer key: per move, the findings of the objectives' paragraphs that open or change status in it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from engine import Engine, InputError
from engine.exercise import AnswerKey, answer_key, load_exercise

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = (ROOT / "scenarios" / "timbuktu-2018.yaml").as_posix()


@pytest.fixture(scope="module")
def key() -> AnswerKey:
    engine = Engine()
    return answer_key(engine, load_exercise(ROOT / "exercises" / "timbuktu-2018.yaml", engine))


def test_a_duty_is_expected_active_when_it_arises_and_again_when_it_is_fulfilled(key: AnswerKey) -> None:
    report = "37/report:france:2018-06-29"
    statuses = {m.move: f.status for m in key.moves for f in m.expected if f.id == report}
    assert statuses == {3: "active", 4: "fulfilled"}


def test_an_authorization_is_granted_at_the_request_then_exercised_by_the_intervention(key: AnswerKey) -> None:
    grant = "37:french-forces:tbk-2018-04-14"
    assert [(m.move, f.status) for m in key.moves for f in m.expected if f.id == grant] == [(2, "granted"),
                                                                                          (3, "exercised")]


def test_only_the_objectives_paragraphs_are_expected(key: AnswerKey) -> None:
    paragraphs = {f.paragraph for m in key.moves for f in m.expected}
    assert paragraphs == {"20(d)", "20(e)", "37", "47(ii)", "47(iii)"}


def test_the_key_json_has_exactly_the_documented_fields(engine: Engine, key: AnswerKey) -> None:
    document = json.loads(key.to_json())
    assert list(document) == ["moves"]
    move = document["moves"][1]
    assert list(move) == ["move", "name", "until", "injects", "expected"]
    assert move["injects"] == ["tbk-request"] and move["until"] == "2018-04-14T15:00:00Z"
    grant = engine.run(key.scenario).by_id("37:french-forces:tbk-2018-04-14")
    assert grant is not None
    assert move["expected"] == [{"id": grant.id, "paragraph": "37", "kind": "authorization",
                                 "subject": "french-forces", "status": "granted", "due": grant.due}]


def test_a_released_contingency_inject_joins_the_key_of_its_move(engine: Engine) -> None:
    exercise = load_exercise(ROOT / "exercises" / "timbuktu-2018.yaml", engine)
    released = answer_key(engine, exercise, released=["tbk-second-threat"])
    assert "tbk-second-threat" in released.moves[1].injects
    assert "20(d):minusma:tbk-2018-04-14-airport" in {f.id for f in released.moves[1].expected}
    with pytest.raises(InputError, match="no contingency inject 'nothing'"):
        answer_key(engine, exercise, released=["nothing"])


def test_the_trainers_override_removes_and_adds_findings_with_its_reason(
        engine: Engine, write: Callable[[str, str], Path]) -> None:
    path = write("drill.yaml", f"""\
        name: A drill for the tests.
        scenario: {SCENARIO}
        objectives: ["37", "20"]
        briefing: Say what is engaged.
        moves:
          - name: The attack
            until: "2018-04-14T18:00:00Z"
            expect:
              reason: We teach that 20(e) is engaged by the threat, not the attack.
              remove: ["20(e)/attack:minusma:tbk-attack"]
              add: [{{paragraph: "20(e)", kind: engagement, subject: MINUSMA}}]
        """)
    move = answer_key(engine, load_exercise(path, engine)).moves[0]
    assert "20(e)/attack:minusma:tbk-attack" in {f.id for f in move.removed}
    added = [f for f in move.expected if f.source == "trainer"]
    assert [(f.paragraph, f.kind, f.subject, f.status) for f in added] == [("20(e)", "engagement", "minusma",
                                                                            "engaged")]
    assert move.reason is not None and "not the attack" in move.reason


def test_removing_a_finding_the_key_does_not_have_is_bad_input(engine: Engine,
                                                                write: Callable[[str, str], Path]) -> None:
    path = write("drill.yaml", f"""\
        name: A drill for the tests.
        scenario: {SCENARIO}
        briefing: Say what is engaged.
        moves:
          - name: The attack
            until: "2018-04-14T18:00:00Z"
            expect:
              reason: A reason.
              remove: ["no-such-finding"]
        """)
    with pytest.raises(InputError) as caught:
        answer_key(engine, load_exercise(path, engine))
    assert caught.value.line == 9 and "no-such-finding" in caught.value.message


def test_the_key_of_an_exercise_over_an_event_log_expects_what_the_log_s_events_engage(engine: Engine) -> None:
    exercise = load_exercise(ROOT / "exercises" / "timbuktu-2018-from-an-event-log.yaml", engine)
    key = answer_key(engine, exercise)
    assert "tbk-request" in key.move(1).injects and "tbk-intervention" in key.move(2).injects
    assert [(f.id, f.status) for f in key.move(1).expected] == [("37:french-forces:tbk-2018-04-14", "granted")]
    assert ("37:french-forces:tbk-2018-04-14", "exercised") in [(f.id, f.status) for f in key.move(2).expected]
