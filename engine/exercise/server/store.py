"""The exercise server's database: one SQLite file in WAL mode holding the run of one exercise.

It keeps everything a restart needs to resume where the exercise was: the controller's token, the move
released and whether it is closed, the contingency injects released, every trainee (name and a hash of their
token) and every answer. Each write is one transaction, committed before the call returns, so an answer whose
request was answered 201 survives the server being killed (SIGKILL): in WAL mode a commit is in the file's
write-ahead log, which the next open replays. With ``synchronous=NORMAL`` (:data:`SYNCHRONOUS`) the log is not
synced to the disk at every commit: a commit costs about 0.3 ms instead of about 7 ms, and only a power cut or
an operating-system crash (not a crash of the server) could lose the last answers.

One connection serves every thread, behind a lock: SQLite takes one writer at a time anyway.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...errors import InputError

SCHEMA_VERSION = 1
TOKEN_BYTES = 24  # random bytes in a token (32 URL-safe characters)
BUSY_TIMEOUT_MS = 10_000  # how long a write waits for another process holding the file
SYNCHRONOUS = "NORMAL"  # in WAL mode: durable across crashes of the process; FULL would also survive power cuts

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS trainees (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    token_hash TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS answers (
    id INTEGER PRIMARY KEY,
    trainee_id INTEGER NOT NULL REFERENCES trainees(id),
    move INTEGER NOT NULL,
    paragraph TEXT NOT NULL,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    status TEXT,
    due TEXT,
    given TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS answers_by_trainee ON answers (trainee_id, move);
CREATE TABLE IF NOT EXISTS released (event_id TEXT PRIMARY KEY, move INTEGER NOT NULL);
"""


def new_token() -> str:
    """A fresh random token (``secrets``)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """What the database keeps of a trainee's token (a leaked file does not give the tokens away)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Trainee:
    id: int
    name: str


@dataclass(frozen=True)
class StoredAnswer:
    id: int
    trainee_id: int
    move: int
    paragraph: str
    kind: str
    subject: str
    status: str | None
    due: str | None
    given: dict[str, Any]


@dataclass(frozen=True)
class Progress:
    """Where the exercise stands: ``move`` released (0: only the briefing) and whether it is ``closed``."""

    move: int
    closed: bool


class NameTaken(Exception):
    """A trainee of that name has already joined."""


class MoveNotOpen(Exception):
    """An answer to a move that is not the open one (not released yet, or closed)."""


class TooMany(Exception):
    """A trainee has given as many answers in a move as one move takes."""


def _check_open(move: int, current: int, closed: bool) -> None:
    if move > current:
        raise MoveNotOpen(f"move {move} has not been released yet")
    if move < current or closed:
        raise MoveNotOpen(f"move {move} is closed")


