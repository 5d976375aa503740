"""A variant's removals and shifts applied to its base's event log as it is read (engine/inputs/logedits.py)."""

from __future__ import annotations

import difflib
import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from engine import Engine, ScenarioError
from engine.inputs.logedits import nearest_ids
from engine.testing import event_streams

BASE = "name: A base scenario for the tests.\n"


def _outcome(engine: Engine, path: Path) -> Any:
    """The variant's events (id, instant, type) in processing order and its findings, or the line of its error."""
    try:
        scenario = engine.load(path)
    except ScenarioError as error:
        return ("refused", error.path == str(path), error.line)
    events = [(e.id, e.at, e.type) for e in scenario.all_events()]
    return events, scenario.event_count, [(f.id, f.status, f.events) for f in engine.run(scenario).findings]


@settings(max_examples=25, deadline=None)
@given(stream=event_streams(min_size=1, max_size=10), data=st.data())
def test_a_variant_changes_the_events_of_a_log_exactly_as_it_changes_the_same_events_listed_in_the_file(
        engine: Engine, stream: list[dict[str, Any]], data: st.DataObject) -> None:
    ids = [event["id"] for event in stream]
    removed = data.draw(st.lists(st.sampled_from(ids), unique=True, max_size=3), label="removed")
    moved = data.draw(st.dictionaries(st.sampled_from(ids), st.integers(-3_000, 3_000).filter(bool), max_size=4),
                      label="moved (hours)")
    changes = (f"remove: {json.dumps(removed)}\n" if removed else "") + (
        "shift:\n" + "".join(f"  {event_id}: {{hours: {hours}}}\n" for event_id, hours in moved.items())
        if moved else "")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        (folder / "listed.json").write_text(json.dumps({"name": BASE[6:-1], "events": stream}), encoding="utf-8")
        (folder / "log.jsonl").write_text("".join(json.dumps(event) + "\n" for event in stream), encoding="utf-8")
        (folder / "logged.yaml").write_text(BASE + "events_from: log.jsonl\nevents: []\n", encoding="utf-8")
        outcomes = []
        for base in ("listed.json", "logged.yaml"):
            variant = folder / f"variant-of-{Path(base).stem}.yaml"
            variant.write_text(f"name: A variant for the tests.\nextends: {base}\n{changes}", encoding="utf-8")
            outcomes.append(_outcome(engine, variant))
    assert outcomes[0] == outcomes[1]


@given(word=st.text("abcdeq-1", min_size=1, max_size=6),
       candidates=st.lists(st.text("abcdeq-1", min_size=1, max_size=6), unique=True, max_size=30))
def test_the_nearest_ids_of_a_stream_are_those_difflib_chooses_from_the_whole_list(word: str,
                                                                                 candidates: list[str]) -> None:
    assert nearest_ids(word, iter(candidates)) == difflib.get_close_matches(word, candidates, n=3, cutoff=0.4)
