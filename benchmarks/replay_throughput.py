"""Replay throughput and memory of the engine, against raw durable-rules on the same events.

What it measures, on a synthetic, seeded stream of N events (default 100,000; 20 events a day from the
adoption, 29 June 2017, so the stream spans N/20 days) of every event type of the vocabulary:

* load: building the stream's plain dict (like a parsed YAML file) and validating it into a Scenario with
  ``engine.inputs.scenario.build`` -- timed apart from the replay;
* engine: events per second of ``Engine().run(scenario)`` on the already validated scenario (the compiled
  pack is warmed first), best of ``--repeat`` runs;
* raw durable-rules: events per second of ``Host.post(ruleset, message)``, one message at a time, through
  durable-rules' documented Python API (a Host without its timer threads, no-op actions), best of
  ``--repeat`` runs, on two rulesets: one written by hand, equivalent to the pack's paragraphs 4, 16, 37, 47
  and 48 (the target is engine/raw >= 0.5 against it), and the engine's own compiled ruleset (every rule of
  the pack). Posted events are consumed by the first rule they fire and nothing is ever retracted, so the
  baseline does less work than the engine (which asserts each occurrence as a fact, acts on every match and
  retracts it later);
* memory: for N/4, N/2 and N events (and 2N with ``--growth``), one fresh process per size and per contender
  reports its resident memory just before the replay and its peak during the replay (``VmHWM`` of
  /proc/self/status, reset through /proc/self/clear_refs just before the replay; ``ru_maxrss`` is shown too,
  but it cannot be reset and on Linux a process started by exec inherits its parent's peak in it), with the
  engine's ``peak_live_facts`` and the raw session's stored events, so that one can see whether memory stays
  flat as the stream grows. The per-size rates show whether the cost per event stays constant.

Most events are background that engages no paragraph; a few percent engage one (attributed acts, attacks on
MINUSMA, ceasefire violations, ...), and a few linked incidents (threat, attack, request, support and
intervention or direct operation within hours) exercise the joins.

Run it from the project folder:

    .venv/bin/python benchmarks/replay_throughput.py [--events N] [--seed S] [--repeat R] [--growth]

It prints a plain-text table and exits 0. The stream is deterministic for a given seed.
"""

from __future__ import annotations

import argparse
import collections
import enum
import gc
import json
import platform
import random
import resource
import subprocess
import sys
import textwrap
import time
import tracemalloc
import typing
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import metadata
from pathlib import Path
from typing import Any

from durable import engine as dr

from engine.api import Engine
from engine.dates import Clock, add_months, start_of

# Submodules, not `from engine import ...`: they import the same way whatever the working directory.
from engine.inputs.actors import ActorRegistry
from engine.inputs.limits import DEFAULT_MAX_EVENTS as MAX_EVENTS
from engine.inputs.scenario import Scenario, build
from engine.inputs.sources import LineMap
from engine.inputs.vocabulary import EVENT_TYPES
from engine.replay.matcher import fnv1a_32
from engine.replay.messages import message_of
from engine.rulepack.compiler import compile_pack
from engine.rulepack.loader import load_pack
from engine.rulepack.pack import RulePack

ROOT = Path(__file__).resolve().parent.parent
ADOPTED = date(2017, 6, 29)
EVENTS_PER_DAY = 20
SLOT_SECONDS = 86_400 // EVENTS_PER_DAY
DAY = 86_400
HOT = 0.02  # share of background events drawn so that they engage a paragraph
LINKED_INCIDENTS = 0.004  # share of draws that start a linked incident (five events within about six hours)
QUIET_SHARE = 0.0  # share of draws made from forms that engage nothing (a sparse log); 0: the usual mix only
ABOVE_CEILING = 0.02  # share of deployments above a paragraph 16 ceiling
TOWNS = ("Timbuktu", "Gao", "Kidal", "Mopti", "Menaka", "Aguelhok", "Tessalit", "Ber", "Anefis", "Goundam")
NEEDED_ACTORS = ("minusma", "french-forces", "france", "secretary-general", "unidentified", "government-of-mali",
                 "mdsf", "fc-g5s", "civilians", "humanitarian-actors")

# ---- the synthetic stream --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cast:
    """Actor ids from the pack's registry, by role."""

    armed: tuple[str, ...]
    signatories: tuple[str, ...]  # armed groups that are not terrorist groups
    terrorists: tuple[str, ...]
    unlisted: tuple[str, ...]  # terrorist groups not on the 1267 list
    listed: tuple[str, ...]
    parties: tuple[str, ...]
    other_presences: tuple[str, ...]  # international presences other than the UN and the French forces
    national: tuple[str, ...] = ("mdsf", "government-of-mali")


