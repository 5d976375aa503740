"""Start-up: how long the ``obligations`` command takes in a fresh process, beside Python's own start-up.

    .venv/bin/python benchmarks/startup.py [--repeat 15] [--scenario scenarios/timbuktu-2018.yaml]

Each command runs ``--repeat`` times in a fresh process; the commands take turns within each round (so that a
burst of load from other processes falls on all of them), and the median of each is reported. Measured in the
same run:

* baselines: ``python -c pass`` (the interpreter and its ``site``); ``python -c "import simpy,
  durable_rules_engine, yaml"`` (the libraries every replay of a YAML scenario needs); the same with ``from
  pydantic import BaseModel`` (what a run that imports pydantic at all cannot go below); and the same libraries
  with SimPy made as the command makes it, without its version lookup (:mod:`engine.cli.simpyshell`): the floor
  of a warm run;
* ``obligations --help`` (target: under 0.1 s);
* ``obligations run SCENARIO`` warm: with the rule-pack cache filled by an earlier run (target: under 0.25 s);
* ``obligations run SCENARIO`` with the cache disabled (``OBLIGATIONS_NO_CACHE=1``): every run reads, checks and
  compiles the rule pack, as a first run does.

Then (unless ``--no-breakdown``) where a warm run's time goes: a fresh process times each stage of the same run in
itself (importing the libraries, the engine's modules and the command line; the pack from the cache;
loading the scenario; the replay; the table), median of ``--repeat`` processes, wall clock and processor, and
how many of the modules such a run imported are pydantic's (the warm path is meant to import none).

The cache lives in a temporary folder for the duration of the script, never in the user's own cache. The
engine's modules are measured with their bytecode compiled (``__pycache__``), as an installed package has it and
as ``scripts/bootstrap`` makes it: the script compiles those that lack it first, and says how many did (with
``PYTHONDONTWRITEBYTECODE`` set and no bytecode, every run would compile the engine's sources again, which costs
more than all the rest of the start-up). It prints a plain-text report and exits 0.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HELP_TARGET_S = 0.1
RUN_TARGET_S = 0.25
LIBRARIES = "import simpy, durable_rules_engine, yaml"
WITH_PYDANTIC = f"{LIBRARIES}; from pydantic import BaseModel"
#: the libraries a warm run imports, SimPy made as the command makes it (without its version lookup)
AS_THE_COMMAND = f"from engine.cli import simpyshell; simpyshell.install(); {LIBRARIES}"
#: a warm run, stage by stage, in one process: prints one line of JSON, {stage: [wall s, processor s]}
_STAGES = """
import json, sys, time
marks = [("start", time.perf_counter(), time.process_time())]
def mark(name):
    marks.append((name, time.perf_counter(), time.process_time()))
