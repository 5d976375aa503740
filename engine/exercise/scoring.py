"""Scoring trainees' answers against the key.

An answer *matches* a key finding of its move when the paragraph, the kind and the subject agree; paragraphs
agree at the paragraph level (an answer naming a sub-item, ``47(ii)``, counts for its paragraph, ``47``).
Each answer matches at most one finding and each finding at most one answer: the closest pairs are taken first
(same sub-item, then right status, then right due date), then the earliest answers.

A match is worth :data:`BASE_CREDIT`; its ``status`` and ``due`` each add :data:`DETAIL_CREDIT` when right and
take it away when wrong (nothing when left out; a finding with no due date counts a due date left out as
right). A match is so worth between 0.2 and 1. Per move, with C the credit of the matches, A the answers and K
the findings expected, precision is C/A, recall C/K and their F1 is 2C/(A+K). The score is the mean F1 over
the moves, × 100, rounded to one decimal: a sheet that gives every finding with its status and due date
scores 100, an empty sheet 0, and claiming everything is penalised by its precision. A move that expects
nothing counts only if the trainee claimed something in it (then it scores 0); if no move counts, the score is
100 for a sheet that claims nothing.

JSON (``obligations exercise score --json``): ``{"trainees": [{"trainee", "score", "moves": [{"move",
"expected", "matched", "missed": [ids], "wrong": [answers]}]}]}``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .answers import Answer, AnswerSheet
from .key import AnswerKey, KeyFinding
from .paragraphs import due_word, top

BASE_CREDIT = 0.6  # a match on paragraph, kind and subject
DETAIL_CREDIT = 0.2  # each of status and due: added when right, taken away when wrong


@dataclass(frozen=True)
class Match:
    answer: Answer
    finding: KeyFinding
    credit: float


@dataclass(frozen=True)
class MoveScore:
    move: int
    expected: tuple[KeyFinding, ...]
    matches: tuple[Match, ...]
    missed: tuple[KeyFinding, ...]
    wrong: tuple[Answer, ...]
    answered: int  # answers given in the move
    f1: float

    @property
    def counts(self) -> bool:
        """Whether the move counts in the mean (it expects something or something was claimed)."""
        return bool(self.expected) or self.answered > 0

    def as_dict(self) -> dict[str, Any]:
        return {"move": self.move, "expected": len(self.expected), "matched": len(self.matches),
                "missed": [f.id for f in self.missed], "wrong": [a.as_dict() for a in self.wrong]}


@dataclass(frozen=True)
class TraineeScore:
    trainee: str
    score: float  # 0-100
    moves: tuple[MoveScore, ...]
    path: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"trainee": self.trainee, "score": self.score, "moves": [m.as_dict() for m in self.moves]}


@dataclass(frozen=True)
class Scores:
    trainees: tuple[TraineeScore, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"trainees": [t.as_dict() for t in self.trainees]}

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2, ensure_ascii=False) + "\n"


def _term(given: str | None, right: str | None, *, absent_is_right: bool) -> int:
    if given is None:
        return 1 if absent_is_right and right is None else 0
    return 1 if given == right else -1


def credit(answer: Answer, finding: KeyFinding) -> float:
    """What a matching answer is worth (between 0.2 and 1)."""
    status = _term(answer.status, finding.status, absent_is_right=False)
    due = _term(answer.due, finding.due, absent_is_right=True)
    return BASE_CREDIT + DETAIL_CREDIT * (status + due)


def matches(answer: Answer, finding: KeyFinding) -> bool:
    return (top(answer.paragraph) == top(finding.paragraph) and answer.kind == finding.kind
            and answer.subject == finding.subject)


def score_move(move: int, expected: Sequence[KeyFinding], answers: Sequence[Answer]) -> MoveScore:
    """Score the answers given in one move against its expected findings."""
    pairs = []
    for i, answer in enumerate(answers):
        for j, finding in enumerate(expected):
            if matches(answer, finding):
                closeness = (answer.paragraph == finding.paragraph, answer.status == finding.status,
                             answer.due == finding.due)
                pairs.append((tuple(not c for c in closeness), i, j))
    pairs.sort()
    used_answers: set[int] = set()
    used_findings: set[int] = set()
    found: list[tuple[int, Match]] = []
    for _, i, j in pairs:
        if i in used_answers or j in used_findings:
            continue
        used_answers.add(i)
        used_findings.add(j)
        found.append((i, Match(answers[i], expected[j], credit(answers[i], expected[j]))))
    found.sort(key=lambda item: item[0])
    total = sum(m.credit for _, m in found)
    denominator = len(answers) + len(expected)
    f1 = 2 * total / denominator if denominator else 1.0
    return MoveScore(move=move, expected=tuple(expected), matches=tuple(m for _, m in found),
                     missed=tuple(f for j, f in enumerate(expected) if j not in used_findings),
                     wrong=tuple(a for i, a in enumerate(answers) if i not in used_answers),
                     answered=len(answers), f1=f1)


def score_sheet(key: AnswerKey, sheet: AnswerSheet) -> TraineeScore:
    """One trainee's score: each move's F1, and their mean over the moves that count, × 100."""
    moves = tuple(score_move(m.move, m.expected, sheet.of_move(m.move)) for m in key.moves)
    counted = [m.f1 for m in moves if m.counts]
    mean = sum(counted) / len(counted) if counted else 1.0
    return TraineeScore(trainee=sheet.trainee, score=round(100 * mean, 1), moves=moves, path=sheet.path)


def score(key: AnswerKey, sheets: Sequence[AnswerSheet]) -> Scores:
    """Score several trainees' sheets against ``key``, in the order given."""
    return Scores(trainees=tuple(score_sheet(key, sheet) for sheet in sheets))


def render_scores(scores: Scores, actors: Any) -> str:
    """The scores as text: one line per trainee, then per move what was matched, missed and wrongly claimed."""
    lines = []
    for t in scores.trainees:
        lines.append(f"{t.trainee}: {t.score:g}/100" + (f"  ({t.path})" if t.path else ""))
        for m in t.moves:
            lines.append(f"  move {m.move}: {len(m.matches)} of {len(m.expected)} found, {len(m.wrong)} wrong, "
                         f"F1 {m.f1:.2f}")
            lines.extend(f"    missed: {f.id} (¶{f.paragraph} {f.kind} {actors.name_of(f.subject)}, {f.status})"
                         for f in m.missed)
            lines.extend(f"    wrong:  ¶{a.paragraph} {a.kind} {actors.name_of(a.subject)}"
                         + (f" {a.status}" if a.status else "") + (f" {due_word(a.kind)} {a.due}" if a.due else "")
                         for a in m.wrong)
    return "\n".join(lines) + "\n"
