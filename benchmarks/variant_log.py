"""A variant that removes and moves events of its base's event log: wall time and peak memory against the base.

    .venv/bin/python benchmarks/variant_log.py [--log-events 200000] [--changes 1000] [--repeat 3] [--seed 2364]

The base is the memory stream of ``end_to_end.py`` (item 4: a JSON Lines log, about 1 % of its events engaging a
paragraph) with ``--log-events`` events; the variant ``extends`` it, removes ``--changes`` of the log's events and
moves as many others one hour later, spread over the log. Each is replayed by ``obligations run --json`` in a
fresh process, alternating base and variant ``--repeat`` times: wall time and peak RSS (the child's
``ru_maxrss``). The variant reads the log as a stream like its base (one more pass at loading, to find the events
it names, and the removed and moved events set aside as it is read), so its peak memory should stay near the
base's and its time within about one more reading of the log. Printed: the medians and the median of the paired
ratios variant/base, and the event counts of both reports (the variant's: the base's less the removed).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import end_to_end as e2e


def write_variant(folder: Path, ids: list[str], changes: int) -> Path:
    """A variant of ``logged.json`` removing ``changes`` events of the log and moving as many, spread over it."""
    step = max(1, (len(ids) * 9 // 10) // (2 * changes))
    chosen = ids[:len(ids) * 9 // 10:step][:2 * changes]  # not the last tenth: an hour later stays in the window
    removed, moved = chosen[0::2], chosen[1::2]
    text = {"name": "The benchmark's base without some of its log's events and with others an hour later.",
            "extends": "logged.json", "remove": removed, "shift": {event_id: {"hours": 1} for event_id in moved}}
    path = folder / "variant.json"
    path.write_text(json.dumps(text), encoding="utf-8")
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--log-events", type=int, default=200_000)
    parser.add_argument("--changes", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2364)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="variant-log-") as name:
        folder = Path(name)
        data = e2e.write_streams(folder, args.log_events, args.seed, sparse=True)
        write_variant(folder, [event["id"] for event in data["events"]], args.changes)
        del data
        times: dict[str, list[float]] = {"base": [], "variant": []}
        peaks: dict[str, list[int]] = {"base": [], "variant": []}
        counts: dict[str, int] = {}
        for _ in range(args.repeat):
            for side, scenario in (("base", "logged.json"), ("variant", "variant.json")):
                seconds, peak, report = e2e.memory(folder, scenario)
                times[side].append(seconds)
                peaks[side].append(peak)
                counts[side] = json.loads(report.read_text(encoding="utf-8"))["event_count"]
    time_ratios = [v / b for b, v in zip(times["base"], times["variant"], strict=True)]
    peak_ratios = [v / b for b, v in zip(peaks["base"], peaks["variant"], strict=True)]
    print(f"variant over an event log: {args.log_events:,} log events, {args.changes:,} removed and "
          f"{args.changes:,} moved; {args.repeat} pairs, load average {os.getloadavg()[0]:.2f}")
    for side in ("base", "variant"):
        print(f"  {side:8} {statistics.median(times[side]):7.2f} s (median)   peak RSS "
              f"{statistics.median(peaks[side]) / 1024:7.1f} MiB (median)   {counts[side]:,} events replayed")
    print(f"  variant/base: time {statistics.median(time_ratios):.2f}, peak RSS {statistics.median(peak_ratios):.2f} "
          "(medians of the paired ratios)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