def cast_of(actors: ActorRegistry) -> Cast:
    missing = [a for a in NEEDED_ACTORS if a not in actors]
    if missing:
        raise SystemExit(f"the actor registry lacks {missing}")

    def group(tag: str) -> tuple[str, ...]:
        return tuple(actors.members(tag))

    armed, terrorists, listed = group("armed-group"), group("terrorist-group"), group("listed-1267")
    un = {*group("un-personnel"), "french-forces"}
    return Cast(armed=armed, signatories=tuple(a for a in armed if a not in terrorists), terrorists=terrorists,
                unlisted=tuple(a for a in terrorists if a not in listed), listed=listed, parties=group("malian-party"),
                other_presences=tuple(a for a in group("international-presence") if a not in un))


class StreamBuilder:
    """Draws N events, one per slot of 72 minutes, with a seeded generator."""

    WEIGHTS: typing.ClassVar[dict[str, float]] = {
        "deployment": 0.05, "threat": 0.14, "attack": 0.18, "ceasefire_violation": 0.005, "terrorist_ties": 0.01,
        "obstruction": 0.005, "movement_obstruction": 0.04, "human_rights_violation": 0.005,
        "humanitarian_access_denied": 0.005, "explosive_device": 0.005, "misconduct_allegation": 0.01,
        "support": 0.12, "intelligence": 0.06, "coordination": 0.06, "support_to_forces": 0.04,
        "intervention_request": 0.05, "intervention": 0.06, "direct_operation": 0.005, "report": 0.03,
    }
    UNKNOWN_WEIGHT = 0.005  # an event type added to the vocabulary since this script was written

    def __init__(self, rng: random.Random, cast: Cast, count: int, quiet_from: int | None = None,
                 skip: Iterable[str] = ()) -> None:
        self.rng, self.cast, self.count = rng, cast, count
        self.quiet_from = quiet_from  # first slot from which no event may engage a reporting duty
        self.late = False
        self.events: list[dict[str, Any]] = []
        self.recent: collections.deque[str] = collections.deque(maxlen=40)
        self.incidents = 0
        self.scheduled = collections.deque(self._reports(span_days(count)))
        self.generic = [t for t in EVENT_TYPES if not hasattr(self, f"draw_{t}")]
        mix = {t: self.WEIGHTS.get(t, self.UNKNOWN_WEIGHT) for t in EVENT_TYPES if t not in skip}
        mix["incident"] = LINKED_INCIDENTS
        self.mix = list(mix), list(mix.values())
        quiet = {t: w for t, w in mix.items() if t not in DUTY_TYPES}
        self.quiet_mix = list(quiet), list(quiet.values())

    def _reports(self, days: int) -> list[tuple[int, str, str]]:
        """(day, by, kind): the Secretary-General's quarterly report (one in ten a few days late), France's
        report on the French forces each quarter, and the strategic plan."""
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
            self.late = self.quiet_from is not None and slot >= self.quiet_from
            kinds, weights = self.quiet_mix if self.late else self.mix
            kind = self.rng.choices(kinds, weights)[0]
            if kind == "incident":
                if self.count - slot >= 5:
                    self.linked_incident()
            elif QUIET_SHARE and self.rng.random() < QUIET_SHARE:
                self.draw_quiet()
            elif kind in self.generic:
                self.emit(kind, **generic_fields(EVENT_TYPES[kind], self.rng))
            else:
                getattr(self, f"draw_{kind}")()
        return self.events

    # ---- helpers ----
    def emit(self, event_type: str, **fields: Any) -> None:
        slot = len(self.events)
        at = start_of(ADOPTED) + timedelta(seconds=slot * SLOT_SECONDS + self.rng.randrange(SLOT_SECONDS))
        event = {"id": f"e{slot:06d}", "at": at.strftime("%Y-%m-%dT%H:%M:%SZ"), "type": event_type}
        event.update({k: v for k, v in fields.items() if v is not None})
        self.events.append(event)

    def hot(self) -> bool:
        return self.rng.random() < HOT

    def hot_duty(self) -> bool:
        """Hot, for an event that would engage a paragraph 47 reporting duty (never once quiet)."""
        return not self.late and self.hot()

    def pick(self, *options: str) -> str:
        return self.rng.choice(options)

    def nobody(self) -> str | None:
        return self.pick("unidentified", "") or None

    def incident(self, share: float) -> str | None:
        draw = self.rng.random()
        if draw >= share:
            return None
        if not self.recent or draw < share / 2:
            return self.new_incident()
        return self.rng.choice(self.recent)

    def new_incident(self) -> str:
        self.incidents += 1
        self.recent.append(f"inc-{self.incidents:05d}")
        return self.recent[-1]

    def town(self) -> str:
        return self.rng.choice(TOWNS)

    # ---- background events (engage a paragraph only when hot) ----
    def draw_deployment(self) -> None:
        military = self.rng.randint(13_290, 13_700) if self.rng.random() < ABOVE_CEILING else \
            self.rng.randint(11_000, 13_289)
        police = self.rng.randint(1_921, 2_000) if self.rng.random() < ABOVE_CEILING else self.rng.randint(1_500, 1_920)
        self.emit("deployment", military=military, police=police if self.rng.random() < 0.8 else None)

    def draw_threat(self) -> None:
        if self.hot():
            self.emit("threat", against="minusma", level="credible", by=self.rng.choice(self.cast.armed),
                      location=self.town())
            return
        level = self.rng.choices(["low", "credible", "serious_and_credible"], [50, 40, 10])[0]
        self.emit("threat", against=self.rng.choice((*self.cast.national, *self.cast.other_presences, "civilians")),
                  level=level, by=self.nobody(), incident=None if level != "low" else self.incident(0.2),
                  location=self.town())

    def draw_attack(self) -> None:
        if self.hot():
            targets = ("civilians", "humanitarian-actors") if self.late else \
                ("minusma", "un-personnel", "civilians", "humanitarian-actors")
            self.emit("attack", by=self.pick(self.rng.choice(self.cast.armed), "unidentified"),
                      target=self.rng.choice(targets),
                      incident=self.incident(0.5), location=self.town())
            return
        self.emit("attack", by=self.nobody(), target=self.rng.choice((*self.cast.national, *self.cast.other_presences)),
                  incident=self.incident(0.3), location=self.town())

    def draw_ceasefire_violation(self) -> None:
        self.emit("ceasefire_violation", by=self.pick(self.rng.choice(self.cast.parties), "unidentified"),
                  against=self.rng.choice(self.cast.parties), incident=self.incident(0.3), location=self.town())

    def draw_terrorist_ties(self) -> None:
        by = self.rng.choice(self.cast.signatories if self.hot() else self.cast.terrorists)
        self.emit("terrorist_ties", by=by, partner=self.rng.choice(self.cast.terrorists))

    def draw_obstruction(self) -> None:
        self.emit("obstruction", by=self.pick(self.rng.choice(self.cast.armed), "unidentified"),
                  incident=self.incident(0.2), location=self.town())

    def draw_movement_obstruction(self) -> None:
        against = "minusma" if self.hot() else self.rng.choice(self.cast.other_presences)
        self.emit("movement_obstruction", by=self.nobody(), against=against, of=self.pick("personnel", "supplies"),
                  route=self.pick("within_mali", "to_or_from_mali"), location=self.town())

    def draw_human_rights_violation(self) -> None:
        category = self.pick("arbitrary_detention", "ill_treatment", "sexual_violence", "recruitment_of_children",
                             "other")
        self.emit("human_rights_violation", category=category, by=self.nobody(),
                  against=self.pick("civilians", "children", "women"), location=self.town())

    def draw_humanitarian_access_denied(self) -> None:
        self.emit("humanitarian_access_denied", by=self.nobody(), against="humanitarian-actors", location=self.town())

    def draw_explosive_device(self) -> None:
        self.emit("explosive_device", device=self.pick("mine", "improvised_explosive_device", "unexploded_ordnance"),
                  by=self.nobody(), casualties=self.rng.randint(0, 4), location=self.town())

    def draw_misconduct_allegation(self) -> None:
        involving = "minusma" if self.hot() else self.pick("mdsf", "fc-g5s")
        self.emit("misconduct_allegation", involving=involving, location=self.town())

    def draw_support(self) -> None:
        incident = self.incident(0.6)
        to = None if incident else self.rng.choice((*self.cast.armed, "unidentified"))
        by = self.rng.choice(self.cast.armed) if self.hot() else self.nobody()
        self.emit("support", by=by, to=to, incident=incident)

    def draw_intelligence(self) -> None:
        about = self.rng.choice(self.cast.listed if self.hot() else (*self.cast.unlisted, *self.cast.signatories))
        self.emit("intelligence", by="minusma", about=about)

    def draw_coordination(self) -> None:
        partner = "fc-g5s" if self.hot_duty() else self.pick("mdsf", "government-of-mali", "eutm-mali")
        self.emit("coordination", by="minusma", partner=partner)

    def draw_support_to_forces(self) -> None:
        self.emit("support_to_forces", by="minusma", to=self.pick("mdsf", "fc-g5s"),
                  hrddp="not_assessed" if self.hot() else "compliant")

    def draw_intervention_request(self) -> None:
        self.emit("intervention_request", by="government-of-mali", to=self.pick("french-forces", "fc-g5s"),
                  incident=self.incident(0.3))

    def draw_intervention(self) -> None:
        self.emit("intervention", by=self.pick("fc-g5s", "mdsf"), in_support_of=self.rng.choice(self.cast.national),
                  location=self.town())

    def draw_direct_operation(self) -> None:
        self.emit("direct_operation", by="minusma", in_defence_of="civilians", location=self.town())

    def draw_report(self) -> None:
        self.emit("report", by=self.pick("secretary-general", "france"), kind="other")

    # ---- quiet events (a sparse log: the forms above that engage no paragraph) ----
    QUIET: typing.ClassVar[tuple[str, ...]] = ("attack", "threat", "support", "intervention", "coordination",
                                               "intervention_request", "intelligence", "deployment",
                                               "movement_obstruction", "support_to_forces", "report",
                                               "terrorist_ties")

    def draw_quiet(self) -> None:
        kind = self.rng.choices(self.QUIET, [self.WEIGHTS[k] for k in self.QUIET])[0]
        national_or_other = (*self.cast.national, *self.cast.other_presences)
        if kind == "attack":
            self.emit("attack", by=self.nobody(), target=self.rng.choice(national_or_other), location=self.town())
        elif kind == "threat":
            self.emit("threat", against=self.rng.choice(national_or_other), level="low", by=self.nobody(),
                      location=self.town())
        elif kind == "support":
            self.emit("support", by=self.nobody(), to=self.rng.choice((*self.cast.armed, "unidentified")))
        elif kind == "intervention":
            self.emit("intervention", by=self.pick("fc-g5s", "mdsf"), in_support_of=self.rng.choice(self.cast.national),
                      location=self.town())
        elif kind == "coordination":
            self.emit("coordination", by="minusma", partner="government-of-mali")
        elif kind == "intervention_request":
            self.emit("intervention_request", by="government-of-mali", to=self.pick("french-forces", "fc-g5s"))
        elif kind == "intelligence":
            about = self.rng.choice((*self.cast.unlisted, *self.cast.signatories))
            self.emit("intelligence", by="minusma", about=about)
        elif kind == "deployment":
            self.emit("deployment", military=self.rng.randint(11_000, 13_289), police=self.rng.randint(1_500, 1_920))
        elif kind == "movement_obstruction":
            self.emit("movement_obstruction", by=self.nobody(), against=self.rng.choice(self.cast.other_presences),
                      of=self.pick("personnel", "supplies"), route=self.pick("within_mali", "to_or_from_mali"),
                      location=self.town())
        elif kind == "support_to_forces":
            self.emit("support_to_forces", by="minusma", to="fc-g5s", hrddp="compliant")
        elif kind == "report":
            self.emit("report", by=self.pick("secretary-general", "france"), kind="other")
        else:
            self.emit("terrorist_ties", by=self.rng.choice(self.cast.terrorists),
                      partner=self.rng.choice(self.cast.terrorists))

    # ---- linked incidents ----
    def linked_incident(self) -> None:
        """Five events within about six hours: paragraph 37 (threat to MINUSMA, the Secretary-General's
        request, the French forces' intervention) or paragraph 20(c)(ii) (a serious and credible threat to
        civilians, MINUSMA's direct operation), with an attack and the support given to it."""
        name, where = self.new_incident(), self.town()
        attacker = self.rng.choice(self.cast.armed) if self.rng.random() < 0.3 else "unidentified"
        supporter = self.rng.choice(self.cast.armed) if self.rng.random() < 0.5 else "unidentified"
        french = not self.late and self.rng.random() < 0.5
        victim = "minusma" if french else "civilians"
        self.emit("threat", against=victim, level="imminent_and_serious" if french else "serious_and_credible",
                  by=attacker, incident=name, location=where)
        self.emit("attack", by=attacker, target=victim, incident=name, location=where)
        if french:
            self.emit("intervention_request", by="secretary-general", to="french-forces", incident=name)
        else:
            self.emit("intervention_request", by="government-of-mali", to="fc-g5s", incident=name)
        self.emit("support", by=supporter, incident=name)
        if french:
            self.emit("intervention", by="french-forces", in_support_of="minusma", incident=name, location=where)
        else:
            self.emit("direct_operation", by="minusma", in_defence_of="civilians", incident=name, location=where)


