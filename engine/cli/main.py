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
    obligations sweep SPEC [--workers N] [--dask ADDRESS] [--db FILE] [--resume] [--json] [--plot FILE]

Bad input of any kind prints one line ``path:line: what is wrong`` on standard error and exits with status 2;
nothing is printed on standard output then: a command's output is written only once the whole of it is ready
(with several scenario files, ``check`` and ``verify`` print nothing if any of them is bad). A standard output
closed before that (``| head -0``) is answered the same way. An internal failure exits with status 3 and one
line (set ``OBLIGATIONS_DEBUG=1`` to see the traceback); Ctrl-C exits with status 130 and one line. Control
characters from files never reach the terminal raw (see :mod:`engine.text`).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable, Iterator, Sequence

from ..errors import EngineError, InputError
from ..text import escape

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing, which `obligations --help` does not need
if TYPE_CHECKING:
    from typing import Any

    from .outputs import Spool

EXIT_OK = 0
EXIT_FAILED = 1  # `verify`: a scenario's findings differ from what it expects
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a command stopped by Ctrl-C
_CHECKING_WIDTH = 80  # columns of the formatters argparse makes only to check arguments (never shown)


class _Parser(argparse.ArgumentParser):
    """argparse's parser, with one-line errors; a command's own arguments can be added :meth:`later`: when the
    command is used or its help shown, so that ``obligations --help`` builds (and imports) none of them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._showing = False  # (set while help or usage is formatted: see _get_formatter)
        super().__init__(*args, **kwargs)
        self._later: list[Callable[[Any], object]] = []

    def _get_formatter(self) -> argparse.HelpFormatter:
        """argparse's formatter. Outside help and usage, argparse makes one only to check each argument's
        metavar, which needs no width: it is given one, so that the terminal's is not asked for (argparse would
        import ``shutil``, and with it three compression modules, to ask)."""
        if self._showing:
            return super()._get_formatter()
        return self.formatter_class(prog=self.prog, width=_CHECKING_WIDTH)  # type: ignore[call-arg]  # (all take it)

    def later(self, add: Callable[[Any], object]) -> None:
        """Call ``add(self)`` before this parser first parses or shows its help (in the order given)."""
        self._later.append(add)

    def _complete(self) -> None:
        while self._later:
            self._later.pop(0)(self)

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
        self._complete()
        return super().parse_known_args(args, namespace)

    def format_usage(self) -> str:
        self._complete()
        return self._shown(super().format_usage)

    def format_help(self) -> str:
        self._complete()
        return self._shown(super().format_help)

    def _shown(self, format_: Callable[[], str]) -> str:
        self._showing = True
        try:
            return format_()
        finally:
            self._showing = False

    def error(self, message: str) -> Any:  # argparse's own errors: one line, exit 2
        self.exit(EXIT_BAD_INPUT, f"obligations: {escape(message)} (see `obligations --help`)\n")


class _Pending:
    """A command's parser not made yet: what to make it with, and what to add to it (see :class:`_Commands`)."""

    def __init__(self, **kwargs: Any) -> None:
        self.kwargs = kwargs
        self.steps: list[Callable[[Any], object]] = []

    def later(self, add: Callable[[Any], object]) -> None:
        self.steps.append(add)

    def make(self, parser_class: type[_Parser]) -> _Parser:
        parser = parser_class(**self.kwargs)
        for step in self.steps:
            parser.later(step)
        return parser


if TYPE_CHECKING:
    _Subcommands = argparse._SubParsersAction[_Parser]
else:
    _Subcommands = argparse._SubParsersAction  # argparse's action for sub-commands (not subscriptable at run time)


class _Commands(_Subcommands):
    """The commands, each one's parser made only when the command is used: argparse would make all of them
    up front, which (a parser asks gettext for its words several times) cost more than the rest of ``--help``.
    A command registers what to add to its parser with ``later``; its name and help are listed as usual."""

    def add_parser(self, name: str, **kwargs: Any) -> Any:
        parser_class = self._parser_class
        self._parser_class = _Pending  # type: ignore[assignment]
        try:
            return super().add_parser(name, **kwargs)
        finally:
            self._parser_class = parser_class

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        pending = self._name_parser_map.get(values[0])
        if isinstance(pending, _Pending):
            made = pending.make(self._parser_class)
            for name, value in list(self._name_parser_map.items()):  # the command's aliases too
                if value is pending:
                    self._name_parser_map[name] = made
        super().__call__(parser, namespace, values, option_string)


