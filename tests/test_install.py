"""A non-editable install (``pip install .``) into a fresh virtual environment has everything the command needs:
the rule pack and the bundled scenarios as package data, so ``obligations coverage`` finds the scenarios from any
folder and ``obligations run`` replays one of them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the project installed from a copy of its sources (not editable); its dependencies are
    those of the test environment, made visible by a ``.pth`` file rather than downloaded and compiled again."""
    home = tmp_path_factory.mktemp("install")
    target = home / "venv"
    venv.EnvBuilder(with_pip=False).create(target)
    site = Path(subprocess.run([str(target / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()"
                                "['purelib'])"], capture_output=True, text=True, check=True).stdout.strip())
    (site / "_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    source = home / "source"  # a copy: building in place would leave build/ in the working tree
    for name in ("engine", "rules", "scenarios"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    result = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(target / "bin" / "python"), "install", "--quiet",
         "--disable-pip-version-check", "--no-deps", str(source)],
        capture_output=True, text=True, cwd=home, timeout=900, check=False,
        env={**os.environ, "PIP_NO_INPUT": "1"},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return target


def _obligations(installed: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(installed / "bin" / "obligations"), *args], capture_output=True, text=True,
                          cwd=installed.parent, timeout=300, check=False)


@pytest.mark.slow
def test_the_installed_package_is_not_the_source_tree(installed: Path) -> None:
    where = subprocess.run([str(installed / "bin" / "python"), "-c", "import engine, scenarios; "
                            "print(engine.__file__); print(scenarios.__file__)"],
                           capture_output=True, text=True, cwd=installed.parent, check=True).stdout.split()
    assert all(Path(p).is_relative_to(installed) for p in where), where


@pytest.mark.slow
def test_coverage_finds_the_bundled_scenarios_in_an_installed_package(installed: Path) -> None:
    result = _obligations(installed, "coverage", "--json")
    assert result.returncode == 0, result.stderr
    used = {name for p in json.loads(result.stdout)["paragraphs"] for name in p.get("scenarios", [])}
    bundled = {p.name for p in (ROOT / "scenarios").glob("*.yaml")} | {p.name for p in
                                                                     (ROOT / "scenarios").glob("*.json")}
    assert used and {Path(name).name for name in used} <= bundled


@pytest.mark.slow
def test_an_installed_bundled_scenario_replays(installed: Path) -> None:
    folder = subprocess.run([str(installed / "bin" / "python"), "-c", "import importlib.resources as r; "
                             "print(r.files('scenarios'))"], capture_output=True, text=True, check=True).stdout.strip()
    names = sorted(p.name for p in Path(folder).iterdir() if p.suffix in (".yaml", ".json"))
    assert names == sorted(p.name for p in ROOT.joinpath("scenarios").iterdir() if p.suffix in (".yaml", ".json"))
    result = _obligations(installed, "verify", str(Path(folder) / "timbuktu-2018.yaml"))
    assert result.returncode == 0 and result.stdout.endswith(": ok\n"), result.stdout + result.stderr
