"""--why-not of a reporting duty under the late-report rule: a report answers a missed period only while it is at
most late_report_window late, else the period in which it is filed; and only the addressee's report fulfils."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from engine import Engine
from engine.explain.why import replay
from engine.explain.whynot import why_not

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
TOO_LATE = str(SCENARIOS / "p47-a-report-more-than-30-days-late-answers-the-period-it-is-filed-in.yaml")
LATE = str(SCENARIOS / "p47-a-report-at-most-30-days-late-answers-the-missed-period.yaml")
TWO_MISSED = str(SCENARIOS / "p47-a-report-after-two-missed-quarters-answers-the-period-it-is-filed-in.yaml")
WINDOW = {"limit": "30 days", "value": {"days": 30}, "parameter": "late_report_window", "assumption": True,
          "overridden": False}


def nearest(answer: Any, obligation: str, duty: str) -> Any:
    return next(o for o in answer.obligations if o.obligation == obligation).near[duty][0]


def test_why_not_names_the_report_more_than_the_late_window_after_a_missed_period_and_the_period_it_answered(
        engine: Engine) -> None:
    answer = why_not(replay(engine, TOO_LATE), "47")
    near = nearest(answer, "47", "47:2017-09-29")
    assert near.event["id"] == "december-report"
    assert near.reasons == [
        "came 82 days after the due date (29 September 2017), more than the 30 days within which a late report still "
        "answers a missed period (assumption late_report_window; to count reports up to 82 days late: --assume "
        "'late_report_window={\"days\": 82}'); so it answered 47:2017-12-29, the period in which it was filed"]
    assert replay(engine, TOO_LATE).report.by_id("47:2017-12-29").answered_by == "december-report"  # type: ignore[union-attr]


def test_why_not_explains_a_duty_opened_by_events_under_the_same_late_report_rule(engine: Engine) -> None:
    near = nearest(why_not(replay(engine, TOO_LATE), "20(a)(ii)[1]"), "20(a)(ii)[1]", "20(a)(ii)[1]:minusma:2017-09-29")
    assert near.reasons[0].endswith("so it answered 20(a)(ii)[1]:minusma:2017-12-29, the period in which it was filed")
    assert "more than the 30 days" in near.reasons[0]


def test_why_not_json_gives_the_late_window_and_for_each_near_report_its_days_late_and_what_it_answered(
        cli: Callable[..., Any]) -> None:
    result = cli("explain", TOO_LATE, "--why-not", "47", "--json")
    assert result.code == 0, result.err
    obligation = next(o for o in json.loads(result.out)["obligations"] if o["obligation"] == "47")
    assert obligation["late_window"] == WINDOW
    near = obligation["near"]["47:2017-09-29"][0]
    assert (near["event"]["id"], near["answered"], near["days_late"], near["within_late_window"], near["unmet"]) == (
        "december-report", ["47:2017-12-29"], 82, False, [])


def test_why_not_says_a_report_within_the_window_is_the_late_answer_of_the_missed_period(engine: Engine) -> None:
    near = nearest(why_not(replay(engine, LATE), "47"), "47", "47:2017-09-29")
    assert near.reasons == ["came 16 days after the due date (29 September 2017) and is recorded on this duty as late "
                            "(a late report may answer a missed period for 30 days: assumption late_report_window)"]
    assert near.extra["within_late_window"] is True


def test_why_not_follows_a_narrower_late_window_set_on_the_command_line(cli: Callable[..., Any]) -> None:
    result = cli("explain", LATE, "--why-not", "47", "--assume", 'late_report_window={"days": 10}')
    assert result.code == 0, result.err
    assert ("october-report (15 October 2017): came 16 days after the due date (29 September 2017), more than the 10 "
            "days within which a late report still answers a missed period (assumption late_report_window, "
            "overridden; to count reports up to 16 days late: --assume 'late_report_window={\"days\": 16}'); so it "
            "answered 47:2017-12-29, the period in which it was filed") in result.out
    assert "47:2017-12-29 (fulfilled)" in result.out


def test_why_not_says_a_report_beyond_the_window_still_answers_the_missed_period_when_no_later_one_is_open(
        engine: Engine) -> None:
    near = nearest(why_not(replay(engine, LATE), "37"), "37/report", "37/report:france:2017-09-29")
    assert near.event["id"] == "france-report"
    assert near.reasons == ["came 63 days after the due date (29 September 2017) and is recorded on this duty as "
                            "late: more than the 30 days within which a late report answers a missed period "
                            "(assumption late_report_window), but no later period was open for it to answer"]


def test_why_not_says_a_report_within_the_window_of_a_missed_period_went_past_it_when_an_older_one_was_too_old(
        engine: Engine) -> None:
    answer = why_not(replay(engine, TWO_MISSED), "47")
    near = nearest(answer, "47", "47:2017-12-29")
    assert near.reasons == [
        "came 12 days after the due date (29 December 2017); the oldest period not yet answered, 47:2017-09-29, was "
        "then more than 30 days past its due date (assumption late_report_window), so it answered 47:2018-03-29, the "
        "period in which it was filed"]
    assert near.extra["within_late_window"] is True and near.extra["answered"] == ["47:2018-03-29"]


def test_why_not_names_a_report_by_someone_other_than_the_addressee_in_text_and_in_json(engine: Engine) -> None:
    answer = why_not(replay(engine, TWO_MISSED), "47")
    paper = next(n for n in answer.obligations[0].near["47:2017-12-29"] if n.event["id"] == "council-paper")
    assert paper.reasons == ["by the Security Council, not the Secretary-General or the Special Representative of "
                             "the Secretary-General for Mali"]
    assert paper.as_dict()["unmet"] == ["by"] and paper.as_dict()["answered"] == []


REPORTING = ("47", "47(i)", "47(ii)", "47(iii)", "20(a)(ii)[1]", "20(f)(ii)", "36", "37")


@pytest.mark.parametrize("scenario", [
    TOO_LATE, LATE, TWO_MISSED, str(SCENARIOS / "timbuktu-2018-second-report-a-week-late.yaml"),
    str(SCENARIOS / "p20aii-p47-a-report-by-the-security-council-fulfils-nothing.yaml")],
    ids=lambda path: Path(path).stem)
def test_why_not_never_says_a_report_answered_a_duty_the_replay_did_not_record_it_answering(
        engine: Engine, scenario: str) -> None:
    replayed = replay(engine, scenario)
    seen = 0
    for paragraph in REPORTING:
        for obligation in why_not(replayed, paragraph).obligations:
            for nears in obligation.near.values():
                for near in nears:
                    for answered in near.extra["answered"]:
                        finding = replayed.report.by_id(answered)
                        assert finding is not None and finding.answered_by == near.event["id"]
                    for reason in near.reasons:
                        if "it answered " in reason or reason.startswith("answered "):
                            said = reason.split("answered ", 1)[1].split(",")[0].split(" ")[0].rstrip(";")
                            assert said in near.extra["answered"], reason
                            seen += 1
    assert seen > 0


def test_why_not_counts_a_report_s_days_late_where_the_duty_s_due_days_end_as_the_replay_does(
        engine: Engine) -> None:
    new_york = str(SCENARIOS / "p47-a-report-30-days-late-in-new-york-answers-the-missed-period.yaml")
    near = nearest(why_not(replay(engine, new_york), "47"), "47", "47:2017-09-29")
    assert near.event["id"] == "late-report"
    assert (near.extra["days_late"], near.extra["within_late_window"]) == (30, True)
    assert near.reasons[0].startswith("came 30 days after the due date (29 September 2017) and is recorded on this "
                                      "duty as late")
