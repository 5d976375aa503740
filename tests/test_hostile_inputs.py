"""Every command answers hostile inputs with exit 0, 1 or 2 only, no traceback, in bounded time and memory.

The inputs are those a red-team pass found costly: one incident with a thousand threats and a thousand requests
(every threat-request pair used to be a match: minutes and gigabytes), its explanation (hundreds of megabytes),
`verify` with thousands of expectations, a variant of it, control characters in every field. Each command runs
as a fresh process under a time limit and an address-space limit.

In-process, the same inputs show why the cost is bounded: facts kept for joins that say the same thing are kept
once (the latest), so the matches grow with the events, and an explanation shows a few examples of its matches.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from engine import Engine

ROOT = Path(__file__).resolve().parent.parent
SECONDS = 60  # per command, on a loaded machine; each takes a few seconds alone
MEMORY = 1 << 30  # bytes of address space
PAIRS = 1_000


def joins_text(pairs: int) -> str:
    lines = ["name: A thousand threats and a thousand requests about one incident.", "events:"]
    for i in range(pairs):
        at = f"2018-04-14T{i // 60:02d}:{i % 60:02d}"
        lines.append(f"  - {{id: t{i}, at: '{at}Z', type: threat, against: MINUSMA, level: imminent_and_serious, "
                     f"incident: tbk, location: 'place {i}'}}")
        lines.append(f"  - {{id: r{i}, at: '{at}:30Z', type: intervention_request, by: Secretary-General, "
                     f"to: French forces, incident: tbk}}")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    joins = folder / "joins.yaml"
    joins.write_text(joins_text(PAIRS), encoding="utf-8")
    expecting = folder / "expecting.yaml"
    expect = "".join("    - {paragraph: '37'}\n" for _ in range(3_000))
    expecting.write_text(joins_text(PAIRS) + "expect:\n  paragraphs: ['37']\n  findings:\n" + expect,
                         encoding="utf-8")
    variant = folder / "variant.yaml"
    variant.write_text("name: The same without the first request.\nextends: joins.yaml\nremove: [r0]\n",
                       encoding="utf-8")
    controls = folder / "controls.json"
    controls.write_text(json.dumps({"name": "Controls \x1b[31m\r\u2028\x85 everywhere.", "events": [
        {"id": "t", "at": "2018-04-14", "type": "threat", "against": "MINUSMA", "level": "imminent_and_serious",
         "incident": "k", "location": "\x1b]0;title\x07\r\n", "note": "\u202e"}]}), encoding="utf-8")
    return {"joins": joins, "expecting": expecting, "variant": variant, "controls": controls}


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


COMMANDS = {
    "run": ["run", "{joins}"],
    "run-json": ["run", "{joins}", "--json"],
    "explain": ["explain", "{joins}", "37:french-forces:tbk"],
    "explain-json": ["explain", "{joins}", "37:french-forces:tbk", "--json"],
    "why-not": ["explain", "{joins}", "--why-not", "20"],
    "check": ["check", "{joins}", "{variant}"],
    "verify": ["verify", "{expecting}"],
    "diff": ["diff", "{joins}", "{variant}"],
    "coverage": ["coverage", "--scenarios", "{folder}"],
    "run-controls": ["run", "{controls}"],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_command_on_hostile_input_exits_0_1_or_2_in_bounded_time_and_memory(
        command: str, hostile: dict[str, Path]) -> None:
    names = {**{k: str(v) for k, v in hostile.items()}, "folder": str(hostile["joins"].parent)}
    args = [a.format(**names) for a in COMMANDS[command]]
    done = subprocess.run([sys.executable, "-m", "engine.cli", *args], capture_output=True, timeout=SECONDS,
                          cwd=ROOT, preexec_fn=_limit)
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode in (0, 1, 2), err
    assert "Traceback" not in err and err.count("\n") <= 1, err
    out = done.stdout.decode("utf-8")
    assert "\x1b" not in out and "\r" not in out and "\u2028" not in out
    assert len(done.stdout) < 10 * 1024 * 1024  # linear in the input (260 KB), not in its pairs


def test_a_thousand_threats_and_requests_about_one_incident_make_a_linear_number_of_matches(engine: Engine) -> None:
    small = engine.run(engine.parse(joins_text(100), path="joins.yaml"))
    large = engine.run(engine.parse(joins_text(PAIRS), path="joins.yaml"))
    matches = {f.id: len(f.provenance) for f in large.findings}
    assert matches["37:french-forces:tbk"] <= 2 * PAIRS  # each event joins the latest of the other kind, once
    assert large.stats["peak_live_facts"] <= small.stats["peak_live_facts"] + 2


def test_the_latest_of_identical_threats_is_the_one_a_later_request_joins(engine: Engine) -> None:
    text = joins_text(3).replace("r0", "x0").replace("r1", "x1")
    text = "\n".join(line for line in text.splitlines() if "x0" not in line and "x1" not in line) + "\n"
    report = engine.run(engine.parse(text, path="joins.yaml"))
    grant = next(f for f in report.findings if f.id == "37:french-forces:tbk")
    joined = [[c["event"] for c in p["conditions"]] for p in grant.provenance]
    assert joined == [["t2", "r2"]]


def test_an_explanation_of_thousands_of_matches_shows_a_count_and_a_few_examples(engine: Engine) -> None:
    from engine.explain.why import explain, replay

    text = explain(replay(engine, engine.parse(joins_text(PAIRS), path="joins.yaml")),
                   "37:french-forces:tbk").render()
    assert "1,999 matches (Rule 37/grant: 1,999); the first 4 and the last are shown" in text
    assert "... 1,994 more matches like these ..." in text
    assert text.count("matched on") == 5
    assert len(text) < 20_000