def generic_fields(model: Any, rng: random.Random) -> dict[str, Any]:
    """Plausible values for the required fields of an event type this script does not know yet."""
    out: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if name in ("type", "at", "id") or not info.is_required():
            continue
        if name in model.actor_fields:
            out[name] = "unidentified"
            continue
        kinds = [a for a in typing.get_args(info.annotation) or (info.annotation,) if isinstance(a, type)]
        choice = next((k for k in kinds if issubclass(k, enum.Enum)), None)
        out[name] = rng.choice(list(choice)).value if choice else 1 if int in kinds else "synthetic"
    return out


#: Event types that always engage a paragraph 47 reporting duty (or 20(a)(ii), 20(f)(ii), aligned with it).
DUTY_TYPES = frozenset({"ceasefire_violation", "obstruction", "human_rights_violation", "explosive_device"})

#: One event of each kind that engages a reporting duty aligned with paragraph 47 (see late_duty_error).
LATE_DUTY_EVENTS: list[dict[str, Any]] = [
    {"type": "ceasefire_violation", "by": "gatia"}, {"type": "obstruction"},
    {"type": "attack", "target": "minusma"}, {"type": "explosive_device", "device": "mine"},
    {"type": "human_rights_violation", "category": "other", "against": "civilians"},
    {"type": "coordination", "by": "minusma", "partner": "fc-g5s"},
    {"type": "intervention", "by": "french-forces", "in_support_of": "minusma", "incident": "late"},
]


