"""The exercise server as a real process on a free local port: its two printed lines, a room of trainees
answering at once, and a restart after SIGKILL on the same database. Loopback only; every loop is bounded."""

from __future__ import annotations

import http.client
import json
import re
import signal
import socket
import sqlite3
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from serverproc import Server, start_server

EXERCISE = Path(__file__).resolve().parent.parent / "exercises" / "timbuktu-2018.yaml"
TRAINEES = 50
ANSWERS = 1_000
REQUEST_TIMEOUT_S = 60  # one request, however loaded the machine


def call(server: Server, method: str, path: str, token: str | None = None, body: Any = None,
         connection: http.client.HTTPConnection | None = None) -> tuple[int, Any]:
    own = connection is None
    conn = connection or http.client.HTTPConnection("127.0.0.1", server.port, timeout=REQUEST_TIMEOUT_S)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    payload = None
    if body is not None:
        payload = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    try:
        conn.request(method, path, body=payload, headers=headers)
        response = conn.getresponse()
        data = response.read()
    finally:
        if own:
            conn.close()
    text = data.decode()
    return response.status, json.loads(text) if text and response.getheader("content-type", "").startswith(
        "application/json") else text


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Callable[..., Server]]:
    """Start servers on the test's database (each stopped at the end of the test)."""
    started: list[Server] = []

    def _start(db: Path | None = None) -> Server:
        found = start_server(EXERCISE, db or tmp_path / "run.sqlite")
        started.append(found)
        return found

    yield _start
    for running in started:
        running.stop()


def test_the_server_prints_the_controllers_url_then_the_join_url(server: Callable[..., Server]) -> None:
    running = server()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/controller\?token=[A-Za-z0-9_-]{32}", running.controller_url)
    assert running.join_url == f"http://127.0.0.1:{running.port}/join"
    status, page = call(running, "GET", "/join")
    assert status == 200 and "Join the exercise" in page
    running.stop()  # Ctrl-C: a clean stop, reported as an interruption
    assert running.process.returncode == 130
    assert "Traceback" not in (running.log).read_text()


def _join_all(running: Server, count: int = TRAINEES) -> list[str]:
    tokens = []
    for i in range(count):
        status, body = call(running, "POST", "/api/join", body={"name": f"Trainee {i:02d}"})
        assert status == 201
        tokens.append(body["token"])
    return tokens


