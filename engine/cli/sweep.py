"""``obligations sweep``: many samples of a scenario's variants, replayed on every core or on Dask, summarised.

    obligations sweep SPEC [--workers N] [--dask ADDRESS] [--db FILE.sqlite] [--resume] [--json]
                           [--plot FILE.png|FILE.svg]

:mod:`engine.cli.main` adds the command with :func:`add_command` and hands it to :func:`dispatch`. A progress
bar goes to standard error when it is a terminal; nothing is drawn on a pipe.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing, which `obligations --help` does not need
if TYPE_CHECKING:
    from typing import Any


def add_command(sub: Any) -> None:
    """Add ``sweep`` to the sub-parsers of ``obligations``."""
    sub.add_parser("sweep", help="replay many sampled variants of a scenario and summarise how often each "
                                 "finding arises (see docs/sweeps.md)").later(_arguments)  # when used


def _arguments(sweep: argparse.ArgumentParser) -> None:
    sweep.add_argument("spec", help="the sweep file (YAML or JSON)")
    sweep.add_argument("--workers", type=int, metavar="N", help="processes to run samples in (default: every core; "
                       "1: this process)")
    sweep.add_argument("--dask", metavar="ADDRESS", help="run samples on the dask.distributed scheduler at ADDRESS "
                       "(e.g. tcp://10.0.0.5:8786)")
    sweep.add_argument("--db", metavar="FILE.sqlite", help="keep each sample's findings in this SQLite file")
    sweep.add_argument("--resume", action="store_true", help="finish the sweep kept in --db: run only the samples "
                       "it lacks")
    sweep.add_argument("--json", action="store_true", help="print JSON instead of a table")
    sweep.add_argument("--plot", metavar="FILE", help="also draw the shares as a bar chart (FILE.png or FILE.svg)")


def dispatch(engine: Any, args: argparse.Namespace, out: Callable[[str], None]) -> int:
    """Run ``sweep``; return the exit status."""
    from ..sweep import load_sweep, run_sweep

    if args.plot:
        from ..outputs.plot import plot_format

        plot_format(args.plot)  # a bad file name is bad input: say so before the sweep
    sweep = load_sweep(args.spec, engine=engine)
    result = run_sweep(sweep, workers=args.workers, dask=args.dask, db=args.db, resume=args.resume,
                       progress=sys.stderr)
    if args.plot:
        from ..sweep.plot import write_plot

        write_plot(result, args.plot)
    out(result.to_json() if args.json else result.render())
    return 0
