"""The what-if notebook runs: converted from its jupytext percent script and executed cell by cell (nbclient),
and as a plain script (its pictures then written to files); it uses only the engine's public API."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# jupyter_core warns (DeprecationWarning) about its data paths unless told which to use; set it before import
os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")

import jupytext
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "what_if.py"


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> nbformat.NotebookNode:
    notebook = jupytext.read(NOTEBOOK)
    folder = tmp_path_factory.mktemp("notebook")
    client = NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(folder)}})
    try:
        client.execute()
    except CellExecutionError as exc:  # a failing cell fails the test, with the cell's error
        pytest.fail(f"the notebook failed: {exc}")
    return notebook


def _text(notebook: nbformat.NotebookNode) -> str:
    return "\n".join(output.get("text", "") for cell in notebook.cells if cell.cell_type == "code"
                     for output in cell.get("outputs", []) if output.get("output_type") == "stream")


def test_the_notebook_is_a_percent_script_paired_with_jupytext() -> None:
    text = NOTEBOOK.read_text(encoding="utf-8")
    assert "format_name: percent" in text and "# %% [markdown]" in text


def test_only_the_script_is_kept_in_the_repository_and_a_generated_notebook_is_ignored() -> None:
    """A user who generates ``what_if.ipynb`` (as the notebook says) keeps it untracked: that is fine."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    tracked = subprocess.run(["git", "ls-files", "notebooks"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    assert "notebooks/what_if.py" in tracked
    assert not [name for name in tracked if name.endswith(".ipynb")], "only the .py is kept in the repository"
    ignored = subprocess.run(["git", "check-ignore", "-q", "notebooks/what_if.ipynb"], cwd=ROOT, check=False)
    assert ignored.returncode == 0, "*.ipynb is git-ignored"


def test_the_notebook_uses_only_the_public_api() -> None:
    import engine
    import engine.api

    public = {"engine": set(engine.__all__),
              "engine.api": {name for name in vars(engine.api) if not name.startswith("_")}}
    tree = ast.parse(NOTEBOOK.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("engine"):
            assert node.module in public, f"from {node.module} import …: not the public API"
            assert {alias.name for alias in node.names} <= public[node.module]
        if isinstance(node, ast.Import):
            assert all(alias.name == "engine" or not alias.name.startswith("engine") for alias in node.names)


@pytest.mark.slow
def test_run_as_a_script_the_notebook_writes_its_pictures_to_files(tmp_path: Path) -> None:
    pictures = tmp_path / "pictures"
    env = {**os.environ, "WHAT_IF_PICTURES": str(pictures)}
    result = subprocess.run([sys.executable, str(NOTEBOOK)], cwd=tmp_path, env=env, capture_output=True, text=True,
                            timeout=600, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "IPython.core.display" not in result.stdout
    written = sorted(pictures.iterdir())
    assert [p.name for p in written] == ["baseline-vs-no-request.png", "baseline.png", "late-request.png",
                                         "no-request.png"]
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in written)
    assert result.stdout.count("picture: ") == 4


def test_every_cell_of_the_what_if_notebook_runs_without_error(executed: nbformat.NotebookNode) -> None:
    code = [cell for cell in executed.cells if cell.cell_type == "code"]
    assert code and all(cell.get("execution_count") for cell in code)
    errors = [o for cell in code for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == []


def test_the_notebook_shows_both_diffs_and_the_why_not(executed: nbformat.NotebookNode) -> None:
    text = _text(executed)
    assert len(re.findall(r"\nappeared +37:not-covered:tbk-intervention ", text)) == 2  # both variants
    assert len(re.findall(r"\ndisappeared +37:french-forces:tbk-2018-04-14 ", text)) == 2
    assert "no request from the Secretary-General to the French forces for incident tbk-2018-04-14" in text
    assert "the rule joins them only within 3 days (assumption threat_request_window)" in text


def test_the_notebook_shows_the_timelines_as_inline_images(executed: nbformat.NotebookNode) -> None:
    images = [o for cell in executed.cells if cell.cell_type == "code" for o in cell.get("outputs", [])
              if "image/png" in o.get("data", {})]
    assert len(images) == 4  # the baseline, the two variants, and the baseline and first variant on one axis
