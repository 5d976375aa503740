"""The property-testing kit (engine.testing): the three documented examples (docs/testing.md), and the kit's own
promises — valid events of every type, names in any case, windows kept, scenarios that parse, strategies that
reach every kind of finding the properties talk about, helpers that accept every kind of input, and a stateful
machine that runs."""

from __future__ import annotations

import dataclasses
import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import invariant

from engine import Engine, Report, ScenarioError
from engine.inputs.scenario import Scenario
from engine.inputs.vocabulary import EVENT_TYPES
from engine.testing import (
    ADOPTION,
    MANDATE_END,
    MANDATE_LIMIT,
    ReplayMachine,
    actor_ids,
    actor_names,
    check_report,
    event_streams,
    events,
    findings,
    instant,
    mutants,
    run,
    scenario_objects,
    scenario_texts,
    scenarios,
)

ROOT = Path(__file__).resolve().parent.parent
ENGINE = Engine()

# ---- the three examples of docs/testing.md "Writing your own property tests" (keep them identical) ------------------


@given(scenarios(window="outside", types=("threat", "intervention_request", "intervention")))
def test_no_french_intervention_is_ever_authorized_after_the_mandate_ends(scenario: dict[str, Any]) -> None:
    late = {e["id"] for e in scenario["events"]
            if e["type"] == "intervention" and instant(e["at"]) >= MANDATE_LIMIT}
    for finding in findings(run(scenario), paragraph="37", kind="authorization"):
        assert not late & set(finding.events)


@given(scenario_objects(types="deployment"))
def test_every_minusma_deployment_above_a_ceiling_is_a_breach(scenario: Scenario) -> None:
    breached = {e for f in findings(run(scenario), paragraph="16", kind="breach") for e in f.events}
    for event in scenario.events:
        above = (event.military or 0) > 13_289 or (event.police or 0) > 1_920  # type: ignore[attr-defined]
        if event.by == "minusma" and above:  # type: ignore[attr-defined]
            assert event.id in breached


@given(scenarios(types=("attack", "threat", "support", "obstruction", "ceasefire_violation")))
def test_nobody_unidentified_is_ever_eligible_for_sanctions(scenario: dict[str, Any]) -> None:
    assert findings(run(scenario), kind="eligibility", subject="unidentified") == []


def test_the_testing_page_shows_the_three_examples_as_they_are_tested() -> None:
    page = (ROOT / "docs" / "testing.md").read_text(encoding="utf-8")
    section = page.split("## Writing your own property tests", 1)[1].split("\n## ", 1)[0]
    for example in ("test_no_french_intervention_is_ever_authorized_after_the_mandate_ends",
                    "test_every_minusma_deployment_above_a_ceiling_is_a_breach",
                    "test_nobody_unidentified_is_ever_eligible_for_sanctions"):
        assert f"def {example}(" in section


# ---- strategies ---------------------------------------------------------------------------------------------


@given(actor_ids().flatmap(lambda actor: st.tuples(st.just(actor), actor_names(actor))))
def test_every_name_drawn_for_an_actor_resolves_to_it_or_one_of_its_members(drawn: tuple[str, str]) -> None:
    actor, name = drawn
    assert ENGINE.pack.actors.resolve(name) in ENGINE.pack.actors.members(actor)


def test_actor_names_come_in_other_cases_than_the_registry_writes_them() -> None:
    written = {n for a in ENGINE.pack.actors.by_id.values() for n in (a.id, a.name, *a.aliases)}
    name = find(actor_names(), lambda n: n not in written and n.lower() != n, settings=_search())
    assert ENGINE.pack.actors.resolve(name)


@pytest.mark.parametrize("event_type", sorted(EVENT_TYPES))
def test_generated_events_of_every_type_are_valid_and_inside_the_window(event_type: str) -> None:
    @settings(max_examples=15)
    @given(events(event_type, window="mandate"))
    def check(event: dict[str, Any]) -> None:
        assert event["type"] == event_type and "id" not in event
        model = EVENT_TYPES[event_type].model_validate(event, context={"actors": ENGINE.pack.actors})
        assert instant(ADOPTION) <= model.at < MANDATE_LIMIT

    check()


@given(event_streams("outside", min_size=3, max_size=8))
def test_streams_have_unique_ids_and_stay_inside_their_window(stream: list[dict[str, Any]]) -> None:
    assert 3 <= len(stream) <= 8
    assert len({e["id"] for e in stream}) == len(stream)
    assert all(instant(ADOPTION) <= instant(e["at"]) < instant("2019-01-01") for e in stream)


def test_outside_streams_reach_past_the_mandate_and_mandate_streams_never_do() -> None:
    late = find(event_streams("outside", min_size=1), lambda s: any(instant(e["at"]) >= MANDATE_LIMIT for e in s),
                settings=_search())
    assert late

    @given(event_streams("mandate"))
    def inside(stream: list[dict[str, Any]]) -> None:
        assert all(instant(e["at"]) < MANDATE_LIMIT for e in stream)

    inside()


@given(st.sampled_from(("yaml", "json")).flatmap(lambda f: st.tuples(st.just(f), scenario_texts(format=f))))
def test_scenario_texts_parse_in_their_format(drawn: tuple[str, str]) -> None:
    form, text = drawn
    scenario = ENGINE.parse(text, path=f"generated.{form}")
    assert scenario.start == ADOPTION and scenario.until == MANDATE_END


