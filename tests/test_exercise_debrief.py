"""The debrief's timeline: the picture of the assessed findings with each move's end marked, its labels apart."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from engine import Engine
from engine.exercise import answer_key, load_exercise
from engine.exercise.debrief import timeline_parts
from engine.outputs import plot

EXERCISES = Path(__file__).resolve().parent.parent / "exercises"


def _mark_labels(key: Any) -> list[Any]:
    """The window extents of the labels of the marks of the debrief's timeline, drawn, each with its axes'."""
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    report, marks = timeline_parts(key)
    with rc_context(plot.rc()):
        fig = plot.figure(report, key.scenario, marks=marks)
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        renderer = canvas.get_renderer()
        words = {label for _, label in marks}
        box = fig.axes[0].get_window_extent(renderer)
        return [(text.get_text(), text.get_window_extent(renderer), box) for text in fig.findobj(
            lambda artist: hasattr(artist, "get_text") and artist.get_text() in words)]


def test_the_labels_of_moves_ending_hours_apart_on_a_year_s_timeline_do_not_overlap(engine: Engine) -> None:
    exercise = load_exercise(EXERCISES / "timbuktu-2018.yaml", engine)  # moves 1 to 3 end within four hours
    labels = _mark_labels(answer_key(engine, exercise))
    assert sorted(text for text, _, _ in labels) == [f"end of move {m.number}" for m in exercise.moves]
    for (one, a, _), (other, b, _) in itertools.combinations(labels, 2):
        assert not a.overlaps(b), f"{one!r} overlaps {other!r}"
    for text, extent, axes in labels:  # the last move's, at the axis's end, is drawn left of its line
        assert axes.x0 <= extent.x0 and extent.x1 <= axes.x1, f"{text!r} runs out of the findings' axes"


def test_marks_too_many_to_label_apart_are_counted_not_drawn_on_each_other(engine: Engine) -> None:
    from datetime import datetime, timedelta

    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    report = engine.run(EXERCISES.parent / "scenarios" / "timbuktu-2018.yaml")
    scenario = engine.load(EXERCISES.parent / "scenarios" / "timbuktu-2018.yaml")
    start = datetime(2018, 4, 14, 12)
    marks = [(start + timedelta(minutes=i), f"end of move {i + 1}") for i in range(plot.MARK_LEVELS + 3)]
    with rc_context(plot.rc()):
        fig = plot.figure(report, scenario, marks=marks)
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        texts = [t for t in fig.findobj(lambda a: hasattr(a, "get_text")) if t.get_text().startswith("end of move")]
        extents = [t.get_window_extent(canvas.get_renderer()) for t in texts]
        counted = [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))
                   if "marks unlabelled" in t.get_text()]
    assert len(texts) == plot.MARK_LEVELS and counted == ["+3 marks unlabelled"]
    assert not any(a.overlaps(b) for a, b in itertools.combinations(extents, 2))
