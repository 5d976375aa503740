"""Playing an exercise on a terminal: one trainee, move by move.

``obligations exercise play EXERCISE`` shows the briefing, then each move's injects in words; the trainee
answers with short questions (which paragraph? which kind? who? which status? due when?), with Tab completing
the resolution's paragraphs and the actors' names; an empty paragraph ends the move. After each move come the
trainee's score for it and, for each finding missed, the engine's explanation and the paragraph's words. Every
answer is written to the answers file as soon as it is given (whole, through a temporary file), so Ctrl-C or
Ctrl-D loses nothing; playing again with the same file resumes at the last move answered.
"""

from __future__ import annotations

import os
import tempfile
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..explain.why import describe_event, event_line
from ..text import escape
from .answers import Answer, AnswerSheet, _day, dump_answers, load_answers, parse_answer
from .choices import choices
from .key import AnswerKey, KeyFinding, answer_key
from .model import Exercise
from .paragraphs import canonical_kind, canonical_paragraph, canonical_status, due_word
from .scoring import MoveScore, score_move, score_sheet

WIDTH = 100  # characters per line of wrapped text
EXIT_INTERRUPTED = 130  # Ctrl-C, as shells report it (the answers given are saved)

KIND_KEYS = {"o": "obligation", "a": "authorization", "e": "eligibility", "b": "breach", "n": "not_covered",
             "g": "engagement", "d": "obligation"}


class Quit(Exception):
    """The trainee stopped (Ctrl-D, or ``q`` at a prompt)."""


def _say(text: str) -> None:
    print(escape(text, layout=True))  # words from files (names, notes) may hold control characters


def _ask(question: str) -> str:
    return input(escape(question, layout=True))


@dataclass
class Terminal:
    """Where questions are asked: ``input`` with readline completion by default; replaceable in tests. What it
    writes has every control character escaped (:func:`engine.text.escape`), as every other output has."""

    ask: Callable[[str], str] = _ask
    say: Callable[[str], None] = _say
    complete_with: Callable[[Sequence[str]], None] = field(default=lambda words: None)


def readline_terminal() -> Terminal:
    """A terminal whose prompts complete on Tab (readline), when readline is available."""
    try:
        import readline
    except ImportError:  # pragma: no cover - every Linux Python has it
        return Terminal()
    words: list[str] = []

    def completer(text: str, state: int) -> str | None:
        lowered = text.casefold()
        found = [w for w in words if w.casefold().startswith(lowered)]
        return found[state] if state < len(found) else None

    def complete_with(candidates: Sequence[str]) -> None:
        words[:] = list(candidates)

    readline.set_completer(completer)
    readline.set_completer_delims("\t\n")
    readline.parse_and_bind("tab: complete")
    return Terminal(complete_with=complete_with)


