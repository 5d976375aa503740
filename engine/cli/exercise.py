"""The training commands of ``obligations``: ``exercise key``, ``score``, ``debrief`` and ``play``.

    obligations exercise key EXERCISE [--json] [--release ID ...]
    obligations exercise score EXERCISE ANSWERS... [--json] [--release ID ...]
    obligations exercise debrief EXERCISE ANSWERS... -o FILE.html [--release ID ...]
    obligations exercise play EXERCISE [--answers FILE] [--trainee NAME]
    obligations exercise serve EXERCISE [--db FILE.sqlite] [--host 127.0.0.1] [--port 8364]   (engine.cli.serve)

:mod:`engine.cli.main` adds these with :func:`add_commands` and hands them to :func:`dispatch`.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from pathlib import Path

from ..errors import InputError

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing, which `obligations --help` does not need
if TYPE_CHECKING:
    from typing import Any


def add_commands(sub: Any) -> None:
    """Add ``exercise`` and its sub-commands to the sub-parsers of ``obligations``."""
    exercise = sub.add_parser("exercise", help="training exercises: the key, scores, a debrief, play on a terminal")
    exercise.later(_commands)  # when used: see engine.cli.main


def _commands(exercise: argparse.ArgumentParser) -> None:
    commands = exercise.add_subparsers(dest="exercise_command", required=True, parser_class=type(exercise))
    key = commands.add_parser("key", help="the answer key, move by move (for controllers)")
    key.add_argument("exercise")
    key.add_argument("--json", action="store_true", help="print JSON instead of text")
    score = commands.add_parser("score", help="score trainees' answers files against the key")
    score.add_argument("exercise")
    score.add_argument("answers", nargs="+")
    score.add_argument("--json", action="store_true", help="print JSON instead of text")
    debrief = commands.add_parser("debrief", help="write the debrief: one self-contained HTML page")
    debrief.add_argument("exercise")
    debrief.add_argument("answers", nargs="+")
    debrief.add_argument("-o", "--output", required=True, metavar="FILE.html")
    for command in (key, score, debrief):
        command.add_argument("--release", action="append", default=[], metavar="ID",
                             help="a contingency inject the controller released (repeatable)")
    play = commands.add_parser("play", help="play the exercise on this terminal, as one trainee")
    play.add_argument("exercise")
    play.add_argument("--answers", metavar="FILE", help="the answers file to write (default: "
                      "EXERCISE-NAME.answers.yaml in the current folder); an existing one is resumed")
    play.add_argument("--trainee", metavar="NAME", help="the trainee's name (asked when not given)")
    from .serve import add_command as add_serve

    add_serve(commands)  # exercise serve: the exercise server (engine.cli.serve)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "trainee"


def dispatch(engine: Any, args: argparse.Namespace, out: Callable[[str], None]) -> int:
    """Run an ``exercise`` sub-command; return the exit status."""
    from ..exercise import answer_key, load_answers, load_exercise, score

    if args.exercise_command == "serve":
        from .serve import serve

        return serve(engine, args)
    command = args.exercise_command
    if command == "debrief":  # a place the page cannot be written is bad input: say so before replaying
        from ..outputs.files import check_target
        from ..outputs.html import SUFFIXES

        check_target(args.output, "-o", SUFFIXES)
    exercise = load_exercise(args.exercise, engine)
    if command == "debrief":  # so is a timeline of more events than a picture draws
        from ..exercise.debrief import check_timeline

        check_timeline(exercise.released(args.release))
    if command == "play":
        from ..exercise.play import play

        if args.answers:
            target = Path(args.answers)
        else:
            who = f"-{_slug(args.trainee)}" if args.trainee else ""
            target = Path(f"{Path(args.exercise).stem}{who}.answers.yaml")
        if not target.parent.is_dir():
            raise InputError("no such folder for the answers file", path=str(target))
        return play(engine, exercise, target, trainee=args.trainee)
    key = answer_key(engine, exercise, released=args.release)
    if command == "key":
        from ..exercise.key import render_key

        out(key.to_json() if args.json else render_key(key, engine.pack.actors))
        return 0
    sheets = [load_answers(path, engine, exercise) for path in args.answers]
    scores = score(key, sheets)
    if command == "score":
        from ..exercise.scoring import render_scores

        out(scores.to_json() if args.json else render_scores(scores, engine.pack.actors))
        return 0
    if command == "debrief":
        from ..exercise.debrief import debrief_html, write_debrief

        target = write_debrief(args.output, debrief_html(engine, key, scores))
        out(f"{target}: debrief of {len(sheets)} trainee{'s' if len(sheets) != 1 else ''}, "
            f"{len(key.moves)} moves\n")
        return 0
    raise AssertionError(f"not an exercise command: {command}")