from engine.cli import simpyshell
simpyshell.install()
import simpy, durable_rules_engine, yaml
mark("import simpy (as the command makes it), durable_rules_engine, yaml")
import engine.api
mark("import the engine (engine.api and the modules it needs)")
from engine.cli.main import build_parser
import engine.cli.filters, engine.cli.outputs, engine.outputs.filters
parser = build_parser()
args = parser.parse_args(["run", sys.argv[1]])
mark("import the command line and parse the arguments")
from engine.api import Engine
engine = Engine()
mark("the rule pack from the cache (checked, unpickled)")
scenario = engine.load(sys.argv[1])
mark("load the scenario (parse, validate its events: builds the event types' validators)")
report = engine.run(scenario)
mark("replay (assumptions, ruleset into durable-rules, SimPy clock, report)")
from engine.outputs.report import render_table
text = render_table(report, total=len(report.findings), selection=None)
mark("the table")
stages = {name: [t - marks[i][1], c - marks[i][2]] for i, (name, t, c) in enumerate(marks[1:])}
pydantic = sorted(m for m in sys.modules if m.split(".")[0] in ("pydantic", "pydantic_core"))
print(json.dumps({"stages": stages, "pydantic": len(pydantic), "modules": len(sys.modules)}))
"""


def _obligations() -> list[str]:
    script = Path(sys.executable).parent / "obligations"
    return [str(script)] if script.exists() else [PYTHON, "-m", "engine.cli.main"]


def _time(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall-clock seconds of one fresh process, and the processor seconds it used (user and system)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr.decode().strip()}")
    return seconds, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def _bytecode_note() -> str:
    """Compile the engine's modules that lack bytecode, as ``scripts/bootstrap`` does; say how many there were."""
    sources = sorted((ROOT / "engine").rglob("*.py"))
    tag = sys.implementation.cache_tag
    missing = [p for p in sources if not (p.parent / "__pycache__" / f"{p.stem}.{tag}.pyc").exists()]
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(ROOT / "engine")], check=True,
                   stdout=subprocess.DEVNULL)  # also those whose source is newer than their bytecode
    writes = "not written (PYTHONDONTWRITEBYTECODE is set)" if os.environ.get("PYTHONDONTWRITEBYTECODE") else "written"
    return (f"engine bytecode: {len(missing)} of {len(sources)} modules lacked it and were compiled first (as "
            f"scripts/bootstrap does); Python's own bytecode {writes}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="fresh processes per command (default 15)")
    parser.add_argument("--scenario", default="scenarios/timbuktu-2018.yaml")
    parser.add_argument("--no-breakdown", dest="breakdown", action="store_false",
                        help="skip the stage-by-stage timing of a warm run")
    args = parser.parse_args()
    obligations = _obligations()
    bytecode = _bytecode_note()
    with tempfile.TemporaryDirectory(prefix="startup-bench-") as cache:
        env = {**os.environ, "OBLIGATIONS_CACHE_DIR": cache}
        env.pop("OBLIGATIONS_NO_CACHE", None)
        cold_env = {**env, "OBLIGATIONS_NO_CACHE": "1"}
        commands: dict[str, tuple[list[str], dict[str, str]]] = {
            "python -c pass": ([PYTHON, "-c", "pass"], env),
            f"python -c '{LIBRARIES}'": ([PYTHON, "-c", LIBRARIES], env),
            f"python -c '{WITH_PYDANTIC}'": ([PYTHON, "-c", WITH_PYDANTIC], env),
            "the libraries, SimPy made as the command makes it": ([PYTHON, "-c", AS_THE_COMMAND], env),
            "obligations --help": ([*obligations, "--help"], env),
            f"obligations run {args.scenario} (warm cache)": ([*obligations, "run", args.scenario], env),
            f"obligations run {args.scenario} (no cache)": ([*obligations, "run", args.scenario], cold_env),
        }
        for argv, command_env in commands.values():  # fill the cache; let the OS cache the files
            _time(argv, command_env)
        times: dict[str, list[float]] = {name: [] for name in commands}
        cpu: dict[str, list[float]] = {name: [] for name in commands}
        load = os.getloadavg()[0]
        for _ in range(args.repeat):
            for name, (argv, command_env) in commands.items():
                wall, used = _time(argv, command_env)
                times[name].append(wall)
                cpu[name].append(used)
    median = {name: statistics.median(values) for name, values in times.items()}
    names = list(commands)
    base, libraries, pydantic, floor, help_, warm, cold = (median[n] for n in names)
    print(f"start-up, median of {args.repeat} fresh processes per command, taking turns "
          f"(load average {load:.2f} before, {os.getloadavg()[0]:.2f} after)")
    print(f"Python {sys.version.split()[0]}; {bytecode}")
    print("wall-clock seconds; beside them the processor seconds (user + system), which load inflates less")
    print()
    width = max(map(len, names))
    for name in names:
        values = sorted(times[name])
        print(f"  {name:{width}}  {median[name]:6.3f} s (min {values[0]:.3f}, max {values[-1]:.3f})   "
              f"processor {statistics.median(cpu[name]):.3f} s")
    print()
    print(f"  --help: {help_:.3f} s = python -c pass + {help_ - base:.3f} s; target < {HELP_TARGET_S} s: "
          f"{'met' if help_ < HELP_TARGET_S else 'not met'}")
    print(f"  warm run: {warm:.3f} s = the libraries as the command imports them + {warm - floor:.3f} s "
          f"({LIBRARIES}: {libraries:.3f} s; with pydantic: {pydantic:.3f} s); target < {RUN_TARGET_S} s: "
          f"{'met' if warm < RUN_TARGET_S else 'not met'}")
    print(f"  no cache: {cold:.3f} s; the cache saves {cold - warm:.3f} s")
    if args.breakdown:
        _breakdown(args.scenario, args.repeat)


def _breakdown(scenario: str, repeat: int) -> None:
    """Print the median of each stage of a warm run, timed inside fresh processes (see the module)."""
    import json

    with tempfile.TemporaryDirectory(prefix="startup-bench-") as cache:
        env = {**os.environ, "OBLIGATIONS_CACHE_DIR": cache, "PYDANTIC_DISABLE_PLUGINS": "__all__"}  # as the command
        env.pop("OBLIGATIONS_NO_CACHE", None)
        runs = []
        for i in range(repeat + 1):  # the first fills the cache
            done = subprocess.run([PYTHON, "-c", _STAGES, scenario], cwd=ROOT, env=env, capture_output=True, text=True,
                                  check=True)
            if i:
                found = json.loads(done.stdout.splitlines()[-1])
                runs.append(found["stages"])
                imported = found["pydantic"], found["modules"]
    print()
    print(f"  where a warm run's time goes, stage by stage in one process (median of {repeat}; wall, processor):")
    width = max(map(len, runs[0]))
    for name in runs[0]:
        wall = statistics.median(run[name][0] for run in runs)
        used = statistics.median(run[name][1] for run in runs)
        print(f"    {name:{width}}  {wall:6.3f} s  {used:6.3f} s")
    total = statistics.median(sum(values[0] for values in run.values()) for run in runs)
    print(f"    {'total (after the interpreter started)':{width}}  {total:6.3f} s")
    print(f"  modules imported by the end of a warm run: {imported[1]}, of which pydantic's: {imported[0]}")


if __name__ == "__main__":
    main()
