"""What ``obligations run`` writes: its JSON spooled to a temporary file as it is made (:class:`Spool`), and the
files it can write besides its table or JSON: ``--plot`` (a picture), ``--ics`` (a calendar of the duties and
authorizations) and ``--html`` (a self-contained report page).

Each target is checked before the replay (a bad name or folder is bad input, exit 2, nothing written) and
written whole after it, from the report as narrowed by the filters.
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from ..outputs.ics import DEFAULT_ALARM_DAYS, MAX_ALARM_DAYS

SPOOL_IN_MEMORY = 8 * 2**20  # characters of output kept in memory before the spool moves to a temporary file
SPOOL_CHUNK = 2**20  # characters read back at a time when the spool is printed


class Spool:
    """A command's output, written as it is made to a temporary file (in memory while it is short, and wholly in
    memory if no temporary file can be made), and read back in chunks once the command has succeeded: a long
    report is not held whole, and nothing reaches the standard output if the command fails (the file, never named,
    goes when it is closed)."""

    def __init__(self, pieces: Iterable[str]) -> None:
        self._held: list[str] = []  # in memory: the text so far, while short or when no file can be made
        self._file: Any = None
        size, tried = 0, False
        try:
            for piece in pieces:
                if self._file is not None:
                    self._file.write(piece)
                    continue
                self._held.append(piece)
                size += len(piece)
                if size > SPOOL_IN_MEMORY and not tried:
                    tried = True
                    self._to_file()
        except BaseException:
            self._close()
            raise

    def _to_file(self) -> None:
        import tempfile  # here: only `run --json` needs it

        try:
            file = tempfile.TemporaryFile(mode="w+", encoding="utf-8", newline="")  # noqa: SIM115 - chunks() closes
        except OSError:
            return
        try:
            file.writelines(self._held)
        except OSError:
            file.close()
            return
        self._file, self._held = file, []

    def chunks(self) -> Iterator[str]:
        """The text, from the start, in chunks; the file is closed once they are all read."""
        try:
            if self._file is None:
                yield from self._held
                return
            self._file.seek(0)
            while chunk := self._file.read(SPOOL_CHUNK):
                yield chunk
        finally:
            self._close()

    def _close(self) -> None:
        self._held = []
        if self._file is not None:
            self._file.close()


def _alarm_days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of days") from None
    if not 0 <= days <= MAX_ALARM_DAYS:
        raise argparse.ArgumentTypeError(f"{days} is not between 0 and {MAX_ALARM_DAYS} days")
    return days


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def add_zoom_options(parser: argparse.ArgumentParser) -> None:
    """``--from DATE`` and ``--to DATE``: the window the picture shows (whole days)."""
    parser.add_argument("--from", dest="plot_from", type=_day, metavar="DATE",
                        help="with --plot: show from this day (YYYY-MM-DD)")
    parser.add_argument("--to", dest="plot_to", type=_day, metavar="DATE",
                        help="with --plot: show through this day (YYYY-MM-DD)")


def check_zoom(args: argparse.Namespace) -> None:
    """Bad input if ``--from``/``--to`` come without a picture, or in the wrong order."""
    from ..errors import InputError

    if (args.plot_from or args.plot_to) and not (args.plot or args.html):
        raise InputError("--from and --to go with --plot (or --html)", path="--from" if args.plot_from else "--to")
    if args.plot_from and args.plot_to and args.plot_to < args.plot_from:
        raise InputError(f"--to {args.plot_to} is before --from {args.plot_from}", path="--to")


def add_output_options(run: argparse.ArgumentParser) -> None:
    """Add ``--plot``, ``--ics``, ``--ics-alarm-days`` and ``--html`` to the ``run`` parser."""
    run.add_argument("--plot", metavar="FILE", help="also draw the findings on a time axis (FILE.png or FILE.svg)")
    run.add_argument("--ics", metavar="FILE", help="also write the duties and authorizations as an iCalendar file "
                     "(FILE.ics) for calendar programs")
    run.add_argument("--ics-alarm-days", type=_alarm_days, default=DEFAULT_ALARM_DAYS, metavar="N",
                     help=f"with --ics: remind N days before each open duty's due date (default {DEFAULT_ALARM_DAYS})")
    run.add_argument("--html", metavar="FILE", help="also write a self-contained report page (FILE.html)")
    add_zoom_options(run)


def check_outputs(args: argparse.Namespace) -> None:
    """Bad input unless every output file asked for can be written (checked before the replay)."""
    check_zoom(args)
    if args.plot:
        from ..outputs.plot import plot_format

        plot_format(args.plot)
        writable(args.plot, "--plot")
    if args.ics:
        from ..outputs.ics import check_ics_target

        check_ics_target(args.ics)
        writable(args.ics, "--ics")
    if args.html:
        from ..outputs.html import check_html_target

        check_html_target(args.html)
        writable(args.html, "--html")


def check_picture(args: argparse.Namespace, *scenarios: Any) -> None:
    """Before the replay, with ``--plot`` or ``--html``: refuse a picture of more events than it draws
    (``MAX_EVENTS_DRAWN``) in its window (``--from``/``--to``, else the scenarios' whole windows; with ``--as-of``,
    the events known by then), so that it fails fast, with nothing written."""
    if not (args.plot or getattr(args, "html", None)):
        return
    from ..outputs.plot import check_drawable

    start = args.plot_from or min(s.start for s in scenarios)
    end = args.plot_to or max(s.until for s in scenarios)
    for scenario in scenarios:
        if args.as_of is not None:
            from ..replay.asof import as_of_instant, truncated

            try:
                scenario = truncated(scenario, as_of_instant(args.as_of))
            except ValueError:
                return  # a bad --as-of: the replay says so
        check_drawable(scenario, start, end)


def writable(target: str, option: str) -> None:
    """Refuse, before any work, an output file that could not be written: a folder, or a place without a folder
    or with one that is not writable (``/proc``, a read-only mount)."""
    import os
    from pathlib import Path

    from ..errors import InputError

    path = Path(target)
    if path.is_dir():
        raise InputError(f"{option}: this is a folder; name the file to write", path=target)
    if not path.parent.is_dir():
        raise InputError(f"{option}: no such folder to write the file in", path=target)
    if not os.access(path.parent, os.W_OK):
        raise InputError(f"{option}: the folder is not writable", path=target)


def as_replayed(scenario: Any, report: Any) -> Any:
    """``scenario`` as ``report`` saw it: after an as-of replay, only its events (the log's too) up to then."""
    if getattr(report, "as_of", None) is not None:
        from ..replay.asof import as_of_instant, truncated

        scenario = truncated(scenario, as_of_instant(report.as_of))
    return scenario


def write_outputs(args: argparse.Namespace, engine: Any, scenario: Any, report: Any) -> None:
    """Write the output files asked for, from ``report`` of the replay of ``scenario`` (the scenario as loaded
    once for the replay); a place that fails while being written is bad input."""
    if args.plot or args.html:
        scenario = as_replayed(scenario, report)
    if args.plot:
        from ..outputs.plot import write_plot

        with writing(args.plot, "--plot"):
            write_plot(report, scenario, args.plot, start=args.plot_from, end=args.plot_to, pack=engine.pack)
    if args.ics:
        from ..outputs.ics import scenario_key, write_ics

        with writing(args.ics, "--ics"):
            write_ics(report, engine.pack, args.ics, key=scenario_key(report.scenario, args.scenario),
                      alarm_days=args.ics_alarm_days)
    if args.html:
        from ..outputs.html import write_html

        with writing(args.html, "--html"):
            write_html(report, engine.pack, scenario, args.html, start=args.plot_from, end=args.plot_to)


@contextlib.contextmanager
def writing(target: str, option: str) -> Iterator[None]:
    from ..errors import InputError

    try:
        yield
    except OSError as exc:
        raise InputError(f"{option}: cannot write the file here: {exc.strerror or exc}", path=target) from None
