"""As-of replays: the state as known at an instant, without hindsight."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from engine import Engine, InputError
from engine.replay.asof import as_of_instant

ROOT = Path(__file__).resolve().parent.parent
TIMBUKTU = ROOT / "scenarios" / "timbuktu-2018.yaml"


def _statuses(engine: Engine, as_of: str | None) -> dict[str, str]:
    return {f.id: f.status for f in engine.run(TIMBUKTU, as_of=as_of).findings}


def test_a_duty_due_later_is_still_active_and_an_open_window_still_granted(engine: Engine) -> None:
    after_the_attack = _statuses(engine, "2018-04-14T16:10:00Z")
    assert after_the_attack["37/report:france:2018-06-29"] == "active"
    assert after_the_attack["20(d):minusma:tbk-2018-04-14"] == "granted"
    full = _statuses(engine, None)
    assert (full["37/report:france:2018-06-29"], full["20(d):minusma:tbk-2018-04-14"]) == ("fulfilled", "lapsed")


def test_nothing_opened_after_the_instant_appears(engine: Engine) -> None:
    before = engine.run(TIMBUKTU, as_of="2018-04-14T14:49:59Z")
    assert "37:french-forces:tbk-2018-04-14" not in {f.id for f in before.findings}
    assert all(f.opened <= "2018-04-14T14:49:59Z" for f in before.findings)
    at = _statuses(engine, "2018-04-14T14:50:00Z")
    assert at["37:french-forces:tbk-2018-04-14"] == "granted"


def test_a_date_covers_its_whole_day_and_settles_what_falls_due_as_it_ends(engine: Engine) -> None:
    assert _statuses(engine, "2017-12-29")["47:2017-12-29"] == "violated"
    assert _statuses(engine, "2017-12-29T23:59:00Z")["47:2017-12-29"] == "active"
    assert as_of_instant("2018-06-30").isoformat() == "2018-06-30T23:59:59+00:00"


def test_as_of_the_last_day_of_the_scenario_is_the_full_replay(engine: Engine) -> None:
    assert engine.run(TIMBUKTU, as_of="2018-06-30").findings == engine.run(TIMBUKTU).findings


def test_an_instant_before_the_scenario_sees_nothing_and_a_bad_one_is_bad_input(engine: Engine) -> None:
    assert engine.run(TIMBUKTU, as_of="2016-01-01").findings == ()
    with pytest.raises(InputError, match="--as-of"):
        engine.run(TIMBUKTU, as_of="yesterday")


def test_the_json_says_the_instant_only_for_an_as_of_replay(engine: Engine) -> None:
    assert engine.run(TIMBUKTU, as_of="2018-04-14T16:10Z").as_dict()["as_of"] == "2018-04-14T16:10:00Z"
    assert "as_of" not in engine.run(TIMBUKTU).as_dict()


def test_run_explain_and_diff_take_as_of_on_the_command_line(cli: Callable[..., Any]) -> None:
    run = cli("run", str(TIMBUKTU), "--as-of", "2018-04-14T16:10Z", "--json")
    document = json.loads(run.out)
    assert run.code == 0 and document["as_of"] == "2018-04-14T16:10:00Z"
    assert {f["id"]: f["status"] for f in document["findings"]}["37/report:france:2018-06-29"] == "active"
    explain = cli("explain", str(TIMBUKTU), "37/report:france:2018-06-29", "--as-of", "2018-04-14T16:10Z", "--json")
    assert explain.code == 0 and json.loads(explain.out)["finding"]["status"] == "active"
    diff = cli("diff", str(TIMBUKTU), str(ROOT / "scenarios" / "timbuktu-2018-no-request.yaml"), "--as-of",
               "2018-04-14T14:55Z", "--json")
    assert diff.code == 0 and [d["id"] for d in json.loads(diff.out)["disappeared"]] == [
        "37:french-forces:tbk-2018-04-14"]


def test_a_bad_as_of_on_the_command_line_is_one_line_and_exit_2(cli: Callable[..., Any]) -> None:
    result = cli("run", str(TIMBUKTU), "--as-of", "2018-04-xx")
    assert (result.code, result.out) == (2, "")
    assert result.err.startswith("--as-of: expected an ISO date") and result.err.count("\n") == 1


def test_a_period_that_opens_as_the_day_ends_is_not_known_yet(engine: Engine) -> None:
    on_the_due_date = engine.run(TIMBUKTU, as_of="2017-09-29")
    assert "47:2017-12-29" not in {f.id for f in on_the_due_date.findings}  # it opens at 00:00 on 30 September
    assert "47:2017-12-29" in {f.id for f in engine.run(TIMBUKTU, as_of="2017-09-30").findings}


FROM_LOG = ROOT / "scenarios" / "timbuktu-2018-events-from-a-log.yaml"  # field events in a JSON Lines log


def test_an_as_of_replay_of_a_scenario_with_an_event_log_stops_reading_the_log_at_its_instant(
        engine: Engine) -> None:
    before_the_strike = {f.id: f.status for f in engine.run(FROM_LOG, as_of="2018-04-14T15:00Z").findings}
    assert before_the_strike["37:french-forces:tbk-2018-04-14"] == "granted"  # the log's request is seen
    assert "37/report:france:2018-06-29" not in before_the_strike  # the log's strike is not yet


def test_the_as_of_view_of_a_scenario_holds_the_log_s_events_known_by_then_and_no_later_one(engine: Engine) -> None:
    from engine.replay.asof import truncated

    scenario = engine.load(FROM_LOG)
    view = truncated(scenario, as_of_instant("2018-04-14T15:00Z"))
    known = [e.id for e in view.all_events()]
    assert {"anefis-clash", "tbk-threat", "tbk-request", "q3"} <= set(known)  # the log's and the file's
    assert "tbk-intervention" not in known and "q4" not in known
    assert view.event_count == len(known) < scenario.event_count
    assert [e.id for e in truncated(view, as_of_instant("2019-01-01")).all_events()] == known, "a view stays cut"


def test_explain_as_of_does_not_use_a_log_event_that_comes_later(cli: Callable[..., Any]) -> None:
    result = cli("explain", str(FROM_LOG), "--why-not", "37", "--as-of", "2018-04-14T15:00Z")
    assert result.code == 0, result.err
    assert "tbk-intervention" not in result.out
    assert "no intervention by the French forces in support of MINUSMA (the scenario has no intervention event)" \
        in result.out
    grant = cli("explain", str(FROM_LOG), "37:french-forces:tbk-2018-04-14", "--as-of", "2018-04-14T15:00Z")
    assert grant.code == 0 and "met by tbk-request: intervention_request on 14 April 2018 at 14:50 UTC" in grant.out
