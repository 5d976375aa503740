"""Property-based testing of a rule pack: Hypothesis strategies, a stateful replay machine and helpers.

People who maintain or audit a rule pack state invariants and let Hypothesis hunt for counterexamples::

    from hypothesis import given
    from engine.testing import MANDATE_LIMIT, findings, instant, run, scenarios

    @given(scenarios(window="outside", types=("threat", "intervention_request", "intervention")))
    def test_no_french_intervention_is_ever_authorized_after_the_mandate_ends(scenario):
        late = {e["id"] for e in scenario["events"]
                if e["type"] == "intervention" and instant(e["at"]) >= MANDATE_LIMIT}
        for finding in findings(run(scenario), paragraph="37", kind="authorization"):
            assert not late & set(finding.events)

Everything is generated for the bundled Resolution 2364 (2017) pack and built from its data and from the event
models of :mod:`engine.inputs.vocabulary`, so event types, fields and actors added later are picked up by themselves.

Strategies (each a Hypothesis ``SearchStrategy``):

* :func:`actor_ids`, :func:`actor_names` — actors, by id or by any name or alias the registry accepts, any case;
* :func:`instants` — aware UTC instants inside a window, biased towards due dates and the mandate's end;
* :func:`events` — one event of any (or the given) type as a plain dict, valid for the models: actor fields
  from the registry, incidents from a small pool (so that joins happen often), ``at`` inside the window;
* :func:`event_streams` — lists of such events with unique ids, clustered in time so that joins happen;
* :func:`scenarios` — whole valid scenarios as plain dicts, ready for YAML or JSON; :func:`scenario_texts`
  renders them; :func:`scenario_objects` validates them into :class:`~engine.inputs.scenario.Scenario` objects;
* :func:`mutants` — valid scenario texts broken by a few random edits, as bytes, for fuzzing.
* :func:`exercises` — training exercises over generated scenarios; :func:`answers` — trainees' answers;
  :func:`sheet_from_key` — the perfect answers sheet of a key (a helper, not a strategy).

A *window* is ``"mandate"`` (the adoption, 29 June 2017, to the mandate's end, 30 June 2018), ``"outside"``
(the adoption to 31 December 2018: events after the mandate too; the scenario sets ``until``) or a pair of dates.

:class:`ReplayMachine` is a ``RuleBasedStateMachine``: each step adds a generated event, replays the scenario so
far and checks :func:`check_report` after every step. Subclass it to add your own ``@invariant()`` methods and
run it with ``TestMine = MyMachine.TestCase``.

Helpers: :func:`run` replays events, a scenario dict, YAML/JSON text, a path or a Scenario and returns the
:class:`~engine.outputs.report.Report`; :func:`findings` filters a report's findings; :func:`check_report` asserts the
invariants every replay keeps; :func:`instant` reads an ISO date or date-time (``at`` values, ``opened``,
``closed``) as an aware UTC datetime.

Run property tests with ``deadline=None`` or a generous deadline: a replay takes milliseconds, but overriding an
assumption compiles a new ruleset. The first strategy built loads the engine, so tests do not pay for it.

Import everything from ``engine.testing``; the package's modules are :mod:`.strategies` (every Hypothesis
strategy), :mod:`.machine` (:class:`ReplayMachine`), :mod:`.invariants` (:func:`check_report`) and
:mod:`.helpers` (:func:`run`, :func:`findings`, :func:`instant` and the dates).
"""

from __future__ import annotations

from .helpers import ADOPTION, MANDATE_END, MANDATE_LIMIT, findings, instant, run, sheet_from_key
from .invariants import check_report
from .machine import ReplayMachine
from .strategies import (
    actor_ids,
    actor_names,
    answers,
    event_streams,
    events,
    exercises,
    instants,
    mutants,
    scenario_objects,
    scenario_texts,
    scenarios,
)

__all__ = [
    "ADOPTION",
    "MANDATE_END",
    "MANDATE_LIMIT",
    "ReplayMachine",
    "actor_ids",
    "actor_names",
    "answers",
    "check_report",
    "event_streams",
    "events",
    "exercises",
    "findings",
    "instant",
    "instants",
    "mutants",
    "run",
    "scenario_objects",
    "scenario_texts",
    "scenarios",
    "sheet_from_key",
]
