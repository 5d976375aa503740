"""The sweep database: samples kept as they complete, a resume after SIGKILL gives the uninterrupted result,
and a database of another sweep is refused."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from engine import Engine
from engine.api import sweep
from engine.sweep import SweepError, load_sweep, run_sweep
from engine.sweep.store import SweepStore

ROOT = Path(__file__).resolve().parent.parent
VARY = """
- remove: {event: tbk-request, probability: 0.5}
- shift: {event: q3, days: {uniform: [-10, 10]}}
- assume: {threat_request_window: {days: {choice: [1, 3, 7]}}}
- add: {probability: 0.2, event: {type: attack, by: JNIM, target: MINUSMA, at: {between: [2018-04-01, 2018-04-30]}}}
"""


def _count(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=5) as connection:
            return int(connection.execute("SELECT COUNT(*) FROM samples").fetchone()[0])
    except sqlite3.OperationalError:  # the tables are not there yet
        return 0


def test_a_sweep_killed_with_sigkill_resumes_to_exactly_the_uninterrupted_result(
        sweep_file: Callable[..., Path], tmp_path: Path) -> None:
    spec = sweep_file(VARY, samples=400)
    db = tmp_path / "sweep.sqlite"
    process = subprocess.Popen([sys.executable, "-m", "engine.cli", "sweep", str(spec), "--workers", "2", "--db",
                                str(db), "--json"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               start_new_session=True, cwd=ROOT)
    try:
        deadline = time.monotonic() + 300
        while _count(db) < 30 and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert process.poll() is None, "the sweep ended before it could be killed"
        os.killpg(process.pid, signal.SIGKILL)  # the parent and its workers, as `kill -9` on the job would
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        assert process.stderr is not None
        process.stderr.close()
    assert process.returncode == -signal.SIGKILL
    kept = _count(db)
    assert 30 <= kept < 400
    resumed = sweep(spec, workers=1, db=db, resume=True)
    assert _count(db) == 400
    assert resumed.to_json() == sweep(spec, workers=1).to_json()


def test_a_database_is_written_one_transaction_per_batch_in_wal_mode(engine: Engine, sweep_file: Callable[..., Path],
                                                                      tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    result = sweep(sweep_file(VARY, samples=30), workers=1, db=db)
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert connection.execute("SELECT COUNT(*) FROM samples").fetchone()[0] == 30
    assert sweep(sweep_file(VARY, samples=30), workers=1, db=db, resume=True).to_json() == result.to_json()


def test_a_database_of_another_sweep_is_refused_with_exit_2(cli: Callable[..., object],
                                                            sweep_file: Callable[..., Path], tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    sweep(sweep_file("- remove: {event: q1, probability: 0.5}", samples=5, name="a.yaml"), workers=1, db=db)
    other = sweep_file("- remove: {event: q2, probability: 0.5}", samples=5, name="b.yaml")
    result = cli("sweep", str(other), "--workers", "1", "--db", str(db), "--resume")
    assert (result.code, result.out) == (2, "")  # type: ignore[attr-defined]
    assert result.err.startswith(f"{db}: --db: this database holds another sweep")  # type: ignore[attr-defined]


def test_a_database_already_holding_samples_needs_resume(cli: Callable[..., object],
                                                         sweep_file: Callable[..., Path], tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    spec = sweep_file("- remove: {event: q1, probability: 0.5}", samples=5)
    assert cli("sweep", str(spec), "--workers", "1", "--db", str(db)).code == 0  # type: ignore[attr-defined]
    again = cli("sweep", str(spec), "--workers", "1", "--db", str(db))
    assert again.code == 2 and "already holds 5 of 5 samples" in again.err  # type: ignore[attr-defined]
    assert cli("sweep", str(spec), "--workers", "1", "--db", str(db), "--resume").code == 0  # type: ignore[attr-defined]


def test_a_file_that_is_not_a_database_is_bad_input(engine: Engine, sweep_file: Callable[..., Path],
                                                    tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite"
    junk.write_text("these are not the samples you are looking for\n" * 100, encoding="utf-8")
    spec = load_sweep(sweep_file(samples=2), engine=engine)
    with pytest.raises(SweepError, match="not a sweep database"):
        SweepStore(junk, spec, resume=True)
    with pytest.raises(SweepError, match="--resume finishes the sweep kept in --db"):
        run_sweep(spec, workers=1, resume=True)
