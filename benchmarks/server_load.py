"""The exercise server under a room's load: T trainees sending A answers at once, against storing the same answers
straight into the database.

What it measures, on the bundled Timbuktu exercise:

* server: a real ``obligations exercise serve`` process on a free port of 127.0.0.1 (loopback only). T trainees
  join, the controller releases move 1, then T threads (one keep-alive connection each, started together by a
  barrier) each POST A/T answers to ``/api/answers``. It reports the wall time from the barrier to the last
  201, answers per second, the median and the 99th percentile of one request, and checks that the database
  holds every answer (after a SIGKILL, so nothing is flushed on the way out);
* baseline: the same answers stored in one thread, one transaction each, by the server's own database layer
  (``engine.exercise.server.store.Store.add_answer``) in this process: the cost of the commits alone, with
  no HTTP, no validation and no threads.

Run it from the project folder:

    .venv/bin/python benchmarks/server_load.py [--trainees 50] [--answers 1000]

It prints a plain-text table and exits 0 (1 if an answer was lost or refused). Every request has a timeout.
"""

from __future__ import annotations

import argparse
import http.client
import json
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from serverproc import start_server  # noqa: E402  (the tests' helper that starts and stops the server)

from engine.exercise.server.store import Progress, Store  # noqa: E402

EXERCISE = ROOT / "exercises" / "timbuktu-2018.yaml"
REQUEST_TIMEOUT_S = 60
PARAGRAPHS = ("4", "20(d)", "20(e)", "37", "47")
SUBJECTS = ("MINUSMA", "French forces", "Secretary-General", "JNIM")


def _post(conn: http.client.HTTPConnection, path: str, body: object, token: str | None = None) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    conn.request("POST", path, body=json.dumps(body).encode(), headers=headers)
    response = conn.getresponse()
    data = response.read()
    return response.status, json.loads(data) if data else {}


def _answer(i: int, j: int) -> dict[str, object]:
    return {"move": 1, "paragraph": PARAGRAPHS[(i + j) % 5], "kind": "authorization", "subject": SUBJECTS[j % 4],
            "status": "granted"}


def server_run(trainees: int, answers: int, folder: Path) -> dict[str, float]:
    db = folder / "server.sqlite"
    server = start_server(EXERCISE, db)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=REQUEST_TIMEOUT_S)
        tokens = [_post(conn, "/api/join", {"name": f"Trainee {i:02d}"})[1]["token"] for i in range(trainees)]
        assert _post(conn, "/api/moves/next", {}, server.controller_token)[0] == 200
        conn.close()
        each = answers // trainees
        barrier = threading.Barrier(trainees + 1, timeout=REQUEST_TIMEOUT_S)
        latencies: list[float] = []
        refused = 0
        lock = threading.Lock()

        def send(i: int) -> None:
            nonlocal refused
            c = http.client.HTTPConnection("127.0.0.1", server.port, timeout=REQUEST_TIMEOUT_S)
            barrier.wait()
            mine = []
            bad = 0
            for j in range(each):
                t0 = time.perf_counter()
                status, _ = _post(c, "/api/answers", _answer(i, j), tokens[i])
                mine.append(time.perf_counter() - t0)
                bad += status != 201
            c.close()
            with lock:
                latencies.extend(mine)
                refused += bad

        with ThreadPoolExecutor(trainees) as pool:
            futures = [pool.submit(send, i) for i in range(trainees)]
            barrier.wait()
            start = time.perf_counter()
            for future in futures:
                future.result(timeout=10 * REQUEST_TIMEOUT_S)
            wall = time.perf_counter() - start
        server.kill()
    finally:
        server.stop()
    with sqlite3.connect(db) as check:
        stored = check.execute("SELECT COUNT(*) FROM answers").fetchone()[0]
    latencies.sort()
    return {"wall": wall, "sent": float(each * trainees), "stored": float(stored), "refused": float(refused),
            "median": statistics.median(latencies), "p99": latencies[int(0.99 * (len(latencies) - 1))]}


def baseline_run(trainees: int, answers: int, folder: Path) -> dict[str, float]:
    store = Store(folder / "baseline.sqlite", exercise="baseline")
    ids = [store.join(f"Trainee {i:02d}")[0].id for i in range(trainees)]
    store.set_progress(Progress(move=1, closed=False))
    each = answers // trainees
    start = time.perf_counter()
    for i, trainee_id in enumerate(ids):
        for j in range(each):
            a = _answer(i, j)
            store.add_answer(trainee_id, move=1, paragraph=str(a["paragraph"]), kind="authorization",
                             subject="minusma", status="granted", due=None, given=a, limit=answers)
    wall = time.perf_counter() - start
    stored = store.count_answers()
    store.close()
    return {"wall": wall, "sent": float(each * trainees), "stored": float(stored)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trainees", type=int, default=50)
    parser.add_argument("--answers", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        server = server_run(args.trainees, args.answers, folder)
        base = baseline_run(args.trainees, args.answers, folder)
    print(f"{args.trainees} trainees, {int(server['sent'])} answers at once (exercise {EXERCISE.name})")
    print(f"{'contender':<34}{'wall s':>9}{'answers/s':>11}{'median ms':>11}{'p99 ms':>9}{'stored':>8}")
    print(f"{'server (HTTP, validation, commit)':<34}{server['wall']:>9.2f}{server['sent'] / server['wall']:>11.0f}"
          f"{server['median'] * 1000:>11.1f}{server['p99'] * 1000:>9.1f}{int(server['stored']):>8}")
    print(f"{'baseline (Store.add_answer only)':<34}{base['wall']:>9.2f}{base['sent'] / base['wall']:>11.0f}"
          f"{'':>11}{'':>9}{int(base['stored']):>8}")
    print(f"server / baseline wall time: {server['wall'] / base['wall']:.1f}x")
    lost = server["stored"] != server["sent"] or server["refused"] > 0
    if lost:
        print(f"LOST OR REFUSED: {int(server['refused'])} refused, {int(server['stored'])} of "
              f"{int(server['sent'])} stored")
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
