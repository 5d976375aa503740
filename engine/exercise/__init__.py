"""Training exercises: a scenario released in moves, trainees' answers, the engine's key, scores, a debrief.

Public functions (``engine`` is an :class:`engine.Engine`; every bad input raises
:class:`engine.errors.InputError` whose ``str()`` is ``path:line: message``):

* ``load_exercise(path, engine) -> Exercise`` — read an exercise file (:mod:`.model`). ``Exercise`` has
  ``path``, ``name``, ``briefing``, ``scenario`` (a loaded :class:`~engine.inputs.scenario.Scenario`),
  ``objectives`` (paragraph ids; empty: all), ``moves`` (``Move``: ``number`` from 1, ``name``, ``until``
  (inclusive UTC datetime), ``until_text``, ``contingency`` (events), ``expect`` (``Override`` or None)),
  ``injects(number, scenario=None) -> list[Event]`` (the events a move releases) and
  ``released(ids) -> Scenario`` (the scenario with those contingency injects added).
* ``load_answers(path, engine, exercise=None) -> AnswerSheet`` — read an answers file (:mod:`.answers`):
  ``AnswerSheet(trainee, answers: tuple[Answer, ...], path)``; ``Answer(move, paragraph, kind, subject,
  status, due, given, line)`` with ``as_dict()`` (as given). ``parse_answer(data: dict, engine, exercise=None,
  *, path="<answer>", line=None) -> Answer`` checks one answer (e.g. from a web form);
  ``dump_answers(sheet) -> str`` writes an answers file.
* ``answer_key(engine, exercise, released=()) -> AnswerKey`` — the key per move from as-of replays
  (:mod:`.key`): ``AnswerKey.moves`` (``MoveKey(move, name, until, injects, expected: tuple[KeyFinding, ...],
  removed, reason)``), ``reports`` (the as-of :class:`~engine.outputs.report.Report` at each move's end),
  ``as_dict()`` / ``to_json()`` (the JSON of ``obligations exercise key --json``).
* ``score(key, sheets) -> Scores`` — (:mod:`.scoring`) ``Scores.trainees`` (``TraineeScore(trainee, score
  0-100, moves: tuple[MoveScore, ...])``; ``MoveScore(move, expected, matches, missed, wrong, answered,
  f1)``), ``as_dict()`` / ``to_json()`` (the JSON of ``obligations exercise score --json``).
  ``score_move(move, expected, answers) -> MoveScore`` and ``score_sheet(key, sheet) -> TraineeScore`` score
  one move or one sheet.
* ``choices(engine) -> Choices`` — what a question may offer (:mod:`.choices`): paragraphs, kinds, statuses,
  actors.
"""

from __future__ import annotations

from .answers import Answer, AnswerSheet, dump_answers, load_answers, parse_answer
from .choices import Choices, choices
from .key import AnswerKey, KeyFinding, MoveKey, answer_key
from .model import Exercise, Move, Override, load_exercise
from .scoring import MoveScore, Scores, TraineeScore, score, score_move, score_sheet

__all__ = [
    "Answer",
    "AnswerKey",
    "AnswerSheet",
    "Choices",
    "Exercise",
    "KeyFinding",
    "Move",
    "MoveKey",
    "MoveScore",
    "Override",
    "Scores",
    "TraineeScore",
    "answer_key",
    "choices",
    "dump_answers",
    "load_answers",
    "load_exercise",
    "parse_answer",
    "score",
    "score_move",
    "score_sheet",
]
