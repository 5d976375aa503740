"""The ``obligations`` command.

    obligations run SCENARIO [--json] [--assume NAME=VALUE ...] [--as-of INSTANT]   replay and print the findings
    obligations check SCENARIO ...                                 validate only
    obligations verify SCENARIO ...                                replay and compare with `expect:`
    obligations coverage [--json]                                  paragraphs, rules and the scenarios exercising them
    obligations events                                             the event vocabulary (Markdown)
    obligations schema                                             JSON Schema of scenario files
    obligations actors                                             the actors scenarios may name
    obligations assumptions                                        the interpretations a scenario may override
    obligations exercise key|score|debrief|play EXERCISE ...       training exercises (see engine.cli.exercise)

Bad input of any kind prints one line ``path:line: what is wrong`` on standard error and exits with status 2;
nothing is printed on standard output then. An internal failure exits with status 3 and one line (set
``OBLIGATIONS_DEBUG=1`` to see the traceback).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import Any

from ..errors import EngineError, InputError

EXIT_OK = 0
EXIT_FAILED = 1  # `verify`: a scenario's findings differ from what it expects
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse's own errors: one line, exit 2
        self.exit(EXIT_BAD_INPUT, f"obligations: {message} (see `obligations --help`)\n")


def _assumption(text: str) -> tuple[str, Any]:
    if "=" not in text:
        raise argparse.ArgumentTypeError(f"{text!r} is not NAME=VALUE")
    name, raw = text.split("=", 1)
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        value = raw
    return name.strip(), value


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="obligations", description="Replay scenarios against Security Council resolutions.")
    parser.add_argument("--pack", default="res2364", help="bundled rule pack (default: res2364)")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    run = sub.add_parser("run", help="replay a scenario and print its findings")
    run.add_argument("scenario")
    run.add_argument("--json", action="store_true", help="print the JSON document instead of a table")
    run.add_argument("--assume", action="append", type=_assumption, default=[], metavar="NAME=VALUE",
                     help='override an assumption, e.g. --assume \'quarterly_interval={"days": 90}\'')
    from .filters import add_filter_options
    from .outputs import add_output_options

    add_output_options(run)  # --plot, --ics, --html
    add_filter_options(run)
    run.add_argument("--as-of", metavar="INSTANT", help="replay only the events up to INSTANT (a date: the whole "
                     "day) and report the state as known then")
    check = sub.add_parser("check", help="validate scenario files without replaying them")
    check.add_argument("scenarios", nargs="+")
    verify = sub.add_parser("verify", help="replay scenarios and compare with the findings they expect")
    verify.add_argument("scenarios", nargs="+")
    coverage = sub.add_parser(
        "coverage", help="every paragraph: encoded or not, its rules, the scenarios exercising them"
    )
    coverage.add_argument("--json", action="store_true", help="print JSON instead of a table")
    coverage.add_argument("--scenarios", help="folder of scenarios to count (default: the bundled ones)")
    sub.add_parser("events", help="the event vocabulary (Markdown, generated from the models)")
    sub.add_parser("schema", help="JSON Schema of scenario files, for editors")
    sub.add_parser("actors", help="list the actors scenarios may name")
    sub.add_parser("assumptions", help="list the assumptions and their defaults")
    from .whatif import add_commands

    add_commands(sub, _assumption)  # explain (why, why not) and diff
    from .exercise import add_commands as add_exercise

    add_exercise(sub)  # exercise key, score, debrief, play
    from .limits import add_limit_options

    add_limit_options(parser, sub)  # --max-bytes, --max-events on every command
    return parser


def _out(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def dispatch(args: argparse.Namespace) -> int:
    from ..api import Engine

    engine = Engine(args.pack)
    if args.command == "run":
        from .filters import selection
        from .outputs import check_outputs, write_outputs

        chosen = selection(args, engine)  # bad filters and output files are bad input: say so before replaying
        check_outputs(args)
        full = engine.run(args.scenario, assume=dict(args.assume), as_of=args.as_of)
        report = chosen.report(full)
        write_outputs(args, engine, report)
        from ..outputs.report import render_table

        _out(report.to_json() if args.json
             else render_table(report, total=len(full.findings), selection=chosen.describe()))
    elif args.command == "check":
        for path in args.scenarios:
            scenario = engine.load(path)
            _out(f"{path}: ok ({scenario.event_count} events, {scenario.start} to {scenario.until})\n")
    elif args.command == "verify":
        from ..explain.expectations import check as check_expectations

        failed = 0
        for path in args.scenarios:
            scenario = engine.load(path)
            if scenario.expect is None:
                raise InputError("this scenario states no expected findings (`expect:`)", path=path)
            problems = check_expectations(engine.run(scenario), scenario.expect, engine.pack.actors)
            failed += bool(problems)
            _out(f"{path}: {'FAILED' if problems else 'ok'}\n" + "".join(f"  {p}\n" for p in problems))
        return EXIT_FAILED if failed else EXIT_OK
    elif args.command == "coverage":
        from pathlib import Path

        from ..explain.coverage import coverage, default_scenarios, render

        folder = Path(args.scenarios) if args.scenarios else default_scenarios()
        if folder is None or not folder.is_dir():
            raise InputError("no scenarios folder; name one with --scenarios", path=str(folder or "scenarios"))
        rows = coverage(engine, sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.json")))
        if args.json:
            document = {"resolution": engine.pack.manifest.resolution,
                        "operative_paragraphs": engine.pack.manifest.operative_paragraphs,
                        "paragraphs": [row.as_dict() for row in rows]}
            _out(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        else:
            _out(render(rows, engine.pack.manifest.resolution))
    elif args.command == "events":
        from ..inputs.schema import vocabulary_markdown

        _out(vocabulary_markdown())
    elif args.command == "schema":
        from ..inputs.schema import schema_json

        _out(schema_json(engine.pack.actors))
    elif args.command == "exercise":
        from .exercise import dispatch as exercise

        return exercise(engine, args, _out)
    elif args.command in ("explain", "diff"):
        from .whatif import dispatch as whatif

        return whatif(engine, args, _out)
    elif args.command == "actors":
        for actor_id in engine.pack.actors.ids():
            actor = engine.pack.actors.by_id[actor_id]
            aliases = f"  (also: {', '.join(actor.aliases)})" if actor.aliases else ""
            _out(f"{actor.id:32} {actor.name}{aliases}\n")
    elif args.command == "assumptions":
        for name, param in sorted(engine.pack.assumptions().items()):
            value = param.value.model_dump(exclude_none=True) if hasattr(param.value, "model_dump") else param.value
            _out(f"{name} = {json.dumps(value, default=str)}  (paragraph {engine.pack.parameter_paragraph[name]}: "
                 f"\"{param.says}\")\n")
            if param.assumption is not None:
                _out(f"    {' '.join(param.assumption.reason.split())}\n")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from ..inputs.limits import using
    from .limits import limits_of

    try:
        with using(limits_of(args)):
            return dispatch(args)
    except InputError as exc:
        sys.stderr.write(exc.located().replace("\n", " ") + "\n")
        return EXIT_BAD_INPUT
    except (EngineError, Exception) as exc:  # never a traceback for the user
        if os.environ.get("OBLIGATIONS_DEBUG"):
            raise
        message = str(exc).replace("\n", " ") or type(exc).__name__
        sys.stderr.write(f"obligations: internal error: {message} (set OBLIGATIONS_DEBUG=1 for details)\n")
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
