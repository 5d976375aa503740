"""The `obligations` command: tables, the JSON contract, validation, and one-line errors with exit 2."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HEADLINE = str(ROOT / "scenarios" / "timbuktu-2018.yaml")
LOCATED = re.compile(r"^(?P<path>[^\n]+?):(?P<line>\d+): (?P<message>[^\n]+)\n$")

GOOD = """\
name: One quarterly report on time.
events:
  - {id: q1, at: 2017-09-01, type: report, by: Secretary-General, kind: quarterly}
"""


def test_run_prints_a_table_of_findings_with_their_explanations(cli: Callable[..., object]) -> None:
    result = cli("run", HEADLINE)
    assert result.code == 0, result.err
    header = next(line for line in result.out.splitlines() if line.startswith("ID "))
    assert header.split() == ["ID", "¶", "KIND", "SUBJECT", "STATUS", "OPENED", "DUE", "CLOSED", "EVENTS"]
    assert "37:french-forces:tbk-2018-04-14" in result.out
    assert 'Paragraph 37: "when under imminent and serious threat upon request of the Secretary-General"' in result.out


def test_run_json_follows_the_contract(cli: Callable[..., object]) -> None:
    result = cli("run", HEADLINE, "--json")
    assert result.code == 0
    document = json.loads(result.out)
    assert {"scenario", "resolution", "start", "until", "findings"} <= set(document)
    assert document["resolution"] == "2364 (2017)"
    assert (document["start"], document["until"]) == ("2017-06-29", "2018-06-30")
    required = {"id", "paragraph", "kind", "subject", "status", "opened", "due", "closed", "events", "criterion",
                "explanation"}
    statuses = {
        "obligation": {"active", "fulfilled", "violated", "expired", "discharged"},
        "authorization": {"granted", "exercised", "lapsed"},
        "eligibility": {"eligible"},
        "breach": {"breach"},
        "not_covered": {"not_covered"},
        "engagement": {"engaged"},
    }
    for finding in document["findings"]:
        assert required <= set(finding)
        assert finding["status"] in statuses[finding["kind"]]
        assert finding["explanation"].startswith(f"Paragraph {finding['paragraph']}: \"")
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", finding["opened"])
        assert finding["due"] is None or re.fullmatch(r"\d{4}-\d\d-\d\d", finding["due"])
        assert (finding["criterion"] is not None) == (finding["kind"] == "eligibility")
    assert len({f["id"] for f in document["findings"]}) == len(document["findings"])


def test_two_runs_in_two_processes_print_byte_identical_json() -> None:
    command = [sys.executable, "-m", "engine.cli", "run", HEADLINE, "--json"]
    first = subprocess.run(command, capture_output=True, check=True, cwd="/")
    second = subprocess.run(command, capture_output=True, check=True, cwd=ROOT)
    assert first.stdout == second.stdout and first.stdout


def test_check_validates_without_replaying(cli: Callable[..., object], write: Callable[..., Path]) -> None:
    result = cli("check", str(write("ok.yaml", GOOD)))
    assert result.code == 0 and result.out.endswith(": ok (1 events, 2017-06-29 to 2018-06-30)\n")


def test_verify_fails_with_status_1_when_a_scenario_expects_otherwise(cli: Callable[..., object],
                                                                       write: Callable[..., Path]) -> None:
    path = write("wrong.yaml", GOOD + 'expect:\n  paragraphs: ["48"]\n  findings: []\n')
    result = cli("verify", str(path))
    assert result.code == 1
    assert "unexpected finding 48:2017-12-26 (obligation, violated)" in result.out


def test_assume_overrides_an_assumption_and_the_output_says_so(cli: Callable[..., object],
                                                                write: Callable[..., Path]) -> None:
    result = cli("run", str(write("ok.yaml", GOOD)), "--json", "--assume", 'quarterly_interval={"days": 90}')
    document = json.loads(result.out)
    assert document["assumptions"]["quarterly_interval"] == {
        "value": {"days": 90}, "overridden": True, "paragraph": "47",
        "says": "every three months after the adoption of this resolution"}
    assert "47:2017-09-27" in {f["id"] for f in document["findings"]}


BAD_SCENARIOS = {
    "missing field": (GOOD.replace(", kind: quarterly", ""), 3, "missing required field 'kind'"),
    "unknown event type": (GOOD.replace("type: report", "type: reprot"), 3,
                           "unknown event type 'reprot'; did you mean 'report'?"),
    "unknown actor": (GOOD.replace("by: Secretary-General", "by: Secretary-Generale"), 3,
                      "unknown actor 'Secretary-Generale'; did you mean 'Secretary-General'"),
    "wrong field type": ("name: x y\nevents:\n  - at: 2017-08-01\n    type: deployment\n    military: many\n", 5,
                         "military: Input should be a valid integer"),
    "impossible date": (GOOD.replace("2017-09-01", "2017-02-30"), 3, "'2017-02-30' is not a real date"),
    "unknown key": (GOOD + "colour: red\n", 4, "unknown key 'colour'"),
    "bad YAML": ("name: [unclosed\nevents: []\n", 2, "invalid YAML"),
    "event outside the window": (GOOD.replace("2017-09-01", "2019-01-01"), 3,
                                 "outside the scenario's window 2017-06-29 to 2018-06-30"),
    "duplicate ids": (GOOD + "  - {id: q1, at: 2017-09-02, type: report, by: SG, kind: quarterly}\n", 4,
                      "event id 'q1' is used twice (first at line 3)"),
    "mixed offsets": ("name: x y\nevents:\n  - {at: '2017-08-01T10:00Z', type: deployment, military: 1}\n"
                      "  - {at: '2017-08-01T11:00', type: deployment, military: 2}\n", 4, "mixes date-times"),
    "huge number": ("name: x y\nevents:\n  - {at: 2017-08-01, type: deployment, military: 10000000000000000000000}\n",
                    3, "less than or equal to 10000000"),
    "alias": ("name: &n x y\nalso: *n\nevents: []\n", 2, "aliases"),
    "duplicate key": ("name: a b\nname: c d\nevents: []\n", 2, "appears twice"),
    "not a mapping": ("- just\n- a list\n", 1, "a scenario is a mapping"),
    "empty": ("   \n", 1, "the scenario file is empty"),
}


@pytest.mark.parametrize("case", sorted(BAD_SCENARIOS))
def test_bad_scenario_gives_exit_2_and_one_located_line(case: str, cli: Callable[..., object],
                                                        write: Callable[..., Path]) -> None:
    text, line, message = BAD_SCENARIOS[case]
    path = write("bad.yaml", text)
    result = cli("run", str(path))
    assert result.code == 2
    assert result.out == ""
    match = LOCATED.match(result.err)
    assert match, result.err
    assert match["path"] == str(path)
    assert int(match["line"]) == line, result.err
    assert message in match["message"]


def test_bad_json_scenario_names_the_line(cli: Callable[..., object], write: Callable[..., Path]) -> None:
    path = write("bad.json", '{\n  "name": "x y",\n  "events": [,]\n}\n')
    result = cli("run", str(path))
    assert result.code == 2 and result.err.startswith(f"{path}:3: invalid JSON")


def test_json_scenario_errors_are_located_too(cli: Callable[..., object], write: Callable[..., Path]) -> None:
    path = write("bad.json", '{\n  "name": "x y",\n  "events": [\n    {"at": "2017-08-01", "type": "attack"}\n  ]\n}\n')
    result = cli("check", str(path))
    assert result.code == 2 and result.err == f"{path}:4: missing required field 'target'\n"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"name: x\xff\n", "not valid UTF-8"),
        (b"\x00\x01\x02binary", "binary"),
    ],
)
def test_unreadable_bytes_give_exit_2(content: bytes, message: str, cli: Callable[..., object],
                                      write: Callable[..., Path]) -> None:
    result = cli("run", str(write("bad.yaml", content)))
    assert result.code == 2 and message in result.err and result.err.count("\n") == 1


def test_a_missing_file_gives_exit_2(cli: Callable[..., object], tmp_path: Path) -> None:
    result = cli("run", str(tmp_path / "nope.yaml"))
    assert result.code == 2 and result.err == f"{tmp_path / 'nope.yaml'}: no such scenario file\n"


def test_an_unknown_assumption_on_the_command_line_gives_exit_2(cli: Callable[..., object],
                                                                 write: Callable[..., Path]) -> None:
    result = cli("run", str(write("ok.yaml", GOOD)), "--assume", "mandate_end=2019-01-01")
    assert result.code == 2 and "'mandate_end' is fixed by the text" in result.err


def test_a_bad_command_line_gives_exit_2(cli: Callable[..., object]) -> None:
    result = cli("frobnicate")
    assert result.code == 2 and result.err.startswith("obligations: ")


def test_the_console_script_is_installed() -> None:
    script = Path(sys.executable).parent / "obligations"
    result = subprocess.run([str(script), "check", HEADLINE], capture_output=True, text=True)
    assert result.returncode == 0 and "ok (14 events" in result.stdout


# the libraries and engine modules that only a command's work needs: `--help` and argument errors import none
_HEAVY = ("pydantic", "yaml", "simpy", "durable_rules_engine", "durable", "numpy", "matplotlib", "engine.api",
          "engine.inputs", "engine.rulepack", "engine.replay", "engine.outputs", "engine.explain", "engine.exercise",
          "engine.sweep")


def _imported_by(*args: str) -> tuple[int, list[str]]:
    """Run `obligations ARGS` in a fresh interpreter; its exit status and the heavy modules it imported."""
    probe = (
        "import sys\n"
        "from engine.cli.main import main\n"
        "try:\n"
        f"    code = main({list(args)!r})\n"
        "except SystemExit as exc:\n"
        "    code = exc.code\n"
        f"heavy = sorted(m for m in sys.modules if m.split('.')[0] in {_HEAVY!r} or m.startswith({_HEAVY!r}))\n"
        "print(code, *heavy, file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True)
    code, *heavy = result.stderr.splitlines()[-1].split()
    return int(code), heavy


@pytest.mark.parametrize("args", [("--help",), ("frobnicate",), ("--max-bytes", "0", "run", "x.yaml")])
def test_help_and_argument_errors_import_no_library_and_no_engine_module(args: tuple[str, ...]) -> None:
    code, heavy = _imported_by(*args)
    assert code == (0 if args == ("--help",) else 2)
    assert heavy == []


@pytest.mark.parametrize("args", [("run", "--help"), ("exercise", "serve", "--help"), ("run", HEADLINE, "--kind")])
def test_a_command_s_help_and_its_argument_errors_import_none_of_the_libraries(args: tuple[str, ...]) -> None:
    code, heavy = _imported_by(*args)
    assert code == (0 if "--help" in args else 2)
    assert [m for m in heavy if not m.startswith("engine.")] == []


def test_a_warm_run_builds_no_validator_of_the_scenario_s_top_level_nor_looks_for_pydantic_plugins(
        tmp_path: Path) -> None:
    probe = (
        "import contextlib, io, os, sys\n"
        "from engine.cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    code = main(['run', {HEADLINE!r}])\n"
        "from engine.inputs.header import Header as _Header\n"
        "from pydantic.plugin import _loader\n"
        "drawn = sorted(m for m in sys.modules if m.startswith(('matplotlib', 'engine.explain', 'engine.outputs.html',"
        " 'engine.outputs.plot', 'engine.sweep.', 'engine.exercise.', 'engine.inputs.variants')))\n"
        "print(code, _Header.__pydantic_complete__, _loader._plugins, 'PYDANTIC_DISABLE_PLUGINS' in os.environ, *drawn,"
        " file=sys.stderr)\n"
    )
    environment = {**os.environ, "OBLIGATIONS_CACHE_DIR": str(tmp_path)}
    environment.pop("PYDANTIC_DISABLE_PLUGINS", None)
    for _ in range(2):  # cold, then warm
        result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True,
                                env=environment)
    assert result.stderr.splitlines()[-1].split() == ["0", "False", "None", "False"]  # and the variable unset again


def _cold_then_warm(probe: str, cache: Path) -> tuple[list[str], list[str]]:
    """The words of the last line ``probe`` writes on stderr, run in a fresh interpreter with an empty rule-pack
    cache in ``cache`` (cold), then again with the cache it filled (warm)."""
    environment = {**os.environ, "OBLIGATIONS_CACHE_DIR": str(cache)}
    cold, warm = (subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True,
                                 env=environment).stderr.splitlines()[-1].split() for _ in range(2))
    return cold, warm


@pytest.mark.parametrize("json_output", [False, True])
def test_a_warm_run_of_the_headline_scenario_imports_none_of_pydantic_importlib_metadata_openssl_or_zoneinfo(
        tmp_path: Path, json_output: bool) -> None:
    args = ["run", HEADLINE, *(["--json"] if json_output else [])]
    probe = (
        "import contextlib, io, sys\n"
        "from engine.cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        f"    code = main({args!r})\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('pydantic', 'pydantic_core')"
        " or m in ('importlib.metadata', '_hashlib', 'zoneinfo'))\n"
        "print(code, len(out.getvalue()), *heavy, file=sys.stderr)\n"
    )
    cold, warm = _cold_then_warm(probe, tmp_path)
    assert cold[0] == "0" and "pydantic" in cold  # the first run reads, checks and caches the pack with pydantic
    assert warm == cold[:2]  # the same output's length, and nothing of pydantic or of importlib.metadata


def test_a_warm_run_of_a_json_scenario_imports_neither_pydantic_nor_pyyaml(tmp_path: Path) -> None:
    scenario = str(ROOT / "scenarios" / "p37-request-before-threat-still-joins.json")
    probe = (
        "import contextlib, io, sys\n"
        "from engine.cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        f"    code = main(['run', '--json', {scenario!r}])\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('pydantic', 'pydantic_core', 'yaml'))\n"
        "print(code, len(out.getvalue()) > 100, *heavy, file=sys.stderr)\n"
    )
    cold, warm = _cold_then_warm(probe, tmp_path)
    assert cold[:2] == ["0", "True"] and "yaml" in cold  # the first run reads the pack's YAML
    assert warm == ["0", "True"]


def test_a_command_asks_the_terminal_s_width_only_to_show_help_which_still_follows_it(tmp_path: Path) -> None:
    probe = (
        "import contextlib, io, os, sys\n"
        "from engine.cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    code = main(['check', {HEADLINE!r}])\n"
        "print(code, 'shutil' in sys.modules, file=sys.stderr)\n"
        "lines = []\n"
        "for columns in ('50', '200'):\n"
        "    os.environ['COLUMNS'] = columns\n"
        "    with contextlib.redirect_stdout(io.StringIO()) as shown, contextlib.suppress(SystemExit):\n"
        "        main(['run', '--help'])\n"
        "    lines.append(len(shown.getvalue().splitlines()))\n"
        "print(lines[0] > lines[1], 'shutil' in sys.modules, file=sys.stderr)\n"
    )
    environment = {**os.environ, "OBLIGATIONS_CACHE_DIR": str(tmp_path)}
    for _ in range(2):  # cold (the pack is read and cached), then warm: the second is judged
        result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True,
                                env=environment)
    checked, helped = (line.split() for line in result.stderr.splitlines()[-2:])
    assert checked == ["0", "False"]  # checking a scenario never asked the terminal's width
    assert helped == ["True", "True"]  # help did, and wrapped narrower for a narrower terminal


def test_the_command_s_own_process_sets_the_loaded_scenario_aside_and_keeps_it_to_the_end_and_main_does_not(
) -> None:
    probe = (
        "import atexit, contextlib, gc, io, sys\n"
        "atexit.register(print, 'at exit', file=sys.stderr)  # so that command() returns (see the test below)\n"
        "from engine import api\n"
        "from engine.cli.main import command, main\n"
        "cli = sys.modules['engine.cli.main']\n"
        "seen = []\n"
        "replay = api.Engine.run\n"
        "def run(self, scenario, **kwargs):\n"
        "    seen.append((gc.get_freeze_count(), scenario.event_count))\n"
        "    return replay(self, scenario, **kwargs)\n"
        "api.Engine.run = run\n"
        f"sys.argv = ['obligations', 'run', '--json', {HEADLINE!r}]\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(sys.argv[1:])\n"
        "    kept_by_main = len(cli._kept)\n"
        "    command()\n"
        "(by_main, events), (by_command, _) = seen\n"
        "(kept,) = cli._kept\n"
        "print(by_main, by_command > 20 * events, kept_by_main, kept[0].event_count == events, file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stderr.split() == ["0", "True", "0", "True", "at", "exit"]


def test_the_command_s_entry_point_answers_as_main_and_tunes_the_collector_for_a_process_of_its_own() -> None:
    probe = (
        "import atexit, contextlib, gc, io, sys\n"
        "atexit.register(print, 'at exit', file=sys.stderr)  # so that command() returns (see the test below)\n"
        "from engine.cli.main import command, main\n"
        f"sys.argv = ['obligations', 'check', {HEADLINE!r}]\n"
        "with contextlib.redirect_stdout(io.StringIO()) as first:\n"
        "    expected = main(sys.argv[1:])\n"
        "frozen_before = gc.get_freeze_count()\n"
        "with contextlib.redirect_stdout(io.StringIO()) as second:\n"
        "    code = command()\n"
        "from engine.cli.main import YOUNG_OBJECTS\n"
        "print(code == expected, first.getvalue() == second.getvalue(), frozen_before, gc.get_freeze_count() > 0,"
        " gc.get_threshold()[0] == YOUNG_OBJECTS > 700, file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stderr.split() == ["True", "True", "0", "True", "True", "at", "exit"]


def test_a_profiler_of_the_command_still_writes_its_results_as_the_process_ends(tmp_path: Path) -> None:
    profile = tmp_path / "run.prof"
    done = subprocess.run([sys.executable, "-m", "cProfile", "-o", str(profile), "-m", "engine.cli", "run", HEADLINE],
                          capture_output=True, text=True, cwd=ROOT, check=False)
    assert done.returncode == 0 and "Resolution 2364" in done.stdout
    assert profile.stat().st_size > 0  # written after the command returned: the process did not end inside it


def test_a_command_started_with_its_standard_output_closed_says_so_in_one_line_and_exits_2() -> None:
    done = subprocess.run(["bash", "-c", f'"{sys.executable}" -m engine.cli run "{HEADLINE}" >&-'],
                          capture_output=True, text=True, cwd=ROOT, check=False)
    assert done.returncode == 2
    assert done.stderr.splitlines() == ["obligations: the standard output was closed before the output was written"]


@pytest.mark.parametrize("registered", [False, True])
def test_the_command_ends_its_process_at_once_when_nothing_is_registered_to_run_at_exit(registered: bool) -> None:
    probe = (
        "import atexit, sys\n"
        "from engine.cli.main import command\n"
        + ("atexit.register(print, 'at exit', file=sys.stderr)\n" if registered else "")
        + f"sys.argv = ['obligations', 'run', '--json', {HEADLINE!r}]\n"
        "code = command()\n"
        "print('returned', code, file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=False)
    direct = subprocess.run([sys.executable, "-m", "engine.cli", "run", "--json", HEADLINE], capture_output=True,
                            text=True, cwd=ROOT, check=False)
    assert result.returncode == direct.returncode == 0
    assert result.stdout == direct.stdout and json.loads(result.stdout)["findings"]  # the whole output, flushed
    assert result.stderr.split() == (["returned", "0", "at", "exit"] if registered else [])


def test_the_limits_help_shows_are_the_limits_applied() -> None:
    from engine.cli.limits import SHOWN_MAX_BYTES, SHOWN_MAX_EVENTS
    from engine.inputs.limits import DEFAULT_MAX_BYTES, DEFAULT_MAX_EVENTS, MIB

    assert f"{DEFAULT_MAX_BYTES // MIB} MiB" == SHOWN_MAX_BYTES and DEFAULT_MAX_BYTES % MIB == 0
    assert f"{DEFAULT_MAX_EVENTS:,}" == SHOWN_MAX_EVENTS


def test_a_command_s_help_lists_its_own_options_then_the_limits(cli: Callable[..., object]) -> None:
    result = cli("run", "--help")
    assert result.code == 0
    usage = " ".join(result.out.split("\n\n")[0].split())
    assert usage.startswith("usage: obligations run [-h] [--json]")
    assert usage.index("[--as-of INSTANT]") < usage.index("[--max-bytes SIZE]") < usage.index("scenario")


@pytest.mark.parametrize(("args", "expected"), [
    (("check",), "the following arguments are required: scenarios"),
    (("import",), "the following arguments are required: source"),
    (("sweep", "spec.yaml", "--workers", "x"), "argument --workers: invalid int value: 'x'"),
])
def test_a_command_made_when_used_checks_its_own_arguments(cli: Callable[..., object], args: tuple[str, ...],
                                                            expected: str) -> None:
    result = cli(*args)
    assert result.code == 2 and result.out == ""
    assert result.err == f"obligations: {expected} (see `obligations --help`)\n"


def test_every_command_is_listed_and_has_its_own_help(cli: Callable[..., object]) -> None:
    listed = cli("--help").out
    for command, option in [("coverage", "--scenarios"), ("sweep", "--workers"), ("verify", "scenarios"),
                            ("exercise", "serve"), ("import", "acled"), ("diff", "--plot")]:
        assert f"\n    {command} " in listed
        own = cli(command, "--help")
        assert own.code == 0 and own.out.startswith(f"usage: obligations {command} [-h]") and option in own.out
