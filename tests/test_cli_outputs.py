"""What `obligations run` writes (engine.cli.outputs): its JSON spooled to a temporary file as it is made and
printed whole once the command has succeeded, byte-identical to the report's JSON, escaped like any output."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from engine import Engine
from engine.cli import outputs
from engine.text import escape

ROOT = Path(__file__).resolve().parent.parent
HEADLINE = ROOT / "scenarios" / "timbuktu-2018-every-90-days.yaml"


def test_run_json_prints_the_report_s_json_byte_for_byte(cli: Callable[..., Any], engine: Engine) -> None:
    result = cli("run", "--json", str(HEADLINE))
    assert result.code == 0
    assert result.out == engine.run(HEADLINE).to_json()


def test_a_json_output_too_long_to_keep_in_memory_goes_through_a_file_and_comes_out_whole(
        cli: Callable[..., Any], engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outputs, "SPOOL_IN_MEMORY", 100)
    monkeypatch.setattr(outputs, "SPOOL_CHUNK", 7)
    result = cli("run", "--json", str(HEADLINE))
    assert result.code == 0
    assert result.out == engine.run(HEADLINE).to_json()


def test_a_spooled_output_is_escaped_like_any_output(cli: Callable[..., Any], write: Callable[..., Path],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outputs, "SPOOL_IN_MEMORY", 10)
    scenario = write("odd.yaml", 'name: "Right\\u202eto left"\nuntil: 2017-07-02\nevents: []\n')
    result = cli("run", "--json", str(scenario))
    assert result.code == 0
    report = Engine().run(scenario)
    assert "\u202e" in report.scenario
    assert "\u202e" not in result.out
    assert json.loads(result.out)["scenario"] == report.scenario
    assert result.out == escape(report.to_json(), layout=True)


def test_a_spool_reads_back_what_was_written_in_chunks_then_closes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outputs, "SPOOL_IN_MEMORY", 5)
    monkeypatch.setattr(outputs, "SPOOL_CHUNK", 4)
    pieces = ["ab", "é😀", "", "\n" * 3, "xyz" * 5]
    spool = outputs.Spool(pieces)
    assert spool._file is not None and spool._held == []
    chunks = list(spool.chunks())
    assert "".join(chunks) == "".join(pieces)
    assert all(len(chunk) <= 4 for chunk in chunks)
    assert spool._file.closed


def test_a_short_output_stays_in_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    spool = outputs.Spool(["short ", "text"])
    assert spool._file is None
    assert "".join(spool.chunks()) == "short text"


def test_without_a_temporary_file_the_output_stays_in_memory_and_comes_out_whole(
        cli: Callable[..., Any], engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(outputs, "SPOOL_IN_MEMORY", 100)
    monkeypatch.setattr(tempfile, "TemporaryFile", refused)
    result = cli("run", "--json", str(HEADLINE))
    assert result.code == 0
    assert result.out == engine.run(HEADLINE).to_json()


def test_a_spool_whose_text_fails_while_being_made_closes_its_file_and_says_so(
        monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[Any] = []
    original = tempfile.TemporaryFile

    def recording(*args: Any, **kwargs: Any) -> Any:
        opened.append(original(*args, **kwargs))
        return opened[-1]

    def failing() -> Iterator[str]:
        yield "long enough to go to a file"
        raise RuntimeError("no more")

    monkeypatch.setattr(outputs, "SPOOL_IN_MEMORY", 5)
    monkeypatch.setattr(tempfile, "TemporaryFile", recording)
    with pytest.raises(RuntimeError, match="no more"):
        outputs.Spool(failing())
    assert len(opened) == 1 and opened[0].closed
