"""Replay alone, paired: the engine of this tree against the engine of a baseline commit, in the same run.

    .venv/bin/python benchmarks/replay_paired.py [--baseline REV] [--events 100000] [--repeat 5] [--seed 2364]

The baseline defaults to ``1604ff6``, the engine as it was when the replay-speed issue was filed (the parent of
the first speed work on it, "Ledger: an index of open duties ..."). Its ``engine/`` and ``rules/`` are extracted
with ``git archive`` into a temporary folder; both engines run under this virtualenv's Python and libraries.

On the seeded stream of ``replay_throughput.py`` (written once as a JSON scenario), three worker processes each
load and validate the scenario and warm the compiled pack: the baseline's engine on the baseline's rules; this
engine on the baseline's rules ("same rules": the engines compared on the same work); and this engine on its own
rules ("own rules": what a user sees, with today's larger pack). Then the parent asks them in turn (the order
flips every round) to replay it, so all see the same machine. Each replay is timed two ways, wall and CPU time:

* ``runtime``: ``engine.replay.runtime.run`` alone (the SimPy clock, matching and effects, the ledger);
* ``Engine.run``: the whole call on a validated scenario, which also checks the hand-built scenario and builds
  the report (what the issue measured: 10.5 s for 100,000 events before the work on it);
* ``run --json``: ``Engine.run`` and the report's JSON text written (to ``os.devnull``), as ``obligations run
  --json`` does after loading: the replay and the output of an end-to-end run, without start-up and loading.

It prints each round and the medians of the paired ratios baseline/this (above 1: this engine is faster), with
the load average before and after, and exits 0. The target is a median ratio of at least 2 at 100,000 events.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BASELINE = "1604ff6"  # the parent of 52570b7, the first speed work on the replay
MEASURES = ("runtime", "Engine.run", "run --json")


def worker(tree: str, scenario_path: str) -> None:
    """Serve timed replays of one scenario by the engine under ``tree``: one line in, one JSON line out."""
    sys.path.insert(0, tree)
    import engine
    from engine.api import Engine
    from engine.replay import runtime

    if Path(engine.__file__).resolve().parent != (Path(tree) / "engine").resolve():
        raise SystemExit(f"worker imported {engine.__file__}, not the engine under {tree}")
    api = Engine()
    scenario = api.load(scenario_path)
    compiled, matcher = api.compiled(scenario.assumptions)
    api.run(scenario)  # warm: imports, caches, the loaded ruleset
    sink = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - for the life of the worker
    print(json.dumps({"ready": scenario.event_count}), flush=True)
    for line in sys.stdin:
        what = line.strip()
        gc.collect()
        started, cpu = time.perf_counter(), time.process_time()
        if what == "runtime":
            ledger, _, _ = runtime.run(compiled, matcher, scenario)
            findings = len(ledger.findings)
        elif what == "run --json":
            report = api.run(scenario)
            pieces = report.json_pieces() if hasattr(report, "json_pieces") else [report.to_json()]
            findings = len(report.findings)
            for piece in pieces:
                sink.write(piece)
        else:
            report = api.run(scenario)
            findings = len(report.findings)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(json.dumps({"seconds": seconds, "cpu": cpu, "findings": findings}), flush=True)


class Worker:
    """A worker process serving timed measures: ``script --worker TREE SCENARIO`` (this script's own by default;
    ``output_paired.py`` starts its own the same way)."""

    def __init__(self, name: str, tree: Path, scenario: Path, script: str = __file__) -> None:
        self.name = name
        self.process = subprocess.Popen(
            [sys.executable, script, "--worker", str(tree), str(scenario)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=tree)
        self.events = self._read()["ready"]

    def _read(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise SystemExit(f"the {self.name} worker stopped (exit {self.process.wait()})")
        result: dict[str, Any] = json.loads(line)
        return result

    def ask(self, what: str) -> dict[str, Any]:
        """Send the worker one line (what to time) and read the JSON line it answers."""
        assert self.process.stdin is not None
        self.process.stdin.write(what + "\n")
        self.process.stdin.flush()
        return self._read()

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait()


def extract(revision: str, folder: Path) -> str:
    """The baseline's engine and rules under ``folder``; returns the commit's short id."""
    commit = subprocess.run(["git", "rev-parse", "--short", revision], cwd=ROOT, check=True, capture_output=True,
                            text=True).stdout.strip()
    archive = subprocess.run(["git", "archive", "--format=tar", commit, "engine", "rules"], cwd=ROOT, check=True,
                             capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return commit


def write_scenario(path: Path, count: int, seed: int) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import replay_throughput as rt

    from engine.rulepack.loader import load_pack

    pack = load_pack()
    data = rt.scenario_data(count, seed, pack, rt.late_duty_error(pack) is not None)
    path.write_text(json.dumps(data, default=str), encoding="utf-8")


def minimum_summary(what: str, pairs: list[tuple[dict[str, Any], dict[str, Any]]]) -> str:
    """One measure's line for ``output_paired.py`` and ``load_paired.py``: each side's minimum, their ratio
    this/baseline, and the medians of the paired ratios (wall and CPU)."""
    base, this = min(b["seconds"] for b, _ in pairs), min(t["seconds"] for _, t in pairs)
    paired = statistics.median(t["seconds"] / b["seconds"] for b, t in pairs)
    cpu = statistics.median(t["cpu"] / b["cpu"] for b, t in pairs)
    return (f"  {what}: minimum baseline {base * 1000:.1f} ms, this tree {this * 1000:.1f} ms: ratio this/baseline "
            f"{this / base:.2f} (median of paired ratios {paired:.2f} wall, {cpu:.2f} CPU)")


def paired_arguments(doc: str | None, baseline: str, repeat: int) -> argparse.Namespace:
    """The arguments of ``output_paired.py`` and ``load_paired.py``: ``--baseline``, ``--events`` (20,000 by
    default), ``--repeat``, ``--seed`` and the workers' own ``--worker TREE SCENARIO``."""
    parser = argparse.ArgumentParser(description=(doc or "").split("\n\n")[0])
    parser.add_argument("--baseline", default=baseline, help=f"baseline commit (default {baseline})")
    parser.add_argument("--events", type=int, default=20_000, help="stream size (default 20,000)")
    parser.add_argument("--repeat", type=int, default=repeat, help=f"rounds of each measure (default {repeat})")
    parser.add_argument("--seed", type=int, default=2364, help="seed of the stream (default 2364)")
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    return parser.parse_args()