def _assumption(text: str) -> tuple[str, Any]:
    import json

    if "=" not in text:
        raise argparse.ArgumentTypeError(f"{text!r} is not NAME=VALUE")
    name, raw = text.split("=", 1)
    try:
        value = json.loads(raw, object_pairs_hook=_unique_keys, parse_constant=_no_constant)
    except json.JSONDecodeError:
        value = raw
    except ValueError as exc:  # a key twice, NaN or Infinity: refused as in scenario files
        raise argparse.ArgumentTypeError(f"{name.strip()}: {exc}") from None
    return name.strip(), value


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"the key {key!r} appears twice")
        out[key] = value
    return out


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number these values accept")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="obligations", description="Replay scenarios against Security Council resolutions.")
    parser.add_argument("--pack", default="res2364", help="bundled rule pack (default: res2364)")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser, action=_Commands)
    sub.add_parser("run", help="replay a scenario and print its findings").later(_run_arguments)
    sub.add_parser("check", help="validate scenario files without replaying them").later(
        lambda check: check.add_argument("scenarios", nargs="+"))
    sub.add_parser("verify", help="replay scenarios and compare with the findings they expect").later(
        lambda verify: verify.add_argument("scenarios", nargs="+"))
    sub.add_parser("coverage", help="every paragraph: encoded or not, its rules, the scenarios exercising them").later(
        _coverage_arguments)
    sub.add_parser("events", help="the event vocabulary (Markdown, generated from the models)")
    sub.add_parser("schema", help="JSON Schema of scenario files, for editors")
    sub.add_parser("actors", help="list the actors scenarios may name")
    sub.add_parser("assumptions", help="list the assumptions and their defaults")
    from .whatif import add_commands

    add_commands(sub, _assumption)  # explain (why, why not) and diff
    from .exercise import add_commands as add_exercise

    add_exercise(sub)  # exercise key, score, debrief, play
    from .acled import add_commands as add_import

    add_import(sub)  # import acled
    from .sweep import add_command as add_sweep

    add_sweep(sub)
    from .limits import add_limit_options

    add_limit_options(parser, sub)  # --max-bytes, --max-events on every command
    return parser


def _coverage_arguments(coverage: argparse.ArgumentParser) -> None:
    coverage.add_argument("--json", action="store_true", help="print JSON instead of a table")
    coverage.add_argument("--scenarios", help="folder of scenarios to count (default: the bundled ones)")


def _run_arguments(run: argparse.ArgumentParser) -> None:
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


