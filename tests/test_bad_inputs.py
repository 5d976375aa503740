"""Bad input never crashes the engine: every broken scenario or rule file gives exit 2 and one located line.

* the corpus in ``tests/bad_inputs/`` (one file per case, described with its expected line and message in
  ``cases.toml``), files generated here (far too large, too many values, a directory, a missing file) and broken
  copies of the bundled rule pack each run ``obligations run`` in a subprocess with a time limit and a memory
  limit: exit 2, nothing on stdout, exactly one line ``path:line: message`` on stderr, never a traceback;
* YAML python tags never run code, in scenarios or in rule files;
* a fuzz test mutates valid scenario texts (``engine.testing.mutants``) and calls the command in-process: it
  returns 0 or 2, never raises, and on 2 prints one located line.

The subprocesses run a few at a time (one per core), so the corpus costs its startup time once per core.
"""

from __future__ import annotations

import io
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import InputError, RuleError, load_pack_from
from engine.cli.main import main
from engine.inputs.limits import BYTES_PER_VALUE
from engine.inputs.sources import parse
from engine.testing import mutants

ROOT = Path(__file__).resolve().parent.parent
FRESH = ["alias-bomb.yaml", "deep-nesting-10000-lists.json", "binary-png-header.yaml", "until-the-last-date.yaml"]
CORPUS = Path(__file__).resolve().parent / "bad_inputs"
CASES: dict[str, dict[str, Any]] = tomllib.loads((CORPUS / "cases.toml").read_text(encoding="utf-8"))
GOOD_SCENARIO = ROOT / "scenarios" / "timbuktu-2018.yaml"
SECONDS = 20  # per run, whatever the input
MEMORY = 1 << 30  # bytes of address space per run
WORKERS = max(1, min(4, os.cpu_count() or 1))
LOCATED = re.compile(r"^(?P<where>[^\n]+?)(?::(?P<line>\d+))?: (?P<message>[^\n]+)\n$")


def _limit_memory() -> None:  # runs in the child, before it starts Python
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


# ---- running the command in subprocesses ----------------------------------------------------------------------

#: A fork server: imports the engine and loads the pack once, then runs each job (one JSON line on stdin) in a
#: forked child with its own memory limit, folder and output files, killed after its time limit. One line of
#: JSON per job on stdout: its key, exit code (None when killed) and seconds. A fork costs milliseconds where a
#: fresh `python -m engine.cli` costs a second of imports and pack loading.
FORK_SERVER = r"""
import json, os, resource, signal, sys, time
from engine.api import Engine
from engine.cli.main import main

engine = Engine()
engine.run(engine.parse("name: Warming up.\nevents: []\n"))
for request in sys.stdin:
    job = json.loads(request)
    sys.stdout.flush()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        try:
            resource.setrlimit(resource.RLIMIT_AS, (job["memory"], job["memory"]))
            os.chdir(job["cwd"])
            for fd, name in ((1, "out"), (2, "err")):
                os.dup2(os.open(job[name], os.O_WRONLY | os.O_CREAT | os.O_TRUNC), fd)
            code = main(job["args"])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        except BaseException:
            import traceback
            traceback.print_exc()
            code = 99
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    code = None
    while time.monotonic() - started < job["seconds"]:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            code = os.waitstatus_to_exitcode(status)
            break
        time.sleep(0.005)
    else:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    print(json.dumps({"key": job["key"], "code": code, "seconds": time.monotonic() - started}), flush=True)
"""


@dataclass
class Job:
    """One `obligations` run: its arguments, folder and extra environment."""

    args: list[str]
    cwd: Path
    env: dict[str, str] = field(default_factory=dict)


@dataclass
class Outcome:
    code: int | None  # None: killed at the time limit
    out: str
    err: str
    seconds: float


def _output(folder: Path, key: str, stream: str) -> Path:
    return folder / f"{key.replace('/', '-')}.{stream}"


def _read(path: Path) -> str:
    return path.read_bytes().decode("utf-8", "replace") if path.exists() else ""


