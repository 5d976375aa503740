"""Replay throughput and memory of the engine, against raw durable-rules on the same events.

What it measures, on a synthetic, seeded stream of N events (default 100,000; 20 events a day from the
adoption, 29 June 2017, so the stream spans N/20 days) of every event type of the vocabulary:

* load: building the stream's plain dict (like a parsed YAML file) and validating it into a Scenario with
  ``engine.scenario.build`` -- timed apart from the replay;
* engine: events per second of ``Engine().run(scenario)`` on the already validated scenario (the compiled
  pack is warmed first), best of ``--repeat`` runs;
* raw durable-rules: events per second of ``Host.post(ruleset, message)``, one message at a time, through
  durable-rules' documented Python API (a Host without its timer threads, no-op actions) on a hand-written
  ruleset equivalent to the pack's (paragraphs 4, 16, 37, 47, 48), best of ``--repeat`` runs. Posted events
  are consumed by the first rule they fire, and nothing is ever retracted, so the baseline does less work than
  the engine (which asserts each occurrence as a fact, acts on every match and retracts it later);
* memory: for N/4, N/2 and N events (and 2N with ``--growth``), one fresh process per size and per contender
  reports its resident memory just before the replay and its peak during the replay (``VmHWM`` of
  /proc/self/status, reset with /proc/self/clear_refs just before the replay; ``ru_maxrss`` is shown too but
  it cannot be reset and on Linux a child started by exec inherits its parent's peak), with the engine's own
  ``peak_live_facts`` and the raw session's stored (pending) events, so that one can see whether memory stays
  flat as the stream grows.

Run it from the project folder:

    .venv/bin/python benchmarks/replay_throughput.py [--events N] [--seed S] [--repeat R] [--growth]

It prints a plain-text table and exits 0. The stream is deterministic for a given seed.
"""

from __future__ import annotations

import argparse
import collections
import gc
import json
import platform
import random
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from importlib import metadata
from typing import Any

from durable import engine as dr

# Submodules, not `from engine import ...`: the package is found the same way whatever the working directory.
from engine.actors import ActorRegistry
from engine.api import Engine
from engine.calendar import Clock, add_months, start_of
from engine.loader import load_pack
from engine.matcher import fnv1a_32
from engine.pack import RulePack
from engine.runtime import message_of
from engine.scenario import MAX_EVENTS, Scenario, build
from engine.sources import LineMap
from engine.vocabulary import EVENT_TYPES

ADOPTED = date(2017, 6, 29)
EVENTS_PER_DAY = 20
SLOT_SECONDS = 86_400 // EVENTS_PER_DAY
DAY = 86_400
ATTRIBUTED_SHARE = 0.03  # background acts whose author is a named armed group (they engage paragraph 4)
LINKED_INCIDENT_SHARE = 0.004  # draws that start a threat/attack/request/support/intervention incident
ABOVE_CEILING_SHARE = 0.02  # deployments above a paragraph 16 ceiling
TOWNS = ("Timbuktu", "Gao", "Kidal", "Mopti", "Menaka", "Aguelhok", "Tessalit", "Ber", "Anefis", "Goundam")
FIXED_ACTORS = ("minusma", "french-forces", "france", "secretary-general", "unidentified", "srsg-mali",
                "government-of-mali", "mdsf", "fc-g5s")

# ---- the synthetic stream --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cast:
    """Actor ids from the pack's registry, by role."""

    armed_groups: tuple[str, ...]
    parties: tuple[str, ...]  # those who can violate the ceasefire
    presences: tuple[str, ...]  # "MINUSMA and other international presences"
    national: tuple[str, ...]


def cast_of(actors: ActorRegistry) -> Cast:
    missing = [a for a in FIXED_ACTORS if a not in actors]
    if missing:
        raise SystemExit(f"the actor registry lacks {missing}")
    armed = tuple(actors.members("armed-group"))
    return Cast(armed_groups=armed, parties=(*actors.members("malian-party"), "gatia"),
                presences=tuple(actors.members("international-presence")), national=("mdsf", "government-of-mali"))


