"""Our own invariants, checked by Hypothesis on generated scenarios (strategies from :mod:`engine.testing`).

* determinism: the same scenario gives byte-identical JSON twice, in other processes (other hash seeds), written
  as YAML or JSON, and whatever the order of its events in the file;
* paragraph 37: an authorization only on an imminent and serious threat to MINUSMA and a request of the
  Secretary-General to the French forces for the same incident, within the window, never after 30 June 2018 —
  and always when those are there;
* paragraph 47: exactly one report obligation per period, with the documented due dates, whatever happens;
* paragraph 16: a breach for each of MINUSMA's figures above a ceiling, and for nothing else;
* lifecycle: every finding's state legal, reached along allowed transitions, opened when its cause completed,
  closed at or after it opened, settled once due (the invariants of :func:`engine.testing.check_report`);
* independence: events a paragraph does not look at change none of its findings;
* paragraph 4(d): a supporter is eligible exactly when what it supported would engage 4(a), (b) or (c), threats
  against international presences included ("take actions to threaten MINUSMA and other international presences").

The number of examples follows the Hypothesis profile (tests/conftest.py).
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import Engine, Report
from engine.inputs.scenario import Scenario
from engine.inputs.vocabulary import Event
from engine.replay.schedules import add
from engine.rulepack.rulebook import Duration
from engine.testing import MANDATE_LIMIT, check_report, event_streams, events, findings, instant, run, scenarios

ROOT = Path(__file__).resolve().parent.parent
ENGINE = Engine()
ACTORS = ENGINE.pack.actors
MINUSMA = set(ACTORS.members("minusma"))
INTERNATIONAL = set(ACTORS.members("international-presence"))
UNATTRIBUTED = set(ACTORS.members("unattributed"))
P37_TYPES = ("threat", "intervention_request", "intervention", "report")
P4_TYPES = ("attack", "support", "obstruction", "ceasefire_violation", "threat")
ACTS = ("attack", "support", "obstruction", "ceasefire_violation")
ONE_INCIDENT = ("kidal",)  # every event about one incident: threats meet requests often
TWO_INCIDENTS = ("kidal", "gao")


def parse(data: dict[str, Any], suffix: str = ".json") -> Scenario:
    text = json.dumps(data) if suffix == ".json" else _yaml(data)
    return ENGINE.parse(text, path=f"generated{suffix}")


def _yaml(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def windows() -> st.SearchStrategy[str]:
    return st.sampled_from(("mandate", "outside"))


def assumed(report: Report, name: str) -> Duration:
    return Duration(**report.assumptions[name]["value"])


def within(first: Event, second: Event, window: Duration) -> bool:
    """The engine's `within`: the later event at most ``window`` after the earlier one (calendar arithmetic)."""
    early, late = sorted((first.at, second.at))
    return late <= datetime.combine(add(early.date(), window), early.timetz())


def as_dicts(report: Report, paragraphs: set[str] | None = None) -> list[dict[str, Any]]:
    return [f.as_dict() for f in report.findings if paragraphs is None or f.paragraph in paragraphs]


# ---- determinism ---------------------------------------------------------------------------------------------


@given(scenarios(max_events=15))
def test_replaying_a_scenario_twice_gives_byte_identical_json(data: dict[str, Any]) -> None:
    scenario = parse(data)
    assert ENGINE.run(scenario).to_json() == ENGINE.run(scenario).to_json()


@given(st.data(), windows())
def test_the_file_order_of_events_does_not_change_the_json(data: st.DataObject, window: str) -> None:
    original = data.draw(scenarios(window, max_events=15), label="scenario")
    shuffled = {**original, "events": data.draw(st.permutations(original["events"]), label="file order")}
    assert run(shuffled).to_json() == run(original).to_json()


@given(scenarios("outside", max_events=10))
def test_yaml_and_json_spellings_of_a_scenario_give_the_same_json(data: dict[str, Any]) -> None:
    assert ENGINE.run(parse(data, ".yaml")).to_json() == ENGINE.run(parse(data, ".json")).to_json()


