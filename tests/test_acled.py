"""ACLED import: both layouts, the bundled mappings, every row accounted for, and a scenario that replays."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from engine import Engine
from engine.inputs.acled import bundled_mapping, import_export, parse_date

FIXTURES = Path(__file__).resolve().parent / "acled"
DYADIC, MONADIC = FIXTURES / "mali-dyadic.csv", FIXTURES / "mali-monadic.csv"


@pytest.mark.parametrize(("name", "actor"), [
    ("MINUSMA: United Nations Multidimensional Integrated Stabilization Mission in Mali (2013-2020)", "minusma"),
    ("Military Forces of France (2017-)", "french-forces"),
    ("Military Forces of Mali (2013-2020)", "mdsf"),
    ("Police Forces of Mali (2013-2020) Gendarmerie", "mdsf"),
    ("JNIM: Group for Support of Islam and Muslims", "jnim"),
    ("Ansar Dine", "ansar-eddine"),
    ("Islamic State (Greater Sahara)", "isgs"),
    ("GATIA: Imghad Tuareg Self-Defense Group and Allies", "gatia"),
    ("CMA: Coordination of Movements of the Azawad", "coordination"),
    ("MAA: Arab Movement of Azawad (Platform)", "maa-plateforme"),
    ("MAA: Arab Movement of Azawad (CMA)", "maa-cma"),
    ("Platform of June 14th 2014 movements", "plateforme"),
    ("Unidentified Armed Group (Mali)", "unidentified"),
    ("Civilians (Mali)", "civilians"),
])
def test_acled_actor_names_map_to_the_registry_without_their_years(name: str, actor: str, engine: Engine) -> None:
    assert bundled_mapping().actor(name, engine.pack.actors) == actor


def test_acled_dates_are_read_in_both_of_its_forms() -> None:
    assert parse_date("14 April 2018") == parse_date("2018-04-14") == parse_date("14-April-2018")
    assert parse_date("April 14th") is None


def test_both_layouts_give_the_same_events_and_every_event_is_imported_or_skipped_with_a_reason(
        engine: Engine) -> None:
    dyadic, monadic = (import_export(p, engine.pack.actors) for p in (DYADIC, MONADIC))
    assert dyadic.events == monadic.events
    assert (dyadic.rows, monadic.rows) == (10, 18)
    for outcome in (dyadic, monadic):
        summary = outcome.summary()
        assert summary["events"] == 10
        assert summary["imported"] + sum(summary["skipped"].values()) == summary["events"]
        assert summary["skipped"] == {"actor not mapped: Dozo Militia": 1, "event type not mapped: Protests": 1,
                                      "event type not mapped: Strategic developments": 1}


def test_the_mapping_of_event_types(engine: Engine) -> None:
    events = {e["id"]: e for e in import_export(DYADIC, engine.pack.actors).events}
    assert {k: events["MLI1001"][k] for k in ("type", "by", "target", "incident", "location")} == {
        "type": "attack", "by": "jnim", "target": "minusma", "incident": "MLI1001", "location": "Timbuktu"}
    assert events["MLI1002"]["type"] == "attack" and "by" not in events["MLI1002"]
    assert events["MLI1002-2"]["type"] == "explosive_device"
    assert (events["MLI1003"]["type"], events["MLI1003"]["by"], events["MLI1003"]["against"]) == (
        "ceasefire_violation", "gatia", "coordination")
    assert events["MLI1004-2"] == {**events["MLI1004-2"], "type": "human_rights_violation",
                                   "category": "arbitrary_detention", "by": "isgs"}
    assert (events["MLI1005"]["type"], events["MLI1005"]["in_support_of"]) == ("intervention", "mdsf")
    assert events["MLI1001"]["note"].startswith("JNIM militants attacked")


def test_the_command_writes_a_scenario_that_replays_and_prints_the_summary(
        cli: Callable[..., Any], tmp_path: Path, engine: Engine) -> None:
    out = tmp_path / "mali.yaml"
    result = cli("import", "acled", str(MONADIC), "-o", str(out), "--json")
    assert result.code == 0, result.err
    summary = json.loads(result.out)
    assert summary["imported"] + sum(summary["skipped"].values()) == summary["events"] == 10
    report = engine.run(out)
    found = {f.id for f in report.findings}
    assert {"4(b):gatia", "4(c):jnim"} <= found


def test_from_and_until_skip_the_events_outside_and_say_so(cli: Callable[..., Any], tmp_path: Path) -> None:
    out = tmp_path / "events.jsonl"
    result = cli("import", "acled", str(DYADIC), "-o", str(out), "--json", "--from", "2018-01-01")
    summary = json.loads(result.out)
    assert summary["skipped"]["outside --from/--until"] == 5
    lines = out.read_text(encoding="utf-8").splitlines()
    assert all(json.loads(line)["at"] >= "2018-01-01" for line in lines)


def test_a_user_mapping_adds_actors_and_event_types(cli: Callable[..., Any], tmp_path: Path) -> None:
    mapping = tmp_path / "map.yaml"
    mapping.write_text("actors:\n  Dozo Militia: unidentified\n  Protesters*: civilians\n"
                       "event_types:\n  Looting/property destruction: obstruction\n", encoding="utf-8")
    result = cli("import", "acled", str(DYADIC), "-o", str(tmp_path / "s.json"), "--json", "--mapping", str(mapping))
    summary = json.loads(result.out)
    assert summary["imported"] == 9 and summary["skipped"] == {"event type not mapped: Protests": 1}


def test_without_output_the_scenario_goes_to_stdout_and_the_summary_to_stderr(cli: Callable[..., Any]) -> None:
    result = cli("import", "acled", str(DYADIC))
    assert result.code == 0 and result.out.startswith("name: Events imported from the ACLED export")
    assert "10 ACLED events: 7 imported" in result.err


def test_a_file_that_is_not_an_acled_export_is_bad_input(cli: Callable[..., Any], tmp_path: Path) -> None:
    bad = tmp_path / "other.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    result = cli("import", "acled", str(bad))
    assert result.code == 2 and result.out == ""
    assert result.err.startswith(f"{bad}:1: not an ACLED export")


def test_the_documented_what_if_over_an_imported_log_removes_and_shifts_acled_events(
        cli: Callable[..., Any], tmp_path: Path) -> None:
    import re

    page = (FIXTURES.parent.parent / "docs" / "importing.md").read_text(encoding="utf-8")
    section = page[page.index("## What if, over an import"):]
    blocks = re.findall(r"```yaml\n(.*?)```", section, flags=re.S)
    files = {re.match(r"# (\S+):", block).group(1): block for block in blocks}  # type: ignore[union-attr]
    assert sorted(files) == ["mali-without-the-clash.yaml", "mali.yaml"]
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    imported = cli("import", "acled", str(FIXTURES / "mali-dyadic.csv"), "-o", str(tmp_path / "mali-2017-2018.jsonl"))
    assert imported.code == 0, imported.err
    result = cli("diff", str(tmp_path / "mali.yaml"), str(tmp_path / "mali-without-the-clash.yaml"), "--json")
    assert result.code == 0, result.err
    diff = json.loads(result.out)
    assert diff["disappeared"] and all(d["events"] == ["MLI1003"] for d in diff["disappeared"])
    moved = [d for d in diff["changed"] if d["id"].endswith(":MLI1001")]
    assert moved and all(d["changes"]["opened"] == {"base": "2018-04-14T00:00:00Z", "variant": "2018-04-15T00:00:00Z"}
                         for d in moved)
