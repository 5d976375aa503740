"""`obligations explain`: why a finding arose (the chain to its events), and --why-not a paragraph gave none."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from engine import Engine
from engine.explain.why import Replayed, replay
from engine.explain.whynot import why_not

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
HEADLINE = str(SCENARIOS / "timbuktu-2018.yaml")
NO_REQUEST = str(SCENARIOS / "timbuktu-2018-no-request.yaml")
NOT_COVERED = str(SCENARIOS / "p37-intervention-without-request-is-not-covered.yaml")
AFTER_MANDATE = str(SCENARIOS / "p37-after-the-mandate-nothing-is-authorized.yaml")
P4 = str(SCENARIOS / "p4-each-criterion-and-unattributed-attacks.yaml")
GRANT = "37:french-forces:tbk-2018-04-14"


# ---- why ------------------------------------------------------------------------------------------------------


def test_explain_names_the_threat_and_the_request_with_their_times(cli: Callable[..., object]) -> None:
    result = cli("explain", HEADLINE, GRANT)
    assert result.code == 0, result.err
    out = result.out
    assert "met by tbk-threat: threat on 14 April 2018 at 14:30 UTC" in out
    assert "met by tbk-request: intervention_request on 14 April 2018 at 14:50 UTC (by Secretary-General, " \
           "to French forces, incident tbk-2018-04-14)" in out
    assert "met by tbk-intervention: intervention on 14 April 2018 at 15:20 UTC" in out
    assert "within 3 days (assumption threat_request_window): 20 minutes apart" in out


def test_explain_quotes_the_rule_and_gives_the_paragraph_in_full(cli: Callable[..., object]) -> None:
    out = cli("explain", HEADLINE, GRANT).out
    assert '"when under imminent and serious threat upon request of the Secretary-General"' in out
    assert '"Authorizes French forces, within the limits of their capacities and areas of deployment' in out
    assert "referred to in paragraph 47 below;\"" in out
    assert "Paragraph 37 (Authorizes: empowering, authorization)" in out


def test_explain_shows_the_status_history_and_the_assumptions_in_force(cli: Callable[..., object]) -> None:
    out = cli("explain", HEADLINE, GRANT).out
    history = out.split("Status history:")[1].split("\n\n")[0]
    assert re.search(r"14 April 2018 at 14:50 UTC +granted +tbk-threat +arose", history)
    assert re.search(r"14 April 2018 at 15:20 UTC +exercised +tbk-intervention +exercised by tbk-intervention", history)
    assert 'threat_request_window = {"days": 3} (default; paragraph 37:' in out
    assert "quarterly_interval" not in out.split("Assumptions in force")[1]


def test_explain_says_when_an_assumption_was_overridden(cli: Callable[..., object]) -> None:
    out = cli("explain", HEADLINE, "47:2017-09-27", "--assume", 'quarterly_interval={"days": 90}').out
    assert 'quarterly_interval = {"days": 90} (overridden; paragraph 47:' in out
    assert "The schedule of 47 opened it on 29 June 2017." in out


def test_explain_of_a_late_duty_names_the_late_report(cli: Callable[..., object]) -> None:
    out = cli("explain", HEADLINE, "47:2017-12-29").out
    assert "met by q2: report on 30 December 2017 (by Secretary-General, kind quarterly" in out
    assert re.search(r"30 December 2017 +violated +q2 +late report", out)


def test_explain_json_prints_the_same_chain(cli: Callable[..., object]) -> None:
    document = json.loads(cli("explain", HEADLINE, GRANT, "--json").out)
    assert document["finding"]["id"] == GRANT and document["finding"]["status"] == "exercised"
    first = document["matches"][0]
    assert first["rule"] == "37/grant" and first["at"] == "2018-04-14T14:50:00Z"
    events = [(c["as"], c["event"]["id"], c["event"]["at"]) for c in first["conditions"]]
    assert events == [("threat", "tbk-threat", "2018-04-14T14:30:00Z"),
                      ("request", "tbk-request", "2018-04-14T14:50:00Z")]
    assert first["within"]["parameter"] == "threat_request_window"
    assert [h["status"] for h in document["history"]] == ["granted", "exercised"]
    window = next(a for a in document["assumptions"] if a["name"] == "threat_request_window")
    assert window["overridden"] is False
    assert {"request_may_precede_threat", "threat_imminence_window"} <= {a["name"] for a in document["assumptions"]}
    assert document["paragraph"]["text"].startswith("Authorizes French forces")


def test_an_unknown_finding_id_gives_exit_2_and_one_line_with_the_nearest_ids(cli: Callable[..., object]) -> None:
    result = cli("explain", HEADLINE, "37:french-forces:tbk")
    assert result.code == 2 and result.out == ""
    assert result.err.count("\n") == 1
    assert result.err.startswith(f"{HEADLINE}: no finding '37:french-forces:tbk' in this replay; nearest: {GRANT}")


def test_explain_needs_a_finding_or_why_not_but_not_both(cli: Callable[..., object]) -> None:
    assert cli("explain", HEADLINE).code == 2
    assert cli("explain", HEADLINE, GRANT, "--why-not", "37").code == 2
    assert cli("explain", HEADLINE, GRANT, "--incident", "x").code == 2


# ---- why not --------------------------------------------------------------------------------------------------


def test_why_not_names_the_missing_request_of_the_secretary_general_for_the_incident(
        cli: Callable[..., object]) -> None:
    result = cli("explain", NO_REQUEST, "--why-not", "37", "--incident", "tbk-2018-04-14")
    assert result.code == 0, result.err
    out = result.out
    assert "✓ threat: met by tbk-threat: threat on 14 April 2018 at 14:30 UTC" in out
    assert "✗ request: no request from the Secretary-General to the French forces for incident tbk-2018-04-14" in out
    assert "no authorization 37 was granted to the French forces for incident tbk-2018-04-14 (see 37/grant)" in out
    assert "Arose: 37:not-covered:tbk-intervention (not_covered)" in out


def test_why_not_json_lists_the_unmet_conditions(cli: Callable[..., object]) -> None:
    document = json.loads(cli("explain", NO_REQUEST, "--why-not", "37", "--incident", "tbk-2018-04-14",
                              "--json").out)
    grant = next(r for r in document["rules"] if r["rule"] == "37/grant")
    assert grant["outcome"] == "not_matched"
    assert [(c["as"], c["met"]) for c in grant["checks"]] == [("threat", True), ("request", False)]
    assert document["reasons"][0].startswith("no request from the Secretary-General")


@pytest.fixture(scope="module")
def not_covered(engine: Engine) -> Replayed:
    return replay(engine, NOT_COVERED)


@pytest.mark.parametrize(("incident", "unmet", "nearest"), [
    ("tessalit-2018-04-02", "no request from the Secretary-General to the French forces for incident "
                            "tessalit-2018-04-02", "from the Government of Mali, not the Secretary-General"),
    ("menaka-2018-02-05", "no imminent and serious threat against MINUSMA for incident menaka-2018-02-05",
     "level serious and credible, not imminent and serious"),
    ("goundam-2018-03-01", "no imminent and serious threat against MINUSMA for incident goundam-2018-03-01",
     "for incident ber-2018-03-01, not goundam-2018-03-01"),
])
def test_why_not_p37_shows_who_asked_whom_the_threat_level_and_the_incident_link(
        not_covered: Replayed, incident: str, unmet: str, nearest: str) -> None:
    answer = why_not(not_covered, "37", incident=incident)
    text = answer.render()
    assert unmet in answer.reasons
    assert nearest in text


def test_why_not_p37_says_a_request_came_too_long_after_the_threat(replay_text: Callable[..., Replayed]) -> None:
    answer = why_not(replay_text("""
        name: A request four days after the threat.
        events:
          - {id: t, at: "2018-01-10T08:00Z", type: threat, against: MINUSMA, level: imminent_and_serious, incident: i}
          - {id: r, at: "2018-01-14T08:00Z", type: intervention_request, by: SG, to: French forces, incident: i}
        """), "37", incident="i")
    assert ("the request came 4 days after the threat; the rule joins them only within 3 days (assumption "
            "threat_request_window)") in answer.reasons


def test_why_not_p37_says_an_intervention_came_after_the_mandate_ended(engine: Engine) -> None:
    answer = why_not(replay(engine, AFTER_MANDATE), "37")
    assert any(r.startswith("the intervention july-strike on 1 July 2018 at 06:00 UTC is after the mandate ended on "
                            "30 June 2018") for r in answer.reasons)
    assert any(r.startswith("the request july-request on 3 July 2018 at 06:10 UTC is after the mandate ended")
               for r in answer.reasons)


def test_why_not_p4_points_at_an_unattributed_author(engine: Engine) -> None:
    text = why_not(replay(engine, HEADLINE), "4(c)", incident="tbk-2018-04-14").render()
    assert "tbk-attack (14 April 2018 at 14:35 UTC): its author is unidentified (unattributed)" in text


def test_why_not_p4_points_at_a_target_that_is_not_an_international_presence(engine: Engine) -> None:
    answer = why_not(replay(engine, P4), "4(c)", subject="JNIM")
    assert "no attack by Jama'at Nusrat al-Islam wal-Muslimin on an international presence" in answer.reasons
    assert ("attack-on-mdsf (10 November 2017): on the Malian Defence and Security Forces, not an international "
            "presence") in answer.render()


def test_why_not_p4_points_at_support_not_linked_to_such_an_attack(engine: Engine) -> None:
    text = why_not(replay(engine, P4), "4(d)/attack/author", subject="ISGS").render()
    assert "✓ help: met by help-mdsf-attack" in text
    assert "✗ act: no attack by Jama'at Nusrat al-Islam wal-Muslimin on an international presence" in text


def test_why_not_p4_points_at_support_that_came_too_late(engine: Engine) -> None:
    answer = why_not(replay(engine, P4), "4(d)/ceasefire/unnamed-recipient", subject="Plateforme")
    assert answer.reasons == ["the support came 203 days after the ceasefire violation; the rule joins them only "
                              "within 90 days (assumption support_link_window)"]


def test_why_not_p16_shows_the_nearest_figure_at_or_below_the_ceiling(replay_text: Callable[..., Replayed]) -> None:
    text = why_not(replay_text("""
        name: Figures at the ceiling.
        events:
          - {id: at-ceiling, at: 2017-08-01, type: deployment, military: 13289, police: 1900}
          - {id: lower, at: 2017-09-01, type: deployment, military: 12000, police: 1920}
        """), "16").render()
    assert "✗ strength: no deployment by MINUSMA with military above 13,289" in text
    assert "nearest: at-ceiling (1 August 2017): military 13,289 is at or below 13,289 (military_ceiling)" in text
    assert "nearest: lower (1 September 2017): police 1,920 is at or below 1,920 (police_ceiling)" in text


def test_why_not_p47_and_p48_show_reports_by_someone_else_of_another_kind_or_late(
        replay_text: Callable[..., Replayed]) -> None:
    replayed = replay_text("""
        name: Reports that do not fulfil the first quarterly duty.
        events:
          - {id: by-france, at: 2017-09-26, type: report, by: France, kind: quarterly}
          - {id: other-kind, at: 2017-09-27, type: report, by: Secretary-General, kind: other}
          - {id: late, at: 2017-10-02, type: report, by: Secretary-General, kind: quarterly}
        """)
    text = why_not(replayed, "47").render()
    first = text.split("✗ 47:2017-09-29 was violated: nothing fulfilled it by 29 September 2017")[1].split("✗")[0]
    assert "late (2 October 2017): came 3 days after the due date (29 September 2017) and is recorded" in first
    assert "other-kind (27 September 2017): kind other, not quarterly" in first
    assert "by-france (26 September 2017): by France, not the Secretary-General" in first
    plan = why_not(replayed, "48").render()
    assert "48:2017-12-26 was violated" in plan and "kind quarterly, not strategic plan" in plan


def test_why_not_says_so_when_the_paragraph_did_give_its_finding(engine: Engine) -> None:
    answer = why_not(replay(engine, HEADLINE), "37", incident="tbk-2018-04-14")
    assert answer.reasons == []
    assert {r.rule: r.outcome for r in answer.rules} == {"37/grant": "matched", "37/intervene": "matched"}
    assert "Nothing is unmet" in answer.render()


def test_why_not_an_unknown_paragraph_gives_exit_2_with_a_suggestion(cli: Callable[..., object]) -> None:
    result = cli("explain", HEADLINE, "--why-not", "4(z)")
    assert result.code == 2 and result.out == ""
    assert result.err.startswith("--why-not: no paragraph or rule '4(z)' in resolution 2364 (2017); did you mean")


def test_why_not_an_unknown_subject_gives_exit_2(cli: Callable[..., object]) -> None:
    result = cli("explain", HEADLINE, "--why-not", "4", "--subject", "Nobody At All")
    assert result.code == 2 and result.err.startswith("--subject: unknown actor 'Nobody At All'")


@pytest.fixture
def replay_text(engine: Engine) -> Callable[..., Replayed]:
    import textwrap

    def _replay(text: str) -> Replayed:
        return replay(engine, engine.parse(textwrap.dedent(text), path="inline.yaml"))

    return _replay


def test_why_not_says_the_threat_was_no_longer_imminent_when_a_strike_came_after_its_cover(
        cli: Callable[..., object]) -> None:
    scenario = str(SCENARIOS / "p37-an-intervention-after-the-threat-is-no-longer-imminent-is-not-covered.yaml")
    result = cli("explain", scenario, "--why-not", "37", "--incident", "gao-2018-02")
    assert result.code == 0  # type: ignore[attr-defined]
    assert ("the threat of 1 February 2018 at 05:00 UTC was no longer imminent on 21 February 2018 at 06:00 UTC"
            in result.out)  # type: ignore[attr-defined]


# ---- scenarios with an event log (events_from) -------------------------------------------------------------------

FROM_LOG = str(SCENARIOS / "timbuktu-2018-events-from-a-log.yaml")  # field events in a JSON Lines log


def test_explain_describes_the_log_events_that_engaged_a_finding(engine: Engine) -> None:
    from engine.explain.why import explain

    explanation = explain(replay(engine, FROM_LOG), GRANT)
    described = {c["event_id"]: c["event"] for m in explanation.matches for c in m["conditions"]}
    assert described["tbk-threat"] is not None and described["tbk-request"] is not None  # both in the log
    assert "14 April 2018 at 14:50 UTC" in json.dumps(described["tbk-request"])


def test_explain_reads_from_the_log_only_the_events_a_finding_names(engine: Engine) -> None:
    replayed = replay(engine, FROM_LOG)
    assert set(replayed.events_named({"tbk-request", "q4", "no-such-event"})) == {"tbk-request", "q4"}


def test_why_not_keeps_only_the_events_of_the_types_it_looks_at(engine: Engine,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.explain.whynot import question

    monkeypatch.setattr(question, "MAX_EVENTS_SEARCHED", 9)  # a threat, a request, an intervention and 6 reports
    replayed = replay(engine, FROM_LOG)
    assert replayed.scenario.event_count == 14
    answer = why_not(replayed, "37")
    assert [r.rule for r in answer.rules] == ["37/grant", "37/intervene"]
    assert answer.arose and answer.reasons == []  # the intervention of the log was searched and found


def test_why_not_over_more_events_than_it_searches_is_bad_input_naming_the_limit(
        cli: Callable[..., object], monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.explain.whynot import question

    monkeypatch.setattr(question, "MAX_EVENTS_SEARCHED", 2)
    result = cli("explain", FROM_LOG, "--why-not", "37")
    assert result.code == 2 and result.out == ""  # type: ignore[attr-defined]
    assert "more than 2 events of the types this question looks at" in result.err  # type: ignore[attr-defined]
    assert "MAX_EVENTS_SEARCHED" in result.err  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", ["timbuktu-2018.yaml", "p4-each-criterion-and-unattributed-attacks.yaml",
                                  "p47-deadlines-in-new-york-time.yaml", "timbuktu-2018-events-from-a-log.yaml"])
def test_explain_json_is_written_by_the_fast_json_writer_byte_identical_to_json_dumps_on_bundled_scenarios(
        engine: Engine, spy: Callable[[Any, str, int], list[Any]], name: str) -> None:
    from engine.explain.why import explain
    from engine.outputs import jsontext

    written = spy(jsontext, "dumps", 0)
    replayed = replay(engine, SCENARIOS / name)
    assert replayed.report.findings
    for finding in replayed.report.findings:
        explanation = explain(replayed, finding.id)
        assert explanation.to_json() == json.dumps(explanation.as_dict(), indent=2, ensure_ascii=False) + "\n"
    assert len(written) == len(replayed.report.findings)


@pytest.mark.parametrize(("name", "zone", "ends", "closed"), [
    ("p47-deadlines-in-new-york-time.yaml", "America/New_York", "2017-09-30T04:00:00Z", "fulfilled"),
    ("p47-deadlines-end-at-midnight-utc-or-in-new-york.yaml", "UTC", "2017-09-30T00:00:00Z", "violated")])
def test_explain_says_where_a_duty_s_due_day_ends_in_the_council_s_time_zone_as_the_replay_reckons_it(
        engine: Engine, name: str, zone: str, ends: str, closed: str) -> None:
    from engine.explain.why import explain

    explanation = explain(replay(engine, SCENARIOS / name), "47:2017-09-29")
    finding = explanation.finding
    assert explanation.as_dict()["due_ends"] == {"time_zone": zone, "at": ends}
    assert finding.status == closed and finding.closed is not None
    if closed == "fulfilled":  # the report at 02:00 UTC on 30 September came before the day ended in New York
        assert finding.closed < ends
        assert ("due 29 September 2017 (the day ends in America/New_York: 30 September 2017 at 04:00 UTC)"
                in explanation.render())
    else:  # violated as the day ended at midnight UTC
        assert finding.closed == ends
        assert "due 29 September 2017;" in explanation.render()
