"""The replay: order of same-instant events, deadlines, windows, joins and memory."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from engine import Engine, Report

Replay = Callable[..., Report]

COVERED = """
name: A threat, a request and an intervention at one instant are processed in cause-to-effect order.
events:
  - {id: c-intervention, at: "2018-01-05T10:00Z", type: intervention, by: French forces,
     in_support_of: MINUSMA, incident: i1}
  - {id: b-request, at: "2018-01-05T10:00Z", type: intervention_request, by: Secretary-General,
     to: French forces, incident: i1}
  - {id: a-threat, at: "2018-01-05T10:00Z", type: threat, against: MINUSMA, level: imminent_and_serious,
     incident: i1}
"""


def of(report: Report, paragraph: str) -> list[tuple[str, str]]:
    return [(f.id, f.status) for f in report.findings if f.paragraph == paragraph]


def test_same_instant_events_are_processed_by_type_not_file_order(replay: Replay) -> None:
    assert dict(of(replay(COVERED), "37")) == {
        "37:french-forces:i1": "exercised",
        "37/report:france:2018-03-29": "violated",
    }


def test_the_file_order_of_events_does_not_change_the_output(engine: Engine) -> None:
    lines = COVERED.strip().splitlines()
    header, events = lines[:2], [lines[i:i + 2] for i in range(2, len(lines), 2)]
    outputs = set()
    for seed in range(6):
        random.Random(seed).shuffle(events)
        text = "\n".join(header + [line for pair in events for line in pair]) + "\n"
        outputs.add(engine.run(engine.parse(text)).to_json())
    assert len(outputs) == 1


def test_a_report_at_the_limit_instant_is_already_late(replay: Replay) -> None:
    report = replay("""
        name: A report at midnight after the due date is a second too late.
        until: 2017-10-31
        events:
          - {id: r, at: "2017-09-30T00:00Z", type: report, by: Secretary-General, kind: quarterly}
    """)
    assert ("47:2017-09-29", "violated") in of(report, "47")


def test_an_obligation_whose_due_date_is_after_the_run_stays_active(replay: Replay) -> None:
    report = replay("""
        name: A replay that stops in August leaves the first quarterly report active.
        until: 2017-08-31
        events: []
    """)
    assert of(report, "47") == [("47:2017-09-29", "active")]
    assert report.by_id("47:2017-09-29").closed is None  # type: ignore[union-attr]


def test_a_replay_that_starts_late_skips_periods_already_over(replay: Replay) -> None:
    report = replay("""
        name: A replay of 2018 alone sees only the periods that end in 2018.
        start: 2018-01-01
        events: []
    """)
    assert [i for i, _ in of(report, "47")] == ["47:2018-03-29", "47:2018-06-29"]
    assert of(report, "48") == []


def test_joined_events_further_apart_than_within_do_not_match(replay: Replay) -> None:
    text = """
        name: A request comes {gap} after the threat.
        events:
          - {{id: t, at: "2018-01-01T00:00Z", type: threat, against: MINUSMA, level: imminent_and_serious,
             incident: i}}
          - {{id: r, at: "{at}", type: intervention_request, by: SG, to: French forces, incident: i}}
    """
    assert of(replay(text.format(gap="three days", at="2018-01-04T00:00Z")), "37")
    assert of(replay(text.format(gap="three days and a minute", at="2018-01-04T00:01Z")), "37") == []


def test_an_assumption_override_widens_the_join(replay: Replay) -> None:
    text = """
        name: A request comes a week after the threat.
        events:
          - {id: t, at: 2018-01-01, type: threat, against: MINUSMA, level: imminent_and_serious, incident: i}
          - {id: r, at: 2018-01-08, type: intervention_request, by: SG, to: French forces, incident: i}
    """
    assert of(replay(text), "37") == []
    widened = replay(text, threat_request_window={"days": 7})
    assert of(widened, "37") == [("37:french-forces:i", "lapsed")]
    assert widened.assumptions["threat_request_window"]["overridden"] is True


def test_facts_kept_for_joins_are_retracted_so_memory_follows_open_matters(replay: Replay) -> None:
    events = "\n".join(
        f"  - {{id: t{i}, at: 2017-07-01T00:00Z, type: threat, against: MINUSMA, level: low}}"
        if i == 0 else
        f"  - {{id: t{i}, at: 2017-{7 + i // 60:02d}-{1 + (i % 60) // 3:02d}T{i % 3:02d}:00Z, type: threat, "
        f"against: MINUSMA, level: low}}"
        for i in range(300)
    )
    report = replay("name: Three hundred low-level threats over five months.\nuntil: 2017-12-31\nevents:\n" + events)
    # a threat is kept for the three-day join window only: at most ~3 days' worth are alive at once
    assert report.stats["peak_live_facts"] <= 3 * 3 + 2
    assert report.stats["events"] == 300


def test_a_fact_no_join_needs_is_retracted_at_once(replay: Replay) -> None:
    report = replay("""
        name: A deployment above the ceiling matches a rule that joins nothing.
        events:
          - {at: 2017-07-01, type: deployment, military: 20000}
    """)
    assert report.stats["peak_live_facts"] == 1  # stored, matched, retracted at once
    assert report.stats["live_facts_at_end"] == 1  # the session's opening fact


def test_an_event_that_meets_no_condition_is_not_kept(replay: Replay) -> None:
    report = replay("""
        name: A deployment within the ceilings meets no condition of any rule.
        events:
          - {at: 2017-07-01, type: deployment, military: 1000}
    """)
    assert report.stats["peak_live_facts"] == 0
    assert report.stats["live_facts_at_end"] == 1


def test_what_is_remembered_of_facts_kept_for_joins_goes_with_them(engine: Engine, spy: Any) -> None:
    from engine.replay import runtime

    replays = spy(runtime, "feed", 1)
    days = [date(2017, 7, 1) + timedelta(days=3 * i) for i in range(150)]
    events = "\n".join(f"  - {{id: t{i}, at: {day.isoformat()}T10:00Z, type: threat, against: MINUSMA, "
                       f"level: imminent_and_serious, incident: i{i}}}" for i, day in enumerate(days))
    report = engine.run(engine.parse("name: A threat every three days, each its own incident.\nuntil: 2018-12-31\n"
                                     "events:\n" + events, path="inline.yaml"))
    assert report.stats["events"] == 150
    # the threats still kept, not one per threat ever kept
    assert len(replays[0].latest) <= report.stats["peak_live_facts"] < 150


def test_a_fact_kept_for_joins_is_retracted_before_the_first_event_asserted_after_its_retention_ends(
        replay: Replay, monkeypatch: Any) -> None:
    import json

    from engine.replay.matcher import Session

    calls: list[tuple[str, str]] = []  # (assert or retract, the event type)
    types: dict[str, str] = {}  # live fact id -> its event type
    asserting, retracting = Session.assert_text, Session.retract_id

    def asserted(self: Session, body: str) -> Any:
        result = asserting(self, body)
        kind = json.loads(body + "}")["type"]
        calls.append(("assert", kind))
        if result is not None:
            types[result[0]] = kind
        return result

    def retracted(self: Session, fact_id: str) -> None:
        calls.append(("retract", types.pop(fact_id)))
        retracting(self, fact_id)

    monkeypatch.setattr(Session, "assert_text", asserted)
    monkeypatch.setattr(Session, "retract_id", retracted)
    report = replay("""
        name: A threat against MINUSMA kept 90 days for joins, a support within them and an attack long after.
        until: 2018-06-30
        events:
          - {id: t, at: 2017-07-01, type: threat, against: MINUSMA, level: low, incident: i1}
          - {id: s, at: 2017-07-10, type: support, by: JNIM, incident: i1}
          - {id: a, at: 2018-01-05, type: attack, by: JNIM, target: MINUSMA, incident: i2}
    """)
    assert calls.index(("retract", "threat")) < calls.index(("assert", "attack"))
    assert calls.index(("assert", "support")) < calls.index(("retract", "threat"))
    assert any(set(f.events) == {"t", "s"} for f in report.findings)  # the support joined the threat while kept
    assert report.stats["live_facts_at_end"] == 1  # the session's opening fact: every retention ended by then


def test_the_facts_whose_retention_ended_before_the_replay_ends_are_retracted_by_then(replay: Replay) -> None:
    report = replay("""
        name: Three threats against MINUSMA early in the mandate, and nothing after them for months.
        until: 2018-06-30
        events:
          - {id: t1, at: 2017-07-01, type: threat, against: MINUSMA, level: low, incident: i1}
          - {id: t2, at: 2017-07-02, type: threat, against: MINUSMA, level: low, incident: i2}
          - {id: t3, at: 2017-07-03, type: threat, against: MINUSMA, level: low, incident: i3}
    """)
    assert report.stats["peak_live_facts"] == 3
    assert report.stats["live_facts_at_end"] == 1  # the session's opening fact
