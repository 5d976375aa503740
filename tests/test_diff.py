"""`obligations diff BASE VARIANT`: findings that appear, disappear or change, as a table and as JSON."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from engine import Engine
from engine.explain.diff import diff_reports

ROOT = Path(__file__).resolve().parent.parent
BASE = str(ROOT / "scenarios" / "timbuktu-2018.yaml")
NO_REQUEST = str(ROOT / "scenarios" / "timbuktu-2018-no-request.yaml")
WEEK_LATE = str(ROOT / "scenarios" / "timbuktu-2018-second-report-a-week-late.yaml")
NINETY_DAYS = str(ROOT / "scenarios" / "timbuktu-2018-every-90-days.yaml")


def test_diff_lists_the_authorization_disappearing_and_a_not_covered_finding_appearing(
        cli: Callable[..., object]) -> None:
    result = cli("diff", BASE, NO_REQUEST)
    assert result.code == 0, result.err
    rows = {line.split()[1]: line.split()[0] for line in result.out.splitlines()
            if line.split()[:1] in (["appeared"], ["disappeared"], ["changed"])}
    assert rows == {"37:french-forces:tbk-2018-04-14": "disappeared", "37/report:france:2018-06-29": "disappeared",
                    "37:not-covered:tbk-intervention": "appeared"}
    assert "1 appeared, 2 disappeared, 0 changed" in result.out
    assert re.search(r"37:not-covered:tbk-intervention \(variant\): .*Not covered by paragraph 37", result.out)


def test_diff_json_has_the_same_findings_with_their_contract_fields(cli: Callable[..., object]) -> None:
    document = json.loads(cli("diff", BASE, NO_REQUEST, "--json").out)
    assert document["summary"] == {"appeared": 1, "disappeared": 2, "changed": 0,
                                   "unchanged": len(document["unchanged"])}
    assert [f["id"] for f in document["appeared"]] == ["37:not-covered:tbk-intervention"]
    assert document["appeared"][0]["kind"] == "not_covered"
    gone = {f["id"]: f["status"] for f in document["disappeared"]}
    assert gone == {"37:french-forces:tbk-2018-04-14": "exercised", "37/report:france:2018-06-29": "fulfilled"}
    assert document["variant"]["path"] == NO_REQUEST and document["assumptions"] == {}
    assert "47:2017-09-29" in document["unchanged"]


def test_a_due_date_that_moves_is_a_change_of_the_same_duty_not_a_new_one(cli: Callable[..., object]) -> None:
    document = json.loads(cli("diff", BASE, NINETY_DAYS, "--json").out)
    assert document["assumptions"] == {"quarterly_interval": {"base": {"months": 3}, "variant": {"days": 90}}}
    assert document["appeared"] == [] and document["disappeared"] == []
    changed = {c["base_id"]: c for c in document["changed"]}
    third = changed["47:2018-03-29"]
    assert third["variant_id"] == "47:2018-03-26"
    assert third["changes"]["status"] == {"base": "fulfilled", "variant": "violated"}
    assert third["changes"]["due"] == {"base": "2018-03-29", "variant": "2018-03-26"}
    assert changed["37/report:france:2018-06-29"]["changes"]["due"] == {"base": "2018-06-29", "variant": "2018-06-24"}


def test_a_later_late_report_shows_as_a_change_in_the_duty_s_history(cli: Callable[..., object]) -> None:
    result = cli("diff", BASE, WEEK_LATE)
    # the quarterly report answers paragraph 47's period and paragraph 36's (keeping the Council informed)
    assert "0 appeared, 0 disappeared, 2 changed" in result.out
    line = next(line for line in result.out.splitlines() if line.startswith("changed  47:"))
    assert line.split()[1] == "47:2017-12-29"
    assert "-[2017-12-30 violated q2 (late report)] +[2018-01-06 violated q2 (late report)]" in line


def test_a_scenario_compared_with_itself_differs_in_nothing(engine: Engine) -> None:
    report = engine.run(BASE)
    diff = diff_reports(report, engine.run(BASE))
    assert diff.findings == () and len(diff.unchanged) == len(report.findings)


def test_diff_with_a_missing_file_gives_exit_2(cli: Callable[..., object], tmp_path: Path) -> None:
    result = cli("diff", BASE, str(tmp_path / "nope.yaml"))
    assert result.code == 2 and result.out == "" and result.err == f"{tmp_path / 'nope.yaml'}: no such scenario file\n"


@pytest.mark.parametrize(("base", "variant"), [(BASE, NO_REQUEST), (BASE, WEEK_LATE), (BASE, NINETY_DAYS),
                                               (str(ROOT / "scenarios" / "timbuktu-2018-events-from-a-log.yaml"),
                                                str(ROOT / "scenarios" / "timbuktu-2018-from-a-log-without-the-"
                                                    "attack-and-the-request-an-hour-late.yaml"))])
def test_diff_json_is_written_by_the_fast_json_writer_byte_identical_to_json_dumps_on_bundled_scenarios(
        cli: Callable[..., Any], spy: Callable[[Any, str, int], list[Any]], base: str, variant: str) -> None:
    from engine.outputs import jsontext

    written = spy(jsontext, "dumps", 0)
    result = cli("diff", base, variant, "--json")
    assert result.code == 0, result.err
    assert len(written) == 1
    assert result.out == json.dumps(written[0], indent=2, ensure_ascii=False) + "\n"
