"""One exercise being run: the exercise file, its database, and what each person may see of it.

The controller releases moves one at a time. Move ``M`` released means its injects (the scenario's events up to
its end, with any contingency injects the controller released) are shown and trainees answer it; closing it
stops answers and shows each trainee their score for it. ``next`` closes the open move and releases the next;
on the last move it closes it and the exercise is over. The key and the scores come from
:mod:`engine.exercise` (the same as ``exercise key`` and ``exercise score``), computed for the moves closed so
far; the key is replayed once per set of released contingency injects and kept.

Trainees see only what has been released: the briefing, the names and injects of released moves, their own
answers, and for closed moves their own score. Never the key of an open move, never another trainee's answers.
"""

from __future__ import annotations

import dataclasses
import threading
from typing import Any

from ...errors import InputError
from ...explain.why import describe_event
from .. import Answer, AnswerKey, AnswerSheet, Exercise, Scores, TraineeScore, answer_key, parse_answer, score
from .store import MoveNotOpen, NameTaken, Progress, Store, StoredAnswer, TooMany, Trainee

MAX_TRAINEES = 500  # trainees in one exercise: a room holds ten to fifty
MAX_ANSWERS_PER_MOVE = 200  # answers of one trainee in one move
MAX_NAME = 80  # characters in a trainee's name


class Conflict(Exception):
    """The request does not fit where the exercise stands (HTTP 409)."""


class Invalid(Exception):
    """The request names something that does not exist (HTTP 422)."""


