"""Sweep throughput: samples per second of the headline sweep on 1 worker, 2 workers and a 2-worker LocalCluster.

    .venv/bin/python benchmarks/sweep_throughput.py [--samples 10000] [--spec FILE] [--no-dask]

It runs ``scenarios/sweeps/timbuktu-2018-request-and-slip.yaml`` (four changes per sample: a removal, a shift,
an assumption drawn from three values, an added attack) with ``--samples`` samples, three ways, timing each from
the call to the summary (worker start-up included):

* 1 worker: every sample in this process (``--workers 1``) — the baseline;
* 2 workers: two worker processes (``--workers 2``);
* Dask: a ``LocalCluster`` of two worker processes with one thread each, started before the clock starts (its
  start-up is printed apart), the samples sent as tasks (``--dask``).

It prints samples/s for each, the speed-up of each over 1 worker, whether the three summaries are byte-identical
(they must be), and the targets: 10,000 samples in under 60 s on 2 workers, and at least 1.6 times the 1-worker
rate. The load average is printed before and after, since other work on the machine shows in the figures; so is
the CPU time of this process and its worker processes, which other work inflates much less than the wall clock:
the ratio of CPU per sample on 2 workers to that on 1 says how much work the split adds.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from engine import Engine
from engine.sweep import load_sweep, run_sweep

ROOT = Path(__file__).resolve().parent.parent
HEADLINE = ROOT / "scenarios" / "sweeps" / "timbuktu-2018-request-and-slip.yaml"
TARGET_S = 60.0  # 10,000 samples on 2 workers
TARGET_SPEEDUP = 1.6  # 2 workers over 1


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the worker processes, once waited for)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(label: str, samples: int, run: Any) -> tuple[float, float, str]:
    """Wall-clock seconds, CPU seconds (this process and its workers) and the summary of one run."""
    print(f"{label:>10}: running {samples:,} samples ...", flush=True)
    start, cpu = time.perf_counter(), cpu_seconds()
    document = run()
    seconds, used = time.perf_counter() - start, cpu_seconds() - cpu
    print(f"{label:>10}: {seconds:7.1f} s  {samples / seconds:8.1f} samples/s  ({used:.1f} CPU s)", flush=True)
    return seconds, used, document


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=10_000)
    parser.add_argument("--spec", type=Path, default=HEADLINE)
    parser.add_argument("--no-dask", action="store_true", help="leave out the LocalCluster")
    args = parser.parse_args()

    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, Python {platform.python_version()}, "
          f"durable-rules {metadata.version('durable-rules')}, {os.cpu_count()} cores")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    sweep = replace(load_sweep(args.spec, engine=Engine()), samples=args.samples)
    print(f"sweep: {args.spec.name}, {args.samples:,} samples, {len(sweep.vary)} changes, seed {sweep.seed}\n")

    results: dict[str, tuple[float, float, str]] = {}
    results["1 worker"] = timed("1 worker", args.samples, lambda: run_sweep(sweep, workers=1).to_json())
    results["2 workers"] = timed("2 workers", args.samples, lambda: run_sweep(sweep, workers=2).to_json())
    if not args.no_dask:
        from distributed import LocalCluster

        start = time.perf_counter()
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,  # type: ignore[no-untyped-call]
                          dashboard_address=None) as cluster:
            print(f"{'':>10}  (LocalCluster of 2 processes started in {time.perf_counter() - start:.1f} s)")
            address = cluster.scheduler_address
            results["Dask"] = timed("Dask", args.samples, lambda: run_sweep(sweep, dask=address).to_json())

    print(f"\nload average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
    base = results["1 worker"][0]
    print(f"{'':>10}  {'seconds':>8}  {'samples/s':>10}  {'speed-up':>8}  {'CPU ms/sample':>13}")
    for label, (seconds, used, _) in results.items():
        per_sample = f"{1000 * used / args.samples:13.1f}" if label != "Dask" else f"{'(elsewhere)':>13}"
        print(f"{label:>10}  {seconds:8.1f}  {args.samples / seconds:10.1f}  {base / seconds:7.2f}x  {per_sample}")
    identical = len({document for _, _, document in results.values()}) == 1
    print(f"\nsummaries byte-identical: {'yes' if identical else 'NO'}")
    two = results["2 workers"][0]
    scaled = two * 10_000 / args.samples
    print(f"target: 10,000 samples in under {TARGET_S:.0f} s on 2 workers: {scaled:.1f} s "
          f"({'met' if scaled < TARGET_S else 'missed'})")
    print(f"target: 2 workers at least {TARGET_SPEEDUP}x 1 worker: {base / two:.2f}x "
          f"({'met' if base / two >= TARGET_SPEEDUP else 'missed'})")
    one_cpu, two_cpu = results["1 worker"][1], results["2 workers"][1]
    print(f"CPU per sample, 2 workers over 1 worker: {two_cpu / one_cpu:.2f} (1.00: no work added by the split; "
          "on an idle machine the 2-worker speed-up is about 2 divided by this)")
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
