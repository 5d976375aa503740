"""The command's error contract holds on hostile inputs and surroundings.

* output is written whole or not at all: `check` and `verify` of several files print nothing when one is bad; a
  closed standard output is exit 2 with one line; Ctrl-C is exit 130 with one line;
* errors name the file and line that make the mistake: a base's assumption names the base, an ``--assume``
  value names ``--assume`` (no line of the scenario), a duplicate id names its own line;
* `--plot` into a folder, a missing folder, `/proc` or an unwritable folder, an unreadable scenarios folder and
  a loop of symbolic links are bad input (exit 2), never internal failures;
* control characters from files (ESC, CR, NEL, LINE SEPARATOR...) never reach the terminal raw;
* `coverage` counts the project's bundled scenarios whatever the working folder holds.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from engine.text import escape

ROOT = Path(__file__).resolve().parent.parent
HEADLINE = ROOT / "scenarios" / "timbuktu-2018.yaml"
ONE_LINE = re.compile(r"^[^\n]+\n$")
RAW_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202e]")


def assert_bad_input(result: Any, where: str, fragment: str) -> None:
    assert result.code == 2, result.err
    assert result.out == ""
    assert ONE_LINE.match(result.err) and "Traceback" not in result.err, result.err
    assert result.err.startswith(where), result.err
    assert fragment in result.err, result.err


# ---- whole or nothing ---------------------------------------------------------------------------------------


def test_check_of_several_files_prints_nothing_on_stdout_when_one_is_bad(cli: Callable[..., Any],
                                                                        write: Callable[..., Path]) -> None:
    bad = write("bad.yaml", "name: A bad one.\nevents: [{at: 2017-07-01, type: nothing}]\n")
    result = cli("check", str(HEADLINE), str(bad))
    assert_bad_input(result, f"{bad}:2:", "unknown event type 'nothing'")
    assert cli("check", str(HEADLINE), str(HEADLINE)).out.count(": ok (") == 2


def test_verify_of_several_files_prints_nothing_on_stdout_when_one_is_bad(cli: Callable[..., Any],
                                                                         write: Callable[..., Path]) -> None:
    bad = write("bad.yaml", "name: A bad one.\nevents: []\n")  # states no `expect:`
    good = ROOT / "scenarios" / "p48-strategic-plan-on-the-last-day.yaml"
    assert_bad_input(cli("verify", str(good), str(bad)), f"{bad}:", "states no expected findings")


def test_a_closed_standard_output_gives_exit_2_and_one_line() -> None:
    reading, writing = os.pipe()
    os.close(reading)  # whatever the command writes meets a closed pipe, as with `| head -0`
    try:
        done = subprocess.run([sys.executable, "-m", "engine.cli", "run", str(HEADLINE)], stdout=writing,
                              stderr=subprocess.PIPE, text=True, timeout=120, cwd=ROOT)
    finally:
        os.close(writing)
    assert done.returncode == 2, done.stderr
    assert done.stderr == "obligations: the standard output was closed before the output was written\n"


def test_ctrl_c_prints_one_line_and_exits_130(monkeypatch: pytest.MonkeyPatch, cli: Callable[..., Any]) -> None:
    from engine import Engine

    def interrupted(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(Engine, "run", interrupted)
    result = cli("run", str(HEADLINE))
    assert (result.code, result.out, result.err) == (130, "", "obligations: interrupted\n")


def test_ctrl_c_on_a_real_process_prints_one_line_and_exits_130(tmp_path: Path) -> None:
    process = subprocess.Popen([sys.executable, "-c", "import sys, time; from engine.cli.main import main\n"
                                "m = sys.modules['engine.cli.main']\n"
                                "m.dispatch = lambda args, out: (print('ready', file=sys.stderr, flush=True), "
                                "time.sleep(60))[1]\nsys.exit(main(['events']))"],
                               stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert process.stderr is not None
    assert process.stderr.readline() == "ready\n"
    time.sleep(0.2)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    assert (process.returncode, out, err) == (130, "", "obligations: interrupted\n")


# ---- errors name the right file and line --------------------------------------------------------------------


def test_an_assume_error_names_assume_and_no_line_of_the_scenario(cli: Callable[..., Any],
                                                                 write: Callable[..., Path]) -> None:
    scenario = write("s.yaml", "name: Some assumptions.\nassumptions:\n  threat_request_window: {days: 2}\n"
                     "events: []\n")
    result = cli("run", str(scenario), "--assume", 'threat_request_window={"days": -2}')
    assert_bad_input(result, "--assume: ", "assumption 'threat_request_window'")


def test_a_bad_assumption_in_a_base_names_the_base_and_its_line(cli: Callable[..., Any],
                                                               write: Callable[..., Path]) -> None:
    base = write("base.yaml", "name: The base.\nassumptions:\n  quarterly_interval: {weeks: 0}\nevents: []\n")
    variant = write("variant.yaml", "name: The variant.\nextends: base.yaml\nremove: []\n")
    for command in ("run", "check"):
        assert_bad_input(cli(command, str(variant)), f"{base}:3: ", "a duration of zero")


def test_an_assumption_overridden_by_the_variant_is_checked_in_the_variant(cli: Callable[..., Any],
                                                                          write: Callable[..., Path]) -> None:
    write("base.yaml", "name: The base.\nassumptions:\n  quarterly_interval: {days: 90}\nevents: []\n")
    variant = write("variant.yaml", "name: The variant.\nextends: base.yaml\nremove: []\nassumptions:\n"
                    "  quarterly_interval: {days: true}\n")
    assert_bad_input(cli("check", str(variant)), f"{variant}:5: ", "Input should be a valid integer")


def test_a_duplicate_id_names_its_own_line_whatever_the_order_of_dates(cli: Callable[..., Any],
                                                                      write: Callable[..., Path]) -> None:
    scenario = write("s.yaml", "name: Ids twice.\nevents:\n  - {id: b, at: 2017-08-01, type: obstruction, by: GATIA}\n"
                     "  - {id: a, at: 2017-07-01, type: obstruction, by: GATIA}\n"
                     "  - {id: b, at: 2017-07-02, type: obstruction, by: GATIA}\n")
    assert_bad_input(cli("check", str(scenario)), f"{scenario}:5: ", "event id 'b' is used twice (first at line 3)")


@pytest.mark.parametrize(("name", "layout"), [
    ("tabs", "{{\n\t\"name\": \"Ids twice.\",\n\t\"events\": [\n{}]}}\n"),
    ("cr", "{{\r\"name\": \"Ids twice.\",\r\"events\": [\r{}]}}\r"),
    ("crlf", "{{\r\n\"name\": \"Ids twice.\",\r\n\"events\": [\r\n{}]}}\r\n")])
def test_json_with_tabs_or_cr_line_ends_still_gets_a_line(name: str, layout: str, cli: Callable[..., Any],
                                                         write: Callable[..., Path]) -> None:
    event = '\t{"id": "b", "at": "2017-07-01", "type": "obstruction", "by": "GATIA"}'
    ending = layout[-1] if not layout.endswith("\r\n") else "\r\n"
    scenario = write(f"{name}.json", layout.format(f",{ending}".join([event, event.replace("07-01", "08-01")])))
    assert_bad_input(cli("check", str(scenario)), f"{scenario}:5: ", "event id 'b' is used twice (first at line 4)")


def test_json_with_more_values_than_the_limit_still_gets_a_line(cli: Callable[..., Any],
                                                               write: Callable[..., Path]) -> None:
    from engine.inputs import sources

    limit = getattr(sources, "MAX_NODES", 100_000)
    document = {"name": "Too many values.", "events": [], "note": list(range(limit + 10))}
    scenario = write("many.json", json.dumps(document, indent=1))
    result = cli("check", str(scenario))
    assert result.code == 2 and result.out == ""
    assert re.match(rf"^{re.escape(str(scenario))}:\d+: ", result.err), result.err


# ---- surroundings that are not scenarios -----------------------------------------------------------------------


@pytest.mark.parametrize(("target", "fragment"), [("{tmp}", "this is a folder"),
                                                  ("{tmp}/no-such-folder/out.png", "no such folder"),
                                                  ("/proc/timeline.png", "--plot: cannot write")])
def test_plot_to_a_place_that_cannot_hold_it_gives_exit_2(target: str, fragment: str, tmp_path: Path,
                                                         cli: Callable[..., Any]) -> None:
    place = target.format(tmp=tmp_path)
    if place == str(tmp_path):
        place = str(tmp_path / "a-folder.png")
        Path(place).mkdir()
    assert_bad_input(cli("run", str(HEADLINE), "--plot", place), place, fragment)


def test_plot_into_an_unwritable_folder_gives_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     cli: Callable[..., Any]) -> None:
    real = os.access
    monkeypatch.setattr(os, "access", lambda path, mode: False if Path(path) == tmp_path else real(path, mode))
    place = str(tmp_path / "out.svg")
    assert_bad_input(cli("run", str(HEADLINE), "--plot", place), place, "the folder is not writable")


def test_an_unreadable_scenarios_folder_gives_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    cli: Callable[..., Any]) -> None:
    def refuse(self: Path) -> Any:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "iterdir", refuse)
    assert_bad_input(cli("coverage", "--scenarios", str(tmp_path)), str(tmp_path), "cannot read the folder")


def test_coverage_counts_the_bundled_scenarios_whatever_the_working_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Callable[..., Any]) -> None:
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "broken.yaml").write_text("name: [unclosed\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = cli("coverage", "--json")
    assert result.code == 0, result.err
    files = {f for row in json.loads(result.out)["paragraphs"] for f in row["scenarios"]}
    assert "timbuktu-2018.yaml" in files and "broken.yaml" not in files


# ---- control characters -------------------------------------------------------------------------------------

HOSTILE = "\x1b[2K\rok: this scenario is valid\x85\u2028\u202e"


def test_control_characters_in_a_scenario_never_reach_the_output_raw(cli: Callable[..., Any],
                                                                    write: Callable[..., Path]) -> None:
    scenario = write("s.json", json.dumps({
        "name": f"A scenario {HOSTILE} with a hostile name.",
        "events": [{"id": "mine", "at": "2017-07-01", "type": "explosive_device", "device": "mine",
                    "location": f"Kidal{HOSTILE}\nKidal", "note": HOSTILE}]}))
    for args in (["run", str(scenario)], ["run", str(scenario), "--json"], ["check", str(scenario)],
                 ["explain", str(scenario), "--why-not", "22"]):
        result = cli(*args)
        assert result.code == 0, result.err
        assert not RAW_CONTROLS.search(result.out), (args, result.out)
    document = json.loads(cli("run", str(scenario), "--json").out)  # JSON readers get the characters back
    assert "\x1b[2K" in document["scenario"] and "\u202e" in document["scenario"]
    assert "\r" not in document["scenario"]  # a name is one line: its line breaks became spaces


def test_escape_writes_each_control_character_as_its_json_escape() -> None:
    assert escape(HOSTILE) == "\\u001b[2K\\u000dok: this scenario is valid\\u0085\\u2028\\u202e"
    assert escape("a\tb\nc", layout=True) == "a\tb\nc"
    assert escape("a\tb\nc") == "a\\u0009b\\u000ac"
    assert json.loads(f'"{escape(HOSTILE)}"') == HOSTILE


def test_a_file_name_with_control_characters_is_escaped_in_the_error_line(tmp_path: Path,
                                                                         cli: Callable[..., Any]) -> None:
    path = tmp_path / "x\x1b[32m\rok: valid.yaml"
    result = cli("run", str(path))
    assert result.code == 2 and result.out == ""
    assert not RAW_CONTROLS.search(result.err) and "\\u001b[32m\\u000dok: valid.yaml" in result.err


def test_an_explanation_escapes_a_line_break_in_a_field(cli: Callable[..., Any], write: Callable[..., Path]) -> None:
    scenario = write("s.json", json.dumps({
        "name": "A scenario with a line break in a location.",
        "events": [{"id": "tbk-threat", "at": "2018-04-14T14:30Z", "type": "threat", "against": "MINUSMA",
                    "level": "imminent_and_serious", "incident": "tbk", "location": "Timbuktu\nok: forged"},
                   {"id": "tbk-request", "at": "2018-04-14T14:50Z", "type": "intervention_request",
                    "by": "Secretary-General", "to": "French forces", "incident": "tbk"}]}))
    result = cli("explain", str(scenario), "37:french-forces:tbk")
    assert result.code == 0, result.err
    assert "\nok: forged" not in result.out and "Timbuktu\\u000aok: forged" in result.out