@settings(max_examples=3)
@given(scenarios("outside", min_events=10, max_events=20))
def test_two_processes_with_different_hash_seeds_print_byte_identical_json(data: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "generated.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        outputs = {ENGINE.run(ENGINE.load(path)).to_json().encode()}
        for seed in ("1", "2"):
            done = subprocess.run([sys.executable, "-m", "engine.cli", "run", str(path), "--json"], cwd=ROOT,
                                  capture_output=True, timeout=60, env={**os.environ, "PYTHONHASHSEED": seed})
            assert done.returncode == 0, done.stderr
            outputs.add(done.stdout)
    assert len(outputs) == 1


# ---- paragraph 37 --------------------------------------------------------------------------------------------


def is_grave_threat(event: Event) -> bool:
    return (event.type == "threat" and getattr(event, "level", None) == "imminent_and_serious"
            and getattr(event, "against", None) in MINUSMA and event.incident is not None)


def is_request(event: Event) -> bool:
    return (event.type == "intervention_request" and getattr(event, "by", None) == "secretary-general"
            and getattr(event, "to", None) == "french-forces" and event.incident is not None)


def granting_pairs(scenario: Scenario, window: Duration) -> list[tuple[Event, Event]]:
    """Threat-request pairs that ¶37 says grant the authorization: same incident, within the window, the later
    of the two during the mandate."""
    start = instant(ENGINE.pack.adopted)
    return [(threat, request) for threat, request in itertools.product(scenario.events, repeat=2)
            if is_grave_threat(threat) and is_request(request) and threat.incident == request.incident
            and within(threat, request, window) and start <= max(threat.at, request.at) < MANDATE_LIMIT]


@given(scenarios("outside", types=P37_TYPES, max_events=14, incidents=ONE_INCIDENT))
def test_paragraph_37_authorizes_only_on_a_grave_threat_and_a_request_and_never_after_the_mandate(
        data: dict[str, Any]) -> None:
    scenario = parse(data)
    report = ENGINE.run(scenario)
    granted = {t.incident for t, _ in granting_pairs(scenario, assumed(report, "threat_request_window"))}
    at = {e.id: e.at for e in scenario.events}
    for finding in findings(report, paragraph="37", kind="authorization"):
        assert finding.incident in granted, f"{finding.id} without a grave threat and a request"
        assert instant(finding.opened) < MANDATE_LIMIT
        assert all(at[e] < MANDATE_LIMIT for e in finding.events), f"{finding.id} counts an act after the mandate"
        assert all(instant(step["at"]) < MANDATE_LIMIT for step in finding.history if step["status"] == "exercised")


@given(scenarios("outside", types=P37_TYPES, max_events=14, incidents=ONE_INCIDENT))
def test_a_grave_threat_and_a_request_in_time_always_grant_paragraph_37s_authorization(data: dict[str, Any]) -> None:
    scenario = parse(data)
    report = ENGINE.run(scenario)
    authorized = {f.incident for f in findings(report, paragraph="37", kind="authorization")}
    assert {t.incident for t, _ in granting_pairs(scenario, assumed(report, "threat_request_window"))} <= authorized


@given(scenarios("outside", types=P37_TYPES, max_events=14, incidents=ONE_INCIDENT))
def test_every_french_intervention_for_minusma_after_the_mandate_is_not_covered(data: dict[str, Any]) -> None:
    scenario = parse(data)
    report = ENGINE.run(scenario)
    late = {e.id for e in scenario.events if e.type == "intervention" and e.at >= MANDATE_LIMIT
            and getattr(e, "by", None) == "french-forces" and getattr(e, "in_support_of", None) in MINUSMA}
    not_covered = {e for f in findings(report, paragraph="37", kind="not_covered") for e in f.events}
    assert late <= not_covered


# ---- paragraph 47 --------------------------------------------------------------------------------------------

P47_DUE = ["2017-09-29", "2017-12-29", "2018-03-29", "2018-06-29"]


@given(windows().flatmap(lambda w: scenarios(w, max_events=12) | scenarios(w, types="report", max_events=12)))
def test_every_paragraph_47_period_has_exactly_one_report_obligation_with_its_documented_due_date(
        data: dict[str, Any]) -> None:
    duties = [f for f in run(data).findings if f.rule == "47"]
    assert [f.id for f in duties] == [f"47:{due}" for due in P47_DUE]
    assert [f.due for f in duties] == P47_DUE
    assert all(f.kind == "obligation" and f.paragraph == "47" and f.subject == "secretary-general" for f in duties)


# ---- lifecycle -------------------------------------------------------------------------------------------------


@given(windows().flatmap(lambda w: scenarios(w, max_events=15, assumptions=True)))
def test_every_finding_follows_its_lifecycle_and_opens_when_its_cause_completes(data: dict[str, Any]) -> None:
    scenario = parse(data)
    check_report(ENGINE.run(scenario), scenario)


@given(windows().flatmap(lambda w: scenarios(w, types=P37_TYPES + ACTS, max_events=15)))
def test_every_obligation_ends_the_run_in_exactly_one_state_of_its_lifecycle(data: dict[str, Any]) -> None:
    scenario = parse(data)
    report = ENGINE.run(scenario)
    check_report(report, scenario)
    obligations = findings(report, kind="obligation")
    assert len({f.id for f in obligations}) == len(obligations)
    assert all(f.status in {"active", "fulfilled", "violated", "expired", "discharged"} for f in obligations)


# ---- paragraph 16 --------------------------------------------------------------------------------------------


@given(scenarios(types="deployment", max_events=10))
def test_paragraph_16_finds_a_breach_exactly_for_each_minusma_figure_above_a_ceiling(data: dict[str, Any]) -> None:
    scenario = parse(data)
    military, police = ENGINE.pack.param("military_ceiling"), ENGINE.pack.param("police_ceiling")
    assert isinstance(military, int) and isinstance(police, int)
    above = {(e.id, limit) for e in scenario.events if getattr(e, "by", None) in MINUSMA
             for limit, figure, ceiling in (("military", getattr(e, "military", None), military),
                                            ("police", getattr(e, "police", None), police))
             if figure is not None and figure > ceiling}
    breaches = {(f.events[0], f.rule.split("/")[1]) for f in findings(ENGINE.run(scenario), paragraph="16")}
    assert breaches == above


# ---- independence --------------------------------------------------------------------------------------------


def within_ceilings(event: dict[str, Any]) -> dict[str, Any]:
    military, police = ENGINE.pack.param("military_ceiling"), ENGINE.pack.param("police_ceiling")
    assert isinstance(military, int) and isinstance(police, int)
    capped = {**event, **{k: min(event[k], limit) for k, limit in (("military", military), ("police", police))
                          if k in event}}
    return capped


def extra(stream: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**event, "id": f"x{event['id']}"} for event in stream]