class StreamBuilder:
    """Draws N events, one per slot of 72 minutes, with a seeded generator."""

    BACKGROUND: dict[str, float] = {
        "deployment": 0.05, "threat": 0.15, "attack": 0.20, "ceasefire_violation": 0.15, "obstruction": 0.12,
        "support": 0.13, "intervention_request": 0.05, "intervention": 0.07, "report": 0.03,
        "incident": LINKED_INCIDENT_SHARE,
    }

    def __init__(self, rng: random.Random, cast: Cast, count: int) -> None:
        self.rng = rng
        self.cast = cast
        self.count = count
        self.events: list[dict[str, Any]] = []
        self.recent: collections.deque[str] = collections.deque(maxlen=40)
        self.incidents = 0
        self.scheduled = collections.deque(self._reports(span_days(count)))
        self.kinds = list(self.BACKGROUND)
        self.weights = list(self.BACKGROUND.values())

    def _reports(self, days: int) -> list[tuple[int, str, str]]:
        """(day, by, kind): a quarterly report of the Secretary-General (about one in ten a few days late), one
        of France on the French forces each quarter, and the strategic plan."""
        out = [(170, "secretary-general", "strategic_plan")]
        for k in range(1, days // 91 + 2):
            due = (add_months(ADOPTED, 3 * k) - ADOPTED).days
            late = self.rng.random() < 0.1
            out.append((due + (self.rng.randint(1, 3) if late else -self.rng.randint(0, 10)),
                        "secretary-general", "quarterly"))
            out.append((due - self.rng.randint(0, 15), "france", "french_forces"))
        return sorted(o for o in out if o[0] < days)

    def build(self) -> list[dict[str, Any]]:
        while len(self.events) < self.count:
            slot = len(self.events)
            if self.scheduled and self.scheduled[0][0] <= slot // EVENTS_PER_DAY:
                _, by, kind = self.scheduled.popleft()
                self.emit("report", by=by, kind=kind)
                continue
            kind = self.rng.choices(self.kinds, self.weights)[0]
            if kind == "incident":
                if self.count - slot >= 5:
                    self.linked_incident()
                continue
            getattr(self, f"draw_{kind}")()
        return self.events

    # ---- helpers ----
    def emit(self, event_type: str, **fields: Any) -> None:
        slot = len(self.events)
        second = slot * SLOT_SECONDS + self.rng.randrange(SLOT_SECONDS)
        at = start_of(ADOPTED) + timedelta(seconds=second)
        event = {"id": f"e{slot:06d}", "at": at.strftime("%Y-%m-%dT%H:%M:%SZ"), "type": event_type}
        event.update({k: v for k, v in fields.items() if v is not None})
        self.events.append(event)

    def author(self, among: tuple[str, ...]) -> str | None:
        draw = self.rng.random()
        if draw < ATTRIBUTED_SHARE:
            return self.rng.choice(among)
        return "unidentified" if draw < 0.6 else None

    def incident(self, share: float) -> str | None:
        draw = self.rng.random()
        if draw >= share:
            return None
        if not self.recent or draw < share / 2:
            return self.new_incident()
        return self.rng.choice(self.recent)

    def new_incident(self) -> str:
        self.incidents += 1
        name = f"inc-{self.incidents:05d}"
        self.recent.append(name)
        return name

    def town(self) -> str:
        return self.rng.choice(TOWNS)

    # ---- background events ----
    def draw_deployment(self) -> None:
        above = self.rng.random() < ABOVE_CEILING_SHARE
        military = self.rng.randint(13_290, 13_700) if above else self.rng.randint(11_000, 13_289)
        police = self.rng.randint(1_921, 2_000) if self.rng.random() < ABOVE_CEILING_SHARE else \
            self.rng.randint(1_500, 1_920)
        self.emit("deployment", military=military, police=police if self.rng.random() < 0.8 else None)

    def draw_threat(self) -> None:
        level = self.rng.choices(["low", "credible", "serious_and_credible", "imminent_and_serious"],
                                 [40, 35, 20, 5])[0]
        against = self.rng.choice(self.cast.presences + self.cast.national)
        self.emit("threat", against=against, level=level, by=self.author(self.cast.armed_groups),
                  incident=self.incident(0.2), location=self.town())

    def draw_attack(self) -> None:
        target = self.rng.choice(self.cast.presences + self.cast.national)
        self.emit("attack", by=self.author(self.cast.armed_groups), target=target, incident=self.incident(0.3),
                  location=self.town())

    def draw_ceasefire_violation(self) -> None:
        self.emit("ceasefire_violation", by=self.author(self.cast.parties),
                  against=self.rng.choice(self.cast.parties), incident=self.incident(0.3), location=self.town())

    def draw_obstruction(self) -> None:
        self.emit("obstruction", by=self.author(self.cast.armed_groups), incident=self.incident(0.2),
                  location=self.town())

    def draw_support(self) -> None:
        incident = self.incident(0.6)
        to = None if incident else self.rng.choice((*self.cast.armed_groups, "unidentified"))
        self.emit("support", by=self.author(self.cast.armed_groups), to=to, incident=incident)

    def draw_intervention_request(self) -> None:
        by, to = self.rng.choice([("government-of-mali", "french-forces"), ("government-of-mali", "fc-g5s"),
                                  ("secretary-general", "fc-g5s")])
        self.emit("intervention_request", by=by, to=to, incident=self.incident(0.3))

    def draw_intervention(self) -> None:
        by = self.rng.choice(("fc-g5s", "mdsf", "french-forces"))
        self.emit("intervention", by=by, in_support_of=self.rng.choice(self.cast.national), location=self.town())

    def draw_report(self) -> None:
        self.emit("report", by=self.rng.choice(("secretary-general", "france")), kind="other")

    # ---- a linked incident: five events within about six hours ----
    def linked_incident(self) -> None:
        name, where = self.new_incident(), self.town()
        attacker = self.rng.choice(self.cast.armed_groups) if self.rng.random() < 0.3 else "unidentified"
        self.emit("threat", against="minusma", level="imminent_and_serious", by=attacker, incident=name,
                  location=where)
        self.emit("attack", by=attacker, target="minusma", incident=name, location=where)
        self.emit("intervention_request", by="secretary-general", to="french-forces", incident=name)
        supporter = self.rng.choice(self.cast.armed_groups) if self.rng.random() < 0.5 else "unidentified"
        self.emit("support", by=supporter, incident=name)
        self.emit("intervention", by="french-forces", in_support_of="minusma", incident=name, location=where)


def span_days(count: int) -> int:
    return -(-count // EVENTS_PER_DAY)


def scenario_data(count: int, seed: int, cast: Cast) -> dict[str, Any]:
    """The stream as a plain dict, as a parsed scenario file would be."""
    events = StreamBuilder(random.Random(seed), cast, count).build()
    until = ADOPTED + timedelta(days=span_days(count))
    return {"name": f"Synthetic stream of {count:,} events (seed {seed})", "until": until.isoformat(),
            "events": events}


def load(data: dict[str, Any], pack: RulePack) -> Scenario:
    return build(data, LineMap(), path="<synthetic>", actors=pack.actors, default_start=pack.adopted,
                 default_until=pack.adopted)


# ---- the raw durable-rules baseline ------------------------------------------------------------------------

INTERNATIONAL = ["eucap-sahel-mali", "eutm-mali", "fc-g5s", "french-forces", "minusma", "un-personnel"]
MINUSMA = ["minusma", "srsg-mali"]
FRANCE = ["france", "french-forces"]
MILITARY_CEILING = 13_289
POLICE_CEILING = 1_920
SUPPORT_WINDOW = 90 * DAY
THREAT_WINDOW = 3 * DAY
BY_SOMEONE = [{"$ex": {"by": 1}}, {"$neq": {"by": "unidentified"}}]
TARGET_INTERNATIONAL = {"$or": [{"target": a} for a in INTERNATIONAL]}


def within(alias: str, seconds: int) -> list[dict[str, Any]]:
    """``|t - alias.t| <= seconds``: the pack's ``within`` on the join."""
    return [{"$lte": {"t": {"$add": {"$l": {alias: "t"}, "$r": seconds}}}},
            {"$gte": {"t": {"$sub": {"$l": {alias: "t"}, "$r": seconds}}}}]


#: Written by hand in durable-rules' JSON ruleset format, equivalent to the compiled pack's rules.
RAW_RULES: dict[str, Any] = {
    "4a": {"all": [{"act": {"$and": [{"type": "obstruction"}, *BY_SOMEONE]}}], "run": "noop"},
    "4b": {"all": [{"act": {"$and": [{"type": "ceasefire_violation"}, *BY_SOMEONE]}}], "run": "noop"},
    "4c": {"all": [{"act": {"$and": [{"type": "attack"}, *BY_SOMEONE, TARGET_INTERNATIONAL]}}], "run": "noop"},
    "4c_threat": {"all": [{"act": {"$and": [{"type": "threat"}, *BY_SOMEONE,
                                            {"$or": [{"against": a} for a in INTERNATIONAL]}]}}], "run": "noop"},
    "4d_attack": {"all": [
        {"act": {"$and": [{"type": "attack"}, {"$ex": {"incident": 1}}, TARGET_INTERNATIONAL]}},
        {"help": {"$and": [{"type": "support"}, *BY_SOMEONE, {"incident": {"act": "incident"}},
                           *within("act", SUPPORT_WINDOW)]}},
    ], "run": "noop"},
    "4d_attacker": {"all": [
        {"act": {"$and": [{"type": "attack"}, *BY_SOMEONE, TARGET_INTERNATIONAL]}},
        {"help": {"$and": [{"type": "support"}, *BY_SOMEONE, {"to": {"act": "by"}}, *within("act", SUPPORT_WINDOW)]}},
    ], "run": "noop"},
    "4d_ceasefire": {"all": [
        {"act": {"$and": [{"type": "ceasefire_violation"}, {"$ex": {"incident": 1}}]}},
        {"help": {"$and": [{"type": "support"}, *BY_SOMEONE, {"incident": {"act": "incident"}},
                           *within("act", SUPPORT_WINDOW)]}},
    ], "run": "noop"},
    "4d_obstruction": {"all": [
        {"act": {"$and": [{"type": "obstruction"}, {"$ex": {"incident": 1}}]}},
        {"help": {"$and": [{"type": "support"}, *BY_SOMEONE, {"incident": {"act": "incident"}},
                           *within("act", SUPPORT_WINDOW)]}},
    ], "run": "noop"},
    "16_military": {"all": [{"strength": {"$and": [{"type": "deployment"}, {"$gt": {"military": MILITARY_CEILING}}]}}],
                    "run": "noop"},
    "16_police": {"all": [{"strength": {"$and": [{"type": "deployment"}, {"$gt": {"police": POLICE_CEILING}}]}}],
                  "run": "noop"},
    "37_grant": {"all": [
        {"threat": {"$and": [{"type": "threat"}, {"$or": [{"against": a} for a in MINUSMA]},
                             {"level": "imminent_and_serious"}, {"$ex": {"incident": 1}}]}},
        {"request": {"$and": [{"type": "intervention_request"}, {"by": "secretary-general"},
                              {"to": "french-forces"}, {"incident": {"threat": "incident"}},
                              *within("threat", THREAT_WINDOW)]}},
    ], "run": "noop"},
    "37_intervene": {"all": [{"act": {"$and": [{"type": "intervention"}, {"by": "french-forces"},
                                               {"$or": [{"in_support_of": a} for a in MINUSMA]}]}}], "run": "noop"},
    "37_report": {"all": [{"act": {"$and": [{"type": "report"}, {"$or": [{"by": a} for a in FRANCE]},
                                            {"kind": "french_forces"}]}}], "run": "noop"},
    "47": {"all": [{"act": {"$and": [{"type": "report"}, {"by": "secretary-general"}, {"kind": "quarterly"}]}}],
           "run": "noop"},
    "48": {"all": [{"act": {"$and": [{"type": "report"}, {"by": "secretary-general"}, {"kind": "strategic_plan"}]}}],
           "run": "noop"},
}


def check_raw_rules(pack: RulePack) -> None:
    """The hand-written lists and figures must be the pack's."""
    actors = pack.actors
    assert INTERNATIONAL == actors.members("international-presence"), "INTERNATIONAL differs from the registry"
    assert MINUSMA == actors.members("minusma"), "MINUSMA differs from the registry"
    assert FRANCE == actors.members("france"), "FRANCE differs from the registry"
    assert pack.param("military_ceiling") == MILITARY_CEILING
    assert pack.param("police_ceiling") == POLICE_CEILING
    assert len(RAW_RULES) == len(pack.rules) + len(pack.obligations), "one raw rule per pack rule and duty"


class Fired:
    count = 0


def noop(c: Any) -> None:
    Fired.count += 1


class QuietHost(dr.Host):
    """A Host without its two background timer threads (DESIGN.md §2.2); every action is a no-op."""

    def _run(self) -> None:
        pass

    def get_action(self, action_name: str) -> Callable[[Any], None]:
        return noop


def raw_messages(scenario: Scenario) -> list[dict[str, Any]]:
    """The scenario's events as flat messages (fields and an integer tick ``t``), with ids whose 32-bit
    FNV-1a hashes are distinct (durable-rules compares ids by that hash only, DESIGN.md §2.3)."""
    clock = Clock(start_of(ADOPTED))
    hashes: set[int] = set()
    serial = 0
    out = []
    for event in scenario.events:
        message = message_of(event, clock)
        while True:
            serial += 1
            candidate = f"m{serial}"
            if fnv1a_32(candidate) not in hashes:
                hashes.add(fnv1a_32(candidate))
                break
        message["id"] = candidate
        out.append(message)
    return out


@dataclass
class RawResult:
    seconds: float
    handled: int
    not_handled: int
    observed: int
    fired: int
    pending: int


_raw_names = iter(range(1, 1_000_000))


def raw_replay(messages: list[dict[str, Any]], host: QuietHost) -> RawResult:
    name = f"raw{next(_raw_names)}"
    host.set_rulesets({name: json.loads(json.dumps(RAW_RULES))})  # set_rulesets mutates its argument
    handled = not_handled = observed = 0
    Fired.count = 0
    started = time.perf_counter()
    for message in messages:
        try:
            host.post(name, message)
            handled += 1
        except dr.MessageNotHandledException:
            not_handled += 1
        except dr.MessageObservedException:
            observed += 1
    seconds = time.perf_counter() - started
    pending = len(host.get_pending_events(name))
    return RawResult(seconds, handled, not_handled, observed, Fired.count, pending)


# ---- measuring -------------------------------------------------------------------------------------------------


def timed(function: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def best_engine(engine: Engine, scenario: Scenario, repeat: int) -> tuple[float, Any]:
    engine.compiled(scenario.assumptions)  # compile and load the pack before the clock starts
    best, report = float("inf"), None
    for _ in range(repeat):
        gc.collect()
        seconds, report = timed(lambda: engine.run(scenario))
        best = min(best, seconds)
    return best, report


def best_raw(messages: list[dict[str, Any]], repeat: int) -> RawResult:
    host = QuietHost()
    results = []
    for _ in range(repeat):
        gc.collect()
        results.append(raw_replay(messages, host))
    return min(results, key=lambda r: r.seconds)


def proc_status(key: str) -> int:
    """A ``/proc/self/status`` figure in KiB (``VmRSS``, ``VmHWM``)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise KeyError(key)


def reset_peak() -> bool:
    """Reset this process's peak RSS (Linux 4.0+); False when not allowed."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
        return True
    except OSError:
        return False


def child(kind: str, count: int, seed: int) -> None:
    """One size, one contender, in a fresh process: print a JSON line of memory figures."""
    pack = load_pack()
    scenario = load(scenario_data(count, seed, cast_of(pack.actors)), pack)
    out: dict[str, Any] = {"kind": kind, "events": count}
    if kind == "engine":
        engine = Engine()
        engine.compiled(scenario.assumptions)
        run: Callable[[], Any] = lambda: engine.run(scenario)  # noqa: E731
    else:
        messages = raw_messages(scenario)
        host = QuietHost()
        run = lambda: raw_replay(messages, host)  # noqa: E731
    gc.collect()
    out["rss_before"] = proc_status("VmRSS")
    out["maxrss_before"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out["peak_reset"] = reset_peak()
    seconds, result = timed(run)
    out["peak"] = proc_status("VmHWM") if out["peak_reset"] else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out["maxrss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out["rate"] = count / seconds
    if kind == "engine":
        out["live"] = result.stats["peak_live_facts"]
        out["findings"] = len(result.findings)
        out["references"] = sum(len(f.events) for f in result.findings)
    else:
        out["live"] = result.pending
    print(json.dumps(out))


def measure_memory(sizes: Iterable[int], seed: int) -> list[dict[str, Any]]:
    rows = []
    for kind in ("engine", "raw"):
        for count in sizes:
            command = [sys.executable, __file__, "--child", kind, "--events", str(count), "--seed", str(seed)]
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                raise SystemExit(f"memory run {kind} {count} failed:\n{done.stderr}")
            rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return rows


# ---- output ----------------------------------------------------------------------------------------------------


def versions() -> str:
    return (f"Python {platform.python_version()}, durable-rules {metadata.version('durable_rules')}, "
            f"simpy {metadata.version('simpy')}, pydantic {metadata.version('pydantic')}; "
            f"{platform.system()} {platform.machine()}")


def type_mix(scenario: Scenario) -> str:
    counts = collections.Counter(e.type for e in scenario.events)
    return ", ".join(f"{t} {counts[t]:,}" for t in EVENT_TYPES)


def print_throughput(count: int, engine_s: float, raw: RawResult, load_s: float, make_s: float) -> None:
    engine_rate, raw_rate = count / engine_s, count / raw.seconds
    rows = [
        ("events", f"{count:,}"),
        ("stream generation (s)", f"{make_s:.2f}"),
        ("load + validation (s)", f"{load_s:.2f}  ({count / load_s:,.0f} events/s)"),
        ("engine replay (s, best)", f"{engine_s:.2f}"),
        ("engine events/s", f"{engine_rate:,.0f}"),
        ("raw durable-rules post (s, best)", f"{raw.seconds:.2f}"),
        ("raw durable-rules events/s", f"{raw_rate:,.0f}"),
        ("ratio engine/raw (target >= 0.5)", f"{engine_rate / raw_rate:.2f}"
                                            f"  {'met' if engine_rate / raw_rate >= 0.5 else 'NOT met'}"),
    ]
    width = max(len(r[0]) for r in rows)
    for label, value in rows:
        print(f"  {label.ljust(width)}  {value}")


def print_memory(rows: list[dict[str, Any]]) -> None:
    print("Memory, one fresh process per size (KiB; 'growth' = peak during the replay - RSS just before it):")
    header = ("contender", "events", "rss before", "peak", "growth", "ru_maxrss", "live facts*", "events/s")
    table = [header]
    for r in rows:
        table.append((r["kind"], f"{r['events']:,}", f"{r['rss_before']:,}", f"{r['peak']:,}",
                      f"{r['peak'] - r['rss_before']:,}", f"{r['maxrss']:,}", f"{r['live']:,}", f"{r['rate']:,.0f}"))
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for row in table:
        print("  " + "  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths,
                                                                                             strict=True))))
    if not all(r["peak_reset"] for r in rows):
        print("  (peak could not be reset here: 'peak' is ru_maxrss, which includes building the stream)")
    print("  * engine: report.stats['peak_live_facts'] (facts kept for joins at once); raw: events still stored "
          "in the session at the end (pending partial joins, never released)")
    engine_rows = [r for r in rows if r["kind"] == "engine"]
    print("  engine findings by size: " + ", ".join(
        f"{r['events']:,} -> {r['findings']:,} findings citing {r['references']:,} events" for r in engine_rows))


def print_run_details(scenario: Scenario, report: Any, raw: RawResult) -> None:
    findings = report.findings
    kinds = collections.Counter(f.kind for f in findings)
    print(f"  stream: {len(scenario.events):,} events from {scenario.start} to {scenario.until} "
          f"({EVENTS_PER_DAY}/day): {type_mix(scenario)}")
    print(f"  engine: {len(findings):,} findings ({', '.join(f'{k} {n:,}' for k, n in sorted(kinds.items()))}), "
          f"{len(findings) / len(scenario.events):.2%} of the events; peak live facts "
          f"{report.stats['peak_live_facts']:,}, live at end {report.stats['live_facts_at_end']:,}")
    print(f"  raw: {raw.handled:,} posts handled ({raw.fired:,} fired a rule), {raw.not_handled:,} raised "
          f"MessageNotHandledException, {raw.observed:,} MessageObservedException; {raw.pending:,} events left "
          f"stored")
    print("  note: raw durable-rules consumes each event with the first rule it fires and never retracts; the "
          "engine asserts\n  each event as a fact so it engages every matching rule, applies the effects, keeps "
          "facts for joins and\n  retracts them on the SimPy clock (deadlines, windows). The baseline does less "
          "work.")


# ---- main ------------------------------------------------------------------------------------------------------


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100_000, help="stream size N (default 100,000)")
    parser.add_argument("--seed", type=int, default=2364, help="seed of the stream (default 2364)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs; the best counts (default 3)")
    parser.add_argument("--growth", action="store_true", help="also measure memory at 2N events")
    parser.add_argument("--child", choices=("engine", "raw"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not 20 <= args.events <= MAX_EVENTS:
        parser.error(f"--events must be between 20 and {MAX_EVENTS:,} (the scenario limit)")
    return args


def main() -> int:
    args = arguments()
    if args.child:
        child(args.child, args.events, args.seed)
        return 0
    count, seed = args.events, args.seed
    print(f"Replay throughput, Resolution 2364 (2017) pack: {count:,} events, seed {seed}, best of {args.repeat}")
    print(f"  {versions()}")
    pack = load_pack()
    check_raw_rules(pack)
    sizes = [count // 4, count // 2, count] + ([2 * count] if args.growth else [])
    skipped = [n for n in sizes if n > MAX_EVENTS]
    # memory first, while this process is small: a child's ru_maxrss starts at its parent's peak
    memory = measure_memory([n for n in sizes if n <= MAX_EVENTS], seed)
    make_s, data = timed(lambda: scenario_data(count, seed, cast_of(pack.actors)))
    load_s, scenario = timed(lambda: load(data, pack))
    del data
    engine_s, report = best_engine(Engine(), scenario, args.repeat)
    raw = best_raw(raw_messages(scenario), args.repeat)
    print()
    print_throughput(count, engine_s, raw, load_s, make_s)
    print_run_details(scenario, report, raw)
    print()
    print_memory(memory)
    if skipped:
        print(f"  skipped {skipped}: above the scenario limit of {MAX_EVENTS:,} events")
    return 0


if __name__ == "__main__":
    sys.exit(main())