def dispatch(args: argparse.Namespace, _out: Callable[[str | Spool], None]) -> int:
    """Run the command; its output goes to ``_out`` (printed by :func:`main` once the command has succeeded)."""
    import json

    from . import simpyshell

    simpyshell.install()  # before anything imports SimPy: this process needs no version lookup
    from ..api import Engine

    engine = Engine(args.pack)
    if args.command == "run":
        from .filters import selection
        from .outputs import Spool, check_outputs, check_picture, write_outputs

        chosen = selection(args, engine)  # bad filters and output files are bad input: say so before replaying
        check_outputs(args)
        with _set_aside_once_made():
            scenario = engine.load(args.scenario)  # once, for the replay and the pictures
        check_picture(args, scenario)
        full = engine.run(scenario, assume=dict(args.assume), as_of=args.as_of)
        with _set_aside_once_made():
            report = chosen.report(full)
        write_outputs(args, engine, scenario, report)
        from ..outputs.report import render_table

        _out(Spool(report.json_pieces()) if args.json
             else render_table(report, total=len(full.findings), selection=chosen.describe()))
        if _own_process:  # kept to the end: freeing them as dispatch returns costs what the process's end frees
            _kept.append((scenario, full, report))  # anyway (about 30 ms for a 20,000-event run)
    elif args.command == "check":
        for path in args.scenarios:
            scenario = engine.check(path)
            _out(f"{escape(path)}: ok ({scenario.event_count} events, {scenario.start} to {scenario.until})\n")
    elif args.command == "verify":
        from ..explain.expectations import check as check_expectations

        failed = 0
        for path in args.scenarios:
            scenario = engine.load(path)
            if scenario.expect is None:
                raise InputError("this scenario states no expected findings (`expect:`)", path=path)
            problems = check_expectations(engine.run(scenario), scenario.expect, engine.pack.actors)
            failed += bool(problems)
            _out(f"{escape(path)}: {'FAILED' if problems else 'ok'}\n" + "".join(f"  {escape(p)}\n" for p in problems))
        return EXIT_FAILED if failed else EXIT_OK
    elif args.command == "coverage":
        from pathlib import Path

        from ..explain.coverage import coverage, default_scenarios, render

        folder = Path(args.scenarios) if args.scenarios else default_scenarios()
        if folder is None or not folder.is_dir():
            raise InputError("no scenarios folder; name one with --scenarios", path=str(folder or "scenarios"))
        try:
            files = sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".json"))
        except OSError as exc:
            raise InputError(f"cannot read the folder: {exc.strerror or exc}", path=str(folder)) from None
        rows = coverage(engine, sorted(files, key=lambda p: (p.suffix != ".yaml", p.name)))
        if args.json:
            document = {"resolution": engine.pack.manifest.resolution,
                        "operative_paragraphs": engine.pack.manifest.operative_paragraphs,
                        "paragraphs": [row.as_dict() for row in rows]}
            _out(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        else:
            _out(render(rows, engine.pack.manifest.resolution))
    elif args.command == "import":
        from .acled import dispatch as import_events

        return import_events(engine, args, _out, sys.stderr.write)
    elif args.command == "events":
        from ..inputs.schema import vocabulary_markdown

        _out(vocabulary_markdown())
    elif args.command == "schema":
        from ..inputs.schema import schema_json

        _out(schema_json(engine.pack.actors))
    elif args.command == "exercise":
        from .exercise import dispatch as exercise

        return exercise(engine, args, _out)
    elif args.command == "sweep":
        from .sweep import dispatch as sweep

        return sweep(engine, args, _out)
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
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        output: list[str | Spool] = []
        from ..inputs.limits import using
        from .limits import limits_of

        try:
            with using(limits_of(args)), _NoPydanticPlugins():
                code = dispatch(args, output.append)
        except InputError as exc:
            return _fail(EXIT_BAD_INPUT, exc.located())
        except (EngineError, Exception) as exc:  # never a traceback for the user
            if os.environ.get("OBLIGATIONS_DEBUG"):
                raise
            message = str(exc) or type(exc).__name__
            return _fail(EXIT_INTERNAL, f"obligations: internal error: {message} (set OBLIGATIONS_DEBUG=1 for details)")
        return _print(output, code)
    except KeyboardInterrupt:
        return _fail(EXIT_INTERRUPTED, "obligations: interrupted")


def command() -> int:
    """The ``obligations`` command's entry point: :func:`main`, in a process that ends with it.

    Two settings of Python's cyclic garbage collector that only a process of its own may make (:func:`main`,
    which tests and callers run in their own process, makes neither):

    * a young collection comes after :data:`YOUNG_OBJECTS` allocations (net of those freed) instead of Python's
      700: most of what the command makes (its modules' classes and functions, the rule pack, the events, the
      findings) lives to its end, and collections every 700 allocations walk it again and again. Cyclic garbage
      waits at most that many objects longer to be freed, so memory stays bounded;
    * what lives to the end is set aside from the collector (:func:`gc.freeze`) once made: by ``run``, the
      scenario once loaded and the findings once replayed (see :func:`_set_aside_once_made`); and, its output
      written and flushed, all the process's objects, so that the interpreter's shutdown does not walk them all
      once more, to free memory the process gives back as it exits anyway (a twentieth of a 20,000-event
      ``run --json``).

    And when nothing is left to do at exit but free memory (its output flushed, no function registered to run at
    exit, no other thread), the process ends there (:func:`os._exit`) instead of through the interpreter's
    shutdown, which would only tear down its modules and objects (2-3 % of a warm ``run``)."""
    import gc

    global _own_process
    gc.set_threshold(YOUNG_OBJECTS, *gc.get_threshold()[1:])
    _own_process = True
    code = main()
    flushed = True
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:  # (None: the process was started with the stream closed)
                stream.flush()
        except (OSError, ValueError):  # a closed or broken stream: main() has answered for it
            flushed = False
    if flushed and _nothing_left_at_exit():
        os._exit(code)
    gc.freeze()
    return code


def _nothing_left_at_exit() -> bool:
    """Whether ending the process now would skip nothing but freeing memory: no function registered to run at exit
    (:mod:`atexit`: a library's clean-up, logging's flush), no other thread alive, and nothing that works after
    the command returns (a profiler or tracer writing its results, ``python -i``). Where this Python cannot say
    how many functions are registered, the answer is no."""
    import atexit

    if sys.getprofile() is not None or sys.gettrace() is not None or sys.flags.inspect:
        return False

    registered = getattr(atexit, "_ncallbacks", None)  # (CPython's count, 3.11 to 3.13)
    if registered is None or registered() != 0:
        return False
    threading = sys.modules.get("threading")
    return threading is None or threading.active_count() == 1


YOUNG_OBJECTS = 50_000  # allocations (net of those freed) between two young collections in the command's process
_own_process = False  # whether main() runs in the command's own process (set by command())
_kept: list[object] = []  # in that process, what `run` made, kept until the process ends (see dispatch)


@contextlib.contextmanager
def _set_aside_once_made() -> Iterator[None]:
    """In the command's own process, what the block makes is set aside from the cyclic collector
    (:func:`gc.freeze`) as it ends, the collector paused until then: ``run`` sets aside the scenario once loaded
    and the findings once replayed, since all of that lives to the end. Else each collection would walk them
    again: the first after loading walked every event of the scenario, and the replay's own setting aside of
    older objects walked them once more (together about a tenth of a 20,000-event ``run --json``). Objects set
    aside are still freed when no longer referenced; only a reference cycle among them would wait for the
    process's end, and reading makes none (see :mod:`engine.inputs.nogc`). Callers of :func:`main` in their own
    process are left as they are."""
    if not _own_process:
        yield
        return
    from ..inputs.nogc import no_cycle_collection, set_aside

    with no_cycle_collection():
        yield
        set_aside()


class _NoPydanticPlugins:
    """While a command runs, pydantic loads no plugins unless ``PYDANTIC_DISABLE_PLUGINS`` says otherwise (e.g.
    ``0``): the command validates its own input with its own models, and finding plugins means reading the entry
    points of every installed package, about a tenth of a warm ``run``'s start-up."""

    def __enter__(self) -> None:
        self.set = _PLUGINS_OFF not in os.environ
        if self.set:
            os.environ[_PLUGINS_OFF] = "__all__"

    def __exit__(self, *exc: object) -> None:
        if self.set:
            os.environ.pop(_PLUGINS_OFF, None)


_PLUGINS_OFF = "PYDANTIC_DISABLE_PLUGINS"


def _fail(code: int, line: str) -> int:
    """Print one line on standard error (control characters and line breaks escaped); return ``code``."""
    if sys.stderr is not None:
        try:
            sys.stderr.write(escape(line) + "\n")
            sys.stderr.flush()
        except (OSError, ValueError):
            pass
    return code


def _print(output: list[str | Spool], code: int) -> int:
    """Write a command's whole output (texts, and spools read back); a standard output that is closed is bad input
    (exit 2)."""
    try:
        if sys.stdout is None:
            raise BrokenPipeError
        for item in output:
            for text in (item,) if isinstance(item, str) else item.chunks():
                sys.stdout.write(escape(text, layout=True))
        sys.stdout.flush()
    except (BrokenPipeError, ValueError) as exc:  # ValueError: the stream object itself was closed
        _silence_stdout()
        what = "closed" if isinstance(exc, BrokenPipeError) else "not writable"
        return _fail(EXIT_BAD_INPUT, f"obligations: the standard output was {what} before the output was written")
    except OSError as exc:
        _silence_stdout()
        return _fail(EXIT_BAD_INPUT, f"obligations: cannot write the standard output: {exc.strerror or exc}")
    return code


def _silence_stdout() -> None:
    """Point the standard output at /dev/null, so that Python's final flush does not complain about it again."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)


if __name__ == "__main__":
    sys.exit(main())
