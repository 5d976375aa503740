"""The engine as a library: load a rule pack once, then check and replay scenarios against it.

>>> from engine import Engine
>>> engine = Engine()                                     # the bundled Resolution 2364 (2017) pack
>>> report = engine.run("scenarios/timbuktu-2018.yaml")   # doctest: +SKIP
>>> [f.id for f in report.findings if f.paragraph == "37"]  # doctest: +SKIP

Compiled rulesets are cached per process and per set of assumptions, and loaded into durable-rules once.

:class:`Engine` is the entry point of the documented API; the package root re-exports it with the rest of the
public surface (``from engine import Engine, Scenario, Report, FindingView, replayed, why, why_not,
diff_reports, render_diff, render_table, render_plot``, the errors and the pack loaders; see :mod:`engine`).
Modules not named there are internal.
"""

from __future__ import annotations

import functools
from datetime import datetime
from pathlib import Path
from typing import Any

from .errors import InputError
from .inputs.scenario import Scenario, load_scenario, scenario_from_text
from .outputs.report import Report, build_report
from .replay.asof import as_of_instant
from .replay.matcher import Matcher
from .replay.runtime import run
from .rulepack.compiler import CompiledPack, compile_pack
from .rulepack.loader import DEFAULT_PACK, load_pack
from .rulepack.pack import RulePack


@functools.lru_cache(maxsize=32)
def _compiled(pack_name: str, overrides: tuple[tuple[str, str], ...]) -> tuple[CompiledPack, Matcher]:
    import json

    pack = load_pack(pack_name).with_assumptions({k: json.loads(v) for k, v in overrides})
    compiled = compile_pack(pack)
    return compiled, Matcher(compiled.ruleset)


class Engine:
    """Replays scenarios against one rule pack."""

    def __init__(self, pack: str = DEFAULT_PACK) -> None:
        self.pack_name = pack
        self.pack: RulePack = load_pack(pack)

    @property
    def mandate_end(self) -> Any:
        return self.pack.param("mandate_end") if "mandate_end" in self.pack.parameters else self.pack.adopted

    def load(self, path: Path | str) -> Scenario:
        """Read and validate a scenario file (raises :class:`~engine.errors.ScenarioError`)."""
        return load_scenario(path, actors=self.pack.actors, default_start=self.pack.adopted,
                             default_until=self.mandate_end)

    def parse(self, text: str, *, path: str = "<scenario>.yaml") -> Scenario:
        """A scenario from YAML or JSON text."""
        return scenario_from_text(text, path=path, actors=self.pack.actors, default_start=self.pack.adopted,
                                  default_until=self.mandate_end)

    def compiled(self, assumptions: dict[str, Any] | None = None, *, path: str = "<assumptions>",
                 lines: dict[str, int | None] | None = None) -> tuple[CompiledPack, Matcher]:
        import json

        assumptions = assumptions or {}
        # validate here (with locations) before the cached compile sees the values
        self.pack.with_assumptions(assumptions, path=path, lines=lines)
        key = tuple(sorted((k, json.dumps(v, sort_keys=True, default=str)) for k, v in assumptions.items()))
        return _compiled(self.pack_name, key)

    def run(self, scenario: Scenario | Path | str, *, assume: dict[str, Any] | None = None,
            as_of: Any = None) -> Report:
        """Replay a scenario; ``assume`` overrides assumptions on top of the scenario's own.

        ``as_of`` (a date, a date-time or their ISO text) replays only the events up to that instant and reports
        the state as known then (see :mod:`engine.replay.asof`); a bad value raises
        :class:`~engine.errors.InputError`."""
        if not isinstance(scenario, Scenario):
            scenario = self.load(scenario)
        merged = dict(scenario.assumptions)
        merged.update(assume or {})
        lines = dict(scenario.assumption_lines)
        path = scenario.path if not assume else "--assume"
        compiled, matcher = self.compiled(merged, path=path, lines=lines)
        instant = _as_of(as_of) if as_of is not None else None
        ledger, clock, stats = run(compiled, matcher, scenario, instant)
        return build_report(compiled.pack, scenario, ledger, clock, stats, as_of=instant)


def _as_of(value: Any) -> datetime:
    if isinstance(value, datetime) and value.tzinfo is not None and value.microsecond == 0:
        return value  # already an instant (e.g. an exercise move's end)
    try:
        return as_of_instant(value)
    except ValueError as exc:
        raise InputError(str(exc), path="--as-of") from None
