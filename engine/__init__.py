"""An obligations engine for UN Security Council resolutions.

The public surface: :class:`Engine` (load a rule pack, check and replay scenarios), :class:`Report` and
:class:`FindingView` (what a replay finds), the error hierarchy rooted in :class:`EngineError`, and
:func:`load_pack` for reading rule packs. Everything else is private to the package; Hypothesis strategies for
users' own property tests live in :mod:`engine.testing`.
"""

from .api import Engine
from .errors import EngineError, InputError, MatcherError, RuleError, ScenarioError
from .outputs.report import FindingView, Report
from .rulepack.loader import bundled_packs, load_pack, load_pack_from

__all__ = [
    "Engine",
    "EngineError",
    "FindingView",
    "InputError",
    "MatcherError",
    "Report",
    "RuleError",
    "ScenarioError",
    "bundled_packs",
    "load_pack",
    "load_pack_from",
]
