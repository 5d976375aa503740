"""The stateful replay machine: a Hypothesis ``RuleBasedStateMachine`` that builds a scenario one generated
event at a time and checks the invariants of a replay after every step."""

from __future__ import annotations

from typing import ClassVar

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from ..inputs.scenario import Scenario
from ..outputs.report import Report
from .helpers import EventData, Window, _engine, _scenario_of, _window_days, instant
from .invariants import _causality_problems, _identity_problems, _lifecycle_problems, _paragraph_problems
from .strategies import _near, events, instants


class ReplayMachine(RuleBasedStateMachine):
    """Drives the engine event by event: each step adds a generated event (often close in time to one already
    there), replays the scenario so far, and the invariants of :func:`check_report` must hold after every step.

    Subclass it to add ``@invariant()`` methods of your own (``self.events``: the event dicts so far,
    ``self.scenario``: the validated scenario, ``self.report``: its replay) or to change ``window``; run it with
    ``TestMine = Mine.TestCase`` (steps per example: the ``stateful_step_count`` setting)."""

    window: ClassVar[Window] = "mandate"

    def __init__(self) -> None:
        super().__init__()
        self.events: list[EventData] = []
        self.scenario, self.report = self.replay()

    def replay(self) -> tuple[Scenario, Report]:
        start, until = _window_days(self.window)
        scenario = _scenario_of({"name": "A scenario built one event at a time.", "start": start.isoformat(),
                                 "until": until.isoformat(), "events": self.events})
        return scenario, _engine().run(scenario)

    @rule(data=st.data())
    def add_event(self, data: st.DataObject) -> None:
        moments = instants(self.window)
        if self.events:
            moments = st.one_of(moments, _near([instant(e["at"]) for e in self.events], self.window))
        event = data.draw(events(window=self.window, at=moments), label="event")
        self.events.append({"id": f"e{len(self.events) + 1:03d}", **event})
        self.scenario, self.report = self.replay()

    @invariant()
    def findings_are_about_the_packs_paragraphs(self) -> None:
        assert not (problems := _paragraph_problems(self.report, self.scenario)), problems

    @invariant()
    def ids_are_unique_and_events_known(self) -> None:
        assert not (problems := _identity_problems(self.report, self.scenario)), problems

    @invariant()
    def statuses_follow_the_lifecycle(self) -> None:
        assert not (problems := _lifecycle_problems(self.report, self.scenario)), problems

    @invariant()
    def nothing_opens_before_its_cause(self) -> None:
        assert not (problems := _causality_problems(self.report, self.scenario)), problems
