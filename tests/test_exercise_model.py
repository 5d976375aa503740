"""Exercise files: moves over a scenario, objectives, contingency injects and the trainer's overrides."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from engine import Engine, InputError
from engine.exercise import load_exercise

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = ROOT / "exercises"
SCENARIO = (ROOT / "scenarios" / "timbuktu-2018.yaml").as_posix()


def _exercise(write: Callable[[str, str], Path], body: str) -> Path:
    return write("drill.yaml", f"name: A drill for the tests.\nscenario: {SCENARIO}\nbriefing: Say what is engaged.\n"
                 + body)


@pytest.mark.parametrize("path", sorted(EXERCISES.glob("*.yaml")), ids=lambda p: p.name)
def test_every_bundled_exercise_loads_with_its_scenario(engine: Engine, path: Path) -> None:
    exercise = load_exercise(path, engine)
    assert exercise.moves and exercise.scenario.events
    assert [m.number for m in exercise.moves] == list(range(1, len(exercise.moves) + 1))


def test_the_scenario_is_found_relative_to_the_exercise_file(engine: Engine) -> None:
    exercise = load_exercise(EXERCISES / "timbuktu-2018.yaml", engine)
    assert Path(exercise.scenario.path).resolve() == (ROOT / "scenarios" / "timbuktu-2018.yaml").resolve()


def test_each_move_releases_the_events_after_the_previous_move_up_to_its_until(engine: Engine) -> None:
    exercise = load_exercise(EXERCISES / "timbuktu-2018.yaml", engine)
    assert [e.id for e in exercise.injects(2)] == ["tbk-request"]
    assert [e.id for e in exercise.injects(3)] == ["tbk-intervention"]
    released = [e.id for m in exercise.moves for e in exercise.injects(m.number)]
    assert sorted(released) == sorted(e.id for e in exercise.scenario.events)


def test_a_date_alone_as_until_covers_the_whole_day(engine: Engine, write: Callable[[str, str], Path]) -> None:
    path = _exercise(write, "moves:\n  - {name: One day, until: 2018-04-14}\n  - {name: After, until: 2018-06-30}\n")
    exercise = load_exercise(path, engine)
    assert "tbk-intervention" in [e.id for e in exercise.injects(1)]
    assert exercise.moves[0].until_text == "2018-04-14"


@pytest.mark.parametrize(("body", "line", "message"), [
    ("moves:\n  - {name: Late, until: 2019-01-01}\n", 5, "outside the scenario's window"),
    ("moves:\n  - {name: A, until: 2018-05-01}\n  - {name: B, until: 2018-04-01}\n", 6, "follow each other"),
    ("moves:\n  - {name: A, until: 2018-02-30}\n", 5, "not a real date"),
    ("objectives: ['4', '99']\nmoves:\n  - {name: A, until: 2018-05-01}\n", 4, "unknown paragraph '99'"),
    ("moves: []\n", 4, "moves"),
    ("moves:\n  - {name: A, until: 2018-05-01, extra: 1}\n", 5, "unknown key 'extra'"),
    ("moves:\n  - name: A\n    until: 2018-05-01\n    contingency:\n      - {at: 2018-04-01, type: threat, "
     "against: MINUSMA, level: low}\n", 8, "needs an `id`"),
    ("moves:\n  - name: A\n    until: 2018-05-01\n    contingency:\n      - {id: x, at: 2018-04-01, type: threat, "
     "against: Nobody, level: low}\n", 8, "unknown actor 'Nobody'"),
    ("moves:\n  - name: A\n    until: 2018-05-01\n    contingency:\n      - {id: tbk-threat, at: 2018-04-01, "
     "type: threat, against: MINUSMA, level: low}\n", 8, "already used"),
    ("moves:\n  - {name: A, until: 2018-03-01}\n  - name: B\n    until: 2018-05-01\n    contingency:\n"
     "      - {id: x, at: 2018-02-01, type: threat, against: MINUSMA, level: low}\n", 9, "outside its move"),
    ("moves:\n  - name: A\n    until: 2018-05-01\n    expect:\n      reason: Our doctrine differs.\n      add:\n"
     "        - {paragraph: '37', kind: permission, subject: France}\n", 10, "unknown kind 'permission'"),
])
def test_a_mistake_in_an_exercise_file_is_reported_at_its_line(
        engine: Engine, write: Callable[[str, str], Path], body: str, line: int, message: str) -> None:
    path = _exercise(write, body)
    with pytest.raises(InputError) as caught:
        load_exercise(path, engine)
    assert caught.value.line == line, str(caught.value)
    assert message in caught.value.message


def test_a_missing_scenario_is_reported_at_the_scenario_line(engine: Engine,
                                                             write: Callable[[str, str], Path]) -> None:
    path = write("drill.yaml", "name: A drill for the tests.\nbriefing: B.\nscenario: nowhere.yaml\n"
                 "moves:\n  - {name: A, until: 2018-05-01}\n")
    with pytest.raises(InputError) as caught:
        load_exercise(path, engine)
    assert (caught.value.line, "nowhere.yaml" in caught.value.message) == (3, True)


def test_objectives_cover_their_sub_items_and_only_them(engine: Engine) -> None:
    exercise = load_exercise(EXERCISES / "mandate-year-2017-2018.yaml", engine)
    assert exercise.assessed("47(ii)") and exercise.assessed("4") and exercise.assessed("48")
    assert not exercise.assessed("20(d)") and not exercise.assessed("3")


def test_more_moves_than_the_limit_is_bad_input(engine: Engine, write: Callable[[str, str], Path]) -> None:
    from engine.exercise.model import MAX_MOVES

    moves = "".join(f"  - {{name: M{i}, until: '2017-07-01T00:{i // 60:02d}:{i % 60:02d}Z'}}\n"
                    for i in range(MAX_MOVES + 1))
    with pytest.raises(InputError) as caught:
        load_exercise(_exercise(write, "moves:\n" + moves), engine)
    assert caught.value.line == 5 and f"at most {MAX_MOVES} items" in caught.value.message


def test_a_move_releases_the_events_of_the_scenarios_event_log_too(engine: Engine,
                                                                  write: Callable[[str, str], Path]) -> None:
    write("log.jsonl", '{"id": "logged-threat", "at": "2018-04-14T14:30Z", "type": "threat", "against": "MINUSMA", '
          '"level": "imminent_and_serious", "incident": "x"}\n')
    write("logged.yaml", "name: A scenario whose events come from a log.\nevents_from: log.jsonl\nevents: []\n")
    path = write("drill.yaml", "name: A drill for the tests.\nscenario: logged.yaml\nbriefing: B.\nmoves:\n"
                 "  - {name: Before, until: 2018-04-14}\n  - {name: After, until: 2018-06-30}\n")
    exercise = load_exercise(path, engine)
    assert [e.id for e in exercise.injects(1)] == ["logged-threat"] and exercise.injects(2) == []


FROM_LOG_EXERCISE = EXERCISES / "timbuktu-2018-from-an-event-log.yaml"  # its scenario's field events are in a log


def test_a_contingency_inject_with_the_id_of_an_event_of_the_log_is_refused_at_its_line(
        engine: Engine, write: Callable[[str, str], Path]) -> None:
    scenario = (ROOT / "scenarios" / "timbuktu-2018-events-from-a-log.yaml").as_posix()
    path = write("drill.yaml", f"name: A drill for the tests.\nscenario: {scenario}\nbriefing: B.\nmoves:\n"
                 "  - name: Before\n    until: 2018-04-14\n    contingency:\n"
                 "      - {id: q9, at: 2018-04-13, type: report, by: Secretary-General, kind: quarterly}\n"
                 "      - {id: tbk-request, at: 2018-04-13, type: report, by: Secretary-General, kind: quarterly}\n"
                 "  - {name: After, until: 2018-06-30}\n")
    with pytest.raises(InputError) as caught:
        load_exercise(path, engine)
    assert caught.value.line == 9
    assert "'tbk-request' is already used by the scenario's event log" in caught.value.message


def test_the_bundled_exercise_over_an_event_log_releases_the_log_s_events_in_its_moves(engine: Engine) -> None:
    exercise = load_exercise(FROM_LOG_EXERCISE, engine)
    assert exercise.scenario.log is not None
    first, second = ([e.id for e in exercise.injects(n)] for n in (1, 2))
    assert first[-3:] == ["tbk-threat", "tbk-attack", "tbk-request"] and "q3" in first  # log and file, in order
    assert second == ["tbk-intervention", "q4", "france-report"]
