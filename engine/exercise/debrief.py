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
import html
import io
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from ..explain.why import describe_event, event_line
from .key import AnswerKey, KeyFinding
from .paragraphs import due_word
from .scoring import Scores

_STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; color: #212121; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #cfd8dc; }
table { border-collapse: collapse; margin: .5rem 0 1rem; } th, td { border: 1px solid #cfd8dc; padding: .25rem .5rem;
text-align: left; vertical-align: top; } th { background: #eceff1; }
.ok { color: #2e7d32; font-weight: 600; } .no { color: #c62828; font-weight: 600; } .num { text-align: right; }
.muted { color: #607d8b; }
blockquote { margin: .3rem 0 .6rem 1rem; padding-left: .6rem; border-left: 3px solid #b0bec5; }
.timeline svg { width: 100%; height: auto; } .trainer { color: #6a1b9a; }
"""


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _finding_cell(finding: KeyFinding, names: Any) -> str:
    due = f", {due_word(finding.kind)} {_e(finding.due)}" if finding.due else ""
    trainer = ' <span class="trainer">(trainer)</span>' if finding.source == "trainer" else ""
    return (f"¶{_e(finding.paragraph)} {_e(finding.kind)} of {_e(names.name_of(finding.subject))}: "
            f"<b>{_e(finding.status)}</b>{due}{trainer}<br><span class=\"muted\">{_e(finding.id)}</span>")


def _answer_words(answer: dict[str, Any]) -> str:
    extra = "".join(f", {k} {v}" for k, v in answer.items() if k in ("status", "due"))
    return f"¶{answer.get('paragraph')} {answer.get('kind')} of {answer.get('subject')}{extra}"


def timeline_svg(engine: Any, key: AnswerKey) -> str:
    """The objectives' findings and the events on a time axis, with each move's end marked (inline SVG)."""
    from matplotlib import dates, rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from ..outputs.plot import HASHSALT, figure

    exercise = key.exercise
    last = key.reports[-1]
    report = dataclasses.replace(last, findings=tuple(f for f in last.findings if exercise.assessed(f.paragraph)))
    with rc_context({"svg.hashsalt": HASHSALT, "svg.fonttype": "path", "path.simplify": True}):
        fig = figure(report, key.scenario)
        top, lane = fig.axes[0], fig.axes[1]
        for move in exercise.moves:
            x = float(dates.date2num(move.until.replace(tzinfo=None)))  # type: ignore[no-untyped-call]
            for axis in (top, lane):
                axis.axvline(x, color="#6a1b9a", linewidth=1.0, linestyle=":", zorder=5)
            top.annotate(f"end of move {move.number}", (x, 0), xycoords=("data", "axes fraction"),
                         xytext=(-2, 2), textcoords="offset points", rotation=90, fontsize=7, color="#6a1b9a",
                         ha="right", va="bottom")
        FigureCanvasAgg(fig)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": "unsc-obligations"})
    text = buffer.getvalue().decode("utf-8")
    return text[text.index("<svg"):]


def debrief_html(engine: Any, key: AnswerKey, scores: Scores, *, timeline: bool = True) -> str:
    """The debrief page."""
    exercise = key.exercise
    names = engine.pack.actors
    trainees = scores.trainees
    out: list[str] = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
                      f"<title>Debrief: {_e(exercise.name)}</title>", f"<style>{_STYLE}</style></head><body>",
                      f"<h1>Debrief: {_e(exercise.name)}</h1>",
                      f"<p>{_e(exercise.briefing)}</p>",
                      f"<p class=\"muted\">Scenario: {_e(key.scenario.name)} ({_e(key.scenario.path)}). Assessed: "
                      f"{_e(', '.join(exercise.objectives)) if exercise.objectives else 'every paragraph'}."
                      + (f" Contingency injects released: {_e(', '.join(key.released))}." if key.released else "")
                      + "</p>"]
    out.append("<h2>Scores</h2><table><tr><th>Trainee</th><th>Score</th>"
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
        events = {e.id: e for e in key.scenario.events}
        injects = [events[i] for i in move.injects if i in events]
        out.append("<p><b>Injects</b></p><ul>" + "".join(
            f"<li>{_e(event_line(describe_event(engine.pack, e)))}"
            + (f" <span class=\"muted\">{_e(e.note)}</span>" if e.note else "") + "</li>" for e in injects)
            + ("<li>none</li>" if not injects else "") + "</ul>")
        if move.reason:
            out.append(f"<p class=\"trainer\">Trainer's override: {_e(move.reason)}"
                       + (f" Not expected: {_e(', '.join(f.id for f in move.removed))}." if move.removed else "")
                       + "</p>")
        out.append("<table><tr><th>Expected</th>" + "".join(f"<th>{_e(t.trainee)}</th>" for t in trainees) + "</tr>")
        for finding in move.expected:
            cells = []
            for t in trainees:
                found = any(m.finding.id == finding.id for m in t.moves[move.move - 1].matches)
                cells.append('<td class="ok">found</td>' if found else '<td class="no">missed</td>')
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
            words = _paragraph_words(engine, finding.paragraph)
            if words:
                out.append(f"<blockquote>Paragraph {_e(finding.paragraph)}: {_e(words)}</blockquote>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def _paragraph_words(engine: Any, paragraph_id: str) -> str | None:
    try:
        return " ".join(engine.pack.paragraph(paragraph_id).text.split())
    except KeyError:
        return None


def write_debrief(target: Path | str, text: str) -> Path:
    """Write the page whole: a temporary file beside ``target``, then a rename."""
    path = Path(target)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def external_references(page: str) -> list[str]:
    """Addresses the page would fetch from elsewhere (none, for a self-contained page)."""
    return re.findall(r"""(?:src|href)\s*=\s*["']?(?!#|data:)([^"'\s>]+)""", page)
