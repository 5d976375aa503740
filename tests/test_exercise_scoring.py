"""Scoring: paragraph, kind and subject match; status and due add or take credit; per-move F1, mean × 100."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine import Engine
from engine.exercise import Answer, AnswerKey, AnswerSheet, KeyFinding, answer_key, load_answers, load_exercise, score
from engine.exercise.scoring import score_move

ROOT = Path(__file__).resolve().parent.parent
DUTY = KeyFinding(id="47(ii):secretary-general:2018-06-29", paragraph="47(ii)", kind="obligation",
                  subject="secretary-general", status="active", due="2018-06-29")
GRANT = KeyFinding(id="37:french-forces:x", paragraph="37", kind="authorization", subject="french-forces",
                   status="granted", due="2018-06-30")


def _answer(paragraph: str = "47(ii)", kind: str = "obligation", subject: str = "secretary-general",
            status: str | None = None, due: str | None = None) -> Answer:
    return Answer(move=1, paragraph=paragraph, kind=kind, subject=subject, status=status, due=due)


@pytest.fixture(scope="module")
def key() -> AnswerKey:
    engine = Engine()
    return answer_key(engine, load_exercise(ROOT / "exercises" / "timbuktu-2018.yaml", engine))


def test_a_right_status_and_due_date_add_credit_and_wrong_ones_take_it_away() -> None:
    def f1(answer: Answer) -> float:
        return score_move(1, [DUTY], [answer]).f1

    bare = f1(_answer())
    assert f1(_answer(status="active", due="2018-06-29")) == 1.0
    assert f1(_answer(status="active")) > bare > f1(_answer(status="fulfilled"))
    assert f1(_answer(due="2018-06-29")) > bare > f1(_answer(due="2018-07-14"))


def test_a_sub_item_answer_counts_for_its_paragraph() -> None:
    move = score_move(1, [DUTY], [_answer(paragraph="47")])
    assert [m.finding.id for m in move.matches] == [DUTY.id]


def test_an_answer_on_another_paragraph_kind_or_subject_does_not_match() -> None:
    for answer in (_answer(paragraph="48"), _answer(kind="authorization"), _answer(subject="france")):
        move = score_move(1, [DUTY], [answer])
        assert (move.matches, move.missed, move.wrong, move.f1) == ((), (DUTY,), (answer,), 0.0)


def test_each_finding_is_matched_by_one_answer_at_most() -> None:
    move = score_move(1, [DUTY], [_answer(), _answer(status="active")])
    assert len(move.matches) == 1 and move.matches[0].answer.status == "active" and len(move.wrong) == 1


def test_claiming_more_than_was_engaged_lowers_the_score() -> None:
    right = score_move(1, [DUTY, GRANT], [_answer(status="active", due="2018-06-29")]).f1
    noisy = score_move(1, [DUTY, GRANT], [_answer(status="active", due="2018-06-29"),
                                          _answer(paragraph="4", kind="eligibility", subject="jnim")]).f1
    assert noisy < right


def test_the_perfect_sample_sheet_scores_100_and_the_partial_one_less(engine: Engine, key: AnswerKey) -> None:
    sheets = [load_answers(ROOT / "exercises" / "answers" / f"timbuktu-2018-{name}.yaml", engine, key.exercise)
              for name in ("perfect", "partial")]
    perfect, partial = score(key, sheets).trainees
    assert perfect.score == 100.0
    assert 0 < partial.score < 100


def test_an_empty_sheet_scores_0_and_misses_every_finding(key: AnswerKey) -> None:
    result = score(key, [AnswerSheet(trainee="Nobody", answers=())]).trainees[0]
    assert result.score == 0.0
    assert [len(m.missed) for m in result.moves] == [len(m.expected) for m in key.moves]


def test_claiming_every_paragraph_kind_and_actor_scores_far_below_a_perfect_sheet(engine: Engine,
                                                                                  key: AnswerKey) -> None:
    everything = tuple(Answer(move=m.move, paragraph=p.id, kind=kind, subject=actor)
                       for m in key.moves for p in engine.pack.paragraphs if "(" not in p.id and "[" not in p.id
                       for kind in ("obligation", "authorization") for actor in ("secretary-general", "minusma",
                                                                                 "french-forces", "france"))
    assert score(key, [AnswerSheet(trainee="Greedy", answers=everything)]).trainees[0].score < 10


def test_the_score_json_has_exactly_the_documented_fields(engine: Engine, key: AnswerKey) -> None:
    sheet = load_answers(ROOT / "exercises" / "answers" / "timbuktu-2018-partial.yaml", engine, key.exercise)
    document = json.loads(score(key, [sheet]).to_json())
    trainee = document["trainees"][0]
    assert list(trainee) == ["trainee", "score", "moves"] and trainee["trainee"] == "Capt. Diallo"
    move = trainee["moves"][0]
    assert list(move) == ["move", "expected", "matched", "missed", "wrong"]
    assert (move["expected"], move["matched"]) == (3, 1)
    assert move["missed"] == ["20(e)/attack:minusma:tbk-attack", "47(ii):secretary-general:2018-06-29"]
    assert move["wrong"] == [{"move": 1, "paragraph": "4", "kind": "eligibility", "subject": "JNIM"}]
