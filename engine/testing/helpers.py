"""The kit's helpers: the bundled pack's landmark dates, replaying events, scenario dicts, text, paths or
Scenarios (:func:`run`), filtering findings (:func:`findings`), reading instants (:func:`instant`) and the
perfect answers sheet of an exercise's key (:func:`sheet_from_key`)."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..api import Engine
from ..dates import end_of
from ..exercise import Answer, AnswerKey, AnswerSheet
from ..inputs.scenario import Scenario
from ..inputs.vocabulary import parse_instant
from ..outputs.report import FindingView, Report

ADOPTION = date(2017, 6, 29)  #: the resolution's adoption
MANDATE_END = date(2018, 6, 30)  #: the last day of MINUSMA's mandate (paragraph 15)
MANDATE_LIMIT = end_of(MANDATE_END)  #: 1 July 2018, 00:00 UTC: the first instant after the mandate
OUTSIDE_UNTIL = date(2018, 12, 31)  # the end of the "outside" window

INCIDENTS = ("inc-a", "inc-b", "inc-c")
Window = str | tuple[date, date]
EventData = dict[str, Any]


@functools.lru_cache(maxsize=1)
def _engine() -> Engine:
    """The bundled pack's engine, loaded, compiled and run once: building a strategy calls this, so the first
    example of a test does not pay for it (and trip Hypothesis's deadline)."""
    engine = Engine()
    engine.run(engine.parse("name: Warming up.\nevents: []\n"))
    return engine


def _window_days(window: Window) -> tuple[date, date]:
    if window == "mandate":
        return ADOPTION, MANDATE_END
    if window == "outside":
        return ADOPTION, OUTSIDE_UNTIL
    if isinstance(window, tuple) and len(window) == 2 and all(isinstance(d, date) for d in window):
        return window
    raise ValueError(f"a window is 'mandate', 'outside' or (start, until) dates, not {window!r}")


def instant(value: str | date | datetime) -> datetime:
    """An ISO date or date-time (an event's ``at``, a finding's ``opened``/``closed``) as an aware UTC datetime."""
    return parse_instant(value)


# ---- running and looking at findings -----------------------------------------------------------------------

Source = Scenario | Mapping[str, Any] | Sequence[Mapping[str, Any]] | str | Path


def _json_default(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def _scenario_of(source: Source) -> Scenario:
    engine = _engine()
    if isinstance(source, Scenario):
        return source
    if isinstance(source, Path):
        return engine.load(source)
    if isinstance(source, str):
        json_like = source.lstrip().startswith("{")
        return engine.parse(source, path="<scenario>.json" if json_like else "<scenario>.yaml")
    if isinstance(source, Mapping):
        data = dict(source)
    else:
        data = {"name": "Generated events.", "events": [dict(e) for e in source]}
    return engine.parse(json.dumps(data, default=_json_default), path="<generated>.json")


def run(source: Source, *, assume: Mapping[str, Any] | None = None) -> Report:
    """Replay ``source`` against the bundled pack: a list of event dicts, a scenario dict, YAML or JSON text
    (a ``str`` is always text), a :class:`~pathlib.Path` to a scenario file, or a Scenario. ``assume``
    overrides assumptions. Bad input raises :class:`~engine.errors.ScenarioError`."""
    return _engine().run(_scenario_of(source), assume=dict(assume) if assume else None)


def findings(report: Report, paragraph: str | None = None, kind: str | None = None, status: str | None = None,
             subject: str | None = None) -> list[FindingView]:
    """The report's findings that match every filter given; ``subject`` may be any name of the actor."""
    wanted = _engine().pack.actors.resolve(subject) if subject is not None else None
    return [f for f in report.findings
            if (paragraph is None or f.paragraph == paragraph) and (kind is None or f.kind == kind)
            and (status is None or f.status == status) and (wanted is None or f.subject == wanted)]


def sheet_from_key(key: AnswerKey, trainee: str = "The key") -> AnswerSheet:
    """Every expected finding of every move as an answer, with its status and due date."""
    items: list[Any] = [Answer(move=m.move, paragraph=f.paragraph, kind=f.kind, subject=f.subject, status=f.status,
                               due=f.due) for m in key.moves for f in m.expected]
    return AnswerSheet(trainee=trainee, answers=tuple(items))
