"""Start and stop `obligations exercise serve` as a real process on a free local port (127.0.0.1 only), for the
process, browser and benchmark runs. Every wait is bounded."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_S = 60  # until the two URLs are printed (the key is replayed first)
STOP_TIMEOUT_S = 15


@dataclass
class Server:
    process: subprocess.Popen[str]
    controller_url: str
    join_url: str
    log: Path  # the server's standard error

    @property
    def port(self) -> int:
        port = urlsplit(self.controller_url).port
        assert port is not None
        return port

    @property
    def controller_token(self) -> str:
        return parse_qs(urlsplit(self.controller_url).query)["token"][0]

    def stop(self) -> None:
        """Ask the server to stop (Ctrl-C), then kill it if it does not."""
        if self.process.poll() is None:
            self.process.send_signal(2)
            try:
                self.process.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(STOP_TIMEOUT_S)
        if self.process.stdout is not None:
            self.process.stdout.close()

    def kill(self) -> None:
        """SIGKILL: no chance to clean up."""
        self.process.kill()
        self.process.wait(STOP_TIMEOUT_S)


def start_server(exercise: Path, db: Path, *extra: str) -> Server:
    """Start the server on a free port of 127.0.0.1 and wait for its two lines (stderr goes to a file beside
    the database)."""
    command = [sys.executable, "-m", "engine.cli", "exercise", "serve", str(exercise), "--db", str(db),
               "--port", "0", *extra]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    log = db.with_suffix(".stderr")
    with log.open("a") as err:
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=err, text=True, env=env)
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line.rstrip("\n"))

    threading.Thread(target=read, daemon=True).start()
    got: list[str] = []
    deadline = time.monotonic() + START_TIMEOUT_S
    while len(got) < 2 and time.monotonic() < deadline:
        try:
            got.append(lines.get(timeout=0.5))
        except queue.Empty:
            if process.poll() is not None:
                break
    if len(got) < 2:
        process.kill()
        process.wait(STOP_TIMEOUT_S)
        raise AssertionError(f"the server did not start: {log.read_text().strip()}")
    return Server(process=process, controller_url=got[0], join_url=got[1], log=log)