def start_forked(jobs: dict[str, Job], folder: Path) -> list[tuple[subprocess.Popen[str], list[str]]]:
    """Start one fork server per core, each with its share of the jobs (see FORK_SERVER)."""
    servers = []
    for number in range(WORKERS):
        keys = list(jobs)[number::WORKERS]
        requests = "".join(json.dumps({"key": key, "args": jobs[key].args, "cwd": str(jobs[key].cwd),
                                       "out": str(_output(folder, key, "out")), "err": str(_output(folder, key, "err")),
                                       "memory": MEMORY, "seconds": SECONDS}) + "\n" for key in keys)
        server = subprocess.Popen([sys.executable, "-c", FORK_SERVER], cwd=ROOT, stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True)
        assert server.stdin is not None
        server.stdin.write(requests)
        server.stdin.close()
        servers.append((server, keys))
    return servers


def collect_forked(servers: list[tuple[subprocess.Popen[str], list[str]]], folder: Path) -> dict[str, Outcome]:
    done: dict[str, Outcome] = {}
    for server, keys in servers:
        assert server.stdout is not None
        with server.stdout:
            report = server.stdout.read()
        server.wait(timeout=SECONDS * (len(keys) + 1))
        for line in report.splitlines():
            result = json.loads(line)
            key = result["key"]
            done[key] = Outcome(result["code"], _read(_output(folder, key, "out")), _read(_output(folder, key, "err")),
                                result["seconds"])
    return done


def subprocess_runs(jobs: dict[str, Job]) -> dict[str, Outcome]:
    """Run each job as a fresh `python -m engine.cli`, a few at a time, each killed after ``SECONDS``."""
    waiting = list(jobs.items())
    running: dict[str, tuple[subprocess.Popen[bytes], float, Any, Any]] = {}
    done: dict[str, Outcome] = {}
    while waiting or running:
        while waiting and len(running) < WORKERS:
            key, job = waiting.pop(0)
            out, err = tempfile.TemporaryFile(), tempfile.TemporaryFile()  # noqa: SIM115 (closed below)
            process = subprocess.Popen([sys.executable, "-m", "engine.cli", *job.args], cwd=job.cwd, stdout=out,
                                       stderr=err, env={**os.environ, **job.env}, preexec_fn=_limit_memory)
            running[key] = (process, time.monotonic(), out, err)
        for key, (process, started, out, err) in list(running.items()):
            elapsed = time.monotonic() - started
            if process.poll() is None and elapsed < SECONDS:
                continue
            if process.returncode is None:
                process.kill()
                process.wait()
            out.seek(0)
            err.seek(0)
            code = process.returncode if elapsed < SECONDS else None
            done[key] = Outcome(code, out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
                                elapsed)
            out.close()
            err.close()
            del running[key]
        time.sleep(0.01)
    return done


def assert_one_located_line(outcome: Outcome, path: str, line: int | None, message: str) -> None:
    assert outcome.code is not None, f"still running after {SECONDS} s"
    assert outcome.code == 2, f"exit {outcome.code}: {outcome.err}"
    assert outcome.out == ""
    assert "Traceback" not in outcome.err
    match = LOCATED.match(outcome.err)
    assert match, f"not one located line: {outcome.err!r}"
    assert match["where"] == path
    assert (int(match["line"]) if match["line"] else None) == line, outcome.err
    assert message in match["message"], outcome.err


# ---- the cases ------------------------------------------------------------------------------------------------

