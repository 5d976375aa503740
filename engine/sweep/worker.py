"""Replaying samples in one process: the engine loaded once, one compiled ruleset per set of assumptions.

A :class:`SampleRunner` pays the fixed costs once — the rule pack read, the base scenario parsed (it comes with
the :class:`~engine.sweep.spec.Sweep`), each set of assumptions compiled and loaded into durable-rules — and
then each sample costs only its draw, its in-memory scenario and its replay. A sample's result is its findings
as ``(id, paragraph, kind, subject, status)`` and, for each item of ``vary``, what the item did in it.

:func:`run_chunk` is what worker processes and Dask workers call: each process keeps its runner (by the sweep's
fingerprint) between tasks, and runs one sample at a time (durable-rules allows one live session per process),
even on a Dask worker with several threads.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from ..errors import EngineError, InputError
from ..replay.matcher import Matcher
from ..replay.runtime import run
from ..rulepack.compiler import CompiledPack, compile_pack
from ..rulepack.loader import load_pack
from ..rulepack.pack import RulePack
from .sampling import assumption_key, draw_sample
from .spec import Sweep
from .variant import SampleBuilder

FindingRow = tuple[str, str, str, str, str]  # id, paragraph, kind, subject, status


@dataclass(frozen=True)
class SampleResult:
    """What one sample found."""

    number: int
    findings: tuple[FindingRow, ...]  # sorted by id
    levels: tuple[str, ...]


class SampleRunner:
    """Replays the samples of one sweep in this process."""

    def __init__(self, sweep: Sweep, pack: RulePack | None = None) -> None:
        self.sweep = sweep
        self.pack = pack if pack is not None else load_pack(sweep.pack)
        self.builder = SampleBuilder(sweep, self.pack.actors)
        self._rulesets: dict[str, tuple[CompiledPack, Matcher]] = {}

    def _ruleset(self, assumptions: dict[str, Any]) -> tuple[CompiledPack, Matcher]:
        key = assumption_key(assumptions)
        found = self._rulesets.get(key)
        if found is None:
            compiled = compile_pack(self.pack.with_assumptions(assumptions, path=self.sweep.path))
            found = self._rulesets[key] = (compiled, Matcher(compiled.ruleset))
        return found

    def run(self, number: int) -> SampleResult:
        draw = draw_sample(self.sweep, number)
        scenario = self.builder.scenario(draw)
        compiled, matcher = self._ruleset(scenario.assumptions)
        ledger, _, _ = run(compiled, matcher, scenario)
        rows = sorted((f.id, f.paragraph, str(f.kind), f.subject, str(f.status)) for f in ledger.findings.values())
        return SampleResult(number, tuple(rows), draw.levels)

    def run_many(self, numbers: list[int]) -> list[SampleResult]:
        return [self.run(n) for n in numbers]


# ---- in worker processes ---------------------------------------------------------------------------------------

_RUNNERS: dict[str, SampleRunner] = {}
_ONE_AT_A_TIME = threading.Lock()

#: a failure in a worker, sent back as data: (class name, one-line message, path, line)
Failure = tuple[str, str, str | None, int | None]


#: what a worker is given once: the sweep and its rule pack, already read (unpickling it is ~100 times faster
#: than reading the pack's YAML again)
Job = tuple[Sweep, RulePack]


def _runner(job: Job) -> SampleRunner:
    sweep, pack = job
    runner = _RUNNERS.get(sweep.fingerprint)
    if runner is None:
        _RUNNERS.clear()  # one sweep at a time per process: drop the rulesets of the last one
        runner = _RUNNERS[sweep.fingerprint] = SampleRunner(sweep, pack)
    return runner


def run_chunk(job: Job, numbers: list[int]) -> list[SampleResult] | Failure:
    """Replay ``numbers`` in this process; an engine error comes back as a :data:`Failure` (exceptions with
    keyword arguments do not survive pickling intact)."""
    with _ONE_AT_A_TIME:
        try:
            return _runner(job).run_many(numbers)
        except InputError as exc:
            return (type(exc).__name__, exc.message, exc.path, exc.line)
        except EngineError as exc:
            return (type(exc).__name__, str(exc), None, None)
        except Exception as exc:  # a bug: reported by the parent as an internal error, with what it was
            return (type(exc).__name__, str(exc) or repr(exc), None, None)