class Store:
    """The database of one exercise run."""

    def __init__(self, path: Path | str, *, exercise: str) -> None:
        self.path = str(path)
        self._lock = threading.Lock()
        if not Path(path).parent.is_dir():
            raise InputError("no such folder for the database", path=self.path)
        try:
            self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None,
                                       timeout=BUSY_TIMEOUT_MS / 1000)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(f"PRAGMA synchronous={SYNCHRONOUS}")
            self._db.execute("PRAGMA foreign_keys=ON")
            with self._write() as db:
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        db.execute(statement)
                meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
                if not meta:
                    for key, value in (("schema", str(SCHEMA_VERSION)), ("exercise", exercise),
                                       ("controller_token", new_token()), ("move", "0"), ("closed", "0")):
                        db.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (key, value))
        except sqlite3.DatabaseError as exc:
            raise InputError(f"not an exercise database: {exc}", path=self.path) from None
        meta = self._meta()
        if meta.get("schema") != str(SCHEMA_VERSION) or "controller_token" not in meta:
            raise InputError("not an exercise database of this version", path=self.path)
        if meta.get("exercise") != exercise:
            raise InputError(f"this database holds another exercise ({meta.get('exercise')!r}); name another file "
                             f"with --db", path=self.path)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One transaction, committed before leaving (rolled back on an error)."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _read(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def _meta(self) -> dict[str, str]:
        return {k: v for k, v in self._read("SELECT key, value FROM meta")}

    # ---- the controller and the moves ---------------------------------------------------------------------------

    @property
    def controller_token(self) -> str:
        return self._meta()["controller_token"]

    def progress(self) -> Progress:
        meta = self._meta()
        return Progress(move=int(meta["move"]), closed=meta["closed"] == "1")

    def set_progress(self, progress: Progress) -> None:
        with self._write() as db:
            db.execute("UPDATE meta SET value = ? WHERE key = 'move'", (str(progress.move),))
            db.execute("UPDATE meta SET value = ? WHERE key = 'closed'", ("1" if progress.closed else "0",))

    def release_inject(self, event_id: str, move: int) -> bool:
        """Record a contingency inject as released in ``move``; False if it already was."""
        with self._write() as db:
            cursor = db.execute("INSERT OR IGNORE INTO released (event_id, move) VALUES (?, ?)", (event_id, move))
            return cursor.rowcount == 1

    def released(self) -> dict[str, int]:
        """The contingency injects released, with the move each was released in."""
        return {event_id: move for event_id, move in self._read("SELECT event_id, move FROM released")}

    # ---- trainees -------------------------------------------------------------------------------------------------

    def join(self, name: str) -> tuple[Trainee, str]:
        """Add a trainee; their token (kept only as a hash). ``NameTaken`` if the name is in use."""
        token = new_token()
        try:
            with self._write() as db:
                cursor = db.execute("INSERT INTO trainees (name, token_hash) VALUES (?, ?)", (name, token_hash(token)))
        except sqlite3.IntegrityError:
            raise NameTaken(name) from None
        assert cursor.lastrowid is not None
        return Trainee(id=cursor.lastrowid, name=name), token

    def trainee_by_token(self, token: str) -> Trainee | None:
        rows = self._read("SELECT id, name FROM trainees WHERE token_hash = ?", (token_hash(token),))
        return Trainee(id=rows[0][0], name=rows[0][1]) if rows else None

    def trainees(self) -> list[Trainee]:
        return [Trainee(id=i, name=n) for i, n in self._read("SELECT id, name FROM trainees ORDER BY id")]

    def count_trainees(self) -> int:
        return int(self._read("SELECT COUNT(*) FROM trainees")[0][0])

    # ---- answers --------------------------------------------------------------------------------------------------

    def add_answer(self, trainee_id: int, *, move: int, paragraph: str, kind: str, subject: str,
                   status: str | None, due: str | None, given: dict[str, Any], limit: int) -> int:
        """Store one answer to the open move and commit; its id. The move is checked in the same transaction
        (``MoveNotOpen``), and so is the trainee's number of answers in it (``TooMany``, at ``limit``)."""
        with self._write() as db:
            meta = dict(db.execute("SELECT key, value FROM meta WHERE key IN ('move', 'closed')").fetchall())
            _check_open(move, int(meta["move"]), meta["closed"] == "1")
            (count,) = db.execute("SELECT COUNT(*) FROM answers WHERE trainee_id = ? AND move = ?",
                                  (trainee_id, move)).fetchone()
            if count >= limit:
                raise TooMany(f"you have given {limit} answers in move {move}, the most one move takes")
            cursor = db.execute(
                "INSERT INTO answers (trainee_id, move, paragraph, kind, subject, status, due, given) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (trainee_id, move, paragraph, kind, subject, status, due, json.dumps(given, ensure_ascii=False)))
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def withdraw_answer(self, trainee_id: int, answer_id: int) -> bool:
        """Delete a trainee's own answer while its move is open (``MoveNotOpen`` otherwise); False if the trainee
        has no such answer."""
        with self._write() as db:
            row = db.execute("SELECT move FROM answers WHERE id = ? AND trainee_id = ?",
                             (answer_id, trainee_id)).fetchone()
            if row is None:
                return False
            meta = dict(db.execute("SELECT key, value FROM meta WHERE key IN ('move', 'closed')").fetchall())
            _check_open(int(row[0]), int(meta["move"]), meta["closed"] == "1")
            db.execute("DELETE FROM answers WHERE id = ?", (answer_id,))
            return True

    def answers(self, trainee_id: int | None = None) -> list[StoredAnswer]:
        """Every answer (of one trainee when ``trainee_id`` is given), in the order given."""
        sql = "SELECT id, trainee_id, move, paragraph, kind, subject, status, due, given FROM answers"
        params: tuple[Any, ...] = ()
        if trainee_id is not None:
            sql += " WHERE trainee_id = ?"
            params = (trainee_id,)
        rows = self._read(sql + " ORDER BY id", params)
        return [StoredAnswer(id=r[0], trainee_id=r[1], move=r[2], paragraph=r[3], kind=r[4], subject=r[5],
                             status=r[6], due=r[7], given=json.loads(r[8])) for r in rows]

    def count_answers(self) -> int:
        return int(self._read("SELECT COUNT(*) FROM answers")[0][0])
