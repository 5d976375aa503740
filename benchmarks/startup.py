"""Start-up: how long the ``obligations`` command takes in a fresh process, beside Python's own start-up.

    .venv/bin/python benchmarks/startup.py [--repeat 15] [--scenario scenarios/timbuktu-2018.yaml]

Each command runs ``--repeat`` times in a fresh process; the commands take turns within each round (so that a
burst of load from other processes falls on all of them), and the median of each is reported. Measured in the
same run:

* baselines: ``python -c pass`` (the interpreter and its ``site``), and ``python -c "import durable_rules_engine,
  simpy"`` (the two libraries every replay needs);
* ``obligations --help`` (target: under 0.1 s);
* ``obligations run SCENARIO`` warm: with the rule-pack cache filled by an earlier run (target: under 0.25 s);
* ``obligations run SCENARIO`` with the cache disabled (``OBLIGATIONS_NO_CACHE=1``): every run reads, checks and
  compiles the rule pack, as a first run does.

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
    args = parser.parse_args()
    obligations = _obligations()
    bytecode = _bytecode_note()
    with tempfile.TemporaryDirectory(prefix="startup-bench-") as cache:
        env = {**os.environ, "OBLIGATIONS_CACHE_DIR": cache}
        env.pop("OBLIGATIONS_NO_CACHE", None)
        cold_env = {**env, "OBLIGATIONS_NO_CACHE": "1"}
        commands: dict[str, tuple[list[str], dict[str, str]]] = {
            "python -c pass": ([PYTHON, "-c", "pass"], env),
            "python -c 'import durable_rules_engine, simpy'": ([PYTHON, "-c", "import durable_rules_engine, simpy"],
                                                               env),
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
    base, libraries, help_, warm, cold = (median[n] for n in names)
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
    print(f"  warm run: {warm:.3f} s = import durable_rules_engine, simpy + {warm - libraries:.3f} s; "
          f"target < {RUN_TARGET_S} s: {'met' if warm < RUN_TARGET_S else 'not met'}")
    print(f"  no cache: {cold:.3f} s; the cache saves {cold - warm:.3f} s")


if __name__ == "__main__":
    main()
