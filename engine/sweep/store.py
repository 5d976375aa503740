"""Keeping a sweep's samples in SQLite as they complete, so that a killed sweep resumes where it stopped.

``--db FILE.sqlite`` writes each batch of sample results in one transaction (WAL journal), with the sweep's
fingerprint (:func:`engine.sweep.spec.fingerprint`: the sweep file, its base scenario and the rule pack). A
database holding another sweep is refused; one holding some samples of this sweep is continued only with
``--resume``, which replays just the missing samples — and since a sample depends only on the seed and its
number, the result is exactly that of an uninterrupted run. A kill (SIGKILL included) loses at most the batches
not yet committed.

Tables: ``meta`` (key, value), ``samples`` (number, findings as JSON ``[[id, status], ...]``, levels as JSON)
and ``findings`` (id, paragraph, kind, subject).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from .errors import SweepError
from .spec import Sweep
from .worker import SampleResult

SCHEMA = 1
_TABLES = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS samples (number INTEGER PRIMARY KEY, findings TEXT NOT NULL, levels TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS findings (id TEXT PRIMARY KEY, paragraph TEXT NOT NULL, kind TEXT NOT NULL,
                                     subject TEXT NOT NULL);
"""


class SweepStore:
    """One sweep's database."""

    def __init__(self, path: Path | str, sweep: Sweep, *, resume: bool) -> None:
        self.path = str(path)
        self.sweep = sweep
        if Path(self.path).is_dir():
            raise SweepError("--db: is a directory, not a database file", path=self.path)
        if not Path(self.path).parent.is_dir():
            raise SweepError("--db: no such folder to keep the database in", path=self.path)
        try:
            self._db = sqlite3.connect(self.path, isolation_level=None, timeout=30.0)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")  # with WAL: a killed process loses no commit
            self._db.executescript(_TABLES)
            self._check(resume)
        except sqlite3.DatabaseError as exc:
            self.close()
            raise SweepError(f"--db: not a sweep database ({exc})", path=self.path) from None
        except SweepError:
            self.close()
            raise

    def _meta(self) -> dict[str, str]:
        return dict(self._db.execute("SELECT key, value FROM meta").fetchall())

    def _check(self, resume: bool) -> None:
        meta = self._meta()
        if not meta:
            with self.transaction():
                self._db.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", [
                    ("schema", str(SCHEMA)), ("fingerprint", self.sweep.fingerprint), ("name", self.sweep.name),
                    ("samples", str(self.sweep.samples)), ("seed", str(self.sweep.seed)),
                ])
            return
        if meta.get("schema") != str(SCHEMA) or "fingerprint" not in meta:
            raise SweepError("--db: this database was not written by this version of `obligations sweep`",
                             path=self.path)
        if meta["fingerprint"] != self.sweep.fingerprint:
            raise SweepError(f"--db: this database holds another sweep ({meta.get('name', '?')!r}, or this one with "
                             "a different file, base scenario or rules); use another file", path=self.path)
        done = self.count()
        if done and not resume:
            raise SweepError(f"--db: already holds {done:,} of {self.sweep.samples:,} samples of this sweep; add "
                             "--resume to finish it, or use another file", path=self.path)

    def transaction(self) -> _Transaction:
        return _Transaction(self._db)

    def count(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM samples").fetchone()[0])

    def done(self) -> set[int]:
        return {row[0] for row in self._db.execute("SELECT number FROM samples")}

    def results(self) -> Iterator[SampleResult]:
        meta = {row[0]: (row[1], row[2], row[3]) for row in
                self._db.execute("SELECT id, paragraph, kind, subject FROM findings")}
        query = "SELECT number, findings, levels FROM samples ORDER BY number"
        for number, findings, levels in self._db.execute(query):
            rows = tuple((fid, *meta[fid], status) for fid, status in json.loads(findings))
            yield SampleResult(number, rows, tuple(json.loads(levels)))

    def write(self, batch: list[SampleResult]) -> None:
        """One transaction for the whole batch."""
        with self.transaction():
            self._db.executemany("INSERT OR IGNORE INTO findings (id, paragraph, kind, subject) VALUES (?, ?, ?, ?)",
                                 sorted({r[:4] for result in batch for r in result.findings}))
            self._db.executemany("INSERT INTO samples (number, findings, levels) VALUES (?, ?, ?)", [
                (result.number, json.dumps([[r[0], r[4]] for r in result.findings], separators=(",", ":")),
                 json.dumps(list(result.levels), separators=(",", ":")))
                for result in batch
            ])

    def close(self) -> None:
        db = getattr(self, "_db", None)
        if db is not None:
            db.close()
            self._db = None  # type: ignore[assignment]


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, value: object, traceback: object) -> None:
        self._db.execute("COMMIT" if kind is None else "ROLLBACK")
