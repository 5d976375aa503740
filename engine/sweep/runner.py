"""Running a sweep from start to summary: check every sample's draw, replay what is missing, count the results.

:func:`run_sweep` checks the draws (:func:`engine.sweep.sampling.check_samples`), opens the database if there is
one (counting the samples it already holds), sends the missing samples to the chosen backend, writes each
batch as it comes back, advances the progress bar and returns the :class:`~engine.sweep.aggregate.SweepResult`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TextIO

from ..errors import EngineError
from ..rulepack.loader import load_pack
from . import backends
from .aggregate import SweepResult, Tally
from .errors import SweepError
from .progress import Progress
from .sampling import check_samples
from .spec import Sweep
from .store import SweepStore


def run_sweep(sweep: Sweep, *, workers: int | None = None, dask: Any = None, db: Path | str | None = None,
              resume: bool = False, progress: TextIO | None = None) -> SweepResult:
    """Run ``sweep``: ``workers`` processes (default: every core; 1: in this process) or the Dask scheduler
    ``dask`` (an address or a ``distributed.Client``); keep samples in ``db`` and, with ``resume``, finish a
    sweep it holds; draw a progress bar on ``progress`` if it is a terminal."""
    if workers is not None and dask is not None:
        raise SweepError("give either --workers or --dask, not both", path="obligations sweep")
    if workers is not None and workers < 1:
        raise SweepError(f"must be 1 or more, got {workers}", path="--workers")
    if resume and db is None:
        raise SweepError("--resume finishes the sweep kept in --db FILE: give the file", path="obligations sweep")
    check_samples(sweep, load_pack(sweep.pack))
    tally = Tally(sweep)
    store = SweepStore(db, sweep, resume=resume) if db is not None else None
    try:
        done: set[int] = set()
        if store is not None:
            for result in store.results():
                tally.add(result)
                done.add(result.number)
        missing = [n for n in range(sweep.samples) if n not in done]
        bar = Progress(sweep.samples, done=len(done), stream=progress)
        if missing:
            if dask is not None:
                stream = backends.dask(sweep, missing, dask)
            else:
                count = workers or backends.default_workers()
                stream = backends.serial(sweep, missing) if count == 1 else backends.pool(sweep, missing, count)
            try:
                for batch in stream:
                    if store is not None:
                        store.write(batch)
                    for result in batch:
                        tally.add(result)
                    bar.advance(len(batch))
            finally:
                close = getattr(stream, "close", None)
                if close is not None:
                    close()
        bar.close()
    finally:
        if store is not None:
            store.close()
    if tally.samples != sweep.samples:
        raise EngineError(f"{tally.samples:,} samples came back of {sweep.samples:,}")
    return tally.result()