@contextlib.contextmanager
def baseline_and_stream(baseline: str, events: int, seed: int, prefix: str) -> Iterator[tuple[Path, str, str, Path]]:
    """A temporary folder with the baseline's engine and rules (``baseline/``) and the seeded stream of
    ``end_to_end.py`` written as a JSON scenario; yields the folder, the baseline's commit, this tree's and the
    scenario's path."""
    import end_to_end

    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        folder = Path(tmp)
        commit = extract(baseline, folder / "baseline")
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, check=True, capture_output=True,
                              text=True).stdout.strip()
        end_to_end.write_streams(folder, events, seed)
        yield folder, commit, head, folder / "scenario.json"


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def mixed(folder: Path, baseline: Path) -> Path:
    """A tree with this engine and the baseline's rules: the engines compared on the same rule pack."""
    folder.mkdir()
    (folder / "engine").symlink_to(ROOT / "engine", target_is_directory=True)
    (folder / "rules").symlink_to(baseline / "rules", target_is_directory=True)
    return folder


def pair_line(label: str, number: int, base: dict[str, Any], other: dict[str, Any]) -> str:
    def one(name: str, run: dict[str, Any]) -> str:
        return f"{name} {run['seconds']:6.2f} s (CPU {run['cpu']:5.2f} s, {run['findings']:,} findings)"

    return (f"    {label}, round {number}: {one('baseline', base)}, {one('this engine', other)}: "
            f"{base['seconds'] / other['seconds']:.2f}x wall, {base['cpu'] / other['cpu']:.2f}x CPU")


def summary(label: str, pairs: list[tuple[dict[str, Any], dict[str, Any]]]) -> str:
    wall = statistics.median(b["seconds"] / o["seconds"] for b, o in pairs)
    cpu = statistics.median(b["cpu"] / o["cpu"] for b, o in pairs)
    other = statistics.median(o["seconds"] for _, o in pairs)
    return (f"  {label}: median ratio baseline/this {wall:.2f}x wall, {cpu:.2f}x CPU (this engine: median "
            f"{other:.2f} s)")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--baseline", default=DEFAULT_BASELINE, help=f"baseline commit (default {DEFAULT_BASELINE})")
    parser.add_argument("--events", type=int, default=100_000, help="stream size (default 100,000)")
    parser.add_argument("--repeat", type=int, default=5, help="rounds of each measure (default 5)")
    parser.add_argument("--seed", type=int, default=2364, help="seed of the stream (default 2364)")
    parser.add_argument("--only", choices=MEASURES, help="time one of the measures only")
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(*args.worker)
        return 0
    measures = [args.only] if args.only else list(MEASURES)
    with tempfile.TemporaryDirectory(prefix="replay-paired-") as tmp:
        folder = Path(tmp)
        commit = extract(args.baseline, folder / "baseline")
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, check=True, capture_output=True,
                              text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "engine", "rules"], cwd=ROOT, capture_output=True,
                               text=True).stdout.strip()
        scenario = folder / "stream.json"
        write_scenario(scenario, args.events, args.seed)
        print(f"Replay alone, paired: baseline {commit} against this tree ({head}{' + changes' if dirty else ''}); "
              f"{args.events:,} events, seed {args.seed}, {args.repeat} rounds per measure")
        print("  same rules: both engines on the baseline's rule pack; own rules: each engine on its own pack")
        print(f"  load average before: {load_average()}")
        workers = {"baseline": Worker("baseline", folder / "baseline", scenario),
                   "same rules": Worker("same rules", mixed(folder / "mixed", folder / "baseline"), scenario),
                   "own rules": Worker("own rules", ROOT, scenario)}
        try:
            for what in measures:
                pairs: dict[str, list[tuple[dict[str, Any], dict[str, Any]]]] = {"same rules": [], "own rules": []}
                print(f"\n  {what}: seconds per replay")
                for number in range(args.repeat):
                    names = list(workers) if number % 2 == 0 else list(reversed(workers))
                    results = {name: workers[name].ask(what) for name in names}
                    for label in pairs:
                        pairs[label].append((results["baseline"], results[label]))
                        print(pair_line(label, number + 1, results["baseline"], results[label]))
                for label, found in pairs.items():
                    print(summary(f"{what}, {label}", found))
        finally:
            for one in workers.values():
                one.close()
        print(f"\n  load average after: {load_average()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