#: rule-pack breakages: (file, text to replace or None to append, replacement, expected message fragment)
PACK_CASES: dict[str, tuple[str, str | None, str | bytes, str]] = {
    "mistyped-quotation": ("04-french-forces.yaml", "Authorizes French forces, within",
                           "Authorises French forces, within", "paragraph 37: the text is not the resolution's own"),
    "unknown-event-type": ("04-french-forces.yaml", "- event: intervention_request", "- event: intervention_requets",
                           "unknown event type 'intervention_requets'"),
    "unknown-actor": ("04-french-forces.yaml", "by: Secretary-General\n        to: French forces",
                      "by: Secretary-Generale\n        to: French forces", "unknown actor 'Secretary-Generale'"),
    "unknown-parameter": ("04-french-forces.yaml", "within: {param: threat_request_window}",
                          "within: {param: threat_request_windw}", "unknown parameter 'threat_request_windw'"),
    "malformed-yaml": ("11-reports.yaml", None, "  - [unclosed\n", "invalid YAML"),
    "python-tag": ("11-reports.yaml", None, "x: !!python/object/apply:os.system ['touch PWNED-BY-A-RULE-FILE']\n",
                   "the YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed"),
    "alias": ("actors.yaml", "actors:\n", "actors:\n  - &first {id: first-actor, name: First actor}\n  - *first\n",
              "YAML aliases (*name) are not allowed"),
    "duplicate-actor": ("actors.yaml", "actors:\n", "actors:\n  - {id: security-council, name: The Council again}\n",
                        "actor id 'security-council' is defined twice"),
    "missing-file": ("resolution.yaml", "  - 11-reports.yaml", "  - 11-reports.yaml\n  - 12-missing.yaml",
                     "no such file"),
    "empty-file": ("06-environment.yaml", "", "", "the file holds no document"),
    "not-utf8": ("06-environment.yaml", "", b"section: Environment caf\xe9\n", "cannot read"),
}


REPORTED = {"missing-file": "12-missing.yaml"}  # the file the error names, when not the one changed


def broken_pack(root: Path, case: str) -> Path:
    """A copy of the bundled `rules` package under ``root`` with one thing broken; returns the broken file."""
    file, old, new, _ = PACK_CASES[case]
    shutil.copytree(ROOT / "rules", root / "rules", ignore=shutil.ignore_patterns("__pycache__"))
    path = root / "rules" / "res2364" / file
    if isinstance(new, bytes):
        path.write_bytes(new)
    elif old is None:
        path.write_text(path.read_text(encoding="utf-8") + new, encoding="utf-8")
    elif old == "":
        path.write_text(new, encoding="utf-8")
    else:
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{case}: the pack no longer contains {old!r}; update PACK_CASES"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


SMALL_LIMIT = 1_000_000  # --max-bytes for the generated files: the default (256 MiB) is too large to write here


