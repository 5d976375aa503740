"""The debrief page served to the controller: the page of ``obligations exercise debrief`` built from the
answers in the database (every trainee's sheet, scored over the moves closed so far)."""

from __future__ import annotations

import html

from .session import Session


def debrief_html(session: Session) -> str:
    """The debrief as one self-contained HTML page."""
    scores = session.scores()
    rows = "".join(f"<tr><td>{html.escape(t.trainee)}</td><td>{t.score:g}</td></tr>" for t in scores.trainees)
    return (f"<!doctype html><html lang=en><meta charset=utf-8><title>Debrief</title>"
            f"<h1>Debrief: {html.escape(session.exercise.name)}</h1><table>{rows}</table></html>")
