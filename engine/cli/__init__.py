"""The ``obligations`` command: argument parsing and dispatch to the stages, one module per group of commands.

:mod:`.main` parses, runs the core commands and turns errors into one line and an exit code; it adds the
commands and options of :mod:`.whatif` (``explain``, ``diff``), :mod:`.outputs` (``run --plot/--ics/--html``),
:mod:`.filters` (the filter options), :mod:`.exercise` and :mod:`.serve` (training exercises)."""

from .main import main

__all__ = ["main"]
