"""Loading a JSON scenario, paired: this tree's ``Engine.load`` against a baseline commit's, in the same run.

    .venv/bin/python benchmarks/load_paired.py [--baseline REV] [--events 20000] [--repeat 9] [--seed 2364]

On the seeded 20,000-event JSON scenario of ``end_to_end.py`` (item 1a), two measures, each side in turn (the order
flips every round), both under this virtualenv's Python, the baseline's engine and rules extracted with
``git archive``:

* ``in process``: two worker processes (the baseline's engine and this tree's) each load the scenario once to warm
  up, then in each round time :data:`LOADS_PER_ROUND` ``Engine.load`` one after another and give the quickest,
  wall and CPU, the collector as Python leaves it (enabled), a full collection before each;
* ``fresh process``: each round starts one process per side that imports the engine, makes an ``Engine`` and times
  its first ``Engine.load`` of the scenario (the checkers' cache warm, as any run after the first finds it).

It prints each round, then per measure the minimum of each side, their ratio this/baseline (below 1: this tree is
faster) and the median of the paired ratios, with the load average before and after, and exits 0. The target of
the loading work: at most 0.75 of the baseline ``30740ef`` (at least 25 % faster) in both measures.
"""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from replay_paired import Worker, baseline_and_stream, load_average, minimum_summary, paired_arguments

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BASELINE = "30740ef"  # main when the loading work began
LOADS_PER_ROUND = 3  # in process, loads one after another in each round, the quickest kept (the caches warm)
_FRESH = ("import sys, time; sys.path.insert(0, sys.argv[1]); from engine.api import Engine; e = Engine(); "
          "t = time.perf_counter(); c = time.process_time(); e.load(sys.argv[2]); "
          "print(time.perf_counter() - t, time.process_time() - c)")


def worker(tree: str, scenario_path: str) -> None:
    """Serve timed loads of one scenario by the engine under ``tree``: a line in, a JSON line out."""
    sys.path.insert(0, tree)
    import engine
    from engine.api import Engine

    if Path(engine.__file__).resolve().parent != (Path(tree) / "engine").resolve():
        raise SystemExit(f"worker imported {engine.__file__}, not the engine under {tree}")
    api = Engine()
    count = api.load(scenario_path).event_count  # warm: imports, the checkers
    print(json.dumps({"ready": count}), flush=True)
    for _ in sys.stdin:
        best = (float("inf"), float("inf"))
        for _ in range(LOADS_PER_ROUND):
            gc.collect()
            started, cpu = time.perf_counter(), time.process_time()
            scenario = api.load(scenario_path)
            best = min(best, (time.perf_counter() - started, time.process_time() - cpu))
            del scenario
        print(json.dumps({"seconds": best[0], "cpu": best[1]}), flush=True)


def fresh(tree: Path, scenario: Path) -> dict[str, Any]:
    """One fresh process's first ``Engine.load`` of ``scenario`` with the engine under ``tree``."""
    out = subprocess.run([sys.executable, "-c", _FRESH, str(tree), str(scenario)], cwd=tree, check=True,
                         capture_output=True, text=True).stdout.split()
    return {"seconds": float(out[0]), "cpu": float(out[1])}


def main() -> int:
    args = paired_arguments(__doc__, DEFAULT_BASELINE, 9)
    if args.worker:
        worker(*args.worker)
        return 0
    stream = baseline_and_stream(args.baseline, args.events, args.seed, "load-paired-")
    with stream as (folder, commit, head, scenario):
        trees = {"baseline": folder / "baseline", "this tree": ROOT}
        print(f"Engine.load of a JSON scenario, paired: baseline {commit} against this tree ({head}); "
              f"{args.events:,} events, seed {args.seed}, {args.repeat} rounds per measure")
        print(f"  load average before: {load_average()}")
        workers = {name: Worker(name, tree, scenario, __file__) for name, tree in trees.items()}
        try:
            pairs: list[tuple[dict[str, Any], dict[str, Any]]] = []
            for number in range(args.repeat):
                names = list(workers) if number % 2 == 0 else list(reversed(workers))
                results = {name: workers[name].ask("load") for name in names}
                pairs.append((results["baseline"], results["this tree"]))
                print(f"    in process, round {number + 1}: baseline {results['baseline']['seconds'] * 1000:6.1f} "
                      f"ms, this tree {results['this tree']['seconds'] * 1000:6.1f} ms")
            print(minimum_summary("in process", pairs))
        finally:
            for one in workers.values():
                one.close()
        pairs = []
        for number in range(args.repeat):
            names = list(trees) if number % 2 == 0 else list(reversed(trees))
            results = {name: fresh(trees[name], scenario) for name in names}
            pairs.append((results["baseline"], results["this tree"]))
            print(f"    fresh process, round {number + 1}: baseline {results['baseline']['seconds'] * 1000:6.1f} ms, "
                  f"this tree {results['this tree']['seconds'] * 1000:6.1f} ms")
        print(minimum_summary("fresh process", pairs))
        print(f"  load average after: {load_average()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
