"""Properties of exercises over generated scenarios: the key is what the as-of replays find; scores are bounded,
a sheet built from the key scores 100 and an empty one 0; claiming more never raises a score."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from engine import Engine
from engine.exercise import AnswerSheet, Exercise, answer_key, score_sheet
from engine.testing import answers, exercises, sheet_from_key

ENGINE = Engine()


def _examples(factor: float) -> int:
    return max(5, int(settings().max_examples * factor))


@settings(max_examples=_examples(0.5))
@given(exercises())
def test_the_key_moves_each_finding_to_its_status_at_the_end_of_every_move(exercise: Exercise) -> None:
    key = answer_key(ENGINE, exercise)
    known: dict[str, str] = {}
    for move in exercise.moves:
        for finding in key.move(move.number).expected:
            known[finding.id] = finding.status
        as_of = ENGINE.run(exercise.scenario, as_of=move.until)
        assert known == {f.id: f.status for f in as_of.findings if exercise.assessed(f.paragraph)}
        assert all(f.opened <= as_of.as_of for f in as_of.findings if as_of.as_of is not None)


@settings(max_examples=_examples(0.5))
@given(exercises())
def test_a_sheet_built_from_the_key_scores_100_and_an_empty_one_0(exercise: Exercise) -> None:
    key = answer_key(ENGINE, exercise)
    assert score_sheet(key, sheet_from_key(key)).score == 100.0
    empty = score_sheet(key, AnswerSheet(trainee="Nobody", answers=())).score
    assert empty == (0.0 if any(m.expected for m in key.moves) else 100.0)


@settings(max_examples=_examples(0.5))
@given(exercises(max_moves=2), st.lists(answers(1), max_size=6))
def test_scores_stay_between_0_and_100_and_wrong_claims_never_raise_them(exercise: Exercise, extra: list) -> None:
    key = answer_key(ENGINE, exercise)
    perfect = sheet_from_key(key)
    noisy = AnswerSheet(trainee="Noisy", answers=perfect.answers + tuple(extra))
    result = score_sheet(key, noisy).score
    assert 0.0 <= result <= 100.0
    assert result <= score_sheet(key, perfect).score
