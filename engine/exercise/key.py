"""The answer key of an exercise: per move, what the engine finds.

The key of a move is the set of findings, in the objectives' paragraphs, that open or change status within the
move, as known at its end: an as-of replay at the end of each move (:mod:`engine.replay.asof`), compared with
the one at the end of the previous move. A duty that arises in move 1 and is fulfilled in move 3 is in the key
of both (``active``, then ``fulfilled``). A move's ``expect`` override then removes findings and adds the
trainer's own, with the reason.

JSON (``obligations exercise key --json``): ``{"moves": [{"move", "name", "until", "injects": [event ids],
"expected": [{"id", "paragraph", "kind", "subject", "status", "due"}]}]}``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..errors import InputError
from ..inputs.scenario import Scenario
from ..outputs.report import FindingView, Report
from .model import Exercise
from .paragraphs import due_word


@dataclass(frozen=True)
class KeyFinding:
    """One expected finding of a move, as known at the move's end."""

    id: str
    paragraph: str
    kind: str
    subject: str  # actor id
    status: str
    due: str | None
    explanation: str = ""
    source: str = "engine"  # or "trainer": added by the move's `expect` override

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "paragraph": self.paragraph, "kind": self.kind, "subject": self.subject,
                "status": self.status, "due": self.due}


@dataclass(frozen=True)
class MoveKey:
    move: int
    name: str
    until: str
    injects: tuple[str, ...]  # ids of the events the move releases
    expected: tuple[KeyFinding, ...]
    removed: tuple[KeyFinding, ...] = ()  # engine findings the trainer's override takes out
    reason: str | None = None  # the override's reason

    def as_dict(self) -> dict[str, Any]:
        return {"move": self.move, "name": self.name, "until": self.until, "injects": list(self.injects),
                "expected": [f.as_dict() for f in self.expected]}


@dataclass(frozen=True)
class AnswerKey:
    exercise: Exercise
    moves: tuple[MoveKey, ...]
    reports: tuple[Report, ...]  # the as-of replay at the end of each move
    scenario: Scenario  # the scenario replayed (with any released contingency injects)
    released: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"moves": [m.as_dict() for m in self.moves]}

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2, ensure_ascii=False) + "\n"

    def move(self, number: int) -> MoveKey:
        return self.moves[number - 1]


def _view(finding: FindingView) -> KeyFinding:
    return KeyFinding(id=finding.id, paragraph=finding.paragraph, kind=finding.kind, subject=finding.subject,
                      status=finding.status, due=finding.due, explanation=finding.explanation)


def as_of_reports(engine: Any, exercise: Exercise, scenario: Scenario) -> list[Report]:
    """One as-of replay at the end of each move."""
    return [engine.run(scenario, as_of=move.until) for move in exercise.moves]


def answer_key(engine: Any, exercise: Exercise, released: Iterable[str] = ()) -> AnswerKey:
    """The key of every move of ``exercise`` (``engine`` an :class:`engine.Engine`); ``released`` names the
    contingency injects the controller released (they join the scenario at their instants)."""
    chosen = tuple(sorted(set(released)))
    scenario = exercise.released(chosen)
    reports = as_of_reports(engine, exercise, scenario)
    before: dict[str, str] = {}
    moves: list[MoveKey] = []
    for move, report in zip(exercise.moves, reports, strict=True):
        now = {f.id: f.status for f in report.findings}
        expected = [_view(f) for f in report.findings
                    if exercise.assessed(f.paragraph) and before.get(f.id) != f.status]
        before = now
        removed: list[KeyFinding] = []
        reason = None
        if move.expect is not None:
            reason = move.expect.reason
            ids = {f.id for f in expected}
            for finding_id, line in zip(move.expect.remove, move.expect.remove_lines or [None] * len(
                    move.expect.remove), strict=True):
                if finding_id not in ids:
                    raise InputError(f"move {move.number}: the key has no finding {finding_id!r} to remove (it has "
                                     f"{', '.join(sorted(ids)) or 'none'})", path=exercise.path, line=line)
            removed = [f for f in expected if f.id in move.expect.remove]
            expected = [f for f in expected if f.id not in move.expect.remove]
            expected.extend(KeyFinding(id=a.id, paragraph=a.paragraph, kind=a.kind, subject=a.subject,
                                       status=a.status, due=a.due, explanation=f"Added by the trainer: {reason}",
                                       source="trainer") for a in move.expect.add)
        injects = tuple(e.id for e in exercise.injects(move.number, scenario) if e.id is not None)
        moves.append(MoveKey(move=move.number, name=move.name, until=move.until_text, injects=injects,
                             expected=tuple(expected), removed=tuple(removed), reason=reason))
    return AnswerKey(exercise=exercise, moves=tuple(moves), reports=tuple(reports), scenario=scenario,
                     released=chosen)


def render_key(key: AnswerKey, actors: Any) -> str:
    """The key as text, for controllers."""
    exercise = key.exercise
    lines = [f"Exercise: {exercise.name} ({exercise.path})",
             f"Objectives: {', '.join(exercise.objectives) if exercise.objectives else 'every paragraph'}", ""]
    for move in key.moves:
        lines.append(f"Move {move.move}: {move.name} (until {move.until})")
        lines.append(f"  injects: {', '.join(move.injects) or 'none'}")
        if not move.expected:
            lines.append("  expected: nothing")
        for f in move.expected:
            due = f" {due_word(f.kind)} {f.due}" if f.due else ""
            who = " [trainer]" if f.source == "trainer" else ""
            lines.append(f"  ¶{f.paragraph} {f.kind} {actors.name_of(f.subject)}: {f.status}{due}  ({f.id}){who}")
        for f in move.removed:
            lines.append(f"  not expected (trainer): {f.id}")
        if move.reason:
            lines.append(f"  trainer's reason: {move.reason}")
        lines.append("")
    return "\n".join(lines)
