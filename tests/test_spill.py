"""Records and runs on disk: events kept as records, sorted and written to a run, come back as the same models, in
processing order."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from modelstate import state

from engine import Engine
from engine.inputs import spill
from engine.inputs.vocabulary import EVENT_TYPES, sort_key
from engine.testing.strategies import events


@settings(max_examples=60, deadline=None)
@given(raws=st.lists(events(), max_size=12), batch=st.integers(1, 5))
def test_a_run_reads_back_the_same_events_in_processing_order(raws: list[dict[str, Any]], batch: int,
                                                             tmp_path_factory: Any) -> None:
    context = {"actors": Engine().pack.actors}
    models = [EVENT_TYPES[raw["type"]].model_validate({**raw, "id": f"e{i}"}, context=context)
              for i, raw in enumerate(raws)]
    path = Path(tmp_path_factory.mktemp("run")) / "run.pickle"
    saved = spill.BATCH_EVENTS
    spill.BATCH_EVENTS = batch
    try:
        spill.write_run([spill.record_of(event, line) for line, event in enumerate(models, 1)], path)
    finally:
        spill.BATCH_EVENTS = saved
    back = [spill.event_of(record) for record in spill.read_run(path)]
    assert [state(event) for event in back] == [state(event) for event in sorted(models, key=sort_key)]
