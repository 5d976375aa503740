"""An obligations engine for UN Security Council resolutions.

The public surface, importable from ``engine`` (``from engine import Engine``):

* :class:`Engine` (:mod:`engine.api`) — load a rule pack once, then load, parse and replay scenarios;
* :class:`Scenario`, :class:`Report` and :class:`FindingView` — a validated scenario, what a replay finds, one
  finding;
* the errors: :class:`EngineError` and below it :class:`InputError` (bad input, with ``path`` and ``line``),
  :class:`ScenarioError`, :class:`RuleError`, and :class:`MatcherError` (an internal failure of durable-rules);
* :func:`load_pack`, :func:`load_pack_from`, :func:`bundled_packs` — rule packs;
* what-if analysis: :func:`replayed` (a replay that keeps the pack it used), :func:`why` (why a finding arose),
  :func:`why_not` (why one did not), :func:`diff_reports` and :func:`render_diff` (two replays compared),
  :func:`render_table` (a report as text), :func:`render_plot` (its timeline as PNG or SVG bytes) and
  :func:`render_diff_plot` (two replays on one time axis, differences marked).

Hypothesis strategies and helpers for users' own property tests are in :mod:`engine.testing`. Every other module
is internal: its names may change without notice.

Names are imported on first use (a module ``__getattr__``), so ``import engine`` and the command line's start-up
do not load the replay, the explanations or the plots until they are needed.
"""

from __future__ import annotations

import importlib

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing, which `obligations --help` does not need
if TYPE_CHECKING:
    from typing import Any

    from .api import Engine
    from .errors import EngineError, InputError, MatcherError, RuleError, ScenarioError
    from .explain.diff import diff_reports, render_diff
    from .explain.why import Replayed
    from .explain.why import explain as why
    from .explain.why import replay as replayed
    from .explain.whynot import why_not
    from .inputs.scenario import Scenario
    from .outputs.plot import render as render_plot
    from .outputs.plotdiff import render_diff_plot
    from .outputs.report import FindingView, Report, render_table
    from .rulepack.loader import bundled_packs, load_pack, load_pack_from

#: each public name: (the module that defines it, its name there)
_PUBLIC: dict[str, tuple[str, str]] = {
    "Engine": (".api", "Engine"),
    "EngineError": (".errors", "EngineError"),
    "FindingView": (".outputs.report", "FindingView"),
    "InputError": (".errors", "InputError"),
    "MatcherError": (".errors", "MatcherError"),
    "Replayed": (".explain.why", "Replayed"),
    "Report": (".outputs.report", "Report"),
    "RuleError": (".errors", "RuleError"),
    "Scenario": (".inputs.scenario", "Scenario"),
    "ScenarioError": (".errors", "ScenarioError"),
    "bundled_packs": (".rulepack.loader", "bundled_packs"),
    "diff_reports": (".explain.diff", "diff_reports"),
    "load_pack": (".rulepack.loader", "load_pack"),
    "load_pack_from": (".rulepack.loader", "load_pack_from"),
    "render_diff": (".explain.diff", "render_diff"),
    "render_diff_plot": (".outputs.plotdiff", "render_diff_plot"),
    "render_plot": (".outputs.plot", "render"),
    "render_table": (".outputs.report", "render_table"),
    "replayed": (".explain.why", "replay"),
    "why": (".explain.why", "explain"),
    "why_not": (".explain.whynot", "why_not"),
}

__all__ = [
    "Engine",
    "EngineError",
    "FindingView",
    "InputError",
    "MatcherError",
    "Replayed",
    "Report",
    "RuleError",
    "Scenario",
    "ScenarioError",
    "bundled_packs",
    "diff_reports",
    "load_pack",
    "load_pack_from",
    "render_diff",
    "render_diff_plot",
    "render_plot",
    "render_table",
    "replayed",
    "why",
    "why_not",
]  # none is the name of a subpackage (engine.explain, engine.replay...), which would shadow it


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use, and keep it."""
    try:
        module, attribute = _PUBLIC[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module, __name__), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
