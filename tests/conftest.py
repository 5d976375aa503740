"""Shared fixtures: one engine per test session, helpers to replay scenario text and to call the CLI."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from engine import Engine, Report
from engine.cli import main

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine()


@pytest.fixture
def replay(engine: Engine) -> Callable[..., Report]:
    """Replay a scenario written inline as YAML (dedented)."""

    def _replay(text: str, **assume: object) -> Report:
        scenario = engine.parse(textwrap.dedent(text), path="inline.yaml")
        return engine.run(scenario, assume=dict(assume) or None)

    return _replay


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str | bytes], Path]:
    """Write a file under a temporary folder and return its path."""

    def _write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")
        return path

    return _write


class CliResult:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """Call the `obligations` command in-process."""

    def _cli(*args: str) -> CliResult:
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse exits
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return _cli
