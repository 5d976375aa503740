"""The ``--max-bytes`` and ``--max-events`` options: raise the named input limits of :mod:`engine.inputs.limits`.

They are accepted before the command (``obligations --max-bytes 1G run ...``) and after it (``obligations run
FILE --max-events 20000000``), by every command.
"""

from __future__ import annotations

import argparse
import re

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing, which `obligations --help` does not need
if TYPE_CHECKING:
    from typing import Any

    from ..inputs.limits import Limits

#: the defaults of :mod:`engine.inputs.limits` as ``--help`` shows them: repeated here so that ``obligations --help``
#: does not import that module (and :mod:`dataclasses` with it); ``tests/test_cli.py`` checks that they agree
SHOWN_MAX_BYTES = "256 MiB"
SHOWN_MAX_EVENTS = "10,000,000"

_SIZE = re.compile(r"^\s*(\d+)\s*([KMG]i?B?)?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}


def _size(text: str) -> int:
    match = _SIZE.match(text)
    if not match or int(match[1]) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size in bytes (e.g. 300000000, 512M, 2G)")
    return int(match[1]) * _UNITS[(match[2] or "")[:1].upper()]


def _count(text: str) -> int:
    try:
        value = int(text.replace(",", "").replace("_", ""))
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number of events")
    return value


def _add(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    default: Any = argparse.SUPPRESS if suppress else None
    parser.add_argument("--max-bytes", type=_size, default=default, metavar="SIZE",
                        help=f"largest YAML or JSON file read (default {SHOWN_MAX_BYTES}; e.g. 1G)")
    parser.add_argument("--max-events", type=_count, default=default, metavar="N",
                        help=f"most events in one scenario, file and event log together (default {SHOWN_MAX_EVENTS})")


def add_limit_options(parser: argparse.ArgumentParser, commands: Any) -> None:
    """Add the options to the top-level parser and to every command already registered in ``commands``."""
    _add(parser, suppress=False)
    for command in dict(commands.choices).values():
        command.later(lambda command: _add(command, suppress=True))  # after the command's own (engine.cli.main)


def limits_of(args: argparse.Namespace) -> Limits:
    from ..inputs.limits import DEFAULT_MAX_BYTES, DEFAULT_MAX_EVENTS, Limits

    return Limits(max_bytes=getattr(args, "max_bytes", None) or DEFAULT_MAX_BYTES,
                  max_events=getattr(args, "max_events", None) or DEFAULT_MAX_EVENTS)
