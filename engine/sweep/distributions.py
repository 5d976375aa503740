"""What a sweep may draw: integers from ``uniform`` or ``normal`` distributions, or one of a ``choice`` of values.

Wherever a sweep file gives a value that varies (a shift's ``days``, an assumption's value, a field of an added
event), it may write a mapping with exactly one of these keys instead of the value itself:

* ``{uniform: [LOW, HIGH]}`` — an integer from LOW to HIGH inclusive, each equally likely;
* ``{normal: {mean: M, sd: S}}`` — a normal draw rounded to the nearest integer;
* ``{choice: [A, B, ...]}`` — one of the values, each equally likely (any value: numbers, names, mappings).

A *template* is any plain value in which such mappings may appear at any depth; :func:`parse_template` turns
it into a structure of :class:`Draw` objects and :func:`resolve` draws a plain value from it with a
``random.Random``. Parsing reports the first problem as ``path:line``.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Any

from ..inputs.sources import LineMap
from .errors import SweepError

KINDS = ("uniform", "normal", "choice")
MAX_CHOICES = 1_000  # values in one `choice`
MAX_MAGNITUDE = 10**9  # bounds and means: larger numbers are a mistake, not a study


@dataclass(frozen=True)
class Uniform:
    low: int
    high: int

    def draw(self, rng: random.Random) -> int:
        return rng.randint(self.low, self.high)

    def extremes(self) -> tuple[Any, ...]:
        return (self.low, self.high)

    def describe(self) -> str:
        return f"uniform {self.low} to {self.high}"


@dataclass(frozen=True)
class Normal:
    mean: float
    sd: float

    def draw(self, rng: random.Random) -> int:
        return round(rng.normalvariate(self.mean, self.sd))

    def extremes(self) -> tuple[Any, ...]:
        return (round(self.mean),)

    def describe(self) -> str:
        return f"normal, mean {self.mean:g}, sd {self.sd:g}"


@dataclass(frozen=True)
class Choice:
    options: tuple[Any, ...]

    def draw(self, rng: random.Random) -> Any:
        return self.options[rng.randrange(len(self.options))]

    def extremes(self) -> tuple[Any, ...]:
        return self.options

    def describe(self) -> str:
        return "one of " + ", ".join(_short(o) for o in self.options[:6]) + (" ..." if len(self.options) > 6 else "")


Draw = Uniform | Normal | Choice


def _short(value: Any) -> str:
    import json

    return json.dumps(value, sort_keys=True, default=str)


def _number(value: Any, what: str, path: str, lines: LineMap, loc: tuple[Any, ...], *, integer: bool) -> Any:
    ok = isinstance(value, int) if integer else isinstance(value, int | float)
    if isinstance(value, bool) or not ok or (isinstance(value, float) and not math.isfinite(value)):
        kind = "an integer" if integer else "a number"
        raise SweepError(f"{what} must be {kind}, got {value!r}", path=path, line=lines.line_of(loc))
    if abs(value) > MAX_MAGNITUDE:
        raise SweepError(f"{what} is {value:,}; at most {MAX_MAGNITUDE:,} in size", path=path,
                         line=lines.line_of(loc))
    return value


def is_draw(value: Any) -> bool:
    """Whether ``value`` is written as a distribution (a mapping with one of :data:`KINDS` among its keys)."""
    return isinstance(value, dict) and any(kind in value for kind in KINDS)


def parse_draw(value: dict[str, Any], path: str, lines: LineMap, loc: tuple[Any, ...]) -> Draw:
    """One ``{uniform: ...}``, ``{normal: ...}`` or ``{choice: ...}`` mapping."""
    if len(value) != 1:
        raise SweepError(f"a distribution has exactly one key ({', '.join(KINDS)}); got {', '.join(map(str, value))}",
                         path=path, line=lines.line_of(loc))
    (kind, spec), = value.items()
    where = (*loc, kind)
    if kind == "uniform":
        if not isinstance(spec, list) or len(spec) != 2:
            raise SweepError("uniform: give [LOW, HIGH], two integers", path=path, line=lines.line_of(where))
        low = _number(spec[0], "uniform: LOW", path, lines, (*where, 0), integer=True)
        high = _number(spec[1], "uniform: HIGH", path, lines, (*where, 1), integer=True)
        if low > high:
            raise SweepError(f"uniform: LOW ({low}) is above HIGH ({high})", path=path, line=lines.line_of(where))
        return Uniform(low, high)
    if kind == "normal":
        if not isinstance(spec, dict) or set(spec) != {"mean", "sd"}:
            raise SweepError("normal: give {mean: M, sd: S}", path=path, line=lines.line_of(where))
        mean = _number(spec["mean"], "normal: mean", path, lines, (*where, "mean"), integer=False)
        sd = _number(spec["sd"], "normal: sd", path, lines, (*where, "sd"), integer=False)
        if sd < 0:
            raise SweepError(f"normal: sd ({sd}) is negative", path=path, line=lines.line_of((*where, "sd")))
        return Normal(float(mean), float(sd))
    if not isinstance(spec, list) or not spec:
        raise SweepError("choice: give a list of one or more values", path=path, line=lines.line_of(where))
    if len(spec) > MAX_CHOICES:
        raise SweepError(f"choice: {len(spec):,} values; at most {MAX_CHOICES:,}", path=path,
                         line=lines.line_of(where))
    for i, option in enumerate(spec):
        if is_draw(option):
            raise SweepError("choice: a value cannot itself be a distribution", path=path,
                             line=lines.line_of((*where, i)))
    return Choice(tuple(spec))


def parse_template(value: Any, path: str, lines: LineMap, loc: tuple[Any, ...]) -> Any:
    """``value`` with every distribution in it parsed (plain values are kept as they are)."""
    if is_draw(value):
        return parse_draw(value, path, lines, loc)
    if isinstance(value, dict):
        return {key: parse_template(item, path, lines, (*loc, key)) for key, item in value.items()}
    if isinstance(value, list):
        return [parse_template(item, path, lines, (*loc, i)) for i, item in enumerate(value)]
    return value


def resolve(template: Any, rng: random.Random) -> Any:
    """A plain value drawn from ``template`` (distributions drawn in the template's key order)."""
    if isinstance(template, Uniform | Normal | Choice):
        return template.draw(rng)
    if isinstance(template, dict):
        return {key: resolve(item, rng) for key, item in template.items()}
    if isinstance(template, list):
        return [resolve(item, rng) for item in template]
    return template


def varies(template: Any) -> bool:
    """Whether ``template`` holds a distribution anywhere."""
    if isinstance(template, Uniform | Normal | Choice):
        return True
    if isinstance(template, dict):
        return any(varies(item) for item in template.values())
    if isinstance(template, list):
        return any(varies(item) for item in template)
    return False
