"""The filter options shared by ``run``, ``explain --why-not`` and ``diff``: ``--paragraph``, ``--kind``,
``--status`` and ``--subject``, each repeatable or comma-separated (see :mod:`engine.outputs.filters`)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from ..replay.ledger import FindingKind, Status  # light: the choices, without importing what filters findings

if TYPE_CHECKING:
    from ..outputs.filters import Selection

KINDS = tuple(str(k) for k in FindingKind)
STATUSES = tuple(str(s) for s in Status)


def add_filter_options(parser: argparse.ArgumentParser, *, subject: bool = True) -> None:
    """Add the filter options to ``parser`` (``subject=False`` where the command has its own ``--subject``)."""
    group = parser.add_argument_group("filters (repeatable or comma-separated; a finding must pass each)")
    group.add_argument("--paragraph", action="append", metavar="P",
                       help="only findings of paragraph or rule P and its sub-items (47 keeps 47(i))")
    group.add_argument("--kind", action="append", metavar="KIND", help=f"only these kinds: {', '.join(KINDS)}")
    group.add_argument("--status", action="append", metavar="STATUS",
                       help=f"only these statuses: {', '.join(STATUSES)}")
    if subject:
        group.add_argument("--subject", action="append", metavar="ACTOR",
                           help="only findings about this actor (a name, alias or id)")


def selection(args: argparse.Namespace, engine: Any, *, subject: bool = True) -> Selection:
    """The checked selection the options of ``args`` ask for (bad values are bad input, naming the option)."""
    from ..outputs.filters import select

    return select(engine.pack, paragraph=args.paragraph, kind=args.kind, status=args.status,
                  subject=args.subject if subject else None)