@given(scenarios(max_events=12), event_streams(types="deployment", min_size=1, max_size=4))
def test_deployments_within_the_ceilings_change_no_finding(data: dict[str, Any],
                                                          added: list[dict[str, Any]]) -> None:
    more = {**data, "events": data["events"] + extra([within_ceilings(e) for e in added])}
    assert as_dicts(run(more)) == as_dicts(run(data))


@given(scenarios(max_events=12), event_streams(types="report", min_size=1, max_size=4))
def test_reports_change_no_paragraph_4_or_16_finding_and_no_authorization(data: dict[str, Any],
                                                                          added: list[dict[str, Any]]) -> None:
    before, after = run(data), run({**data, "events": data["events"] + extra(added)})
    assert as_dicts(after, {"4", "16"}) == as_dicts(before, {"4", "16"})
    assert findings(after, kind="authorization") == findings(before, kind="authorization")


@given(scenarios(max_events=12), event_streams(types=ACTS, min_size=1, max_size=4))
def test_attacks_support_obstruction_and_ceasefire_violations_change_no_paragraph_16_37_47_or_48_finding(
        data: dict[str, Any], added: list[dict[str, Any]]) -> None:
    before, after = run(data), run({**data, "events": data["events"] + extra(added)})
    untouched = {"16", "37", "47", "48"}
    assert as_dicts(after, untouched) == as_dicts(before, untouched)


