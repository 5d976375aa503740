"""How drawing a timeline scales: seconds to draw N attacks' findings, beside the replay of the same scenario.

    .venv/bin/python benchmarks/plot_scaling.py [--sizes 150,600,1500] [--format png]

For each size N, a scenario of N attacks on MINUSMA by five armed groups, spread over the mandate (each attack
engages paragraphs 4, 5 and 20(e): about 2N findings), is replayed once; then the picture is drawn (PNG by
default) and timed in CPU seconds of this process (the machine may be shared; matplotlib is imported and warmed
on a small picture first). Printed per size: findings, events, the replay's seconds (the baseline, measured in the same
run), the drawing's seconds, their ratio, the drawing's microseconds per finding, and the picture's size in
pixels. Linear drawing shows as a flat "µs/finding" column; a capped height as a constant pixel height.
"""

from __future__ import annotations

import argparse
import struct
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine import Engine
from engine.outputs.plot import render

GROUPS = ("GATIA", "Plateforme", "Coordination", "MUJAO", "AQIM")


def scenario_text(attacks: int) -> str:
    start = datetime(2017, 7, 1)
    minutes = int(360 * 24 * 60 / max(attacks, 1))
    lines = [f"name: {attacks} attacks on MINUSMA over the mandate", "events:"]
    for i in range(attacks):
        at = start + timedelta(minutes=minutes * i)
        lines.append(f"  - {{id: attack-{i}, at: {at:%Y-%m-%dT%H:%MZ}, type: attack, by: {GROUPS[i % 5]}, "
                     f"target: MINUSMA, incident: incident-{i}}}")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="150,600,1500")
    parser.add_argument("--format", default="png", choices=("png", "svg"))
    args = parser.parse_args()
    engine = Engine()
    warm = engine.parse(scenario_text(5), path="warm-up.yaml")
    render(engine.run(warm), warm, args.format)
    print(f"{'attacks':>8} {'findings':>9} {'replay cpu s':>13} {'draw cpu s':>11} {'draw/replay':>12} "
          f"{'µs/finding':>11}  pixels")
    for size in (int(s) for s in args.sizes.split(",")):
        scenario = engine.parse(scenario_text(size), path=f"attacks-{size}.yaml")
        began = time.process_time()
        report = engine.run(scenario)
        replayed = time.process_time() - began
        began = time.process_time()
        data = render(report, scenario, args.format)
        drawn = time.process_time() - began
        pixels = "x".join(map(str, struct.unpack(">II", data[16:24]))) if args.format == "png" else "-"
        print(f"{size:>8} {len(report.findings):>9} {replayed:>13.2f} {drawn:>11.2f} {drawn / replayed:>12.2f} "
              f"{1e6 * drawn / max(len(report.findings), 1):>11.0f}  {pixels}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
