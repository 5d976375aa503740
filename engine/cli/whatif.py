"""The what-if commands of ``obligations``: ``explain`` (why, why not) and ``diff``, and ``run --plot``.

    obligations explain SCENARIO FINDING_ID [--json] [--assume NAME=VALUE ...] [--as-of INSTANT]
    obligations explain SCENARIO --why-not PARAGRAPH [--subject ACTOR] [--incident ID] [FILTERS] [--json]
        [--as-of INSTANT] [--html FILE.html]
    obligations diff BASE VARIANT [FILTERS] [--json] [--assume NAME=VALUE ...] [--as-of INSTANT]

FILTERS are ``--paragraph P``, ``--kind KIND``, ``--status STATUS`` and (diff) ``--subject ACTOR``
(:mod:`engine.cli.filters`).
    obligations run SCENARIO --plot FILE.png|FILE.svg

:mod:`engine.cli` adds these to its parser with :func:`add_commands` and hands them to :func:`dispatch`.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from ..errors import InputError

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing, which `obligations --help` does not need
if TYPE_CHECKING:
    from typing import Any

COMMANDS = ("explain", "diff")


def add_commands(sub: Any, assumption: Callable[[str], tuple[str, Any]]) -> None:
    """Add ``explain`` and ``diff`` to the sub-parsers of ``obligations``."""
    explain = sub.add_parser("explain", help="why a finding arose, or (--why-not) why a paragraph gave none")
    explain.later(lambda parser: _explain_arguments(parser, assumption))  # when used: see engine.cli.main
    diff = sub.add_parser("diff", help="the findings that appear, disappear or change from BASE to VARIANT")
    diff.later(lambda parser: _diff_arguments(parser, assumption))


def _explain_arguments(explain: argparse.ArgumentParser, assumption: Callable[[str], tuple[str, Any]]) -> None:
    explain.add_argument("scenario")
    explain.add_argument("finding", nargs="?", help="the id of a finding (see `obligations run`)")
    explain.add_argument("--why-not", metavar="PARAGRAPH", help="a paragraph (e.g. 37) or rule (e.g. 4(d)) that "
                         "gave no finding: its unmet conditions and the events that almost met them")
    explain.add_argument("--subject", metavar="ACTOR", help="with --why-not: only findings about this actor")
    explain.add_argument("--incident", metavar="ID", help="with --why-not: only findings about this incident")
    explain.add_argument("--json", action="store_true", help="print JSON instead of text")
    explain.add_argument("--assume", action="append", type=assumption, default=[], metavar="NAME=VALUE",
                         help="override an assumption, as for `run`")
    from .filters import add_filter_options

    add_filter_options(explain, subject=False)  # its own --subject is one more test on the rules
    explain.add_argument("--as-of", metavar="INSTANT", help="as known at INSTANT, as for `run`")
    explain.add_argument("--html", metavar="FILE", help="with --why-not: also write the answer as a "
                         "self-contained page (FILE.html)")


def _diff_arguments(diff: argparse.ArgumentParser, assumption: Callable[[str], tuple[str, Any]]) -> None:
    from .filters import add_filter_options

    diff.add_argument("base")
    diff.add_argument("variant")
    diff.add_argument("--json", action="store_true", help="print JSON instead of a table")
    diff.add_argument("--assume", action="append", type=assumption, default=[], metavar="NAME=VALUE",
                      help="override an assumption in both replays")
    add_filter_options(diff)
    from .outputs import add_zoom_options

    diff.add_argument("--plot", metavar="FILE", help="also draw both replays on one time axis, changes marked "
                      "(FILE.png or FILE.svg)")
    add_zoom_options(diff)
    diff.add_argument("--as-of", metavar="INSTANT", help="compare both as known at INSTANT, as for `run`")


def dispatch(engine: Any, args: argparse.Namespace, out: Callable[[str], None]) -> int:
    """Run ``explain`` or ``diff``; return the exit status."""
    assume = dict(args.assume) or None
    if args.command == "explain":
        from ..explain.why import explain, replay

        if (args.finding is None) == (args.why_not is None):
            raise InputError("give either a FINDING_ID or --why-not PARAGRAPH", path="obligations explain")
        if args.why_not is None and (args.subject or args.incident):
            raise InputError("--subject and --incident go with --why-not", path="obligations explain")
        from .filters import selection

        chosen = selection(args, engine, subject=False)
        if args.why_not is None and chosen:
            raise InputError("--paragraph, --kind and --status go with --why-not", path="obligations explain")
        if args.html:
            if args.why_not is None:
                raise InputError("--html goes with --why-not", path="obligations explain")
            from ..outputs.html import check_html_target
            from .outputs import writable

            check_html_target(args.html)
            writable(args.html, "--html")
        replayed = replay(engine, args.scenario, assume=assume, as_of=args.as_of)
        if args.finding is not None:
            explanation = explain(replayed, args.finding)
            out(explanation.to_json() if args.json else explanation.render())
        else:
            from ..explain.whynot import why_not
            from ..outputs.filters import narrow_why_not

            answer = narrow_why_not(why_not(replayed, args.why_not, subject=args.subject, incident=args.incident),
                                    chosen, replayed.report)
            if args.html:
                from ..outputs.whynothtml import write_why_not_html
                from .outputs import writing

                with writing(args.html, "--html"):
                    write_why_not_html(answer, args.html)
            out(answer.to_json() if args.json else answer.render())
        return 0
    if args.command == "diff":
        from ..explain.diff import diff_reports, render_diff
        from ..outputs.filters import narrow_diff
        from .filters import selection

        chosen = selection(args, engine)
        from .outputs import check_zoom

        check_zoom(args)
        if args.plot:
            from ..outputs.plot import plot_format

            plot_format(args.plot)
        base_scenario = engine.load(args.base)  # each loaded once, for its replay and the picture
        variant_scenario = engine.load(args.variant)
        from .outputs import check_picture

        check_picture(args, base_scenario, variant_scenario)
        base = engine.run(base_scenario, assume=assume, as_of=args.as_of)
        variant = engine.run(variant_scenario, assume=assume, as_of=args.as_of)
        result = narrow_diff(diff_reports(base, variant, base_path=args.base, variant_path=args.variant), chosen)
        if args.plot:
            from ..outputs.plotdiff import write_diff_plot
            from .outputs import as_replayed

            write_diff_plot(result, as_replayed(base_scenario, base), as_replayed(variant_scenario, variant),
                            args.plot, start=args.plot_from, end=args.plot_to, pack=engine.pack)
        out(result.to_json() if args.json else render_diff(result))
        return 0
    raise AssertionError(f"not a what-if command: {args.command}")