def generated_files(folder: Path) -> dict[str, tuple[Path, int | None, str, list[str]]]:
    """Bad files too big to keep in the corpus, and special files: (path, line, message fragment, options)."""
    large = folder / "far-larger-than-any-scenario.yaml"
    event = "  - {at: 2017-07-01, type: obstruction, by: GATIA}\n"
    large.write_text("name: Far too large.\nevents:\n" + event * (2 * SMALL_LIMIT // len(event)), encoding="utf-8")
    many = folder / "too-many-values.yaml"
    values = SMALL_LIMIT // BYTES_PER_VALUE
    many.write_text("name: Too many values.\nevents: []\nnote: [" + "1," * (values + 10) + "1]\n", encoding="utf-8")
    assert many.stat().st_size < SMALL_LIMIT
    (folder / "a-folder.yaml").mkdir()
    fifo = folder / "a-fifo.yaml"
    os.mkfifo(fifo)
    linked = folder / "linked"
    linked.mkdir()
    (linked / "zero.yaml").symlink_to("/dev/zero")
    small = ["--max-bytes", str(SMALL_LIMIT)]
    (folder / "symlink-loop.yaml").symlink_to("symlink-loop.yaml")
    extends_loop = folder / "extends-a-symlink-loop.yaml"
    extends_loop.write_text("name: A variant of a base that is a loop of links.\nextends: symlink-loop.yaml\n",
                            encoding="utf-8")
    special = "is not a regular file (a device, FIFO or socket)"
    return {
        "extends-a-symlink-loop": (extends_loop, 2, "extends: cannot follow 'symlink-loop.yaml'", []),
        "a-symlink-loop": (folder / "symlink-loop.yaml", None, "cannot read the scenario file", []),
        "far-larger-than-any-scenario": (large, None, f"the limit is {SMALL_LIMIT:,} bytes (--max-bytes)", small),
        "too-many-values": (many, 3, f"the file holds more than {values:,} values", small),
        "a-folder": (folder / "a-folder.yaml", None, "is a directory, not a scenario file", []),
        "missing-file": (folder / "no-such-file.yaml", None, "no such scenario file", []),
        "dev-zero": (Path("/dev/zero"), None, special, []),
        "dev-urandom": (Path("/dev/urandom"), None, special, []),
        "a-fifo": (fifo, None, special, []),
        "a-symlink-to-dev-zero-in-a-scenarios-folder": (linked / "zero.yaml", None, special,
                                                        ["--scenarios", str(linked)]),
    }


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("bad-inputs")


@pytest.fixture(scope="module")
def generated(work: Path) -> dict[str, tuple[Path, int | None, str, list[str]]]:
    folder = work / "generated"
    folder.mkdir()
    return generated_files(folder)


@pytest.fixture(scope="module")
def outcomes(work: Path, generated: dict[str, tuple[Path, int | None, str, list[str]]]) -> dict[str, Outcome]:
    """Every run of this module: the corpus and the generated files in forked children of a warm engine; broken
    packs (which need a fresh import of `rules`) and a few corpus files as fresh `python -m engine.cli` runs."""
    forked = {f"corpus/{name}": Job(["run", str(CORPUS / name)], work) for name in CASES}
    forked.update({f"generated/{name}": Job(_generated_args(path, options), work)
                   for name, (path, _, _, options) in generated.items()})
    fresh = {f"fresh/{name}": Job(["run", str(CORPUS / name)], work) for name in FRESH}
    for case in PACK_CASES:
        root = work / "packs" / case
        broken_pack(root, case)
        fresh[f"pack/{case}"] = Job(["run", str(GOOD_SCENARIO)], root, {"PYTHONPATH": str(root)})
    outputs = work / "outputs"
    outputs.mkdir()
    servers = start_forked(forked, outputs)
    fresh_outcomes = subprocess_runs(fresh)
    return {**collect_forked(servers, outputs), **fresh_outcomes}


def test_every_corpus_file_is_described_and_every_description_has_its_file() -> None:
    files = {p.name for p in CORPUS.iterdir() if p.name != "cases.toml"}
    assert files == set(CASES)
    assert all({"tests", "message"} <= set(case) <= {"tests", "message", "line", "where"} for case in CASES.values())


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_broken_scenario_file_gives_exit_2_and_one_located_line(name: str, outcomes: dict[str, Outcome]) -> None:
    case = CASES[name]  # `where`: the file the error names, when another file (a base) makes the mistake
    assert_one_located_line(outcomes[f"corpus/{name}"], str(CORPUS / case.get("where", name)), case.get("line"),
                            case["message"])


def _generated_args(path: Path, options: list[str]) -> list[str]:
    if "--scenarios" in options:  # a folder of scenarios holding the file
        return ["coverage", *options]
    return ["run", str(path), *options]


@pytest.mark.parametrize("name", ["far-larger-than-any-scenario", "too-many-values", "a-folder", "missing-file",
                                  "dev-zero", "dev-urandom", "a-fifo", "a-symlink-to-dev-zero-in-a-scenarios-folder",
                                  "extends-a-symlink-loop", "a-symlink-loop"])
def test_a_generated_bad_or_special_file_gives_exit_2_and_one_located_line_at_once(
        name: str, outcomes: dict[str, Outcome], generated: dict[str, tuple[Path, int | None, str, list[str]]]) -> None:
    path, line, message, _ = generated[name]
    outcome = outcomes[f"generated/{name}"]
    assert_one_located_line(outcome, str(path), line, message)
    if "regular file" in message:  # refused without reading or waiting
        assert outcome.seconds < 5


@pytest.mark.parametrize("case", sorted(PACK_CASES))
def test_a_broken_rule_pack_gives_exit_2_and_one_line_naming_the_rule_file(case: str,
                                                                         outcomes: dict[str, Outcome]) -> None:
    file, _, _, message = PACK_CASES[case]
    outcome = outcomes[f"pack/{case}"]
    match = LOCATED.match(outcome.err)
    assert match, outcome.err
    line = int(match["line"]) if match["line"] else None  # rule files change; the line is not pinned
    assert_one_located_line(outcome, f"rules/res2364/{REPORTED.get(case, file)}", line, message)


@pytest.mark.parametrize("name", FRESH)
def test_a_fresh_process_gives_the_same_exit_and_line_as_a_forked_one(name: str, outcomes: dict[str, Outcome]) -> None:
    fresh, forked = outcomes[f"fresh/{name}"], outcomes[f"corpus/{name}"]
    assert (fresh.code, fresh.out, fresh.err) == (forked.code, forked.out, forked.err) == (2, "", forked.err)


def test_no_bad_input_takes_more_than_the_time_limit(outcomes: dict[str, Outcome]) -> None:
    slow = {key: round(o.seconds, 1) for key, o in outcomes.items() if o.code is None or o.seconds >= SECONDS}
    assert slow == {}


# ---- YAML tags never run code ---------------------------------------------------------------------------------

DANGEROUS_TAGS = [
    "!!python/object/apply:os.system ['touch {marker}']",
    "!!python/object/new:subprocess.Popen [['touch', '{marker}']]",
    "!!python/name:os.system",
    "!!python/module:os",
]


@pytest.mark.parametrize("tag", DANGEROUS_TAGS)
def test_a_python_tag_in_a_scenario_is_refused_and_runs_nothing(tag: str, tmp_path: Path) -> None:
    marker = tmp_path / "PWNED"
    text = f"name: A scenario.\nevents:\n  - {tag.format(marker=marker)}\n"
    with pytest.raises(InputError, match="is not allowed in these files"):
        parse(text, path="evil.yaml")
    assert not marker.exists()


def test_a_python_tag_in_a_rule_file_is_refused_and_runs_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "PWNED"
    path = broken_pack(tmp_path, "python-tag")
    path.write_text(path.read_text(encoding="utf-8").replace("PWNED-BY-A-RULE-FILE", str(marker)), encoding="utf-8")
    with pytest.raises(RuleError, match=r"python/object/apply:os\.system' is not allowed"):
        load_pack_from(tmp_path / "rules" / "res2364")
    assert not marker.exists()


def test_the_subprocess_runs_with_python_tags_left_no_trace(outcomes: dict[str, Outcome], work: Path) -> None:
    assert outcomes["corpus/python-tag-os-system.yaml"].code == 2
    assert outcomes["pack/python-tag"].code == 2
    assert list(work.rglob("PWNED*")) == []


# ---- fuzzing ----------------------------------------------------------------------------------------------------

FUZZ = settings(max_examples=6 * settings().max_examples)  # ci: a few hundred; long: thousands


@pytest.fixture(scope="module")
def fuzz_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield tmp_path_factory.mktemp("fuzz")


@FUZZ
@given(st.sampled_from(("yaml", "json")).flatmap(lambda form: st.tuples(st.just(form), mutants(form))))
def test_a_mutated_scenario_gives_exit_0_or_2_and_never_raises(fuzz_folder: Path, mutant: tuple[str, bytes]) -> None:
    form, data = mutant
    path = fuzz_folder / f"mutant.{form}"
    path.write_bytes(data)
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["run", str(path)])
    assert code in (0, 2), err.getvalue()
    if code == 2:
        assert out.getvalue() == ""
        match = LOCATED.match(err.getvalue())
        assert match and match["where"] == str(path), err.getvalue()
    else:
        assert err.getvalue() == "" and out.getvalue().startswith("Scenario: ")