# ---- paragraph 4(d) ------------------------------------------------------------------------------------------


def identified(actor: str | None) -> bool:
    return actor is not None and actor not in UNATTRIBUTED


def part_of_the_victim(actor: str | None, victim: str | None) -> bool:
    """Whether ``actor`` is the act's victim or a part of it: support to the victim, or by it, is not support to
    the act."""
    return actor is not None and victim is not None and (actor == victim or victim in ACTORS.ancestors(actor))


def supports_such_an_act(help: Event, act: Event, window: Duration) -> bool:
    """Whether ``help`` (a support event) supports ``act`` as paragraph 4(d) reads "those who provide support to
    such attacks and actions": the acts are those of 4(a)-(c) (an attack on, or a threat against, an
    international presence; an obstruction; a ceasefire violation), supported by incident (unless the support
    went to the act's victim or was given by it) or by support given to the act's identified author, within the
    support link window."""
    if not within(help, act, window):
        return False
    if act.type == "attack":
        victim = getattr(act, "target", None)
    elif act.type in ("threat", "ceasefire_violation"):
        victim = getattr(act, "against", None)
    elif act.type == "obstruction":
        victim = None
    else:
        return False
    if act.type in ("attack", "threat") and victim not in INTERNATIONAL:
        return False
    same_incident = help.incident is not None and act.incident == help.incident
    to_author = identified(getattr(act, "by", None)) and getattr(help, "to", None) == act.by
    by_incident = same_incident and not part_of_the_victim(getattr(help, "to", None), victim) \
        and not part_of_the_victim(help.by, victim)
    return by_incident or to_author


@given(windows().flatmap(lambda w: scenarios(w, types=P4_TYPES, max_events=16, incidents=TWO_INCIDENTS)))
def test_a_supporter_is_eligible_under_4d_exactly_when_what_it_supported_would_engage_4a_4b_or_4c(
        data: dict[str, Any]) -> None:
    scenario = parse(data)
    report = ENGINE.run(scenario)
    window = assumed(report, "support_link_window")
    supporters = {help.by for help in scenario.events
                  if help.type == "support" and identified(getattr(help, "by", None))
                  and any(supports_such_an_act(help, act, window) for act in scenario.events)}
    eligible = {f.subject for f in findings(report, paragraph="4", kind="eligibility") if f.criterion == "d"}
    assert eligible == supporters


@given(st.data())
def test_a_4d_eligibility_cites_the_support_and_the_act_it_supported(data: st.DataObject) -> None:
    stream = data.draw(event_streams(types=("attack", "support"), min_size=2, max_size=10, incidents=TWO_INCIDENTS),
                       label="events")
    stream.append(data.draw(events("support", window="mandate"), label="one more support") | {"id": "last"})
    scenario = parse({"name": "Attacks and their supporters.", "events": stream})
    report = ENGINE.run(scenario)
    by_id = {e.id: e for e in scenario.events}
    for finding in findings(report, paragraph="4", kind="eligibility"):
        if finding.criterion != "d":
            continue
        for evidence in finding.provenance:
            cited = {c["as"]: by_id[c["event"]] for c in evidence["conditions"]}
            assert cited["help"].by == finding.subject
            assert supports_such_an_act(cited["help"], cited["act"], assumed(report, "support_link_window"))
