"""The report's JSON (engine.outputs.report): the public contract's text is ``json.dumps(report.as_dict(),
indent=2, ensure_ascii=False)`` and a newline, byte for byte, for every bundled scenario and for generated ones,
whether written whole or in pieces."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from hypothesis import given

from engine import Engine, Report
from engine.inputs.scenario import Scenario
from engine.outputs import report as report_module
from engine.testing import scenario_objects

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = sorted(p for p in (ROOT / "scenarios").iterdir() if p.suffix in (".yaml", ".json"))


def contract(report: Report) -> str:
    return json.dumps(report.as_dict(), indent=2, ensure_ascii=False) + "\n"


def test_there_are_bundled_scenarios_to_compare() -> None:
    assert len(BUNDLED) >= 30


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_each_bundled_scenario_s_json_is_json_dumps_with_indent_byte_for_byte(engine: Engine, path: Path) -> None:
    report = engine.run(path)
    assert report.to_json() == contract(report)


def test_an_as_of_report_s_json_is_json_dumps_with_indent_byte_for_byte(engine: Engine) -> None:
    report = engine.run(ROOT / "scenarios" / "timbuktu-2018-every-90-days.yaml", as_of="2018-03-01")
    assert report.as_of is not None
    assert report.to_json() == contract(report)


@given(scenario_objects(max_events=16))
def test_a_generated_scenario_s_json_is_json_dumps_with_indent_byte_for_byte(scenario: Scenario) -> None:
    report = Engine().run(scenario)
    assert report.to_json() == contract(report)


def test_a_long_report_comes_in_several_pieces_that_join_to_the_whole(engine: Engine,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    report = engine.run(ROOT / "scenarios" / "timbuktu-2018-every-90-days.yaml")
    assert len(report.findings) >= 5
    monkeypatch.setattr(report_module, "_PIECES", 10)
    pieces = list(report.json_pieces())
    assert len(pieces) > 2
    assert "".join(pieces) == contract(report)


def test_a_report_without_findings_writes_an_empty_list(engine: Engine) -> None:
    report = dataclasses.replace(engine.run(ROOT / "scenarios" / "timbuktu-2018-every-90-days.yaml"), findings=())
    assert '"findings": []' in report.to_json()
    assert report.to_json() == contract(report)
