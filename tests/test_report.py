"""The report's JSON (engine.outputs.report): the public contract's text is ``json.dumps(report.as_dict(),
indent=2, ensure_ascii=False)`` and a newline, byte for byte, for every bundled scenario and for generated ones,
whether written whole or in pieces."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine import Engine, Report
from engine.dates import Clock, human_instant, iso_instant, start_of
from engine.inputs.scenario import Scenario
from engine.outputs import report as report_module
from engine.outputs.report import render_table
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


def test_a_report_of_many_notes_writes_them_in_several_pieces_that_join_to_the_whole(
        engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    report = engine.run(ROOT / "scenarios" / "p16-p20-the-mandate-provisions-govern-nothing-after-30-june-2018.yaml")
    report = dataclasses.replace(report, findings=(), notes=report.notes * 8)
    monkeypatch.setattr(report_module, "_PIECES", 4)
    pieces = list(report.json_pieces())
    assert len(pieces) > len(report.notes) // 4
    assert "".join(pieces) == contract(report)


_NOTE = {"kind": "not_in_force", "paragraph": "37", "rule": "37/grant", "event": "e\u00e9\"1",
         "at": "2018-07-01T00:00:00Z", "reason": "came after \u2028 the mandate"}


@pytest.mark.parametrize("notes", [
    (), (_NOTE,), (_NOTE, _NOTE), ({**_NOTE, "event": None},), ({**_NOTE, "extra": 1},),
    ({k: _NOTE[k] for k in reversed(_NOTE)},), ({"reason": 3},),
], ids=["none", "one", "two", "a-null-value", "another-key", "keys-in-another-order", "another-form"])
def test_the_notes_are_written_as_json_dumps_writes_them_whatever_their_form(engine: Engine,
                                                                            notes: tuple[dict[str, object]]) -> None:
    report = dataclasses.replace(engine.run(ROOT / "scenarios" / "timbuktu-2018-every-90-days.yaml"), notes=notes)
    assert report.to_json() == contract(report)


def test_a_replay_that_notes_events_after_the_mandate_writes_its_notes_as_json_dumps(engine: Engine) -> None:
    report = engine.run(ROOT / "scenarios" / "p16-p20-the-mandate-provisions-govern-nothing-after-30-june-2018.yaml")
    assert len(report.notes) >= 2
    assert report.to_json() == contract(report)


def test_a_report_without_findings_writes_an_empty_list(engine: Engine) -> None:
    report = dataclasses.replace(engine.run(ROOT / "scenarios" / "timbuktu-2018-every-90-days.yaml"), findings=())
    assert '"findings": []' in report.to_json()
    assert report.to_json() == contract(report)


def test_a_replay_s_findings_are_views_made_on_demand_equal_to_the_same_tuple(engine: Engine) -> None:
    report = engine.run(ROOT / "scenarios" / "timbuktu-2018-every-90-days.yaml")
    assert isinstance(report.findings, report_module.FindingViews)
    whole = tuple(report.findings)
    assert report.findings == whole and whole == report.findings
    assert report.findings[1:3] == whole[1:3] and report.findings[-1] == whole[-1]
    assert report.findings != whole[:-1]
    assert dataclasses.replace(report, findings=whole) == report
    assert report.by_id(whole[2].id) == whole[2]
    assert f"{len(whole)} findings" in repr(report.findings)


@given(st.datetimes(min_value=datetime(1000, 1, 1), max_value=datetime(9999, 12, 31), timezones=st.just(UTC))
       | st.datetimes(timezones=st.timezones()))
def test_an_instant_is_written_as_iso_instant_writes_it_and_read_back_for_tables(moment: datetime) -> None:
    text = report_module._iso(moment)
    assert text == iso_instant(moment)
    if moment.astimezone(UTC).year >= 1000:  # the text keeps whole seconds; tables read it back
        assert report_module._short(text) == human_instant(moment.replace(microsecond=0))


def test_the_table_lists_each_finding_once_in_order_with_its_explanation(engine: Engine) -> None:
    report = engine.run(ROOT / "scenarios" / "timbuktu-2018-every-90-days.yaml")
    table = render_table(report)
    why = table.split("\nWhy:\n")[1].splitlines()
    assert why[:len(report.findings)] == [f"  {f.id}: {f.explanation}" for f in report.findings]
    assert sum(line.startswith(tuple(f.id + " " for f in report.findings)) for line in table.splitlines()) \
        == len(report.findings)


def test_a_replay_s_findings_and_the_same_views_in_a_tuple_are_written_alike(engine: Engine) -> None:
    report = engine.run(ROOT / "scenarios" / "timbuktu-2018-every-90-days.yaml")
    as_views = dataclasses.replace(report, findings=tuple(report.findings))
    assert isinstance(report.findings, report_module.FindingViews)
    assert report.to_json() == as_views.to_json() == contract(report)


def test_the_writer_forgets_instants_and_evidence_past_its_bound_and_writes_the_same_text(
        engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    report = engine.run(ROOT / "scenarios" / "timbuktu-2018.yaml")
    whole = report.to_json()
    monkeypatch.setattr(report_module, "_KEPT", 1)
    assert report.to_json() == whole == contract(report)


@given(st.datetimes(min_value=datetime(1000, 1, 1), max_value=datetime(9000, 1, 1), timezones=st.just(UTC))
       | st.dates(min_value=date(1000, 1, 1), max_value=date(9000, 1, 1)).map(start_of),
       st.lists(st.integers(-10**9, 10**9), min_size=1, max_size=8))
def test_the_json_writes_each_instant_of_a_replay_as_iso_instant_writes_it_whatever_the_clock(
        origin: datetime, ticks: list[int]) -> None:
    clock = Clock(origin)
    writer = report_module._Writer(clock)
    for tick in [*ticks, *(t + 1 for t in ticks), *ticks]:  # (a day seen, then its other instants, then again)
        assert writer._at(tick) == json.dumps(iso_instant(clock.moment(tick)))
