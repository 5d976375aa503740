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

Sweeps (many sampled variants of one scenario, see ``docs/sweeps.md``) run with :func:`sweep`:

>>> result = sweep("scenarios/sweeps/timbuktu-2018-request-and-slip.yaml", workers=2)  # doctest: +SKIP
>>> result.share("37:french-forces:tbk-2018-04-14")                                    # doctest: +SKIP
>>> print(result.to_json())                                                            # doctest: +SKIP
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from .errors import InputError, ScenarioError
from .inputs.scenario import Scenario, in_order, load_scenario, scenario_from_text
from .outputs.report import Report, build_report
from .replay.asof import as_of_instant
from .replay.matcher import Matcher
from .replay.runtime import run
from .rulepack.compiler import CompiledPack, compile_pack
from .rulepack.loader import DEFAULT_PACK, compiled_pack, load_pack
from .rulepack.pack import RulePack

if TYPE_CHECKING:
    from .sweep import SweepResult


@functools.lru_cache(maxsize=32)
def _compiled(pack_name: str, overrides: tuple[tuple[str, str], ...]) -> tuple[CompiledPack, Matcher]:
    import json

    if overrides:
        compiled = compile_pack(load_pack(pack_name).with_assumptions({k: json.loads(v) for k, v in overrides}))
    else:
        compiled = compiled_pack(pack_name)  # kept with the pack in the cache on disk
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
        if not isinstance(path, Path | str):
            raise ScenarioError(f"a scenario file is named by a path or a string, not {type(path).__name__}",
                                path="<scenario>")
        return load_scenario(path, actors=self.pack.actors, default_start=self.pack.adopted,
                             default_until=self.mandate_end)

    def parse(self, text: str, *, path: str = "<scenario>.yaml") -> Scenario:
        """A scenario from YAML or JSON text."""
        if not isinstance(text, str) or not isinstance(path, str):
            raise ScenarioError("a scenario's text and path are strings", path=str(path))
        return scenario_from_text(text, path=path, actors=self.pack.actors, default_start=self.pack.adopted,
                                  default_until=self.mandate_end)

    def check(self, scenario: Scenario | Path | str, *, assume: dict[str, Any] | None = None) -> Scenario:
        """Validate everything a replay would, except the replay itself: the file, its bases and every
        assumption (each located in the file, or ``--assume``, that gives it). Returns the scenario."""
        if not isinstance(scenario, Scenario):
            scenario = self.load(scenario)
        self._assumptions(scenario, assume)
        known = self._paragraph_ids
        for paragraph, line in scenario.expected_paragraphs:
            if paragraph not in known:
                raise ScenarioError(f"expect: there is no paragraph {paragraph!r} in Resolution "
                                    f"{self.pack.manifest.resolution}", path=scenario.path, line=line)
        return scenario

    @functools.cached_property
    def _paragraph_ids(self) -> frozenset[str]:
        return frozenset(p.id for p in self.pack.paragraphs)

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
        :class:`~engine.errors.InputError`.

        A :class:`Scenario` built by hand may list its events in any order: they are replayed in the engine's
        order (:func:`engine.inputs.scenario.sort_key`). Anything but a scenario, a path or a string, and an
        ``assume`` that is not a mapping, raise :class:`~engine.errors.InputError` like any bad input.
        """
        scenario = in_order(self.check(scenario, assume=assume))
        merged = dict(scenario.assumptions)
        merged.update(assume or {})
        compiled, matcher = self.compiled(merged)
        instant = _as_of(as_of) if as_of is not None else None
        ledger, clock, stats = run(compiled, matcher, scenario, instant)
        return build_report(compiled.pack, scenario, ledger, clock, stats, as_of=instant)

    def _assumptions(self, scenario: Scenario, assume: Any) -> None:
        """Check each assumption where it is given: in the scenario, in the base it came from, or ``--assume``."""
        if assume is not None and not isinstance(assume, dict):
            raise InputError(f"assumptions are a mapping of names to values, not {type(assume).__name__}",
                             path="--assume")
        for name, value in scenario.assumptions.items():
            path = scenario.assumption_paths.get(name, scenario.path)
            self.pack.with_assumptions({name: value}, path=path, lines={name: scenario.assumption_lines.get(name)})
        if assume:
            self.pack.with_assumptions(assume, path="--assume")

    def sweep(self, spec: Path | str | Mapping[str, Any], *, workers: int | None = None, dask: Any = None,
              db: Path | str | None = None, resume: bool = False, root: Path | str | None = None,
              progress: TextIO | None = None) -> SweepResult:
        """Run a sweep against this engine's pack: see :func:`sweep`."""
        from .sweep import load_sweep, run_sweep

        source = dict(spec) if isinstance(spec, Mapping) else spec
        loaded = load_sweep(source, engine=self, root=root)
        return run_sweep(loaded, workers=workers, dask=dask, db=db, resume=resume, progress=progress)


def _as_of(value: Any) -> datetime:
    if isinstance(value, datetime) and value.tzinfo is not None and value.microsecond == 0:
        return value  # already an instant (e.g. an exercise move's end)
    try:
        return as_of_instant(value)
    except ValueError as exc:
        raise InputError(str(exc), path="--as-of") from None


def sweep(spec: Path | str | Mapping[str, Any], *, workers: int | None = None, dask: Any = None,
          db: Path | str | None = None, resume: bool = False, root: Path | str | None = None,
          progress: TextIO | None = None, pack: str = DEFAULT_PACK) -> SweepResult:
    """Run a sweep: many samples of a scenario's variants (``obligations sweep``; the file format is in
    ``docs/sweeps.md``).

    ``spec`` is a sweep file (YAML or JSON) or the same as a mapping, whose ``base`` is then relative to ``root``
    (default: the current folder). ``workers``: processes (default: every core; 1: this process); ``dask``: the
    address of a running ``dask.distributed`` scheduler, or a ``distributed.Client``; ``db``: an SQLite file
    keeping each sample as it completes, and ``resume`` to finish the sweep it holds; ``progress``: a stream for
    the progress bar (drawn only if it is a terminal). Returns a :class:`~engine.sweep.SweepResult`
    (``.to_json()``, ``.render()``, ``.share(id, status)``); bad input raises :class:`~engine.errors.InputError`.
    """
    return Engine(pack).sweep(spec, workers=workers, dask=dask, db=db, resume=resume, root=root, progress=progress)
