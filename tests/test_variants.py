"""Variant scenarios: `extends` a base, then `remove`, `shift`, add events and override assumptions."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from engine import Engine, ScenarioError

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


@pytest.mark.parametrize(("changes", "line", "says"), [
    ("remove: [q1, tbk-request]\n", 3, "remove: 'tbk-request' is an event of the base's log "
                                       "timbuktu-2018-field-log.jsonl; remove and shift change the events listed"),
    ("shift:\n  tbk-attack: {hours: 1}\n", 4, "shift: 'tbk-attack' is an event of the base's log"),
    ("events:\n  - {id: tbk-threat, at: 2018-05-01, type: threat, against: MINUSMA, level: imminent_and_serious}\n",
     4, "event id 'tbk-threat' is already used by the base scenario's event log"),
    ("start: 2017-08-01\nremove: [q1]\n", 3, "the base's event anefis-clash at 2017-07-11T06:00:00+00:00 (in its log "
                                             "timbuktu-2018-field-log.jsonl) is outside this scenario's window"),
    ("events_from: other.jsonl\n", 3, "events_from: the base scenario takes its events from the log"),
])
def test_a_variant_that_would_change_or_clash_with_its_base_s_log_is_refused_at_its_line(
        engine: Engine, write: Callable[..., Path], changes: str, line: int, says: str) -> None:
    write("other.jsonl", "")
    path = write("v.yaml", f"name: A variant of the scenario with a log.\nextends: {FROM_LOG}\n{changes}")
    with pytest.raises(ScenarioError) as caught:
        engine.load(path)
    assert (caught.value.path, caught.value.line) == (str(path), line)
    assert says in caught.value.message
