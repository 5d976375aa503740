"""The debrief page served to the controller: the page of ``obligations exercise debrief``, built from the
answers in the database (every trainee's sheet, scored over the moves closed so far)."""

from __future__ import annotations

from ..debrief import debrief_html as _debrief_html
from .session import Session


def debrief_html(session: Session) -> str:
    """The debrief as one self-contained HTML page (the timeline picture included)."""
    key = session.closed_key()
    scores = session.scores()
    with session.engine_lock:  # the timeline is drawn with matplotlib: one at a time
        return _debrief_html(session.engine, key, scores)
