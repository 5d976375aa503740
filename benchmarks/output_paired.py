"""The output of ``run --json``, paired: this tree's report writing against a baseline commit's, in the same run.

    .venv/bin/python benchmarks/output_paired.py [--baseline REV] [--events 20000] [--repeat 11] [--seed 2364]

On the seeded 20,000-event JSON scenario of ``end_to_end.py`` (item 1a), two worker processes (the baseline's
engine and rules, extracted with ``git archive``, and this tree's; both under this virtualenv's Python) each load
the scenario and warm up, the collector set as the command sets it. Then the parent asks them in turn (the order
flips every round) for one measure; each worker first replays the scenario afresh (``Engine.run``, not timed: a
finding's explanation is written when first read, so every round writes them all again), then times, wall and CPU:

* ``json``: ``Report.json_pieces()``, every piece made (the report's JSON text, explanations included);
* ``spool+print``: what ``obligations run --json`` does after the replay: the pieces spooled (``Spool``), then each
  chunk checked for control characters (``escape``) and written to ``os.devnull``, as ``_print`` writes them.

It prints each round (with the characters written: the same on both sides while the output and the rules are
unchanged), then per measure the minimum of each side, their ratio this/baseline (below 1: this tree is
faster) and the median of the paired ratios, with the load average before and after, and exits 0. The target of
the output work: ``json`` at most 0.70 of the baseline ``30740ef`` (at least 30 % faster), judged on the minima.
"""

from __future__ import annotations

import gc
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from replay_paired import Worker, baseline_and_stream, load_average, minimum_summary, paired_arguments

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BASELINE = "30740ef"  # main when the output work began
MEASURES = ("json", "spool+print")


def worker(tree: str, scenario_path: str) -> None:
    """Serve timed outputs of fresh replays of one scenario by the engine under ``tree``: a line in, a JSON line
    out."""
    sys.path.insert(0, tree)
    import engine
    from engine.api import Engine
    from engine.cli.outputs import Spool
    from engine.text import escape

    if Path(engine.__file__).resolve().parent != (Path(tree) / "engine").resolve():
        raise SystemExit(f"worker imported {engine.__file__}, not the engine under {tree}")
    from engine.cli import main as command

    gc.set_threshold(getattr(command, "YOUNG_OBJECTS", 700), *gc.get_threshold()[1:])  # as the command's process
    api = Engine()
    scenario = api.load(scenario_path)
    api.run(scenario).to_json()  # warm: imports, caches, the loaded ruleset
    sink = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - for the life of the worker
    print(json.dumps({"ready": scenario.event_count}), flush=True)
    for line in sys.stdin:
        what = line.strip()
        report = api.run(scenario)
        gc.collect()
        started, cpu = time.perf_counter(), time.process_time()
        characters = 0
        if what == "json":
            for piece in report.json_pieces():
                characters += len(piece)
        else:
            spool = Spool(report.json_pieces())
            for chunk in spool.chunks():
                characters += len(chunk)
                sink.write(escape(chunk, layout=True))
            sink.flush()
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(json.dumps({"seconds": seconds, "cpu": cpu, "characters": characters}), flush=True)


def main() -> int:
    args = paired_arguments(__doc__, DEFAULT_BASELINE, 11)
    if args.worker:
        worker(*args.worker)
        return 0
    stream = baseline_and_stream(args.baseline, args.events, args.seed, "output-paired-")
    with stream as (folder, commit, head, scenario):
        print(f"Output of run --json, paired: baseline {commit} against this tree ({head}); {args.events:,} events, "
              f"seed {args.seed}, {args.repeat} rounds per measure")
        print(f"  load average before: {load_average()}")
        workers = {"baseline": Worker("baseline", folder / "baseline", scenario, __file__),
                   "this tree": Worker("this tree", ROOT, scenario, __file__)}
        try:
            for what in MEASURES:
                pairs: list[tuple[dict[str, Any], dict[str, Any]]] = []
                for number in range(args.repeat):
                    names = list(workers) if number % 2 == 0 else list(reversed(workers))
                    results = {name: workers[name].ask(what) for name in names}
                    base, this = results["baseline"], results["this tree"]
                    pairs.append((base, this))
                    print(f"    {what}, round {number + 1}: baseline {base['seconds'] * 1000:6.1f} ms "
                          f"({base['characters']:,} characters), this tree {this['seconds'] * 1000:6.1f} ms "
                          f"({this['characters']:,} characters)")
                print(minimum_summary(what, pairs))
        finally:
            for one in workers.values():
                one.close()
        print(f"  load average after: {load_average()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
