"""`obligations sweep`: the table, the JSON, the bar chart, the progress bar (terminal only) and option mistakes."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VARY = "- remove: {event: tbk-request, probability: 0.5}\n- shift: {event: q3, days: {choice: [-1, 1]}}"


def test_sweep_prints_a_table_of_shares_with_intervals_and_what_moves_them(
        cli: Callable[..., object], sweep_file: Callable[..., Path]) -> None:
    result = cli("sweep", str(sweep_file(VARY, samples=30)), "--workers", "1")
    assert result.code == 0 and result.err == ""  # type: ignore[attr-defined]
    out = result.out  # type: ignore[attr-defined]
    header = next(line for line in out.splitlines() if line.startswith("ID "))
    assert header.split() == ["ID", "¶", "KIND", "SUBJECT", "SHARE", "95%", "INTERVAL", "STATUSES"]
    assert "30 samples of " in out and "vary 1: remove tbk-request (probability 0.5)" in out
    assert "What changes each finding most" in out and "vary 2, shift q3: earlier (n=" in out


def test_sweep_json_has_the_contract_keys_and_findings_sorted_by_id(cli: Callable[..., object],
                                                                    sweep_file: Callable[..., Path]) -> None:
    result = cli("sweep", str(sweep_file(VARY, samples=20, seed=7)), "--workers", "1", "--json")
    assert result.code == 0  # type: ignore[attr-defined]
    document = json.loads(result.out)  # type: ignore[attr-defined]
    assert list(document)[:3] == ["samples", "seed", "findings"] and document["samples"] == 20
    assert document["seed"] == 7
    assert [f["id"] for f in document["findings"]] == sorted(f["id"] for f in document["findings"])
    statuses = {f["id"]: f["statuses"] for f in document["findings"]}
    assert set(statuses["47:2018-03-29"]) == {"fulfilled", "violated"}
    assert all(set(f) == {"id", "paragraph", "kind", "subject", "share", "statuses"} for f in document["findings"])


def test_the_progress_bar_is_drawn_on_a_terminal_and_not_on_a_pipe(sweep_file: Callable[..., Path]) -> None:
    spec = str(sweep_file(VARY, samples=12))
    command = [sys.executable, "-m", "engine.cli", "sweep", spec, "--workers", "1", "--json"]
    piped = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    assert piped.returncode == 0 and piped.stderr == ""
    leader, follower = pty.openpty()
    try:
        on_terminal = subprocess.run(command, stdout=subprocess.PIPE, stderr=follower, cwd=ROOT, check=False)
        os.close(follower)
        drawn = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal's other end is closed: all read
                break
            if not chunk:
                break
            drawn += chunk
    finally:
        os.close(leader)
    assert on_terminal.returncode == 0
    assert on_terminal.stdout.decode() == piped.stdout  # the results do not depend on where stderr goes
    text = drawn.decode()
    assert "\r[" in text and "12/12 samples" in text and "/s" in text and "left" in text


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_plot_draws_the_shares_as_a_bar_chart_byte_identical_each_time(
        cli: Callable[..., object], sweep_file: Callable[..., Path], tmp_path: Path, suffix: str) -> None:
    spec = str(sweep_file(VARY, samples=10))
    first, second = tmp_path / f"a{suffix}", tmp_path / f"b{suffix}"
    assert cli("sweep", spec, "--workers", "1", "--plot", str(first)).code == 0  # type: ignore[attr-defined]
    assert cli("sweep", spec, "--workers", "1", "--plot", str(second)).code == 0  # type: ignore[attr-defined]
    data = first.read_bytes()
    assert data == second.read_bytes()
    assert data.startswith(b"\x89PNG") if suffix == ".png" else b"<svg" in data[:500]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left


def test_the_bar_chart_uses_the_timelines_status_colours(cli: Callable[..., object],
                                                         sweep_file: Callable[..., Path], tmp_path: Path) -> None:
    from engine.outputs.plot import colour_of

    target = tmp_path / "shares.svg"
    assert cli("sweep", str(sweep_file(VARY, samples=10)), "--workers", "1", "--plot",  # type: ignore[attr-defined]
               str(target)).code == 0
    svg = target.read_text(encoding="utf-8").lower()
    for status in ("fulfilled", "violated", "exercised", "not_covered"):
        assert colour_of(status).lower() in svg, status


@pytest.mark.parametrize(("options", "words"), [
    (["--plot", "shares.gif"], "must end in .png or .svg"),
    (["--resume"], "--resume finishes the sweep kept in --db"),
    (["--workers", "0"], "--workers: must be 1 or more"),
    (["--workers", "2", "--dask", "tcp://127.0.0.1:8786"], "give either --workers or --dask"),
    (["--workers", "two"], "invalid int value"),
])
def test_bad_options_exit_2_with_one_line_and_nothing_on_stdout(cli: Callable[..., object],
                                                                sweep_file: Callable[..., Path],
                                                                options: list[str], words: str) -> None:
    result = cli("sweep", str(sweep_file(VARY, samples=3)), *options)
    assert (result.code, result.out) == (2, "")  # type: ignore[attr-defined]
    assert words in result.err and result.err.count("\n") == 1  # type: ignore[attr-defined]
