"""The calendar export (engine.outputs.ics, ``obligations run --ics``), read back with the icalendar library."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import icalendar
import pytest

from engine import Engine, Report
from engine.outputs.ics import calendar, escape_text, fold, scenario_key, uid

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = sorted((ROOT / "scenarios").glob("*.yaml"))
HEADLINE = ROOT / "scenarios" / "timbuktu-2018.yaml"
EXPECTED_STATUS = {"active": "NEEDS-ACTION", "violated": "NEEDS-ACTION", "fulfilled": "COMPLETED",
                   "discharged": "CANCELLED", "expired": "CANCELLED"}


def _calendar(engine: Engine, path: Path, **options: Any) -> tuple[Report, bytes, icalendar.Calendar]:
    report = engine.run(path)
    data = calendar(report, engine.pack, key=scenario_key(report.scenario, path), **options)
    return report, data, icalendar.Calendar.from_ical(data)


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.name)
def test_every_duty_is_one_todo_and_every_authorization_one_event(engine: Engine, path: Path) -> None:
    report, _, parsed = _calendar(engine, path)
    todos = {str(c["UID"]): c for c in parsed.walk("VTODO")}
    events = {str(c["UID"]): c for c in parsed.walk("VEVENT")}
    key = scenario_key(report.scenario, path)
    duties = [f for f in report.findings if f.kind == "obligation"]
    grants = [f for f in report.findings if f.kind == "authorization"]
    assert len(todos) == len(duties) and len(events) == len(grants)
    for finding in duties:
        todo = todos[uid(finding.id, key)]
        assert str(todo["STATUS"]) == EXPECTED_STATUS[finding.status]
        assert todo.decoded("DUE") == date.fromisoformat(finding.due or "")
        assert str(todo["SUMMARY"]).startswith(("Violated — " if finding.status == "violated" else "")
                                               + f"¶{finding.paragraph} ")
        assert finding.explanation in str(todo["DESCRIPTION"])
        if finding.status == "fulfilled":
            assert todo.decoded("COMPLETED").isoformat().replace("+00:00", "Z") == finding.closed
        else:
            assert "COMPLETED" not in todo
    for finding in grants:
        event = events[uid(finding.id, key)]
        assert event.decoded("DTSTART") == date.fromisoformat(finding.opened[:10])
        assert event.decoded("DTEND") == date.fromisoformat(finding.due or report.until) + timedelta(days=1)


def test_the_same_replay_gives_a_byte_identical_file_with_the_same_uids(engine: Engine) -> None:
    _, first, parsed = _calendar(engine, HEADLINE)
    _, second, _ = _calendar(Engine(), HEADLINE)
    assert first == second
    uids = [str(c["UID"]) for c in parsed.walk() if "UID" in c]
    assert len(uids) == len(set(uids)) and all("timbuktu-2018@" in u for u in uids)


def test_an_open_duty_reminds_its_days_before_the_due_date_relative_to_its_end(engine: Engine) -> None:
    path = ROOT / "scenarios" / "p28-misconduct-allegations-keep-the-council-informed.yaml"
    report, _, parsed = _calendar(engine, path, alarm_days=3)
    open_duties = {uid(f.id, scenario_key(report.scenario, path)) for f in report.findings
                   if f.kind == "obligation" and f.status in ("active", "violated")}
    assert open_duties
    for todo in parsed.walk("VTODO"):
        alarms = todo.walk("VALARM")
        if str(todo["UID"]) in open_duties:
            (alarm,) = alarms
            assert alarm["TRIGGER"].params["RELATED"] == "END"
            assert alarm.decoded("TRIGGER") == timedelta(days=-3)
            assert str(alarm["ACTION"]) == "DISPLAY" and str(alarm["DESCRIPTION"])
        else:
            assert alarms == []


def test_lines_end_in_crlf_and_fold_at_75_octets_without_splitting_a_character(engine: Engine) -> None:
    _, data, _ = _calendar(engine, HEADLINE)
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    lines = data.split(b"\r\n")[:-1]
    assert max(len(line) for line in lines) == 75
    for line in lines:
        line.decode("utf-8")  # each physical line is whole UTF-8
    assert fold("x" * 74 + "¶é" * 40).count(b"\r\n ") >= 1
    for line in fold("¶" * 200).split(b"\r\n")[:-1]:
        assert len(line) <= 75
        line.decode("utf-8")


def test_a_round_trip_through_the_icalendar_library_keeps_every_entry(engine: Engine) -> None:
    parsed = _calendar(engine, HEADLINE)[2]
    again = icalendar.Calendar.from_ical(parsed.to_ical())
    for kind in ("VTODO", "VEVENT"):
        before = [(str(c["UID"]), str(c["SUMMARY"]), str(c["DESCRIPTION"]), str(c["STATUS"]))
                  for c in parsed.walk(kind)]
        after = [(str(c["UID"]), str(c["SUMMARY"]), str(c["DESCRIPTION"]), str(c["STATUS"]))
                 for c in again.walk(kind)]
        assert before == after and before


def test_text_is_escaped_and_control_characters_do_not_reach_the_file(
        engine: Engine, write: Callable[[str, str], Path]) -> None:
    name = "Commas, semicolons; a back\\slash\x1b[2J and\u2028more"
    path = write("odd.yaml", f"""\
        name: {name!r}
        events:
          - {{id: "a:b", at: 2017-07-11T06:00Z, type: ceasefire_violation, by: GATIA, incident: "x/y"}}
        """.replace("'", '"'))
    _, data, parsed = _calendar(engine, path)
    assert b"\x1b" not in data and "\u2028".encode() not in data
    assert b"Commas\\, semicolons\\; a back\\\\slash [2J and more" in data.replace(b"\r\n ", b"")
    todo = b"BEGIN:VTODO\r\n" + fold("SUMMARY:" + escape_text(name + "\nnext line")) + b"END:VTODO\r\n"
    summary = str(icalendar.Todo.from_ical(todo)["SUMMARY"])
    assert summary == "Commas, semicolons; a back\\slash [2J and more\nnext line"
    uids = [str(c["UID"]) for c in parsed.walk("VTODO")]
    assert uids and len(uids) == len(set(uids))


def test_run_writes_the_calendar_of_the_filtered_findings(cli: Callable[..., Any], tmp_path: Path) -> None:
    target = tmp_path / "duties.ics"
    result = cli("run", str(HEADLINE), "--ics", str(target), "--paragraph", "48", "--ics-alarm-days", "10")
    assert result.code == 0, result.err
    parsed = icalendar.Calendar.from_ical(target.read_bytes())
    assert [str(c["SUMMARY"]).split(" ", 1)[0] for c in parsed.walk("VTODO")] == ["¶48"]
    assert parsed.walk("VEVENT") == []
    assert list(tmp_path.iterdir()) == [target]


@pytest.mark.parametrize(("args", "says"), [
    (("--ics", "{tmp}/missing/out.ics"), "--ics: no such folder"),
    (("--ics", "{tmp}/out.txt"), "--ics: the file name must end in .ics"),
    (("--ics", "{tmp}/folder.ics"), "--ics: this is a folder"),
    (("--ics", "{tmp}/out.ics", "--ics-alarm-days", "-1"), "is not between 0 and 366 days"),
    (("--ics", "{tmp}/out.ics", "--ics-alarm-days", "week"), "is not a whole number of days"),
])
def test_a_calendar_that_cannot_be_written_is_bad_input_and_nothing_is_written(
        cli: Callable[..., Any], tmp_path: Path, args: tuple[str, ...], says: str) -> None:
    (tmp_path / "folder.ics").mkdir()
    result = cli("run", str(HEADLINE), *(a.format(tmp=tmp_path) for a in args))
    assert result.code == 2 and result.out == ""
    assert says in result.err and result.err.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder.ics"]
