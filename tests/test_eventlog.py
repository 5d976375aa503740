"""Event logs (`events_from`): JSON Lines and CSV, streamed, validated as read, sorted, merged with the file's."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from engine import Engine, ScenarioError
from engine.inputs import eventlog
from engine.inputs.limits import Limits, using

HEADLINE = "name: A year of the mandate from an event log.\nevents_from: {log}\nevents:\n{events}"


def _scenario(tmp: Path, log_name: str, log_text: str, events: str = "  []\n") -> Path:
    (tmp / log_name).write_text(log_text, encoding="utf-8")
    path = tmp / "scenario.yaml"
    path.write_text(HEADLINE.format(log=log_name, events=events), encoding="utf-8")
    return path


def _jsonl(events: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(e) + "\n" for e in events)


THREAT = {"id": "threat", "at": "2018-04-14T14:30Z", "type": "threat", "against": "MINUSMA",
          "level": "imminent_and_serious", "incident": "tbk"}
REQUEST = {"id": "request", "at": "2018-04-14T14:50Z", "type": "intervention_request", "by": "Secretary-General",
           "to": "French forces", "incident": "tbk"}
STRIKE = {"id": "strike", "at": "2018-04-14T15:20Z", "type": "intervention", "by": "French forces",
          "in_support_of": "MINUSMA", "incident": "tbk"}


def test_an_unsorted_json_lines_log_replays_as_the_same_events_in_the_file(engine: Engine, tmp_path: Path) -> None:
    from_log = engine.run(_scenario(tmp_path, "log.jsonl", _jsonl([STRIKE, REQUEST, THREAT])))
    inline = engine.parse("name: The same events in the file.\nevents:\n"
                          + "".join(f"  - {json.dumps(e)}\n" for e in (THREAT, REQUEST, STRIKE)), path="in.yaml")
    expected = engine.run(inline)
    assert [(f.id, f.status) for f in from_log.findings] == [(f.id, f.status) for f in expected.findings]
    assert any(f.id == "37:french-forces:tbk" and f.status == "exercised" for f in from_log.findings)
    assert from_log.events == 3


def test_a_csv_log_merges_with_the_events_of_the_file(engine: Engine, tmp_path: Path) -> None:
    csv_text = ("\ufeffid,at,type,by,to,in_support_of,incident,against,level\n"
                "request,2018-04-14T14:50Z,intervention_request,Secretary-General,French forces,,tbk,,\n"
                "strike,2018-04-14T15:20Z,intervention,French forces,,MINUSMA,tbk,,\n")
    path = _scenario(tmp_path, "log.csv", csv_text, events=f"  - {json.dumps(THREAT)}\n")
    report = engine.run(path)
    assert report.events == 3
    assert {f.id: f.status for f in report.findings}["37:french-forces:tbk"] == "exercised"


@pytest.mark.parametrize(("log_name", "text", "line", "message"), [
    ("log.jsonl", _jsonl([THREAT]) + '{"id": "x", "at": "2018-04-14", "type": "attack"}\n', 2,
     "missing required field 'target'"),
    ("log.jsonl", _jsonl([THREAT, REQUEST]) + "{not json\n", 3, "invalid JSON"),
    ("log.jsonl", _jsonl([THREAT]) + "\n" + _jsonl([{**REQUEST, "id": "threat"}]), 3,
     "event id 'threat' is used twice (first at line 1)"),
    ("log.csv", "at,type,by\n2018-04-14,obstruction,Nobody Known\n", 2, "unknown actor 'Nobody Known'"),
    ("log.csv", "when,type\n2018-04-14,obstruction\n", 1, "the first row names the event fields"),
    ("log.jsonl", _jsonl([{**THREAT, "at": "2031-01-01"}]), 1, "outside the scenario's window"),
])
def test_a_bad_event_in_a_log_is_reported_at_its_line_in_the_log(
        engine: Engine, tmp_path: Path, log_name: str, text: str, line: int, message: str) -> None:
    path = _scenario(tmp_path, log_name, text)
    with pytest.raises(ScenarioError) as caught:
        engine.load(path)
    assert (caught.value.path, caught.value.line) == (str(tmp_path / log_name), line)
    assert message in caught.value.message


def test_an_id_in_the_log_that_the_file_uses_is_refused(engine: Engine, tmp_path: Path) -> None:
    path = _scenario(tmp_path, "log.jsonl", _jsonl([REQUEST, THREAT]), events=f"  - {json.dumps(THREAT)}\n")
    with pytest.raises(ScenarioError, match="first in the scenario file") as caught:
        engine.load(path)
    assert caught.value.line == 2


def test_a_log_that_is_not_a_regular_file_or_has_another_suffix_is_refused(engine: Engine, tmp_path: Path) -> None:
    (tmp_path / "scenario.yaml").write_text("name: A scenario.\nevents_from: /dev/zero\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="an event log is JSON Lines"):
        engine.load(tmp_path / "scenario.yaml")
    link = tmp_path / "zero.jsonl"
    link.symlink_to("/dev/zero")
    (tmp_path / "scenario.yaml").write_text("name: A scenario.\nevents_from: zero.jsonl\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="is not a regular file"):
        engine.load(tmp_path / "scenario.yaml")


def test_the_events_limit_counts_the_file_and_the_log_together(engine: Engine, tmp_path: Path) -> None:
    path = _scenario(tmp_path, "log.jsonl", _jsonl([REQUEST, STRIKE]), events=f"  - {json.dumps(THREAT)}\n")
    with using(Limits(max_events=2)), pytest.raises(ScenarioError, match="--max-events") as caught:
        engine.load(path)
    assert caught.value.line == 2


def test_a_log_larger_than_a_chunk_is_sorted_through_temporary_runs_and_its_last_chunk_the_runs_removed_afterwards(
        engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(eventlog, "CHUNK_EVENTS", 7)
    days = [(d * 37) % 60 for d in range(50)]  # not in order
    events = [{"id": f"d{i}", "at": f"2017-{7 + day // 30:02d}-{1 + day % 30:02d}", "type": "deployment",
               "military": 13_300 + i} for i, day in enumerate(days)]
    path = _scenario(tmp_path, "log.jsonl", _jsonl(events))
    scenario = engine.load(path)
    assert scenario.log is not None and len(scenario.log._runs) == 7 and len(scenario.log._memory) == 1
    folder = scenario.log._folder
    merged = list(scenario.all_events())
    assert [e.at for e in merged] == sorted(e.at for e in merged) and len(merged) == 50
    breaches = [f for f in engine.run(scenario).findings if f.kind == "breach"]
    assert len(breaches) == 50
    del scenario, merged
    import gc

    gc.collect()
    assert folder is not None and not Path(folder).exists()


def test_check_counts_the_events_of_the_log(cli: Callable[..., Any], tmp_path: Path) -> None:
    path = _scenario(tmp_path, "log.jsonl", _jsonl([THREAT, REQUEST]))
    result = cli("check", str(path))
    assert result.code == 0 and "(2 events," in result.out


def _states(scenario: Any) -> list[Any]:
    return [(type(e), list(e.__dict__.items()), sorted(e.__pydantic_fields_set__), e.__pydantic_extra__,
             e.__pydantic_private__) for e in scenario.all_events()]


@pytest.mark.parametrize("chunk", [7, 1_000])
def test_a_log_gives_the_same_events_whether_checked_by_the_generated_checkers_or_the_careful_way(
        engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    from engine.inputs import plaincheck

    monkeypatch.setattr(eventlog, "CHUNK_EVENTS", chunk)
    kinds = [THREAT, REQUEST, STRIKE, {"type": "report", "by": "Secretary-General", "kind": "quarterly"},
             {"type": "support", "by": "JNIM", "to": "Ansar Eddine"}, {"type": "deployment", "police": 1_700},
             {"type": "attack", "target": "MINUSMA", "location": "Kidal", "note": "été"}]
    events = [{**kinds[i % len(kinds)], "id": f"e{i}", "at": f"2018-0{1 + (i * 7) % 6}-{1 + i % 28:02d}T0{i % 10}"
               f":1{i % 6}:0{i % 10}Z"} for i in range(60)]
    events[5] = {**events[5], "at": "2018-03-03T10:00Z"}  # another form of instant: the careful way
    path = _scenario(tmp_path, "log.jsonl", _jsonl(events))
    monkeypatch.setattr(plaincheck, "WARM_EVENTS", 10**9)
    monkeypatch.setattr(plaincheck, "WARM_CACHED", 10**9)
    careful = _states(engine.load(path))
    monkeypatch.setattr(plaincheck, "WARM_EVENTS", 0)
    monkeypatch.setattr(plaincheck, "WARM_CACHED", 0)
    generated = engine.load(path)
    assert _states(generated) == careful and len(careful) == 60
    assert [e.id for e in generated.all_events()] != [e["id"] for e in events]  # sorted, not in the log's order
