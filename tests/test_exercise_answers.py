"""Answers files: subjects by any name, paragraphs as in the coverage list, bad answers located."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from engine import Engine, InputError
from engine.exercise import Exercise, dump_answers, load_answers, load_exercise, parse_answer

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def exercise() -> Exercise:
    return load_exercise(ROOT / "exercises" / "timbuktu-2018.yaml", Engine())


def test_subjects_are_resolved_by_name_alias_or_id(engine: Engine, exercise: Exercise) -> None:
    for name in ("Secretary-General", "SG", "secretary-general"):
        answer = parse_answer({"move": 1, "paragraph": "47", "kind": "obligation", "subject": name}, engine,
                              exercise)
        assert answer.subject == "secretary-general"


def test_paragraphs_kinds_and_statuses_are_read_as_the_coverage_list_writes_them(engine: Engine) -> None:
    answer = parse_answer({"move": 1, "paragraph": " 20(C)(ii) ", "kind": "duty", "subject": "MINUSMA",
                           "status": "Active", "due": "2018-06-29"}, engine)
    assert (answer.paragraph, answer.kind, answer.status, answer.due) == ("20(c)(ii)", "obligation", "active",
                                                                          "2018-06-29")
    assert parse_answer({"move": 1, "paragraph": 4, "kind": "eligibility", "subject": "GATIA"}, engine).paragraph \
        == "4"
    assert parse_answer({"move": 1, "paragraph": "4(b)", "kind": "eligibility", "subject": "GATIA"},
                        engine).paragraph == "4"


@pytest.mark.parametrize(("answer", "message"), [
    ("{move: 1, paragraph: '99', kind: obligation, subject: SG}", "unknown paragraph '99'"),
    ("{move: 1, paragraph: '47', kind: homework, subject: SG}", "unknown kind 'homework'"),
    ("{move: 1, paragraph: '47', kind: obligation, subject: Atlantis}", "unknown actor 'Atlantis'"),
    ("{move: 1, paragraph: '47', kind: obligation, subject: SG, status: exercised}", "status 'exercised' is not"),
    ("{move: 1, paragraph: '47', kind: obligation, subject: SG, due: 2018-02-30}", "not a date"),
    ("{move: 9, paragraph: '47', kind: obligation, subject: SG}", "the exercise has 4 moves"),
    ("{move: 1, paragraph: '47', kind: obligation, subject: SG, colour: red}", "unknown key 'colour'"),
    ("{move: 1, paragraph: '47', kind: obligation}", "missing required field 'subject'"),
])
def test_a_bad_answer_is_reported_at_its_line(engine: Engine, exercise: Exercise,
                                              write: Callable[[str, str], Path], answer: str, message: str) -> None:
    path = write("answers.yaml", f"trainee: Capt. Diallo\nanswers:\n  - {{move: 1, paragraph: '4', kind: "
                 f"eligibility, subject: GATIA}}\n  - {answer}\n")
    with pytest.raises(InputError) as caught:
        load_answers(path, engine, exercise)
    assert caught.value.line == 4
    assert message in caught.value.message, caught.value.message


def test_an_answers_file_written_by_dump_answers_reads_back_the_same(engine: Engine, exercise: Exercise,
                                                                     write: Callable[[str, str], Path]) -> None:
    sheet = load_answers(ROOT / "exercises" / "answers" / "timbuktu-2018-partial.yaml", engine, exercise)
    again = load_answers(write("again.yaml", dump_answers(sheet)), engine, exercise)
    assert again.trainee == sheet.trainee
    assert [a.as_dict() for a in again.answers] == [a.as_dict() for a in sheet.answers]
    assert [(a.paragraph, a.subject, a.due) for a in again.answers] == [(a.paragraph, a.subject, a.due)
                                                                       for a in sheet.answers]