@given(scenarios("outside", assumptions=True))
def test_generated_scenarios_with_assumptions_are_valid(data: dict[str, Any]) -> None:
    scenario = ENGINE.parse(json.dumps(data), path="generated.json")
    assert scenario.until.isoformat() == "2018-12-31" and len(scenario.events) == len(data["events"])
    assert set(scenario.assumptions) <= set(ENGINE.pack.assumptions())


def _search(examples: int = 400) -> settings:
    return settings(max_examples=examples, database=None, phases=[Phase.generate],
                    suppress_health_check=list(HealthCheck), deadline=None)


def _reaches(strategy: st.SearchStrategy[Any], found: Callable[[Report], bool]) -> Report:
    data = find(strategy, lambda d: found(run(d)), settings=_search(), random=random.Random(2364))
    return run(data)


def test_the_strategies_reach_an_exercised_paragraph_37_authorization() -> None:
    strategy = scenarios("outside", types=("threat", "intervention_request", "intervention"), incidents=("k",))
    report = _reaches(strategy, lambda r: bool(findings(r, paragraph="37", kind="authorization", status="exercised")))
    assert findings(report, paragraph="37", kind="obligation")  # exercising it engages France's report


def test_the_strategies_reach_a_4d_eligibility_and_a_16_breach() -> None:
    strategy = scenarios(types=("attack", "support", "deployment"), incidents=("k",))
    _reaches(strategy, lambda r: any(f.criterion == "d" for f in r.findings))
    _reaches(strategy, lambda r: bool(findings(r, paragraph="16", kind="breach")))


def test_the_strategies_reach_a_paragraph_47_report_in_time() -> None:
    _reaches(scenarios(types="report"), lambda r: bool(findings(r, paragraph="47", status="fulfilled")))


def test_mutants_are_sometimes_still_valid_and_sometimes_not() -> None:
    def valid(data: bytes) -> bool:
        try:
            ENGINE.parse(data.decode("utf-8"), path="mutant.yaml")
        except (ScenarioError, UnicodeDecodeError):
            return False
        return True

    assert valid(find(mutants("yaml"), valid, settings=_search()))
    assert not valid(find(mutants("yaml"), lambda d: not valid(d), settings=_search()))


# ---- helpers ------------------------------------------------------------------------------------------------

SCENARIO = {"name": "A report and a late one.", "events": [
    {"id": "q1", "at": "2017-09-01", "type": "report", "by": "SG", "kind": "quarterly"},
    {"id": "q2", "at": "2018-01-02", "type": "report", "by": "secretary-general", "kind": "quarterly"}]}


def test_run_accepts_events_a_dict_text_a_path_and_a_scenario(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text(json.dumps(SCENARIO), encoding="utf-8")
    reports = [run(SCENARIO["events"]), run(SCENARIO), run(json.dumps(SCENARIO)), run(path),
               run(ENGINE.load(path))]
    assert len({tuple(f.as_dict()["status"] for f in r.findings) for r in reports}) == 1
    assert findings(reports[0], paragraph="47", status="fulfilled")


def test_run_reads_yaml_text_and_rejects_bad_input_with_a_scenario_error() -> None:
    assert run("name: Nothing happens.\nevents: []\n").events == 0
    with pytest.raises(ScenarioError, match="unknown event type"):
        run([{"at": "2017-07-01", "type": "reprot"}])


def test_findings_filters_by_paragraph_kind_status_and_a_subject_in_any_name() -> None:
    report = run(SCENARIO)
    quarterly = findings(report, paragraph="47", kind="obligation")
    assert [f.id for f in quarterly] == ["47:2017-09-29", "47:2017-12-29", "47:2018-03-29", "47:2018-06-29"]
    assert [f.id for f in findings(report, paragraph="47", status="violated")] == [f.id for f in quarterly[1:]]
    assert findings(report, subject="SECRETARY general") == findings(report, subject="secretary-general")
    assert findings(report, paragraph="47", subject="France") == []


def test_check_report_accepts_a_real_replay_and_rejects_a_broken_one() -> None:
    scenario = ENGINE.parse(json.dumps(SCENARIO), path="s.json")
    report = ENGINE.run(scenario)
    check_report(report, scenario)
    first = report.findings[0]
    broken = dataclasses.replace(report, findings=(dataclasses.replace(first, status="exercised"), first))
    with pytest.raises(AssertionError, match=r"is used twice.*status exercised is not one a"):
        check_report(broken, scenario)


# ---- the stateful machine -----------------------------------------------------------------------------------

TestReplayMachine = ReplayMachine.TestCase
QUARTER = settings(TestReplayMachine.settings, max_examples=max(5, settings().max_examples // 4))


class QuarterlyDutiesStayFour(ReplayMachine):
    """A user's machine: whatever events come, paragraph 47 keeps its four quarterly duties."""

    @invariant()
    def four_quarterly_duties(self) -> None:
        assert [f.due for f in self.report.findings if f.rule == "47"] == [
            "2017-09-29", "2017-12-29", "2018-03-29", "2018-06-29"]


TestQuarterlyDutiesStayFour = QuarterlyDutiesStayFour.TestCase
TestQuarterlyDutiesStayFour.settings = QUARTER


class OutsideTheMandate(ReplayMachine):
    window = "outside"


TestOutsideTheMandate = OutsideTheMandate.TestCase
TestOutsideTheMandate.settings = QUARTER
