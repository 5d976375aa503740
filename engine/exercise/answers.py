"""Answers files: what one trainee said, move by move.

```yaml
trainee: Capt. Diallo
answers:
  - {move: 1, paragraph: "4", kind: eligibility, subject: JNIM}
  - {move: 2, paragraph: "37", kind: authorization, subject: French forces, status: exercised}
  - {move: 3, paragraph: "47", kind: obligation, subject: Secretary-General, due: 2018-06-29}
```

Subjects by name, alias or id (as in scenarios); paragraphs as in the coverage list; ``kind`` one of the
finding kinds (``duty`` for ``obligation``); ``status`` and ``due`` optional. An unknown paragraph, kind, status
or actor, or a move the exercise does not have, is bad input: ``path:line: message``.
:func:`parse_answer` checks one answer the same way (for answers that come from a form rather than a file).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import InputError
from ..inputs.sources import LineMap, first_error, load
from .model import Exercise
from .paragraphs import canonical_kind, canonical_paragraph, canonical_status

MAX_ANSWERS = 10_000  # answers in one file: far more than a trainee gives in a day


class _Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    move: int = Field(ge=1)
    paragraph: str | int
    kind: str
    subject: str = Field(min_length=1, max_length=200)
    status: str | None = None
    due: str | None = None


class _Sheet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    trainee: str = Field(min_length=1, max_length=200)
    answers: list[Any] = Field(default_factory=list, max_length=MAX_ANSWERS)


@dataclass(frozen=True)
class Answer:
    """One answer, checked: paragraph as in the coverage list, kind, subject as an actor id."""

    move: int
    paragraph: str
    kind: str
    subject: str
    status: str | None = None
    due: str | None = None  # ISO date
    given: tuple[tuple[str, Any], ...] = ()  # the answer as written (shown back to the trainee)
    line: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """The answer as the trainee gave it."""
        if self.given:
            return dict(self.given)
        out: dict[str, Any] = {"move": self.move, "paragraph": self.paragraph, "kind": self.kind,
                               "subject": self.subject}
        out.update({k: v for k, v in (("status", self.status), ("due", self.due)) if v is not None})
        return out


@dataclass(frozen=True)
class AnswerSheet:
    trainee: str
    answers: tuple[Answer, ...]
    path: str = "<answers>"

    def of_move(self, move: int) -> list[Answer]:
        return [a for a in self.answers if a.move == move]


def parse_answer(data: Any, engine: Any, exercise: Exercise | None = None, *, path: str = "<answer>",
                 line: int | None = None) -> Answer:
    """Check one answer (a mapping with ``move``, ``paragraph``, ``kind``, ``subject``, optional ``status`` and
    ``due``); raise :class:`~engine.errors.InputError` saying what is wrong."""
    if not isinstance(data, dict):
        raise InputError("an answer is a mapping with `move`, `paragraph`, `kind` and `subject`", path=path,
                         line=line)
    try:
        model = _Answer.model_validate(data)
    except ValidationError as exc:
        raise first_error(exc, path=path, lines=LineMap({(): line} if line else {})) from None
    if exercise is not None and model.move > len(exercise.moves):
        raise InputError(f"move {model.move}: the exercise has {len(exercise.moves)} moves", path=path, line=line)
    try:
        paragraph = canonical_paragraph(engine.pack, model.paragraph)
        kind = canonical_kind(model.kind)
        subject = engine.pack.actors.resolve(model.subject)
        status = canonical_status(model.status, kind) if model.status is not None else None
        due = _day(model.due) if model.due is not None else None
    except ValueError as exc:
        raise InputError(str(exc), path=path, line=line) from None
    given = tuple((k, str(v) if k == "paragraph" else v) for k, v in data.items() if v is not None)
    return Answer(move=model.move, paragraph=paragraph, kind=kind, subject=subject, status=status, due=due,
                  given=given, line=line)


def _day(text: str) -> str:
    """An ISO date as text; ``ValueError`` saying what is wrong otherwise."""
    try:
        return date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise ValueError(f"due: {text!r} is not a date (YYYY-MM-DD)") from None


def load_answers(path: Path | str, engine: Any, exercise: Exercise | None = None) -> AnswerSheet:
    """Read and check an answers file (moves against ``exercise`` when given)."""
    shown = str(path)
    data, lines = load(Path(path), what="answers file")
    return build_answers(data, lines, path=shown, engine=engine, exercise=exercise)


def build_answers(data: Any, lines: LineMap, *, path: str, engine: Any, exercise: Exercise | None = None
                  ) -> AnswerSheet:
    if not isinstance(data, dict):
        raise InputError("an answers file is a mapping with `trainee` and `answers`", path=path,
                         line=lines.line_of(()))
    try:
        sheet = _Sheet.model_validate(data)
    except ValidationError as exc:
        raise first_error(exc, path=path, lines=lines) from None
    answers = []
    for i, raw in enumerate(sheet.answers):
        if isinstance(raw, dict):
            for key in raw:  # point at the field that is wrong where it can be known
                if key not in _Answer.model_fields:
                    raise InputError(f"unknown key {key!r}", path=path, line=lines.line_of(("answers", i, key)))
        answers.append(parse_answer(raw, engine, exercise, path=path, line=lines.line_of(("answers", i))))
    return AnswerSheet(trainee=" ".join(sheet.trainee.split()), answers=tuple(answers), path=path)


def dump_answers(sheet: AnswerSheet) -> str:
    """An answers file (YAML) holding ``sheet``, answers as given, one per line."""
    import json

    lines = [f"trainee: {json.dumps(sheet.trainee, ensure_ascii=False)}", "answers:"]
    if not sheet.answers:
        lines[-1] = "answers: []"
    for answer in sheet.answers:
        fields = ", ".join(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in answer.as_dict().items())
        lines.append(f"  - {{{fields}}}")
    return "\n".join(lines) + "\n"
