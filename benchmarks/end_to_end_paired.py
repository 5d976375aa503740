"""End to end, paired: ``obligations run --json`` of this tree against a baseline commit's, in fresh processes.

    .venv/bin/python benchmarks/end_to_end_paired.py --baseline REV [--events 20000] [--repeat 9] [--seed 2364]

``end_to_end.py`` item 1a judges the target (the command against raw durable-rules in the same run); this script
says what a change did to the command itself. The baseline's ``engine/`` and ``rules/`` are extracted with ``git
archive`` (as ``replay_paired.py`` does) and both run under this virtualenv's Python and libraries, each with a
rule-pack cache of its own, filled by a first run. On the JSON scenario of ``end_to_end.py`` item 1 (the seeded
stream of ``replay_throughput.py``), the two commands run in turn (the order flips every round), each as ``python
-m engine.cli run --json SCENARIO`` in a fresh process: start-up, reading, validation, replay, output and exit.
Their outputs must be byte for byte the same (else the script stops). It prints each round's wall and CPU
seconds (the child's user and system time), the medians and the medians of the paired ratios baseline/this
(above 1: this tree is faster), with the load average before and after, and exits 0.
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

sys.path.insert(0, str(Path(__file__).resolve().parent))
import end_to_end
import replay_paired

ROOT = Path(__file__).resolve().parent.parent


def once(tree: Path, cache: Path, scenario: Path) -> tuple[float, float, bytes]:
    """Wall seconds, CPU seconds and standard output of one ``run --json`` in a fresh process under ``tree``."""
    environment = dict(os.environ, PYTHONPATH=str(tree), OBLIGATIONS_CACHE_DIR=str(cache))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "engine.cli", "run", "--json", str(scenario)], cwd=tree,
                          env=environment, capture_output=True, check=False)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"run --json under {tree} failed: {done.stderr.decode()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, cpu, done.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--baseline", required=True, help="baseline commit")
    parser.add_argument("--events", type=int, default=20_000, help="stream size (default 20,000)")
    parser.add_argument("--repeat", type=int, default=9, help="rounds (default 9)")
    parser.add_argument("--seed", type=int, default=2364, help="seed of the stream (default 2364)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="end-to-end-paired-") as tmp:
        folder = Path(tmp)
        commit = replay_paired.extract(args.baseline, folder / "baseline")
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, check=True, capture_output=True,
                              text=True).stdout.strip()
        end_to_end.write_streams(folder, args.events, args.seed)
        scenario = folder / "scenario.json"
        trees = {"baseline": folder / "baseline", "this": ROOT}
        caches = {name: folder / f"cache-{name.replace(' ', '-')}" for name in trees}
        outputs = {name: once(tree, caches[name], scenario)[2] for name, tree in trees.items()}  # fills the caches
        if outputs["baseline"] != outputs["this"]:
            raise SystemExit("the two commands wrote different JSON: nothing to compare")
        print(f"End to end, paired: obligations run --json of {args.events:,} events (seed {args.seed}), baseline "
              f"{commit} against this tree ({head}); the same {len(outputs['this']):,} bytes of JSON from both")
        print(f"  load average before: {replay_paired.load_average()}")
        runs: dict[str, list[tuple[float, float]]] = {name: [] for name in trees}
        for number in range(args.repeat):
            names = list(trees) if number % 2 == 0 else list(reversed(trees))
            for name in names:
                seconds, cpu, _ = once(trees[name], caches[name], scenario)
                runs[name].append((seconds, cpu))
            (b_wall, b_cpu), (t_wall, t_cpu) = runs["baseline"][-1], runs["this"][-1]
            print(f"    round {number + 1}: baseline {b_wall:.3f} s (CPU {b_cpu:.3f} s), this {t_wall:.3f} s "
                  f"(CPU {t_cpu:.3f} s): {b_wall / t_wall:.2f}x wall, {b_cpu / t_cpu:.2f}x CPU")
        pairs = list(zip(runs["baseline"], runs["this"], strict=True))
        wall = statistics.median(b[0] / t[0] for b, t in pairs)
        cpu = statistics.median(b[1] / t[1] for b, t in pairs)
        print(f"  medians: baseline {statistics.median(s for s, _ in runs['baseline']):.3f} s wall, "
              f"{statistics.median(c for _, c in runs['baseline']):.3f} s CPU; this "
              f"{statistics.median(s for s, _ in runs['this']):.3f} s wall, "
              f"{statistics.median(c for _, c in runs['this']):.3f} s CPU")
        print(f"  median paired ratio baseline/this: {wall:.2f}x wall, {cpu:.2f}x CPU")
        print(f"  load average after: {replay_paired.load_average()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
