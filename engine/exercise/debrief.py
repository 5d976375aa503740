"""The debrief: one self-contained HTML page for the after-action review of an exercise.

``obligations exercise debrief EXERCISE ANSWERS… -o FILE.html`` writes the trainees' scores side by side (total
and per move); then, move by move, the injects, each finding expected with who found it, what each trainee
missed and claimed wrongly, and for each finding missed by someone the engine's explanation and the paragraph's
words; and the timeline of the objectives' findings with the moves marked (an inline SVG). The page loads
nothing from the network (no scripts, fonts, images or styles from elsewhere) and escapes every text it shows.
The same inputs give a byte-identical page, written whole (a temporary file, then a rename).
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path
from typing import Any

from ..explain.why import describe_event, event_line
from ..inputs.scenario import Scenario
from ..outputs.files import write_whole
from ..outputs.html import escape as _e
from ..outputs.html import external_references, page, paragraph_words
from ..outputs.html import timeline_svg as _timeline_svg
from ..outputs.report import Report
from .answers import Answer
from .key import AnswerKey, KeyFinding
from .paragraphs import due_word
from .scoring import Scores

__all__ = ["check_timeline", "debrief_html", "external_references", "timeline_parts", "timeline_svg", "write_debrief"]

_STYLE = """
table.debrief { width: auto; } .ok { color: #2e7d32; font-weight: 600; } .no { color: #c62828; font-weight: 600; }
.num { text-align: right; } .trainer { color: #6a1b9a; } h3 { font-size: 1rem; margin-bottom: .2rem; }
"""


def _finding_cell(finding: KeyFinding, names: Any) -> str:
    due = f", {due_word(finding.kind)} {_e(finding.due)}" if finding.due else ""
    trainer = ' <span class="trainer">(trainer)</span>' if finding.source == "trainer" else ""
    return (f"¶{_e(finding.paragraph)} {_e(finding.kind)} of {_e(names.name_of(finding.subject))}: "
            f"<b>{_e(finding.status)}</b>{due}{trainer}<br><span class=\"muted mono\">{_e(finding.id)}</span>")


def _found_cell(answer: Answer, finding: KeyFinding) -> str:
    """'found', with what the answer got wrong (a status or date) in words."""
    wrong = []
    if answer.status not in (None, finding.status):
        wrong.append(f"said {answer.status}")
    if answer.due is not None and answer.due != finding.due:
        wrong.append(f"said {due_word(finding.kind)} {answer.due}")
    return '<td class="ok">found' + (f'<br><span class="no">{_e("; ".join(wrong))}</span>' if wrong else "") + "</td>"


def _answer_words(answer: dict[str, Any]) -> str:
    extra = "".join(f", {k} {v}" for k, v in answer.items() if k in ("status", "due"))
    return f"¶{answer.get('paragraph')} {answer.get('kind')} of {answer.get('subject')}{extra}"


def check_timeline(scenario: Scenario) -> None:
    """Before the replays: refuse (an :class:`~engine.errors.InputError`) a debrief whose timeline would draw more
    events than a picture draws (``MAX_EVENTS_DRAWN``) over the window of ``scenario`` (the exercise's, with the
    contingency injects released), so that it fails at once, with nothing written."""
    from ..outputs.plot import check_drawable

    check_drawable(scenario, scenario.start, scenario.until, picture="the debrief's timeline",
                   remedy="a debrief draws the scenario's whole window")


def timeline_parts(key: AnswerKey) -> tuple[Report, list[tuple[datetime, str]]]:
    """What the timeline draws: the report at the last move's end, narrowed to the assessed findings, and a mark
    at each move's end (labelled so that no two labels overlap: :func:`engine.outputs.plot.draw_marks`)."""
    exercise = key.exercise
    last = key.reports[-1]
    report = dataclasses.replace(last, findings=tuple(f for f in last.findings if exercise.assessed(f.paragraph)))
    return report, [(move.until, f"end of move {move.number}") for move in exercise.moves]


def timeline_svg(engine: Any, key: AnswerKey) -> str:
    """The assessed findings and the events on a time axis, each move's end marked (an inline ``<svg>``)."""
    report, marks = timeline_parts(key)
    return _timeline_svg(report, key.scenario, marks=marks, pack=engine.pack)


def debrief_html(engine: Any, key: AnswerKey, scores: Scores, *, timeline: bool = True) -> str:
    """The debrief page."""
    exercise = key.exercise
    names = engine.pack.actors
    trainees = scores.trainees
    out: list[str] = [f"<h1>Debrief: {_e(exercise.name)}</h1>",
                      f"<p>{_e(exercise.briefing)}</p>",
                      f"<p class=\"muted\">Scenario: {_e(key.scenario.name)} ({_e(key.scenario.path)}). Assessed: "
                      f"{_e(', '.join(exercise.objectives)) if exercise.objectives else 'every paragraph'}."
                      + (f" Contingency injects released: {_e(', '.join(key.released))}." if key.released else "")
                      + "</p>"]
    out.append('<h2>Scores</h2><table class="debrief"><tr><th>Trainee</th><th>Score</th>'
               + "".join(f"<th>Move {m.move}</th>" for m in key.moves) + "</tr>")
    for t in trainees:
        out.append(f"<tr><td>{_e(t.trainee)}</td><td class=\"num\"><b>{t.score:g}</b></td>"
                   + "".join(f"<td class=\"num\">{round(100 * m.f1)}</td>" if m.counts else "<td>-</td>"
                             for m in t.moves) + "</tr>")
    out.append("</table><p class=\"muted\">Per move: F1 of precision and recall × 100; a match needs the paragraph, "
               "kind and subject, and a right status and due date add to it.</p>")
    if timeline:
        out.append(f"<h2>Timeline</h2><div class=\"timeline\">{timeline_svg(engine, key)}</div>")
    for move in key.moves:
        out.append(f"<h2>Move {move.move}: {_e(move.name)} <span class=\"muted\">(until {_e(move.until)})</span></h2>")
        wanted = set(move.injects)
        events = {e.id: e for e in key.scenario.all_events() if e.id in wanted}
        injects = [events[i] for i in move.injects if i in events]
        out.append("<p><b>Injects</b></p><ul>" + "".join(
            f"<li>{_e(event_line(describe_event(engine.pack, e)))}"
            + (f" <span class=\"muted\">{_e(e.note)}</span>" if e.note else "") + "</li>" for e in injects)
            + ("<li>none</li>" if not injects else "") + "</ul>")
        if move.reason:
            out.append(f"<p class=\"trainer\">Trainer's override: {_e(move.reason)}"
                       + (f" Not expected: {_e(', '.join(f.id for f in move.removed))}." if move.removed else "")
                       + "</p>")
        out.append('<table class="debrief"><tr><th>Expected</th>'
                   + "".join(f"<th>{_e(t.trainee)}</th>" for t in trainees) + "</tr>")
        for finding in move.expected:
            cells = []
            for t in trainees:
                match = next((m for m in t.moves[move.move - 1].matches if m.finding.id == finding.id), None)
                cells.append(_found_cell(match.answer, finding) if match else '<td class="no">missed</td>')
            out.append(f"<tr><td>{_finding_cell(finding, names)}</td>{''.join(cells)}</tr>")
        if not move.expected:
            out.append(f"<tr><td>nothing</td>{'<td></td>' * len(trainees)}</tr>")
        out.append("</table>")
        wrong = [(t.trainee, a.as_dict()) for t in trainees for a in t.moves[move.move - 1].wrong]
        if wrong:
            out.append("<p><b>Wrongly claimed</b></p><ul>" + "".join(
                f"<li>{_e(who)}: {_e(_answer_words(answer))}</li>" for who, answer in wrong) + "</ul>")
        missed = [f for f in move.expected
                  if any(f.id in {m.id for m in t.moves[move.move - 1].missed} for t in trainees)]
        if missed:
            out.append("<p><b>What was missed, and why the engine finds it</b></p>")
        for finding in missed:
            who = [t.trainee for t in trainees if finding.id in {m.id for m in t.moves[move.move - 1].missed}]
            out.append(f"<h3>{_e(finding.id)} <span class=\"muted\">missed by {_e(', '.join(who))}</span></h3>")
            out.append(f"<p>{_e(finding.explanation)}</p>")
            words = paragraph_words(engine.pack, finding.paragraph)
            if words:
                out.append(f"<blockquote>Paragraph {_e(finding.paragraph)}: {_e(words)}</blockquote>")
    return page(f"Debrief: {exercise.name}", "\n".join(out), style=_STYLE, script=False)


def write_debrief(target: Path | str, text: str) -> Path:
    """Write the page whole: a temporary file beside ``target``, then a rename."""
    return write_whole(target, text.encode("utf-8"), "-o")
