"""Sweeps: thousands of what-ifs of one scenario in one command, on every core or on a Dask cluster.

A sweep file names a base scenario, a number of samples, a seed and what varies (:mod:`.spec`); each sample's
changes depend only on the seed and its number (:mod:`.sampling`) and its scenario is built in memory from the
base parsed once (:mod:`.variant`); samples are replayed in processes that keep the engine loaded
(:mod:`.worker`), here, in a pool or on Dask (:mod:`.backends`), optionally kept in SQLite to resume after a
kill (:mod:`.store`); the summary counts how often each finding arises, with which status and what moves it
(:mod:`.aggregate`), as a table, JSON or a bar chart (:mod:`.plot`). :func:`run_sweep` runs one (:mod:`.runner`).
"""

from .aggregate import SweepResult
from .errors import SweepError
from .runner import run_sweep
from .spec import Sweep, load_sweep

__all__ = ["Sweep", "SweepError", "SweepResult", "load_sweep", "run_sweep"]
