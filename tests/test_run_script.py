"""The ``./run`` script of the quick start: alone it replays the headline scenario; a scenario file means
``obligations run FILE``; any other first argument is an ``obligations`` subcommand, passed through."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
HEADLINE = ROOT / "scenarios" / "timbuktu-2018.yaml"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(ROOT / "run"), *args], capture_output=True, text=True, cwd=ROOT, timeout=300,
                          check=False)


def test_run_alone_replays_the_headline_scenario() -> None:
    result = _run()
    assert result.returncode == 0, result.stderr
    name = yaml.safe_load(HEADLINE.read_text(encoding="utf-8"))["name"]
    assert result.stdout.splitlines()[0] == f"Scenario: {name}"


def test_a_scenario_file_with_options_means_obligations_run() -> None:
    result = _run("scenarios/timbuktu-2018-no-request.yaml", "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert "37:not-covered:tbk-intervention" in {f["id"] for f in document["findings"]}


def test_a_subcommand_passes_through() -> None:
    result = _run("explain", "scenarios/timbuktu-2018.yaml", "--why-not", "48")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Why not paragraph 48")


def test_an_unknown_subcommand_is_reported_by_obligations_itself_with_exit_2() -> None:
    result = _run("nonsense")
    assert result.returncode == 2
    assert result.stdout == ""
    assert "invalid choice: 'nonsense'" in result.stderr
