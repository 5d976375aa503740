"""Strategies for training exercises: exercises over generated scenarios, answers, and sheets built from a key.

* :func:`exercises` — :class:`~engine.exercise.Exercise` objects over generated scenarios: one to a few moves
  ending at increasing instants of the scenario's window (sometimes the last one at the window's end), with
  objectives drawn from the paragraphs that have rules (or none: every paragraph);
* :func:`answers` — answers to a move: any paragraph of the pack, any kind, any actor, maybe a status and a
  due date (mostly wrong, as a guess is);
* :func:`sheet_from_key` — the sheet a perfect trainee would hand in (every expected finding, with its status
  and due date).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hypothesis import strategies as st

from ..dates import iso_instant
from ..exercise import Answer, AnswerKey, AnswerSheet, Exercise, Move
from ..exercise.paragraphs import KINDS, statuses_of
from ..replay.asof import as_of_instant
from .helpers import Window, _engine
from .strategies import instants, scenario_objects


def _objectives() -> st.SearchStrategy[tuple[str, ...]]:
    engine = _engine()
    with_rules = sorted({p.id.split("(")[0].split("[")[0] for p in engine.pack.paragraphs
                         if p.rules or p.obligations or p.authorizations})
    return st.one_of(st.just(()), st.lists(st.sampled_from(with_rules), min_size=1, max_size=4, unique=True)
                     .map(lambda ids: tuple(sorted(ids, key=with_rules.index))))


@st.composite
def _exercise(draw: st.DrawFn, window: Window, max_moves: int, max_events: int) -> Exercise:
    scenario = draw(scenario_objects(window, max_events=max_events))
    first, limit = scenario.window
    moments = draw(st.lists(instants(window).filter(lambda m: first <= m < limit), min_size=1, max_size=max_moves,
                            unique=True))
    ends: list[datetime] = sorted({m.replace(second=0, microsecond=0) for m in moments})
    if draw(st.booleans()):  # the last move at the end of the scenario: the as-of replay is the full one
        last = as_of_instant(scenario.until)
        ends = [m for m in ends if m < last] + [last]
    moves = tuple(Move(number=i + 1, name=f"Move {i + 1}", until=end, until_text=iso_instant(end))
                  for i, end in enumerate(ends))
    return Exercise(path="<generated>", name="A generated exercise.", scenario=scenario,
                    objectives=draw(_objectives()), briefing="Say what each move engages.", moves=moves)


def exercises(window: Window = "mandate", *, max_moves: int = 4, max_events: int = 12) -> st.SearchStrategy[Exercise]:
    """Exercises over generated scenarios (see the module's docstring)."""
    _engine()
    return _exercise(window, max_moves, max_events)


def answers(move: int = 1) -> st.SearchStrategy[Answer]:
    """Answers to ``move``: any paragraph, kind and actor, maybe with a status of that kind and a due date."""
    engine = _engine()
    paragraphs = [p.id for p in engine.pack.paragraphs]
    actors = engine.pack.actors.ids()

    @st.composite
    def _answer(draw: st.DrawFn) -> Answer:
        kind = draw(st.sampled_from(KINDS))
        status = draw(st.none() | st.sampled_from(statuses_of(kind)))
        due = draw(st.none() | instants().map(lambda m: m.date().isoformat()))
        return Answer(move=move, paragraph=draw(st.sampled_from(paragraphs)), kind=kind,
                      subject=draw(st.sampled_from(actors)), status=status, due=due)

    return _answer()


def sheet_from_key(key: AnswerKey, trainee: str = "The key") -> AnswerSheet:
    """Every expected finding of every move as an answer, with its status and due date."""
    items: list[Any] = [Answer(move=m.move, paragraph=f.paragraph, kind=f.kind, subject=f.subject, status=f.status,
                               due=f.due) for m in key.moves for f in m.expected]
    return AnswerSheet(trainee=trainee, answers=tuple(items))
