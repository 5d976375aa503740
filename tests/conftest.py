"""Shared fixtures: one engine per test session, helpers to replay scenario text and to call the CLI."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from engine import Engine, Report
from engine.cli.main import main

# the rule-pack cache (engine.rulepack.cache) of this test session, and of the commands it runs: a folder of its
# own, removed at the end, never the user's (tests of the cache itself point it elsewhere)
os.environ["OBLIGATIONS_CACHE_DIR"] = tempfile.mkdtemp(prefix="obligations-test-cache-")
os.environ.pop("OBLIGATIONS_NO_CACHE", None)
atexit.register(shutil.rmtree, os.environ["OBLIGATIONS_CACHE_DIR"], ignore_errors=True)

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"

# Hypothesis profiles, chosen by HYPOTHESIS_PROFILE (default "ci"): "ci" is derandomized, so every run tries the
# same examples and a failure prints the blob that reproduces it; "long" hunts with thousands of fresh examples.
# Tests that need more or fewer examples scale from the profile's max_examples (e.g. the fuzz test: 6x).
settings.register_profile("ci", derandomize=True, max_examples=40, deadline=None, print_blob=True,
                          stateful_step_count=8, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", derandomize=False, max_examples=2000, deadline=None, print_blob=True,
                          stateful_step_count=40, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


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
def spy(monkeypatch: pytest.MonkeyPatch) -> Callable[[Any, str, int], list[Any]]:
    """``spy(module, name, n)`` replaces ``module.name`` by a wrapper that calls it and records its ``n``-th
    argument at each call; it returns the list the calls are recorded in."""

    def watch(module: Any, name: str, argument: int) -> list[Any]:
        seen: list[Any] = []
        wrapped = getattr(module, name)

        def recording(*args: Any, **keywords: Any) -> Any:
            seen.append(args[argument])
            return wrapped(*args, **keywords)

        monkeypatch.setattr(module, name, recording)
        return seen

    return watch


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


# ---- the exercise server (tests/test_server*.py) ------------------------------------------------------------------

EXERCISES = ROOT / "exercises"


@pytest.fixture
def server_session(engine: Engine, tmp_path: Path) -> Iterator[Any]:
    """A session of the bundled Timbuktu exercise on a fresh database under the test's folder."""
    from engine.exercise.server.app import open_session

    session = open_session(engine, EXERCISES / "timbuktu-2018.yaml", tmp_path / "run.sqlite")
    yield session
    session.store.close()


@pytest.fixture
def api(server_session: Any) -> Iterator[Any]:
    """A test client of the server's application (cookies off: each call says who it is)."""
    from fastapi.testclient import TestClient

    from engine.exercise.server.app import create_app

    with TestClient(create_app(server_session), cookies=None) as client:
        yield client


# ---- sweeps (tests/test_sweep*.py) ----------------------------------------------------------------------------------

@pytest.fixture
def sweep_file(tmp_path: Path) -> Callable[..., Path]:
    """Write a sweep file over the headline scenario: `vary` given as YAML text (dedented), the rest as keywords."""

    def _sweep_file(vary: str = "[]", *, samples: int = 40, seed: int = 2364, name: str = "sweep.yaml",
                    base: Path = SCENARIOS / "timbuktu-2018.yaml") -> Path:
        body = textwrap.indent(textwrap.dedent(vary).strip(), "  ")
        text = (f"name: A sweep written by a test.\nbase: {base}\nsamples: {samples}\nseed: {seed}\n"
                f"vary:\n{body}\n") if not vary.strip().startswith("[") else (
                f"name: A sweep written by a test.\nbase: {base}\nsamples: {samples}\nseed: {seed}\nvary: {vary}\n")
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return _sweep_file


CHROMIUM = Path("/usr/bin/chromium")  #: Debian's Chromium, installed by scripts/chromium (which ./test runs)
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, driven by Playwright (never a browser Playwright downloads); one per module."""
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: run scripts/chromium (./test does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()