def late_duty_error(pack: RulePack) -> str | None:
    """Replay, a month after the mandate ended, events that engage reporting duties aligned with paragraph 47;
    the engine's error if it fails (then the stream holds no such event after the mandate), else None."""
    end = pack.param("mandate_end")
    assert isinstance(end, date)
    at = (end + timedelta(days=30)).isoformat()
    events = [{**fields, "id": f"late{i}", "at": at} for i, fields in enumerate(LATE_DUTY_EVENTS)]
    data = {"name": "Reporting duties engaged after the mandate", "until": (end + timedelta(days=60)).isoformat(),
            "events": events}
    try:
        Engine().run(load(data, pack))
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def unusable_types(actors: ActorRegistry) -> list[str]:
    """Event types this script does not know and cannot fill in generically (their validators refuse it)."""
    out = []
    for event_type, model in EVENT_TYPES.items():
        if hasattr(StreamBuilder, f"draw_{event_type}"):
            continue
        sample = {"type": event_type, "at": ADOPTED.isoformat(), **generic_fields(model, random.Random(0))}
        try:
            model.model_validate(sample, context={"actors": actors})
        except ValueError:
            out.append(event_type)
    return out


def span_days(count: int) -> int:
    return -(-count // EVENTS_PER_DAY)


def scenario_data(count: int, seed: int, pack: RulePack, quiet: bool) -> dict[str, Any]:
    """The stream as a plain dict, as a parsed scenario file would be; ``quiet``: no event engages a reporting
    duty after the mandate."""
    end = pack.param("mandate_end")
    assert isinstance(end, date)
    quiet_from = ((end - ADOPTED).days + 1) * EVENTS_PER_DAY if quiet else None
    builder = StreamBuilder(random.Random(seed), cast_of(pack.actors), count, quiet_from, unusable_types(pack.actors))
    events = builder.build()
    until = ADOPTED + timedelta(days=span_days(count))
    return {"name": f"Synthetic stream of {count:,} events (seed {seed})", "until": until.isoformat(),
            "events": events}


def load(data: dict[str, Any], pack: RulePack) -> Scenario:
    return build(data, LineMap(), path="<synthetic>", actors=pack.actors, default_start=pack.adopted,
                 default_until=pack.adopted)


# ---- the raw durable-rules baseline ------------------------------------------------------------------------

SUPPORT_WINDOW = 90 * DAY  # paragraph 4's support_link_window
THREAT_WINDOW = 3 * DAY  # paragraph 37's threat_request_window
BY_SOMEONE = [{"$ex": {"by": 1}}, {"$neq": {"by": "unidentified"}}]


def any_of(field: str, values: Iterable[Any]) -> dict[str, Any]:
    return {"$or": [{field: v} for v in values]}


def within(alias: str, seconds: int) -> list[dict[str, Any]]:
    """``|t - alias.t| <= seconds``: a rule's ``within`` on its join."""
    return [{"$lte": {"t": {"$add": {"$l": {alias: "t"}, "$r": seconds}}}},
            {"$gte": {"t": {"$sub": {"$l": {alias: "t"}, "$r": seconds}}}}]


def when(*conditions: tuple[str, list[Any]]) -> dict[str, Any]:
    return {"all": [{alias: {"$and": tests}} for alias, tests in conditions], "run": "noop"}


HAND_PARAGRAPHS = ("4", "16", "37", "47", "48")


def hand_written_rules(pack: RulePack) -> dict[str, Any]:
    """Paragraphs 4, 16, 37, 47 and 48 in durable-rules' JSON ruleset format (keyed by the pack's rule ids).

    These were once written by hand and drifted from the pack as its compilation changed (paragraph 16 came to
    test `by: minusma`, actors came to be tested through membership flags): they are now taken from the pack's
    compiled ruleset, so that they cannot drift again, with a no-op action."""
    compiled = compile_pack(pack)
    return {rule.rule_id: {**compiled.ruleset[name], "run": "noop"} for name, rule in compiled.rules.items()
            if rule.paragraph.split("(")[0] in HAND_PARAGRAPHS}


def tests_of(rule: dict[str, Any]) -> list[tuple[str, set[str]]]:
    """A rule's conditions as (alias, set of tests), without the time window (the engine checks it in Python)."""
    out = []
    for condition in rule["all"]:
        ((alias, expr),) = condition.items()
        items = expr.get("$and", [expr])
        out.append((alias, {json.dumps(i, sort_keys=True) for i in items if '"t"' not in json.dumps(i)}))
    return out


def differing_rules(hand: dict[str, Any], pack: RulePack) -> list[str]:
    """Rule ids whose hand-written tests differ from the compiled pack's (or that the pack no longer has)."""
    compiled = compile_pack(pack)
    by_id = {r.rule_id: compiled.ruleset[name] for name, r in compiled.rules.items()}
    return [rule_id for rule_id, rule in hand.items()
            if rule_id not in by_id or tests_of(rule) != tests_of(by_id[rule_id])]


def compiled_rules(pack: RulePack) -> dict[str, Any]:
    """The engine's own compiled ruleset, every rule given a no-op action."""
    return {name: {**rule, "run": "noop"} for name, rule in compile_pack(pack).ruleset.items()}


class Fired:
    count = 0


def noop(c: Any) -> None:
    Fired.count += 1


class QuietHost(dr.Host):
    """A Host without its two background timer threads (they rearm themselves, read the wall clock); no-op actions."""

    def _run(self) -> None:
        pass

    def get_action(self, action_name: str) -> Callable[[Any], None]:
        return noop


def raw_messages(scenario: Scenario) -> list[dict[str, Any]]:
    """The scenario's events as the flat messages the engine builds (fields and an integer tick ``t``), with
    ids whose 32-bit FNV-1a hashes are distinct (durable-rules compares ids by that hash)."""
    clock = Clock(start_of(ADOPTED))
    membership = compile_pack(load_pack()).membership  # the group flags the compiled rules test
    hashes: set[int] = set()
    serial = 0
    out = []
    for event in scenario.events:
        message = message_of(event, clock, None, membership)
        while fnv1a_32(f"m{serial}") in hashes:
            serial += 1
        hashes.add(fnv1a_32(f"m{serial}"))
        message["id"] = f"m{serial}"
        out.append(message)
    return out


@dataclass
class RawResult:
    seconds: float
    handled: int
    not_handled: int
    observed: int
    fired: int
    stored: int


_raw_names = iter(range(1, 1_000_000))


def raw_replay(messages: list[dict[str, Any]], host: QuietHost, rules: dict[str, Any]) -> RawResult:
    name = f"raw{next(_raw_names)}"
    host.set_rulesets({name: json.loads(json.dumps(rules))})  # set_rulesets mutates its argument
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
    stored = len(host.get_pending_events(name))
    return RawResult(seconds, handled, not_handled, observed, Fired.count, stored)


# ---- measuring -------------------------------------------------------------------------------------------------


def timed(function: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


@dataclass
class Contenders:
    """The three replays, run in turn on each repetition so that they see the same machine."""

    engine_s: list[float]
    hand: list[RawResult]
    full: list[RawResult]
    report: Any = None


def measure_throughput(scenario: Scenario, pack: RulePack, repeat: int) -> Contenders:
    engine = Engine()
    engine.compiled(scenario.assumptions)  # compile and load the pack before the clock starts
    messages = raw_messages(scenario)
    hand, full = hand_written_rules(pack), compiled_rules(pack)
    host = QuietHost()
    out = Contenders([], [], [])
    for _ in range(repeat):
        gc.collect()
        seconds, out.report = timed(lambda: engine.run(scenario))
        out.engine_s.append(seconds)
        gc.collect()
        out.hand.append(raw_replay(messages, host, hand))
        gc.collect()
        out.full.append(raw_replay(messages, host, full))
    return out


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


def child(kind: str, count: int, seed: int, quiet: bool) -> None:
    """One size, one contender, in a fresh process: print a JSON line of memory figures."""
    pack = load_pack()
    scenario = load(scenario_data(count, seed, pack, quiet), pack)
    out: dict[str, Any] = {"kind": kind, "events": count}
    if kind == "engine":
        engine = Engine()
        engine.compiled(scenario.assumptions)
        run: Callable[[], Any] = lambda: engine.run(scenario)  # noqa: E731
    else:
        messages, rules, host = raw_messages(scenario), hand_written_rules(pack), QuietHost()
        run = lambda: raw_replay(messages, host, rules)  # noqa: E731
    gc.collect()
    out["rss_before"] = proc_status("VmRSS")
    out["peak_reset"] = reset_peak()
    seconds, result = timed(run)
    out["maxrss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out["peak"] = proc_status("VmHWM") if out["peak_reset"] else out["maxrss"]
    out["rate"] = count / seconds
    if kind == "engine":
        out["live"] = result.stats.get("peak_live_facts", -1)
        out["findings"] = len(result.findings)
    else:
        out["live"] = result.stored
    del result
    out["heap_peak"], out["heap_kept"] = python_heap(run)
    print(json.dumps(out))


def python_heap(run: Callable[[], Any]) -> tuple[int, int]:
    """KiB of Python heap a second run uses at its peak, and still holds at its end with its result alive
    (tracemalloc: Python objects only, not durable-rules' C memory)."""
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    result = run()
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del result
    return (peak - base) // 1024, (current - base) // 1024


def measure_memory(sizes: Iterable[int], seed: int, quiet: bool) -> list[dict[str, Any]]:
    rows = []
    for kind in ("engine", "raw"):
        for count in sizes:
            command = [sys.executable, __file__, "--child", kind, "--events", str(count), "--seed", str(seed)]
            command += ["--quiet"] if quiet else []
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                raise SystemExit(f"memory run {kind} {count} failed:\n{done.stderr}")
            rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return rows


# ---- output ----------------------------------------------------------------------------------------------------


def versions() -> str:
    return (f"Python {platform.python_version()}, durable-rules {metadata.version('durable_rules')}, "
            f"simpy {metadata.version('simpy')}, pydantic {metadata.version('pydantic')}; "
            f"{platform.system()} {platform.machine()}, {engine_revision()}")


def engine_revision() -> str:
    """The commit measured, and whether engine/ or rules/ had uncommitted changes."""
    try:
        head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "engine", "rules"],
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "commit unknown"
    return f"commit {head}" + (" + uncommitted changes in engine/ or rules/" if dirty else "")


def table(rows: list[tuple[str, ...]], indent: str = "  ") -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        cells = [c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))]
        print(indent + "  ".join(cells).rstrip())


