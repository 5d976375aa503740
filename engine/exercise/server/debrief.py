"""The debrief page served to the controller: the page of ``obligations exercise debrief``, built from the
answers in the database (every trainee's sheet, scored over the moves closed so far).

As on the command line, a debrief whose timeline would draw more events than a picture draws
(``MAX_EVENTS_DRAWN``) is refused before anything is scored or drawn: an
:class:`~engine.errors.InputError`, which the route answers as bad input (422)."""

from __future__ import annotations

from ..debrief import check_timeline
from ..debrief import debrief_html as _debrief_html
from .session import Session


def debrief_html(session: Session) -> str:
    """The debrief as one self-contained HTML page (the timeline picture included)."""
    key = session.closed_key()
    check_timeline(key.scenario)  # before the scores: a timeline too big to draw is bad input, found at once
    scores = session.scores()
    with session.engine_lock:  # the timeline is drawn with matplotlib: one at a time
        return _debrief_html(session.engine, key, scores)