def _answers_of(i: int) -> list[dict[str, Any]]:
    paragraphs = ["4", "20(d)", "20(e)", "37", "47"]
    subjects = ["MINUSMA", "French forces", "Secretary-General", "JNIM"]
    return [{"move": 1, "paragraph": paragraphs[(i + j) % 5], "kind": "authorization",
             "subject": subjects[j % 4], "status": "granted"} for j in range(ANSWERS // TRAINEES)]


def test_fifty_trainees_sending_a_thousand_answers_at_once_lose_none(server: Callable[..., Server],
                                                                     tmp_path: Path) -> None:
    running = server()
    tokens = _join_all(running)
    assert call(running, "POST", "/api/moves/next", running.controller_token)[0] == 200
    start = threading.Barrier(TRAINEES, timeout=REQUEST_TIMEOUT_S)

    def send(i: int) -> list[int]:
        connection = http.client.HTTPConnection("127.0.0.1", running.port, timeout=REQUEST_TIMEOUT_S)
        start.wait()
        try:
            return [call(running, "POST", "/api/answers", tokens[i], a, connection)[0] for a in _answers_of(i)]
        finally:
            connection.close()

    with ThreadPoolExecutor(TRAINEES) as pool:
        statuses = [s for batch in pool.map(send, range(TRAINEES), timeout=10 * REQUEST_TIMEOUT_S) for s in batch]
    assert statuses == [201] * ANSWERS
    for i, token in enumerate(tokens):
        status, own = call(running, "GET", "/api/answers", token)
        assert status == 200
        assert [(a["paragraph"], a["status"]) for a in own] == [(a["paragraph"], a["status"]) for a in _answers_of(i)]
    running.kill()
    with sqlite3.connect(tmp_path / "run.sqlite") as db:
        assert db.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == ANSWERS


def test_a_server_killed_and_restarted_on_its_file_has_every_answer_and_the_same_move(
        server: Callable[..., Server]) -> None:
    first = server()
    tokens = _join_all(first, 3)
    call(first, "POST", "/api/moves/next", first.controller_token)
    given = {}
    for token in tokens:
        answer = {"move": 1, "paragraph": "20(d)", "kind": "authorization", "subject": "MINUSMA"}
        status, body = call(first, "POST", "/api/answers", token, answer)
        assert status == 201
        given[token] = body["answer_id"]
    call(first, "POST", "/api/moves/next", first.controller_token)  # move 1 closed, move 2 open
    first.kill()
    assert first.process.returncode == -signal.SIGKILL
    second = server()
    assert second.controller_token == first.controller_token
    status, state = call(second, "GET", "/api/state", tokens[0])
    assert status == 200 and (state["move"], state["closed"]) == (2, 1)
    for token, answer_id in given.items():
        assert [a["answer_id"] for a in call(second, "GET", "/api/answers", token)[1]] == [answer_id]
    scores = call(second, "GET", "/api/scores", second.controller_token)[1]
    assert [t["trainee"] for t in scores["trainees"]] == ["Trainee 00", "Trainee 01", "Trainee 02"]


def test_a_port_in_use_is_bad_input(cli: Any, tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = cli("exercise", "serve", str(EXERCISE), "--db", str(tmp_path / "run.sqlite"), "--port", str(port))
    assert result.code == 2 and result.out == ""
    assert result.err.startswith("--port: cannot listen on 127.0.0.1:") and result.err.count("\n") == 1
    assert not (tmp_path / "run.sqlite").exists()


@pytest.mark.parametrize("args", [["--port", "70000"], ["--db", "no/such/folder/run.sqlite"],
                                  ["--host", "no-such-host.invalid"]])
def test_a_bad_port_host_or_database_folder_is_bad_input(cli: Any, args: list[str]) -> None:
    result = cli("exercise", "serve", str(EXERCISE), "--port", "0", *args)
    assert result.code == 2 and result.out == "" and result.err.count("\n") == 1


def test_a_missing_or_broken_exercise_is_bad_input_at_its_line(cli: Any, write: Callable[..., Path],
                                                                tmp_path: Path) -> None:
    missing = cli("exercise", "serve", str(tmp_path / "nothing.yaml"), "--port", "0")
    assert missing.code == 2 and missing.out == "" and "nothing.yaml" in missing.err
    broken = write("broken.yaml", """\
        name: A broken exercise
        scenario: ../nowhere.yaml
        briefing: Say what is engaged.
        moves: [{name: One, until: 2018-01-01}]
        """)
    result = cli("exercise", "serve", str(broken), "--port", "0")
    assert result.code == 2 and result.out == "" and result.err.startswith(f"{broken}:2: ")
    assert not list(tmp_path.glob("*.sqlite"))


def test_the_database_defaults_to_a_file_beside_the_exercise() -> None:
    from engine.exercise.server.app import default_db

    assert default_db(EXERCISE) == EXERCISE.parent / "timbuktu-2018.sqlite"


def test_a_debrief_whose_timeline_would_draw_more_events_than_a_picture_draws_is_refused_as_bad_input(
        cli: Any, tmp_path: Path) -> None:
    from engine.outputs.plot import MAX_EVENTS_DRAWN

    with (tmp_path / "log.jsonl").open("w", encoding="utf-8") as log:  # one more event than a picture draws, all
        for i in range(MAX_EVENTS_DRAWN + 1):  # after the move (its replay is short) but in the scenario's window
            at = f"2017-09-{1 + i // 5_000:02d}T{i // 60 % 24:02d}:{i % 60:02d}Z"
            log.write(f'{{"id": "r{i}", "at": "{at}", "type": "report", "by": "Secretary-General", '
                      '"kind": "other"}\n')
    (tmp_path / "big.yaml").write_text("name: A year of many reports\nevents_from: log.jsonl\nevents: []\n",
                                       encoding="utf-8")
    exercise = tmp_path / "exercise.yaml"
    exercise.write_text("name: Many reports\nscenario: big.yaml\nbriefing: Say what is engaged.\n"
                        "moves: [{name: One, until: 2017-08-01}]\n", encoding="utf-8")
    (tmp_path / "sheet.yaml").write_text("trainee: Lt. Traore\nanswers: []\n", encoding="utf-8")
    command = cli("exercise", "debrief", str(exercise), str(tmp_path / "sheet.yaml"), "-o",
                  str(tmp_path / "debrief.html"))
    assert command.code == 2 and "MAX_EVENTS_DRAWN" in command.err
    running = start_server(exercise, tmp_path / "run.sqlite")
    try:
        for _ in range(2):  # release the move, then close it: the debrief would score it
            status, state = call(running, "POST", "/api/moves/next", running.controller_token)
        assert status == 200 and state["finished"]
        status, body = call(running, "GET", "/debrief", running.controller_token)
        assert (status, body) == (422, {"detail": command.err.strip()})
        assert call(running, "GET", "/api/state", running.controller_token)[0] == 200  # the server goes on
    finally:
        running.stop()
    assert "Traceback" not in running.log.read_text(encoding="utf-8")
