"""--why-not of an event rule that takes its joined events only in the order of its patterns (`any_order`):
paragraph 37's grant, whose request may precede the threat only under the assumption request_may_precede_threat."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from engine import Engine
from engine.explain.why import Replayed, replay
from engine.explain.whynot import why_not

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
ORDER_NOT_FREE = str(SCENARIOS / "p37-a-request-before-the-threat-grants-only-if-the-order-is-free.yaml")
ORDER_FREE = str(SCENARIOS / "p37-request-before-threat-still-joins.json")
EARLY = ("the request (request, 20 October 2017 at 06:00 UTC) came 3 hours before the threat (threat, 20 October "
         "2017 at 09:00 UTC); the rule takes the request only after the threat (assumption "
         "request_may_precede_threat is false; to let the request come first: --assume "
         "request_may_precede_threat=true)")


@pytest.fixture
def replay_text(engine: Engine) -> Callable[..., Replayed]:
    def _replay(text: str, **assume: Any) -> Replayed:
        return replay(engine, engine.parse(textwrap.dedent(text), path="inline.yaml"), assume=assume or None)

    return _replay


def grant_of(answer: Any) -> Any:
    return next(r for r in answer.rules if r.rule == "37/grant")


def test_why_not_names_the_request_that_came_before_the_threat_when_requests_may_not_precede_threats(
        engine: Engine) -> None:
    answer = why_not(replay(engine, ORDER_NOT_FREE), "37", incident="menaka-2017-10-20")
    grant = grant_of(answer)
    assert grant.outcome == "not_matched"
    assert [(c.alias, c.met) for c in grant.checks] == [("threat", True), ("request", True), ("order", False)]
    assert grant.reasons == [EARLY]
    assert "the match engaged nothing in the replay" not in answer.reasons
    assert f"  ✗ order: {EARLY}" in answer.render()


def test_why_not_json_says_which_event_came_first_and_how_to_let_the_order_be_free(
        cli: Callable[..., Any]) -> None:
    result = cli("explain", ORDER_NOT_FREE, "--why-not", "37", "--incident", "menaka-2017-10-20", "--json")
    assert result.code == 0, result.err
    grant = next(r for r in json.loads(result.out)["rules"] if r["rule"] == "37/grant")
    assert grant["order"] == {"needs": ["threat", "request"], "parameter": "request_may_precede_threat",
                              "met": False, "early": {"as": "request", "event": "request"},
                              "before": {"as": "threat", "event": "threat"}, "by": "3 hours",
                              "change": "--assume request_may_precede_threat=true"}
    assert grant["checks"][-1]["as"] == "order" and grant["reasons"] == [EARLY]


def test_why_not_does_not_call_the_order_a_problem_when_requests_may_precede_threats(engine: Engine) -> None:
    answer = why_not(replay(engine, ORDER_NOT_FREE, assume={"request_may_precede_threat": True}), "37",
                     incident="menaka-2017-10-20")
    grant = grant_of(answer)
    assert grant.outcome == "matched" and grant.findings == ["37:french-forces:menaka-2017-10-20"]
    assert grant.order is None
    assert not any("before the threat" in reason for reason in answer.reasons)


def test_why_not_follows_an_assumption_set_on_the_command_line_against_a_scenario_that_joins_in_any_order(
        cli: Callable[..., Any]) -> None:
    free = cli("explain", ORDER_FREE, "--why-not", "37", "--incident", "aguelhok-2018-03-10")
    assert free.code == 0 and "came 30 minutes before the threat" not in free.out
    ordered = cli("explain", ORDER_FREE, "--why-not", "37", "--incident", "aguelhok-2018-03-10",
                  "--assume", "request_may_precede_threat=false")
    assert ordered.code == 0, ordered.err
    assert ("✗ order: the request (request, 10 March 2018 at 07:00 UTC) came 30 minutes before the threat (threat, "
            "10 March 2018 at 07:30 UTC); the rule takes the request only after the threat (assumption "
            "request_may_precede_threat is false") in ordered.out


def test_why_not_lets_a_request_at_the_same_instant_as_the_threat_join_it_as_the_replay_does(
        replay_text: Callable[..., Replayed]) -> None:
    answer = why_not(replay_text("""
        name: A request at the very instant of the threat.
        events:
          - {id: r, at: "2018-01-10T08:00Z", type: intervention_request, by: SG, to: French forces, incident: i}
          - {id: t, at: "2018-01-10T08:00Z", type: threat, against: MINUSMA, level: imminent_and_serious, incident: i}
        """, request_may_precede_threat=False), "37", incident="i")
    grant = grant_of(answer)
    assert grant.outcome == "matched" and grant.findings == ["37:french-forces:i"]
    assert grant.order is not None and grant.order["met"] is True


def test_why_not_gives_both_the_order_and_the_distance_when_a_request_came_long_before_the_threat(
        replay_text: Callable[..., Replayed]) -> None:
    text = """
        name: A request four days before the threat.
        events:
          - {id: r, at: "2018-01-10T08:00Z", type: intervention_request, by: SG, to: French forces, incident: i}
          - {id: t, at: "2018-01-14T08:00Z", type: threat, against: MINUSMA, level: imminent_and_serious, incident: i}
        """
    apart = ("the threat came 4 days after the request; the rule joins them only within 3 days (assumption "
             "threat_request_window)")
    free = why_not(replay_text(text), "37", incident="i")
    assert grant_of(free).reasons == [apart]
    ordered = why_not(replay_text(text, request_may_precede_threat=False), "37", incident="i")
    reasons = grant_of(ordered).reasons
    assert reasons[0] == apart
    assert reasons[1].startswith("the request (r, 10 January 2018 at 08:00 UTC) came 4 days before the threat (t, "
                                 "14 January 2018 at 08:00 UTC); the rule takes the request only after the threat")


def test_why_not_matches_the_request_after_the_threat_when_an_earlier_one_came_before_it(
        replay_text: Callable[..., Replayed]) -> None:
    answer = why_not(replay_text("""
        name: One request before the threat, another after it.
        events:
          - {id: early, at: "2018-01-10T06:00Z", type: intervention_request, by: SG, to: French forces, incident: i}
          - {id: t, at: "2018-01-10T08:00Z", type: threat, against: MINUSMA, level: imminent_and_serious, incident: i}
          - {id: later, at: "2018-01-10T09:00Z", type: intervention_request, by: SG, to: French forces, incident: i}
        """, request_may_precede_threat=False), "37", incident="i")
    grant = grant_of(answer)
    assert grant.outcome == "matched" and grant.reasons == []