class Session:
    """An exercise and its database, shared by every request."""

    def __init__(self, engine: Any, exercise: Exercise, store: Store) -> None:
        self.engine = engine
        self.exercise = exercise
        self.store = store
        self._moves_lock = threading.Lock()  # one release or close at a time
        self.engine_lock = threading.Lock()  # replays and drawings are not shared between threads
        self._keys: dict[tuple[str, ...], AnswerKey] = {}
        self.key()  # replay once before the first request

    # ---- where the exercise stands -------------------------------------------------------------------------------

    @property
    def total(self) -> int:
        return len(self.exercise.moves)

    def progress(self) -> Progress:
        return self.store.progress()

    def closed_moves(self, progress: Progress | None = None) -> int:
        """How many moves are closed (their key and scores may be shown)."""
        progress = progress or self.progress()
        return progress.move if progress.closed else max(progress.move - 1, 0)

    def finished(self, progress: Progress | None = None) -> bool:
        progress = progress or self.progress()
        return progress.move == self.total and progress.closed

    def key(self) -> AnswerKey:
        """The key of every move, with the contingency injects released so far."""
        released = tuple(sorted(self.store.released()))
        found = self._keys.get(released)  # no lock when known: a debrief being drawn holds it for a while
        if found is not None:
            return found
        with self.engine_lock:
            found = self._keys.get(released)
            if found is None:
                found = answer_key(self.engine, self.exercise, released)
                self._keys[released] = found
            return found

    def injects(self, upto: int) -> list[dict[str, Any]]:
        """The events released in moves 1 to ``upto``, as data (actors by name), each with its move."""
        scenario = self.key().scenario
        out = []
        for number in range(1, upto + 1):
            for event in self.exercise.injects(number, scenario):
                info = describe_event(self.engine.pack, event)
                info["move"] = number
                out.append(info)
        return out

    def state(self, *, controller: bool) -> dict[str, Any]:
        """``{"move", "moves", "injects", ...}``: what is released; for the controller also what is not."""
        progress = self.progress()
        shown = self.exercise.moves if controller else self.exercise.moves[:progress.move]
        state: dict[str, Any] = {
            "move": progress.move, "closed": self.closed_moves(progress), "total": self.total,
            "finished": self.finished(progress),
            "moves": [{"move": m.number, "name": m.name} for m in shown],
            "injects": self.injects(progress.move),
        }
        if controller:
            released = self.store.released()
            state["contingency"] = [{"id": e.id, "move": m.number, "released": e.id in released}
                                    for m in self.exercise.moves for e in m.contingency]
        return state

    # ---- the controller ------------------------------------------------------------------------------------------

    def next_move(self) -> Progress:
        """Close the open move and release the next (on the last move: close it)."""
        with self._moves_lock:
            progress = self.progress()
            if self.finished(progress):
                raise Conflict("the exercise is over: every move is closed")
            if progress.move == self.total:
                new = Progress(move=progress.move, closed=True)
            else:
                new = Progress(move=progress.move + 1, closed=False)
            self.store.set_progress(new)
            return new

    def close_move(self) -> Progress:
        """Close the open move without releasing the next (for a hot wash)."""
        with self._moves_lock:
            progress = self.progress()
            if progress.move == 0:
                raise Conflict("no move has been released yet")
            if progress.closed:
                raise Conflict(f"move {progress.move} is already closed")
            new = Progress(move=progress.move, closed=True)
            self.store.set_progress(new)
            return new

    def release_inject(self, event_id: str) -> None:
        """Release a contingency inject of the open move (its move's key is replayed with it)."""
        with self._moves_lock:
            found = [m.number for m in self.exercise.moves for e in m.contingency if e.id == event_id]
            if not found:
                raise Invalid(f"no contingency inject {event_id!r} in this exercise")
            progress = self.progress()
            if found[0] != progress.move or progress.closed:
                raise Conflict(f"inject {event_id!r} belongs to move {found[0]}, which is not the open move")
            if not self.store.release_inject(event_id, found[0]):
                raise Conflict(f"inject {event_id!r} has already been released")
        self.key()

    # ---- trainees ------------------------------------------------------------------------------------------------

    def join(self, name: str) -> tuple[Trainee, str]:
        name = " ".join(name.split())
        if not name or not name.isprintable():
            raise Invalid("a name is needed (printable characters)")
        if len(name) > MAX_NAME:
            raise Invalid(f"a name has at most {MAX_NAME} characters")
        if self.store.count_trainees() >= MAX_TRAINEES:
            raise Conflict(f"the exercise already has {MAX_TRAINEES} trainees, the most it takes")
        try:
            return self.store.join(name)
        except NameTaken:
            raise Conflict(f"someone has already joined as {name!r}; choose another name") from None

    def answer(self, trainee: Trainee, data: dict[str, Any]) -> int:
        """Check and store one answer of ``trainee``; its id."""
        try:
            answer = parse_answer(data, self.engine, self.exercise, path="answer")
        except InputError as exc:
            raise Invalid(exc.message) from None
        try:
            return self.store.add_answer(trainee.id, move=answer.move, paragraph=answer.paragraph,
                                         kind=answer.kind, subject=answer.subject, status=answer.status,
                                         due=answer.due, given=dict(answer.given), limit=MAX_ANSWERS_PER_MOVE)
        except (MoveNotOpen, TooMany) as exc:
            raise Conflict(str(exc)) from None

    def withdraw(self, trainee: Trainee, answer_id: int) -> None:
        try:
            if not self.store.withdraw_answer(trainee.id, answer_id):
                raise Invalid(f"you have no answer {answer_id}")
        except MoveNotOpen as exc:
            raise Conflict(str(exc)) from None

    # ---- answers and scores --------------------------------------------------------------------------------------

    @staticmethod
    def _answer(stored: StoredAnswer) -> Answer:
        return Answer(move=stored.move, paragraph=stored.paragraph, kind=stored.kind, subject=stored.subject,
                      status=stored.status, due=stored.due, given=tuple(stored.given.items()))

    def sheets(self) -> list[AnswerSheet]:
        """Every trainee's answers, in the order they joined."""
        by_trainee: dict[int, list[Answer]] = {}
        for stored in self.store.answers():
            by_trainee.setdefault(stored.trainee_id, []).append(self._answer(stored))
        return [AnswerSheet(trainee=t.name, answers=tuple(by_trainee.get(t.id, ())), path=f"trainee {t.id}")
                for t in self.store.trainees()]

    def own_answers(self, trainee: Trainee) -> list[StoredAnswer]:
        return self.store.answers(trainee.id)

    def closed_key(self) -> AnswerKey:
        """The key restricted to the moves closed so far."""
        key = self.key()
        return dataclasses.replace(key, moves=key.moves[:self.closed_moves()])

    def scores(self) -> Scores:
        """Every trainee's score over the moves closed so far (over all moves once the exercise is over)."""
        return score(self.closed_key(), self.sheets())

    def own_score(self, trainee: Trainee) -> TraineeScore:
        answers = tuple(self._answer(a) for a in self.store.answers(trainee.id))
        sheet = AnswerSheet(trainee=trainee.name, answers=answers, path=f"trainee {trainee.id}")
        return score(self.closed_key(), [sheet]).trainees[0]

    def answered(self) -> dict[int, dict[int, int]]:
        """For each trainee id, the number of answers given in each move."""
        counts: dict[int, dict[int, int]] = {}
        for stored in self.store.answers():
            per_move = counts.setdefault(stored.trainee_id, {})
            per_move[stored.move] = per_move.get(stored.move, 0) + 1
        return counts
