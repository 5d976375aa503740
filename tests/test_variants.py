"""Variant scenarios: `extends` a base, then `remove`, `shift`, add events and override assumptions."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from engine import Engine, ScenarioError
from engine.inputs.scenario_model import sort_key

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
LOCATED = re.compile(r"^(?P<path>[^\n]+?):(?P<line>\d+): (?P<message>[^\n]+)\n$")

BASE = """\
name: A base with a threat, a request, an intervention and two reports.
events:
  - {id: threat, at: "2018-01-10T08:00Z", type: threat, against: MINUSMA, level: imminent_and_serious, incident: i1}
  - {id: request, at: "2018-01-10T08:30Z", type: intervention_request, by: SG, to: French forces, incident: i1}
  - {id: strike, at: "2018-01-10T09:00Z", type: intervention, by: French forces, in_support_of: MINUSMA,
     incident: i1}
  - {id: q1, at: 2017-09-26, type: report, by: Secretary-General, kind: quarterly}
  - {id: q2, at: 2017-12-20, type: report, by: Secretary-General, kind: quarterly}
"""


@pytest.fixture
def base(write: Callable[..., Path]) -> Path:
    return write("base.yaml", BASE)


def ids(engine: Engine, path: Path) -> list[str]:
    return [e.id or "" for e in engine.load(path).events]


def test_a_variant_without_changes_has_the_base_events_and_its_own_name(engine: Engine, base: Path,
                                                                        write: Callable[..., Path]) -> None:
    variant = engine.load(write("same.yaml", "name: The same events.\nextends: base.yaml\n"))
    assert variant.name == "The same events."
    assert [e.id for e in variant.events] == [e.id for e in engine.load(base).events]
    assert (variant.start, variant.until) == (engine.load(base).start, engine.load(base).until)


def test_remove_drops_events_of_the_base_by_id(engine: Engine, base: Path, write: Callable[..., Path]) -> None:
    path = write("v.yaml", "name: No request.\nextends: base.yaml\nremove: [request]\n")
    assert "request" not in ids(engine, path)
    statuses = {f.id: f.status for f in engine.run(path).findings if f.paragraph == "37"}
    assert statuses == {"37:not-covered:strike": "not_covered"}


def test_shift_moves_events_by_days_or_hours_keeping_their_ids(engine: Engine, base: Path,
                                                              write: Callable[..., Path]) -> None:
    path = write("v.yaml", """\
        name: The second report a fortnight later and the request three hours earlier.
        extends: base.yaml
        shift:
          q2: {days: 14}
          request: {hours: -3}
        """)
    moved = {e.id: e.at.isoformat() for e in engine.load(path).events}
    assert moved["q2"] == "2018-01-03T00:00:00+00:00"
    assert moved["request"] == "2018-01-10T05:30:00+00:00"
    report = engine.run(path)
    assert report.by_id("47:2017-12-29") is not None and report.by_id("47:2017-12-29").status == "violated"


def test_a_variant_adds_events_and_overrides_assumptions_on_top_of_the_base(engine: Engine, base: Path,
                                                                            write: Callable[..., Path]) -> None:
    path = write("v.yaml", """\
        name: Every 90 days, with a third report.
        extends: base.yaml
        assumptions:
          quarterly_interval: {days: 90}
        events:
          - {id: q3, at: 2018-03-20, type: report, by: Secretary-General, kind: quarterly}
        """)
    scenario = engine.load(path)
    assert scenario.assumptions == {"quarterly_interval": {"days": 90}}
    assert "q3" in [e.id for e in scenario.events]
    report = engine.run(scenario)
    assert report.assumptions["quarterly_interval"]["overridden"] is True
    assert {f.id: f.status for f in report.findings if f.rule == "47"}["47:2018-03-26"] == "fulfilled"


def test_chains_of_extends_apply_each_variant_in_turn(engine: Engine, base: Path, write: Callable[..., Path]) -> None:
    write("middle.yaml", "name: Without the request.\nextends: base.yaml\nremove: [request]\n")
    path = write("top.yaml", "name: Without the request and the strike a day later.\nextends: middle.yaml\n"
                             "shift: {strike: {days: 1}}\n")
    scenario = engine.load(path)
    assert [e.id for e in scenario.events] == ["q1", "q2", "threat", "strike"]
    assert scenario.events[-1].at.isoformat() == "2018-01-11T09:00:00+00:00"


def test_a_variant_does_not_inherit_the_bases_expectations(engine: Engine, write: Callable[..., Path]) -> None:
    write("base.yaml", BASE + 'expect:\n  paragraphs: ["48"]\n  findings: []\n')
    assert engine.load(write("v.yaml", "name: Same again.\nextends: base.yaml\n")).expect is None


def test_the_bundled_no_request_variant_leaves_the_intervention_not_covered(engine: Engine) -> None:
    report = engine.run(SCENARIOS / "timbuktu-2018-no-request.yaml")
    assert [(f.id, f.status) for f in report.findings if f.paragraph == "37"] == [
        ("37:not-covered:tbk-intervention", "not_covered")]


BAD = {
    "unknown remove id": ("name: Bad.\nextends: base.yaml\nremove: [request, reqest]\n", 3,
                          "remove: the base scenario base.yaml has no event 'reqest'; did you mean 'request'"),
    "remove listed twice": ("name: Bad.\nextends: base.yaml\nremove:\n  - q1\n  - q1\n", 5, "'q1' is listed twice"),
    "unknown shift id": ("name: Bad.\nextends: base.yaml\nshift:\n  q9: {days: 1}\n", 4,
                         "shift: the base scenario base.yaml has no event 'q9'"),
    "shift of a removed event": ("name: Bad.\nextends: base.yaml\nremove: [q1]\nshift:\n  q1: {days: 1}\n", 5,
                                 "'q1' is removed by `remove`"),
    "shift outside the window": ("name: Bad.\nextends: base.yaml\nshift:\n  q1: {days: -100}\n", 4,
                                 "outside the scenario's window 2017-06-29 to 2018-06-30"),
    "shift with a bad unit": ("name: Bad.\nextends: base.yaml\nshift:\n  q1: {months: 1}\n", 4,
                              "unknown key 'months'"),
    "zero shift": ("name: Bad.\nextends: base.yaml\nshift:\n  q1: {days: 0}\n", 4, "not zero"),
    "id used by the base": ("name: Bad.\nextends: base.yaml\nevents:\n  - {id: q1, at: 2017-10-01, type: report, "
                            "by: SG, kind: other}\n", 4, "event id 'q1' is already used by the base scenario"),
    "missing base": ("name: Bad.\nextends: nowhere.yaml\n", 2, "extends: no such scenario file 'nowhere.yaml'"),
    "remove without extends": ("name: Bad.\nremove: [q1]\n", 2, "say which with `extends: BASE.yaml`"),
    "remove not a list": ("name: Bad.\nextends: base.yaml\nremove: q1\n", 3, "`remove` is a list of event ids"),
    "bad added event": ("name: Bad.\nextends: base.yaml\nevents:\n  - {at: 2017-10-01, type: reprot}\n", 4,
                        "unknown event type 'reprot'"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_variant_gives_exit_2_and_its_own_path_and_line(case: str, base: Path, cli: Callable[..., object],
                                                              write: Callable[..., Path]) -> None:
    text, line, message = BAD[case]
    path = write("variant.yaml", text)
    result = cli("run", str(path))
    assert result.code == 2 and result.out == ""
    match = LOCATED.match(result.err)
    assert match, result.err
    assert (match["path"], int(match["line"])) == (str(path), line), result.err
    assert message in match["message"]


def test_a_cycle_of_extends_is_an_error_located_where_it_closes(cli: Callable[..., object],
                                                                write: Callable[..., Path]) -> None:
    first = write("a.yaml", "name: First.\nextends: b.yaml\n")
    second = write("b.yaml", "name: Second.\n\nextends: a.yaml\n")
    result = cli("check", str(first))
    assert result.code == 2
    assert result.err == f"{second}:3: extends: a cycle of scenarios (a.yaml → b.yaml → a.yaml)\n"


def test_a_scenario_that_extends_itself_is_a_cycle(engine: Engine, write: Callable[..., Path]) -> None:
    path = write("self.yaml", "name: Myself.\nextends: self.yaml\n")
    with pytest.raises(ScenarioError, match=r"a cycle of scenarios \(self.yaml → self.yaml\)"):
        engine.load(path)


def test_an_error_in_the_base_is_located_in_the_base_file(cli: Callable[..., object],
                                                          write: Callable[..., Path]) -> None:
    base = write("base.yaml", BASE.replace("by: SG", "by: Secretary-Generale"))
    result = cli("check", str(write("v.yaml", "name: A variant.\nextends: base.yaml\n")))
    assert result.code == 2 and result.err.startswith(f"{base}:4: ")


FROM_LOG = (SCENARIOS / "timbuktu-2018-events-from-a-log.yaml").as_posix()  # field events in a JSON Lines log


def test_a_variant_keeps_the_event_log_of_its_base(engine: Engine, write: Callable[..., Path]) -> None:
    path = write("v.yaml", f"name: The second report on time.\nextends: {FROM_LOG}\nshift: {{q2: {{days: -2}}}}\n")
    variant = engine.load(path)
    assert variant.event_count == 14 and "tbk-intervention" in {e.id for e in variant.all_events()}
    statuses = {f.id: f.status for f in engine.run(path).findings}
    assert statuses["37:french-forces:tbk-2018-04-14"] == "exercised"  # the log's threat, request and strike
    assert statuses["47:2017-12-29"] == "fulfilled"


def _log_variant(write: Callable[..., Path], changes: str, name: str = "v.yaml") -> Path:
    return write(name, f"name: A variant of the scenario with a log.\nextends: {FROM_LOG}\n{changes}")


@pytest.mark.parametrize(("changes", "line", "says"), [
    ("remove: [q1, tbk-atack]\n", 3, "remove: the base scenario timbuktu-2018-events-from-a-log.yaml has no event "
                                     "'tbk-atack' in the file or its log timbuktu-2018-field-log.jsonl; did you mean "
                                     "'tbk-attack'"),
    ("shift:\n  q1: {days: 1}\n  tbk-thret: {hours: 1}\n", 5, "shift: the base scenario "
                                                             "timbuktu-2018-events-from-a-log.yaml has no event "
                                                             "'tbk-thret' in the file or its log"),
    ("remove: [tbk-attack]\nshift:\n  tbk-attack: {hours: 1}\n", 5, "'tbk-attack' is removed by `remove`"),
    ("shift:\n  tbk-attack: {days: 90}\n", 4, "shift: tbk-attack moved +90 days falls on 2018-07-13T14:35:00+00:00, "
                                               "outside the scenario's window 2017-06-29 to 2018-06-30"),
    ("until: 2018-06-20\nshift:\n  tbk-attack: {days: 70}\n", 5, "shift: tbk-attack moved +70 days falls on "
                                                                "2018-06-23T14:35:00+00:00, outside the scenario's "
                                                                "window 2017-06-29 to 2018-06-20"),
    ("events:\n  - {id: tbk-threat, at: 2018-05-01, type: threat, against: MINUSMA, level: imminent_and_serious}\n",
     4, "event id 'tbk-threat' is already used by the base scenario's event log"),
    ("shift:\n  tbk-threat: {hours: 1}\nevents:\n  - {id: tbk-threat, at: 2018-05-01, type: threat, "
     "against: MINUSMA, level: imminent_and_serious}\n", 6, "event id 'tbk-threat' is already used by the base "
                                                            "scenario's event log"),
    ("start: 2017-08-01\nremove: [q1]\n", 3, "the base's event anefis-clash at 2017-07-11T06:00:00+00:00 (in its log "
                                             "timbuktu-2018-field-log.jsonl) is outside this scenario's window"),
    ("start: 2017-08-01\nshift:\n  anefis-clash: {days: 30}\n", 3, "the base's event anefis-supply at "
                                                                    "2017-07-20T00:00:00+00:00 (in its log"),
    ("events_from: other.jsonl\n", 3, "events_from: the base scenario takes its events from the log"),
])
def test_a_variant_that_would_change_its_base_s_log_wrongly_is_refused_at_its_line(
        engine: Engine, write: Callable[..., Path], changes: str, line: int, says: str) -> None:
    write("other.jsonl", "")
    path = _log_variant(write, changes)
    with pytest.raises(ScenarioError) as caught:
        engine.load(path)
    assert (caught.value.path, caught.value.line) == (str(path), line)
    assert says in caught.value.message


def test_a_log_event_moved_into_a_narrower_window_is_checked_at_its_new_instant(
        engine: Engine, write: Callable[..., Path]) -> None:
    path = _log_variant(write, "start: 2017-07-15\nshift:\n  anefis-clash: {days: 14}\n")
    variant = engine.load(path)
    assert [e.id for e in variant.all_events()][:2] == ["anefis-supply", "anefis-clash"]
    report = engine.run(variant)
    assert (report.start, report.events) == ("2017-07-15", 14)
    assert "3:gatia:anefis-clash" in {f.id for f in report.findings}


def test_a_bad_change_to_the_base_s_log_exits_2_with_one_line_and_nothing_on_stdout(
        cli: Callable[..., Any], write: Callable[..., Path]) -> None:
    path = _log_variant(write, "shift:\n  tbk-attack: {weeks: -52}\n")
    result = cli("run", str(path))
    assert (result.code, result.out) == (2, "")
    assert result.err.startswith(f"{path}:4: shift: tbk-attack moved -52 weeks falls on 2017-04-15") and \
        result.err.count("\n") == 1


def test_removing_an_attack_recorded_in_the_base_s_event_log_removes_its_findings(
        engine: Engine, write: Callable[..., Path]) -> None:
    variant = engine.load(_log_variant(write, "remove: [tbk-attack]\n"))
    assert "tbk-attack" not in {e.id for e in variant.all_events()}
    assert variant.event_count == 13 and variant.events == engine.load(FROM_LOG).events  # the file's, unchanged
    found = {f.id for f in engine.run(variant).findings}
    assert "20(e)/attack:minusma:tbk-attack" not in found and "47(ii):secretary-general:2018-06-29" not in found
    assert "37:french-forces:tbk-2018-04-14" in found  # the threat, request and strike are still read from the log


def test_shifting_a_log_event_moves_it_to_its_new_place_in_processing_order(
        engine: Engine, write: Callable[..., Path]) -> None:
    variant = engine.load(_log_variant(write, "shift:\n  anefis-clash: {days: 200}\n  tbk-request: {hours: 1}\n"))
    events = list(variant.all_events())
    assert events == sorted(events, key=sort_key) and len(events) == 14
    at = {e.id: e.at.isoformat() for e in events}
    assert (at["anefis-clash"], at["tbk-request"]) == ("2018-01-27T06:00:00+00:00", "2018-04-14T15:50:00+00:00")
    order = [e.id for e in events]
    assert order.index("q2") < order.index("anefis-clash") < order.index("strength-feb")
    assert order.index("tbk-intervention") < order.index("tbk-request")
    statuses = {f.id: f.status for f in engine.run(variant).findings}
    assert statuses["37:french-forces:tbk-2018-04-14"] == "lapsed"
    assert statuses["37:not-covered:tbk-intervention"] == "not_covered"


def test_a_log_event_moved_onto_the_instant_of_another_takes_its_place_by_type_order(
        engine: Engine, write: Callable[..., Path]) -> None:
    changes = "shift:\n  tbk-threat: {minutes: 5}\n  tbk-intervention: {minutes: -30}\n"
    variant = engine.load(_log_variant(write, changes))
    day = [(e.at.strftime("%H:%M"), e.id) for e in variant.all_events() if e.at.date().isoformat() == "2018-04-14"]
    assert day == [("14:35", "tbk-threat"), ("14:35", "tbk-attack"), ("14:50", "tbk-request"),
                   ("14:50", "tbk-intervention")]


def test_a_variant_keeps_its_base_s_log_as_a_stream_and_holds_only_the_events_it_moves(
        engine: Engine, write: Callable[..., Path]) -> None:
    from engine.inputs.logedits import EditedLog

    base = engine.load(FROM_LOG)
    variant = engine.load(_log_variant(write, "remove: [tbk-attack]\nshift: {tbk-request: {hours: 1}}\n"))
    assert isinstance(variant.log, EditedLog) and type(variant.log.base) is type(base.log)
    assert variant.log.removed == {"tbk-attack"} and [e.id for e in variant.log.moved] == ["tbk-request"]
    assert [e.id for e in variant.events] == [e.id for e in base.events]


def test_a_removed_log_event_may_be_replaced_by_one_of_the_variant_s_own(
        engine: Engine, write: Callable[..., Path]) -> None:
    path = _log_variant(write, "remove: [tbk-attack]\nevents:\n  - {id: tbk-attack, at: 2018-04-20, type: attack, "
                               "by: unidentified, target: MINUSMA}\n")
    events = [e for e in engine.load(path).all_events() if e.id == "tbk-attack"]
    assert [e.at.isoformat() for e in events] == ["2018-04-20T00:00:00+00:00"]


def test_a_variant_of_a_variant_removes_and_moves_log_events_in_turn(
        engine: Engine, write: Callable[..., Path]) -> None:
    _log_variant(write, "remove: [tbk-attack]\nshift: {strength-feb: {days: 3}}\n", "middle.yaml")
    top = write("top.yaml", "name: And without the supply, the strength a week later still.\nextends: middle.yaml\n"
                            "remove: [anefis-supply]\nshift: {strength-feb: {days: 4}}\n")
    events = list(engine.load(top).all_events())
    assert {e.id for e in events} >= {"tbk-threat", "anefis-clash"} and not {"tbk-attack", "anefis-supply"} & {
        e.id for e in events}
    assert [e.at.isoformat() for e in events if e.id == "strength-feb"] == ["2018-02-08T00:00:00+00:00"]
    assert engine.load(top).event_count == len(events) == 12


def test_diff_between_the_base_and_a_variant_of_its_log_shows_what_changed(
        cli: Callable[..., Any], write: Callable[..., Path]) -> None:
    path = _log_variant(write, "remove: [tbk-attack]\n")
    result = cli("diff", FROM_LOG, str(path), "--json")
    assert result.code == 0, result.err
    diff = json.loads(result.out)
    assert sorted(f["id"] for f in diff["disappeared"]) == ["20(e)/attack:minusma:tbk-attack",
                                                           "47(ii):secretary-general:2018-06-29"]
    assert diff["appeared"] == [] and diff["changed"] == []


# ---- every command sees the variant's changes to its base's log ------------------------------------------------

LOG_VARIANT = SCENARIOS / "timbuktu-2018-from-a-log-without-the-attack-and-the-request-an-hour-late.yaml"


def test_the_picture_of_a_log_variant_draws_the_moved_log_event_at_its_new_instant_and_not_the_removed_one(
        engine: Engine) -> None:
    from datetime import date, datetime

    from engine.outputs.plot import events_in, figure

    scenario = engine.load(LOG_VARIANT)
    drawn = events_in(scenario, datetime(2018, 4, 14), datetime(2018, 4, 15))
    assert [(at.strftime("%H:%M"), event_id) for _, at, event_id in drawn] == [
        ("14:30", "tbk-threat"), ("15:20", "tbk-intervention"), ("15:50", "tbk-request")]
    labels = {t.get_text() for t in figure(engine.run(scenario), scenario, start=date(2018, 4, 14),
                                           end=date(2018, 4, 14)).axes[1].texts}
    assert "tbk-request" in labels and "tbk-attack" not in labels


def test_an_as_of_replay_of_a_log_variant_sees_the_moved_request_only_from_its_new_instant(engine: Engine) -> None:
    from engine.replay.asof import as_of_instant, truncated

    known = [e.id for e in truncated(engine.load(LOG_VARIANT), as_of_instant("2018-04-14T15:30Z")).all_events()]
    assert known[-2:] == ["tbk-threat", "tbk-intervention"] and "tbk-attack" not in known
    base = {f.id: f.status for f in engine.run(FROM_LOG, as_of="2018-04-14T15:30Z").findings}
    variant = {f.id: f.status for f in engine.run(LOG_VARIANT, as_of="2018-04-14T15:30Z").findings}
    assert base["37:french-forces:tbk-2018-04-14"] == "exercised"
    assert "37:french-forces:tbk-2018-04-14" not in variant
    assert variant["37:not-covered:tbk-intervention"] == "not_covered"


def test_explain_and_why_not_over_a_log_variant_cite_the_moved_request_at_its_new_instant(
        cli: Callable[..., Any]) -> None:
    grant = cli("explain", str(LOG_VARIANT), "37:french-forces:tbk-2018-04-14")
    assert grant.code == 0, grant.err
    assert "met by tbk-request: intervention_request on 14 April 2018 at 15:50 UTC" in grant.out
    why_not = cli("explain", str(LOG_VARIANT), "--why-not", "37")
    assert why_not.code == 0, why_not.err
    assert ("the authorization for incident tbk-2018-04-14 was granted only on 14 April 2018 at 15:50 UTC, after the "
            "intervention on 14 April 2018 at 15:20 UTC") in why_not.out


def test_an_exercise_over_a_log_variant_releases_the_moved_log_event_in_its_new_place_and_not_the_removed_one(
        engine: Engine, write: Callable[..., Path]) -> None:
    from engine.exercise import load_exercise

    path = write("drill.yaml", f"name: A drill for the tests.\nscenario: {LOG_VARIANT.as_posix()}\nbriefing: B.\n"
                               "moves:\n  - {name: Before, until: 2018-04-13}\n  - {name: After, until: 2018-06-30}\n")
    exercise = load_exercise(path, engine)
    assert [e.id for e in exercise.injects(2)] == ["tbk-threat", "tbk-intervention", "tbk-request", "q4",
                                                  "france-report"]


def test_a_sweep_over_a_log_variant_varies_the_variant_s_events(engine: Engine,
                                                                 sweep_file: Callable[..., Path]) -> None:
    from engine.api import sweep
    from engine.sweep import SweepError, load_sweep

    path = sweep_file("- remove: {event: tbk-threat, probability: 1}", samples=3, base=LOG_VARIANT)
    assert "tbk-attack" not in {e.id for e in load_sweep(path, engine=engine).base.events}
    result = sweep(path, workers=1)
    assert result.share("37:not-covered:tbk-intervention") == 1.0
    assert result.share("20(e)/attack:minusma:tbk-attack") == 0.0  # removed by the variant, as in its replay
    gone = sweep_file("- remove: {event: tbk-attack, probability: 1}", samples=3, base=LOG_VARIANT, name="gone.yaml")
    with pytest.raises(SweepError, match="tbk-attack"):
        load_sweep(gone, engine=engine)
