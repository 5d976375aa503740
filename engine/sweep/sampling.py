"""What each sample of a sweep draws: a function of the sweep and the sample's number only.

Sample ``n`` draws from its own ``random.Random``, seeded with a SHA-256 of ``(seed, n)``; the items of
``vary`` draw from it in the file's order, each first deciding whether it applies (``probability``), then its
values. So a sample's variant never depends on how many workers run the sweep, on which of them runs the
sample, or on the order in which samples finish, and a resumed sweep redraws exactly what it lost.

:func:`check_samples` draws every sample once before any replay, so that a shift that moves an event out of
the window or an assumption value the rules refuse is bad input (exit 2, at the line of the item that drew it)
rather than a failure half-way, and counts the sets of assumptions the sweep will compile.
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ..rulepack.compiler import compile_pack
from ..rulepack.pack import RulePack
from .distributions import resolve
from .errors import SweepError
from .spec import Add, Assume, Between, Remove, Shift, Sweep

MAX_ASSUMPTION_SETS = 64  # distinct sets of assumptions in one sweep: each is a ruleset (~1 MB) in every worker

#: what a sample did with an item that did not apply to it
NOT_APPLIED = {"remove": "kept", "shift": "unchanged", "assume": "as in the base", "add": "not added"}


@dataclass(frozen=True)
class SampleDraw:
    """What sample ``number`` changes in the base scenario."""

    number: int
    removed: frozenset[str]
    shifts: dict[str, timedelta]  # event id -> how far it moves (the sum of the shifts that applied)
    assumptions: dict[str, Any]  # overrides on top of the base scenario's
    added: tuple[tuple[Add, dict[str, Any], datetime], ...]  # (item, the event's fields, its instant)
    levels: tuple[str, ...]  # for each item of `vary`, what it did here: "removed", "kept", "later", ...


def rng_for(seed: int, number: int) -> random.Random:
    """The random numbers of sample ``number`` of a sweep seeded with ``seed``."""
    digest = hashlib.sha256(f"unsc-obligations sweep {seed} {number}".encode()).digest()
    return random.Random(int.from_bytes(digest[:16], "big"))


def _delta(item: Shift, rng: random.Random) -> timedelta:
    amounts = {unit: resolve(value, rng) for unit, value in item.units}
    return timedelta(**{unit: int(amount) for unit, amount in amounts.items()})


def _compact(values: dict[str, Any]) -> str:
    return ", ".join(f"{name}={json.dumps(value, sort_keys=True, separators=(',', ':'), default=str)}"
                     for name, value in values.items())


def draw_sample(sweep: Sweep, number: int) -> SampleDraw:
    """The draw of sample ``number`` (0-based)."""
    rng = rng_for(sweep.seed, number)
    removed: set[str] = set()
    shifts: dict[str, timedelta] = {}
    assumptions: dict[str, Any] = {}
    added: list[tuple[Add, dict[str, Any], datetime]] = []
    levels: list[str] = []
    for item in sweep.vary:
        if not rng.random() < item.probability:
            levels.append(NOT_APPLIED[item.kind])
            continue
        if isinstance(item, Remove):
            removed.add(item.event)
            levels.append("removed")
        elif isinstance(item, Shift):
            delta = _delta(item, rng)
            shifts[item.event] = shifts.get(item.event, timedelta(0)) + delta
            levels.append("earlier" if delta < timedelta(0) else "later" if delta > timedelta(0) else "unchanged")
        elif isinstance(item, Assume):
            values = {name: resolve(template, rng) for name, template in item.values}
            assumptions.update(values)
            levels.append(_compact(values))
        else:
            fields = resolve(item.fields, rng)
            at = item.at.draw(rng) if isinstance(item.at, Between) else (
                item.at if isinstance(item.at, datetime) else item.at.draw(rng))
            added.append((item, fields, at))
            levels.append("added")
    return SampleDraw(number=number, removed=frozenset(removed), shifts=shifts, assumptions=assumptions,
                      added=tuple(added), levels=tuple(levels))


def assumption_key(assumptions: dict[str, Any]) -> str:
    """One text per set of assumption values (the cache key of its compiled ruleset)."""
    return json.dumps(assumptions, sort_keys=True, separators=(",", ":"), default=str)


def merged_assumptions(sweep: Sweep, draw: SampleDraw) -> dict[str, Any]:
    return {**sweep.base.assumptions, **draw.assumptions}


def check_samples(sweep: Sweep, pack: RulePack) -> int:
    """Draw every sample and check what only a draw can show; return the number of sets of assumptions."""
    first, limit = sweep.base.window
    at = {e.id: e.at for e in sweep.base.events}
    shift_lines: dict[str, int | None] = {}
    assume_lines: dict[str, int | None] = {}
    for item in sweep.vary:
        if isinstance(item, Shift):
            shift_lines.setdefault(item.event, item.line)
        elif isinstance(item, Assume):
            assume_lines.update(item.lines)
    seen: set[str] = set()
    for number in range(sweep.samples):
        draw = draw_sample(sweep, number)
        for event_id, delta in draw.shifts.items():
            if event_id in draw.removed:
                continue
            moved = at[event_id] + delta
            if not first <= moved < limit:
                raise SweepError(f"sample {number} moves {event_id} by {_describe(delta)} to {moved.isoformat()}, "
                                 f"outside the base scenario's window {sweep.base.start} to {sweep.base.until}; "
                                 "draw smaller shifts", path=sweep.path, line=shift_lines.get(event_id))
        merged = merged_assumptions(sweep, draw)
        key = assumption_key(merged)
        if key in seen:
            continue
        seen.add(key)
        if len(seen) > MAX_ASSUMPTION_SETS:
            line = min((line for line in assume_lines.values() if line is not None), default=None)
            raise SweepError(f"the sweep draws more than {MAX_ASSUMPTION_SETS} sets of assumption values (each is a "
                             "ruleset compiled in every worker); draw from fewer values", path=sweep.path, line=line)
        lines = {name: assume_lines.get(name) for name in merged}
        compile_pack(pack.with_assumptions(merged, path=sweep.path, lines=lines))
    return len(seen)


def _describe(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(abs(minutes), 1440)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{days} days" + (f" {rest // 60:02d}:{rest % 60:02d}" if rest else "")