def print_throughput(count: int, make_s: float, load_s: float, c: Contenders) -> None:
    engine = count / min(c.engine_s)
    hand = count / min(r.seconds for r in c.hand)
    full = count / min(r.seconds for r in c.full)
    median = sorted(c.engine_s)[len(c.engine_s) // 2]
    rows = [
        ("", "events/s (best)", "seconds (best)", "seconds (all runs)"),
        ("engine: Engine().run(scenario)", f"{engine:,.0f}", f"{min(c.engine_s):.2f}", _runs(c.engine_s)),
        ("raw durable-rules, hand-written ruleset", f"{hand:,.0f}", f"{count / hand:.2f}",
         _runs([r.seconds for r in c.hand])),
        ("raw durable-rules, the pack's compiled ruleset", f"{full:,.0f}", f"{count / full:.2f}",
         _runs([r.seconds for r in c.full])),
    ]
    print(f"Throughput, {count:,} events (stream generated in {make_s:.2f} s; load + validation {load_s:.2f} s = "
          f"{count / load_s:,.0f} events/s, not included below):")
    table(rows)
    verdict = "met" if engine / hand >= 0.5 else "NOT met"
    print(f"  ratio engine/raw, hand-written ruleset: {engine / hand:.2f} (target >= 0.5: {verdict}); against the "
          f"compiled ruleset: {engine / full:.2f}; engine median run {median:.2f} s")


def _runs(seconds: list[float]) -> str:
    return " ".join(f"{s:.2f}" for s in seconds)


def print_details(scenario: Scenario, pack: RulePack, c: Contenders) -> None:
    counts = collections.Counter(e.type for e in scenario.events)
    findings = c.report.findings
    kinds = collections.Counter(str(f.kind) for f in findings)
    cited = {e for f in findings for e in f.events}
    stats = c.report.stats
    hand, full = c.hand[-1], c.full[-1]
    print(f"  stream: {len(scenario.events):,} events, {scenario.start} to {scenario.until} ({EVENTS_PER_DAY}/day), "
          f"{len(counts)} of {len(EVENT_TYPES)} event types: " + ", ".join(f"{t} {counts[t]:,}" for t in EVENT_TYPES))
    print(f"  engine: {len(findings):,} findings ({', '.join(f'{k} {n:,}' for k, n in sorted(kinds.items()))}); "
          f"{len(cited):,} events ({len(cited) / len(scenario.events):.1%}) cited by a finding; largest finding cites "
          f"{max((len(f.events) for f in findings), default=0):,} events; peak live facts "
          f"{stats.get('peak_live_facts', -1):,}, live at end {stats.get('live_facts_at_end', -1):,}")
    for label, rules, r in (("hand-written", len(hand_written_rules(pack)), hand),
                            ("compiled", len(compiled_rules(pack)), full)):
        print(f"  raw, {label} ({rules} rules): {r.handled:,} posts handled, {r.fired:,} fired a rule, "
              f"{r.not_handled:,} MessageNotHandledException, {r.observed:,} MessageObservedException; "
              f"{r.stored:,} events left stored")
    print("  note: raw durable-rules consumes each event with the first rule it fires and never retracts; the engine "
          "asserts\n  each event as a fact so that it engages every matching rule, applies the effects, keeps facts "
          "for joins and\n  retracts them on the SimPy clock (deadlines, windows). The baseline does less work.")


MEMORY_NOTE = """\
RSS growth is understated: the replay reuses memory freed after the stream was validated.
py heap: a second run under tracemalloc, Python objects only: its peak, and what it still holds at its
end with its result (the report) alive; for raw, the peak includes reading the stored events back.
* live: the engine's report.stats['peak_live_facts'] (facts kept at once for joins); raw (hand-written
ruleset): events still stored in the session at the end (partial joins, never released; C memory).
events/s: the first run, untraced.
"""


def print_memory(rows: list[dict[str, Any]]) -> None:
    print("Memory, one fresh process per size (KiB; growth = peak during the replay - RSS just before it):")
    out = [("contender", "events", "rss before", "peak", "growth", "ru_maxrss", "py heap peak", "py heap kept",
            "live*", "findings", "events/s")]
    for r in rows:
        out.append((r["kind"], f"{r['events']:,}", f"{r['rss_before']:,}", f"{r['peak']:,}",
                    f"{r['peak'] - r['rss_before']:,}", f"{r['maxrss']:,}", f"{r['heap_peak']:,}",
                    f"{r['heap_kept']:,}", f"{r['live']:,}", f"{r['findings']:,}" if "findings" in r else "-",
                    f"{r['rate']:,.0f}"))
    table(out)
    if not all(r["peak_reset"] for r in rows):
        print("  (the peak could not be reset here: 'peak' is ru_maxrss, which includes building the stream)")
    print(textwrap.indent(MEMORY_NOTE, "  "), end="")


# ---- main ------------------------------------------------------------------------------------------------------


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100_000, help="stream size N (default 100,000)")
    parser.add_argument("--seed", type=int, default=2364, help="seed of the stream (default 2364)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each contender (default 3)")
    parser.add_argument("--growth", action="store_true", help="also measure memory at 2N events")
    parser.add_argument("--child", choices=("engine", "raw"), help=argparse.SUPPRESS)
    parser.add_argument("--quiet", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not 100 <= args.events <= MAX_EVENTS:
        parser.error(f"--events must be between 100 and {MAX_EVENTS:,} (the scenario limit)")
    return args


def make_scenario(count: int, seed: int, pack: RulePack, quiet: bool) -> tuple[float, float, Scenario]:
    """Seconds to generate the stream, seconds to validate it, and the scenario."""
    make_s, data = timed(lambda: scenario_data(count, seed, pack, quiet))
    load_s, scenario = timed(lambda: load(data, pack))
    return make_s, load_s, scenario


def main() -> int:
    args = arguments()
    if args.child:
        child(args.child, args.events, args.seed, args.quiet)
        return 0
    count, seed = args.events, args.seed
    print(f"Replay throughput, Resolution 2364 (2017) pack: {count:,} events, seed {seed}, {args.repeat} runs each")
    print(f"  {versions()}")
    pack = load_pack()
    differing = differing_rules(hand_written_rules(pack), pack)
    late_error = late_duty_error(pack)
    if late_error:
        print(textwrap.fill(
            f"WARNING: the engine fails on a reporting duty engaged after the mandate ({late_error}). So after the "
            f"mandate the stream holds no event that engages one: no {', '.join(sorted(DUTY_TYPES))}, attack on UN "
            f"personnel, coordination between the international forces or French intervention.",
            width=110, initial_indent="  ", subsequent_indent="    "))
    sizes = [count // 4, count // 2, count] + ([2 * count] if args.growth else [])
    # memory first, while this process is small: a child's ru_maxrss starts at its parent's peak
    memory = measure_memory([n for n in sizes if n <= MAX_EVENTS], seed, late_error is not None)
    make_s, load_s, scenario = make_scenario(count, seed, pack, late_error is not None)
    contenders = measure_throughput(scenario, pack, args.repeat)
    print()
    print_throughput(count, make_s, load_s, contenders)
    print_details(scenario, pack, contenders)
    if differing:
        print(f"  WARNING: hand-written rules that differ from the pack's compiled ones: {', '.join(differing)}")
    print()
    print_memory(memory)
    if any(n > MAX_EVENTS for n in sizes):
        print(f"  sizes above the scenario limit of {MAX_EVENTS:,} events were skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
