"""The what-if notebook runs: converted from its jupytext percent script and executed cell by cell (nbclient)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

# jupyter_core warns (DeprecationWarning) about its data paths unless told which to use; set it before import
os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")

import jupytext
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "what_if.py"


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
    assert not NOTEBOOK.with_suffix(".ipynb").exists(), "only the .py is kept; *.ipynb is git-ignored"


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
    assert len(images) == 3  # the baseline and the two variants
