"""The exercise server's SQLite database: WAL mode, everything a restart needs, checks made in the transaction."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from engine.errors import InputError
from engine.exercise.server.store import MoveNotOpen, NameTaken, Progress, Store, TooMany


def _answer(store: Store, trainee_id: int, move: int = 1, limit: int = 10) -> int:
    return store.add_answer(trainee_id, move=move, paragraph="4", kind="eligibility", subject="jnim", status=None,
                            due=None, given={"move": move, "paragraph": "4"}, limit=limit)


def test_the_database_is_in_wal_mode(tmp_path: Path) -> None:
    store = Store(tmp_path / "run.sqlite", exercise="E")
    store.close()
    with sqlite3.connect(tmp_path / "run.sqlite") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_reopening_the_file_gives_back_the_token_the_move_the_trainees_and_the_answers(tmp_path: Path) -> None:
    store = Store(tmp_path / "run.sqlite", exercise="E")
    trainee, token = store.join("Capt. Diallo")
    store.set_progress(Progress(move=1, closed=False))
    answer_id = _answer(store, trainee.id)
    store.release_inject("extra", 1)
    controller = store.controller_token
    store.close()
    again = Store(tmp_path / "run.sqlite", exercise="E")
    assert again.controller_token == controller
    assert again.progress() == Progress(move=1, closed=False)
    assert again.trainee_by_token(token) == trainee
    assert [(a.id, a.given) for a in again.answers()] == [(answer_id, {"move": 1, "paragraph": "4"})]
    assert again.released() == {"extra": 1}


def test_a_database_of_another_exercise_or_not_a_database_is_bad_input(tmp_path: Path) -> None:
    Store(tmp_path / "run.sqlite", exercise="E").close()
    with pytest.raises(InputError, match="another exercise"):
        Store(tmp_path / "run.sqlite", exercise="F")
    (tmp_path / "notes.sqlite").write_text("not a database at all, just some words " * 50)
    with pytest.raises(InputError, match="not an exercise database"):
        Store(tmp_path / "notes.sqlite", exercise="E")


def test_tokens_are_kept_only_as_hashes(tmp_path: Path) -> None:
    store = Store(tmp_path / "run.sqlite", exercise="E")
    _, token = store.join("Capt. Diallo")
    store.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert token.encode() not in raw
    assert Store(tmp_path / "run.sqlite", exercise="E").trainee_by_token("wrong") is None


def test_a_name_is_taken_once(tmp_path: Path) -> None:
    store = Store(tmp_path / "run.sqlite", exercise="E")
    store.join("Capt. Diallo")
    with pytest.raises(NameTaken):
        store.join("Capt. Diallo")


@pytest.mark.parametrize(("progress", "move", "reason"), [
    (Progress(0, False), 1, "not been released"),
    (Progress(1, True), 1, "closed"),
    (Progress(2, False), 1, "closed"),
    (Progress(2, False), 3, "not been released"),
])
def test_an_answer_is_stored_only_in_the_open_move(tmp_path: Path, progress: Progress, move: int,
                                                   reason: str) -> None:
    store = Store(tmp_path / "run.sqlite", exercise="E")
    trainee, _ = store.join("Capt. Diallo")
    store.set_progress(progress)
    with pytest.raises(MoveNotOpen, match=reason):
        _answer(store, trainee.id, move)
    assert store.count_answers() == 0


def test_a_trainee_gives_at_most_the_limit_of_answers_in_one_move(tmp_path: Path) -> None:
    store = Store(tmp_path / "run.sqlite", exercise="E")
    trainee, _ = store.join("Capt. Diallo")
    store.set_progress(Progress(1, False))
    for _ in range(3):
        _answer(store, trainee.id, limit=3)
    with pytest.raises(TooMany):
        _answer(store, trainee.id, limit=3)
    assert store.count_answers() == 3


def test_answers_are_listed_per_trainee_in_the_order_given(tmp_path: Path) -> None:
    store = Store(tmp_path / "run.sqlite", exercise="E")
    first, _ = store.join("A")
    second, _ = store.join("B")
    store.set_progress(Progress(1, False))
    ids: list[Any] = [_answer(store, t.id) for t in (first, second, first)]
    assert [a.id for a in store.answers(first.id)] == [ids[0], ids[2]]
    assert [a.id for a in store.answers()] == ids
