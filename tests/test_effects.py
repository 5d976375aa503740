"""What a match does: engagements read with the verb and force of the clause the rule encodes."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from engine import Engine
from engine.outputs.report import Report
from engine.replay.messages import engagement_sentence


@pytest.mark.parametrize(
    ("verb", "force", "name", "sentence"),
    [
        ("urges", "exhorting", "troop- and police-contributing countries",
         "This engages what the Council urges the troop- and police-contributing countries to do: an exhortation, "
         "which binds no one."),
        ("requests", "binding", "Secretary-General",
         "This engages what the Council requests the Secretary-General to do: a duty."),
        ("further calls upon", "exhorting", "Plateforme",
         "This engages what the Council calls upon Plateforme to do: an exhortation, which binds no one."),
        ("Decides", "binding", "MINUSMA", "This engages what the Council decides for MINUSMA: a duty."),
    ],
)
def test_an_engagement_says_what_the_clause_s_own_verb_asks(verb: str, force: str, name: str,
                                                            sentence: str) -> None:
    assert engagement_sentence(verb, force, name) == sentence


def test_paragraph_28_urges_the_contributing_countries_and_binds_the_secretary_general(
        replay: Callable[..., Report]) -> None:
    report = replay("""
        name: An allegation of misconduct.
        events:
          - {id: a1, at: 2017-08-01, type: misconduct_allegation, involving: MINUSMA}
        """)
    urged = report.by_id("28/accountability:troop-contributing-countries:a1")
    assert urged is not None and "urges the troop- and police-contributing countries" in urged.explanation
    assert "an exhortation, which binds no one" in urged.explanation and "requests" not in urged.explanation


def test_paragraph_35_requests_the_secretary_general_and_calls_upon_member_states(
        replay: Callable[..., Report]) -> None:
    report = replay("""
        name: Supplies held at a border.
        events:
          - {id: held, at: 2017-08-01, type: movement_obstruction, by: Niger, of: supplies, route: to_or_from_mali}
        """)
    request = report.by_id("35/supply:secretary-general:held")
    call = report.by_id("35/member-states:niger:held")
    assert request is not None and "requests the Secretary-General to do: a duty" in request.explanation
    assert call is not None and "calls upon Niger to do: an exhortation" in call.explanation


def test_paragraph_40_calls_upon_the_forces_rather_than_declaring(replay: Callable[..., Report]) -> None:
    report = replay("""
        name: A violation by the Malian forces.
        events:
          - {id: v, at: 2017-08-01, type: human_rights_violation, category: extrajudicial_execution, by: FAMa}
        """)
    finding = report.by_id("40/forces:mdsf:v")
    assert finding is not None and "calls upon the Malian Defence and Security Forces" in finding.explanation
    assert "declares" not in finding.explanation


def test_a_report_says_in_the_json_which_period_it_answered_and_how_late(replay: Callable[..., Report]) -> None:
    text = """
        name: Reports a little and much late.
        until: 2018-03-31
        events:
          - {id: october, at: 2017-10-15, type: report, by: Secretary-General, kind: quarterly}
          - {id: march, at: 2018-03-20, type: report, by: Secretary-General, kind: quarterly}
        """
    findings = {f["id"]: f for f in replay(text).as_dict()["findings"]}
    assert (findings["47:2017-09-29"]["answered_by"], findings["47:2017-09-29"]["days_late"]) == ("october", 16)
    assert findings["47:2017-12-29"]["status"] == "violated" and findings["47:2017-12-29"]["answered_by"] is None
    assert (findings["47:2018-03-29"]["answered_by"], findings["47:2018-03-29"]["days_late"]) == ("march", None)
    widened = {f["id"]: f for f in replay(text, late_report_window={"days": 120}).as_dict()["findings"]}
    assert (widened["47:2017-12-29"]["answered_by"], widened["47:2017-12-29"]["days_late"]) == ("march", 81)


def test_events_outside_the_resolution_s_force_are_notes_never_findings(replay: Callable[..., Report]) -> None:
    report = replay("""
        name: A deployment before the adoption.
        start: 2017-05-01
        until: 2017-07-31
        events:
          - {id: early, at: 2017-05-02, type: deployment, military: 14000}
        """)
    assert report.findings == () or all(f.paragraph != "16" for f in report.findings)
    (note,) = report.as_dict()["notes"]
    assert (note["kind"], note["paragraph"], note["event"]) == ("not_in_force", "16", "early")
    assert "before the resolution was adopted on 29 June 2017" in note["reason"]


def test_a_report_is_late_by_the_days_counted_where_the_duty_s_due_days_end(engine: Engine) -> None:
    """A report sent at 02:00 UTC on 30 October 2017 is still 29 October in New York: 30 days late there (within
    the late-report window, so it answers September's period), 31 at midnight UTC (beyond it)."""
    new_york = engine.run("scenarios/p47-a-report-30-days-late-in-new-york-answers-the-missed-period.yaml")
    utc = engine.run("scenarios/p47-a-report-31-days-late-in-utc-answers-the-period-it-is-filed-in.yaml")
    september = {f["id"]: f for f in new_york.as_dict()["findings"]}["47:2017-09-29"]
    assert (september["answered_by"], september["days_late"]) == ("late-report", 30)
    assert "came on 29 October 2017, 30 days late" in september["explanation"]
    december = {f["id"]: f for f in utc.as_dict()["findings"]}["47:2017-12-29"]
    assert (december["answered_by"], december["days_late"]) == ("late-report", None)
    assert "of 30 October 2017 came more than 30 days after the violated period" in december["explanation"]