def _write(path: Path, sheet: AnswerSheet) -> None:
    """Write the answers file whole: a temporary file beside it, then a rename."""
    text = dump_answers(sheet)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or Path("."))
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class Player:
    """One trainee playing one exercise."""

    def __init__(self, engine: Any, exercise: Exercise, answers_path: Path, terminal: Terminal,
                 trainee: str | None = None) -> None:
        self.engine = engine
        self.exercise = exercise
        self.path = answers_path
        self.term = terminal
        self.key: AnswerKey = answer_key(engine, exercise)
        self.choices = choices(engine)
        self.trainee = trainee
        self.answers: list[Answer] = []

    # ---- words -------------------------------------------------------------------------------------------------
    def wrap(self, text: str, indent: str = "", then: str | None = None) -> None:
        self.term.say(textwrap.fill(" ".join(text.split()), WIDTH, initial_indent=indent,
                                    subsequent_indent=indent if then is None else then))

    def prompt(self, question: str, candidates: Sequence[str] = ()) -> str:
        self.term.complete_with(candidates)
        try:
            reply = self.term.ask(question)
        except EOFError:
            raise Quit from None
        reply = reply.strip()
        if reply.lower() in ("q", "quit"):
            raise Quit
        return reply

    # ---- the game ----------------------------------------------------------------------------------------------
    def start(self) -> int:
        """The move to start at (1, or the last one answered when the answers file exists)."""
        if self.path.exists():
            sheet = load_answers(self.path, self.engine, self.exercise)
            self.trainee = self.trainee or sheet.trainee
            self.answers = list(sheet.answers)
            if self.answers:
                first = max(a.move for a in self.answers)
                self.term.say(f"Resuming {self.path} at move {first}: {len(self.answers)} answers kept.")
                return first
        return 1

    def play(self) -> int:
        """Play every move; return the exit status: 0, also when the trainee quits (q or Ctrl-D), 130 on Ctrl-C;
        the answers given are saved either way."""
        exercise = self.exercise
        self.term.say(exercise.name)
        self.wrap(exercise.briefing)
        if exercise.objectives:
            self.term.say(f"Assessed: paragraphs {', '.join(exercise.objectives)}.")
        try:
            first = self.start()
            while not self.trainee:
                self.trainee = self.prompt("Your name: ")
            self.save()
            self.term.say(f"Your answers are saved in {self.path} as you give them.")
            for move in exercise.moves[first - 1:]:
                self.move(move.number)
        except (Quit, KeyboardInterrupt) as stop:
            self.term.say("")
            self.term.say(f"Stopped. Your answers are in {self.path}; play again with it to resume.")
            return EXIT_INTERRUPTED if isinstance(stop, KeyboardInterrupt) else 0
        total = score_sheet(self.key, self.sheet())
        self.term.say("")
        self.term.say(f"Final score: {total.score:g}/100 over {len(exercise.moves)} moves.")
        return 0

    def sheet(self) -> AnswerSheet:
        return AnswerSheet(trainee=self.trainee or "trainee", answers=tuple(self.answers), path=str(self.path))

    def save(self) -> None:
        _write(self.path, self.sheet())

    def move(self, number: int) -> None:
        move = self.exercise.move(number)
        self.term.say("")
        self.term.say(f"=== Move {number} of {len(self.exercise.moves)}: {move.name} (until {move.until_text}) ===")
        injects = self.exercise.injects(number)
        if not injects:
            self.term.say("No new events.")
        for event in injects:
            info = describe_event(self.engine.pack, event)
            self.wrap(event_line(info), "  - ", "    ")
            if event.note:
                self.wrap(event.note, "      ")
        self.term.say("Which provisions are engaged, or change? One finding at a time; an empty paragraph ends the "
                      "move, q stops.")
        while self.question(number):
            pass
        self.report(score_move(number, self.key.move(number).expected,
                               [a for a in self.answers if a.move == number]))

    def ask_until_valid(self, question: str, candidates: Sequence[str], check: Callable[[str], str],
                        *, optional: bool = False) -> str:
        """Ask until the reply passes ``check`` (which returns the value kept or raises ``ValueError``)."""
        while True:
            reply = self.prompt(question, candidates)
            if not reply and optional:
                return ""
            try:
                return check(reply)
            except ValueError as exc:
                self.term.say(f"  {exc}")

    def question(self, number: int) -> bool:
        """Ask for one finding; False when the trainee ends the move."""
        pack = self.engine.pack
        paragraph = self.ask_until_valid("  Paragraph (Tab completes; Enter ends the move): ",
                                         self.choices.paragraphs, lambda r: canonical_paragraph(pack, r),
                                         optional=True)
        if not paragraph:
            return False
        kind = self.ask_until_valid("  Kind: [o]bligation, [a]uthorization, [e]ligibility, [b]reach, [n]ot covered, "
                                    "en[g]agement? ", self.choices.kinds,
                                    lambda r: canonical_kind(KIND_KEYS.get(r.lower(), r)))
        subject = self.ask_until_valid("  Who (Tab completes)? ", [name for _, name in self.choices.actors],
                                       lambda r: pack.actors.name_of(pack.actors.resolve(r)))
        data: dict[str, Any] = {"move": number, "paragraph": paragraph, "kind": kind, "subject": subject}
        statuses = self.choices.statuses[kind]
        status = self.ask_until_valid(f"  Status ({'/'.join(statuses)}; Enter to skip)? ", statuses,
                                      lambda r: canonical_status(r, kind), optional=True)
        if status:
            data["status"] = status
        if kind in ("obligation", "authorization"):
            due = self.ask_until_valid("  Due or ends (YYYY-MM-DD; Enter to skip)? ", (), _day, optional=True)
            if due:
                data["due"] = due
        try:
            answer = parse_answer(data, self.engine, self.exercise, path="answer")
        except InputError as exc:  # pragma: no cover - every field was checked as it was given
            self.term.say(f"  Not recorded: {exc.message}.")
            return True
        self.answers.append(answer)
        self.save()
        self.term.say(f"  Recorded: ¶{answer.paragraph} {answer.kind} {pack.actors.name_of(answer.subject)}"
                      + (f", {answer.status}" if answer.status else "")
                      + (f", {due_word(answer.kind)} {answer.due}" if answer.due else ""))
        return True

    def report(self, result: MoveScore) -> None:
        names = self.engine.pack.actors
        self.term.say(f"--- Move {result.move}: {round(100 * result.f1)}/100: {len(result.matches)} of "
                      f"{len(result.expected)} found, {len(result.wrong)} not engaged ---")
        for match in result.matches:
            finding = match.finding
            notes = []
            if match.answer.status not in (None, finding.status):
                notes.append(f"status is {finding.status}, not {match.answer.status}")
            if match.answer.due is not None and match.answer.due != finding.due:
                notes.append(f"{due_word(finding.kind)} {finding.due or 'no date'}, not {match.answer.due}")
            self.term.say(f"  Found: {_finding_words(finding, names)}" + (f" ({'; '.join(notes)})" if notes else ""))
        for finding in result.missed:
            self.term.say(f"  Missed: {_finding_words(finding, names)}")
            self.wrap(finding.explanation, "      ")
            paragraph = _paragraph_text(self.engine, finding.paragraph)
            if paragraph:
                self.wrap(f"Paragraph {finding.paragraph}: \"{paragraph}\"", "      ")
        for answer in result.wrong:
            self.term.say(f"  Not engaged in this move: ¶{answer.paragraph} {answer.kind} "
                          f"{names.name_of(answer.subject)}")


def _finding_words(finding: KeyFinding, names: Any) -> str:
    due = f", {due_word(finding.kind)} {finding.due}" if finding.due else ""
    return f"¶{finding.paragraph} {finding.kind} of {names.name_of(finding.subject)}: {finding.status}{due}"


def _paragraph_text(engine: Any, paragraph_id: str) -> str | None:
    try:
        return " ".join(engine.pack.paragraph(paragraph_id).text.split())
    except (KeyError, ValueError, LookupError):
        return None


def play(engine: Any, exercise: Exercise, answers_path: Path, *, trainee: str | None = None,
         terminal: Terminal | None = None) -> int:
    """Play ``exercise`` on a terminal, saving answers to ``answers_path``; return the exit status."""
    return Player(engine, exercise, answers_path, terminal or readline_terminal(), trainee).play()
